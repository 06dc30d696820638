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
"""


def render(markdown: str, *, title: str) -> str:
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def write_html(path: Path, markdown: str, *, title: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(markdown, title=title), encoding="utf-8")
    return path
