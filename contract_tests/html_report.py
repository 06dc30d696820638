"""The summary as a self-contained HTML page, readable in a browser without GitHub.

markdown-it-py renders the same Markdown the summary file holds (CommonMark plus tables), with
raw HTML switched off so that a response body quoted in a finding can never become markup.
"""

from __future__ import annotations

import html
from pathlib import Path

from markdown_it import MarkdownIt

_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
pre { background: #f4f4f4; padding: .75rem; overflow-x: auto; }
code { font: 13px ui-monospace, monospace; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .25rem; margin-top: 2rem; }
.verdict { font-size: 1.5rem; font-weight: 700; padding: .75rem 1rem; border-radius: .4rem; border: 2px solid; }
.verdict-pass { color: #0f5323; background: #dafbe1; border-color: #1a7f37; }
.verdict-fail { color: #82071e; background: #ffebe9; border-color: #cf222e; }
.verdict-incomplete { color: #6b4700; background: #fff8c5; border-color: #9a6700; }
"""
# The verdict's first word, and how the page shows it: PASS green, FAIL red, INCOMPLETE amber.
_VERDICT_SIGNS = {"PASS": "✓", "FAIL": "✗", "INCOMPLETE": "⚠"}


def render(markdown: str, *, title: str, verdict: str | None = None, target: str | None = None) -> str:
    """The page; with a verdict, it opens with a banner coloured by it that names the target."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    banner = ""
    if verdict is not None:
        word = verdict.split()[0].upper()
        sign = _VERDICT_SIGNS.get(word, "")
        against = f" against {html.escape(target)}" if target else ""
        banner = (
            f'<p class="verdict verdict-{html.escape(word.lower())}" role="status">'
            f"{sign} {html.escape(verdict)}{against}</p>\n"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{banner}{body}</body>\n</html>\n"
    )


def write_html(path: Path, markdown: str, *, title: str, verdict: str | None = None, target: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(markdown, title=title, verdict=verdict, target=target), encoding="utf-8")
    return path
