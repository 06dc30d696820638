"""Open, or comment on, the one GitHub issue that tracks news from the nightly real-target run.

    python scripts/nightly_issue.py --reports reports

Reads the newest real-target figures (`conformance-real-*.json`) and their summary, and the newest
fidelity figures (`fidelity-*.json`, from `make fidelity`). When the run saw another account's
data (tenancy: every night it is seen, new or not, baseline or not), found new drift or newly
refuted an assumption, compared with the previous night, or the mock's fidelity score dropped, it
comments on the open issue titled TITLE, or opens it, tenancy first; otherwise it does nothing.
`gh` authenticates with GH_TOKEN (the workflow's own token). The text posted is the summary,
already redacted by the run, with every value of the secret-bearing variables in
SECRET_VARIABLES redacted once more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TITLE = "Nightly conformance: drift or refuted assumptions"
SECRET_VARIABLES = ("POLYAI_API_KEY", "GH_TOKEN", "GITHUB_TOKEN")
# GitHub refuses an issue body over 65,536 characters; the full report is in the run's artifact.
MAX_BODY = 60_000


def newest(reports: Path, pattern: str) -> Path | None:
    """The newest report named like `pattern` (names carry the run's UTC stamp), or None."""
    return max(reports.glob(pattern), default=None)


def news(figures: dict[str, Any]) -> list[str]:
    """What makes tonight worth a notification, one line each; empty when nothing is."""
    changes = figures.get("changes") or {}
    # Another account's data in an answer pages someone every night it is seen.
    lines = [
        f"TENANCY: `{item['check']}` on `{item['operation']}`: {item['kind']}"
        for item in figures.get("findings", [])
        if item.get("class") == "tenancy"
    ]
    lines += [
        f"new drift: `{item['check']}` on `{item['operation']}`: {item['kind']}"
        for item in changes.get("new", [])
        if item["class"] == "drift"
    ]
    lines += [f"newly refuted assumption: `{name}`" for name in changes.get("newly_refuted", [])]
    return lines


def _percent(score: float) -> str:
    return f"{score * 100:.1f} %"


def fidelity_news(figures: dict[str, Any]) -> list[str]:
    """A drop in the mock's fidelity score since the previous run, one line each; empty otherwise."""
    changes = figures.get("changes") or {}
    if not changes.get("dropped"):
        return []
    before, now = changes.get("score_before"), changes.get("score")
    lines = []
    if before is not None and now is not None and now < before:
        lines.append(f"fidelity of the mock fell from {_percent(before)} to {_percent(now)}")
    lines += [
        f"fidelity of `{item['operation']}` fell from {_percent(item['before'])} to {_percent(item['now'])}"
        for item in changes.get("operations_dropped", [])
    ]
    return lines


def body(figures: dict[str, Any], summary: str, environ: dict[str, str], extra: tuple[str, ...] = ()) -> str:
    run_url = ""
    if environ.get("GITHUB_RUN_ID"):
        server = environ.get("GITHUB_SERVER_URL", "https://github.com")
        run_url = f"{server}/{environ.get('GITHUB_REPOSITORY', '')}/actions/runs/{environ['GITHUB_RUN_ID']}"
    lines = [*news(figures), *extra]
    head = [f"Night of {figures['date']} against `{figures['target']}`:", "", *(f"- {line}" for line in lines)]
    if run_url:
        head += ["", f"Reports (Markdown, HTML, JUnit, JSON): {run_url}"]
    text = "\n".join(head) + "\n\n---\n\n" + summary
    if len(text) > MAX_BODY:
        text = text[:MAX_BODY] + "\n\n… (cut; the whole summary is in the run's artifact)\n"
    for name in SECRET_VARIABLES:
        if environ.get(name):
            text = text.replace(environ[name], "[REDACTED]")
    return text


def gh(*args: str) -> str:
    return subprocess.run(["gh", *args], check=True, capture_output=True, text=True).stdout


def open_issue() -> int | None:
    listed = json.loads(gh("issue", "list", "--state", "open", "--search", TITLE, "--json", "number,title"))
    return next((issue["number"] for issue in listed if issue["title"] == TITLE), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, default=Path("reports"))
    args = parser.parse_args(argv)
    path = newest(args.reports, "conformance-real-*.json")
    if path is None:
        print(f"no real-target figures in {args.reports}; nothing to report")
        return 0
    figures = json.loads(path.read_text(encoding="utf-8"))
    fidelity_path = newest(args.reports, "fidelity-*.json")
    fidelity = json.loads(fidelity_path.read_text(encoding="utf-8")) if fidelity_path is not None else {}
    drop = fidelity_news(fidelity)
    if not news(figures) and not drop:
        print("no new drift, no newly refuted assumption and no drop in fidelity; no issue activity")
        return 0
    summary = path.with_suffix(".md").read_text(encoding="utf-8")
    if drop and fidelity_path is not None:
        summary = fidelity_path.with_suffix(".md").read_text(encoding="utf-8") + "\n---\n\n" + summary
    with tempfile.NamedTemporaryFile("w", suffix=".md", encoding="utf-8", delete=False) as file:
        file.write(body(figures, summary, dict(os.environ), tuple(drop)))
    number = open_issue()
    if number is None:
        print(gh("issue", "create", "--title", TITLE, "--body-file", file.name).strip())
    else:
        print(gh("issue", "comment", str(number), "--body-file", file.name).strip())
    os.unlink(file.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
