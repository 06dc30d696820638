"""BENCHMARKS.md from the results file, through BENCHMARKS.md.jinja: every figure comes from a run."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

# Every goal the report judges a figure against, in one place.
GOALS = {
    "prism": 3.0,  # get one, the mock's throughput over Prism's
    "ceiling": 0.80,  # get one, the mock's throughput over a bare app's on the same stack
    "body_prism": 2.0,  # list and batch get (bodies of many numbers) over Prism's
    "under_lists_p99_ms": 20.0,  # a get of one number while lists of 100,000 go out
    "workers": 1.7,  # two workers' throughput over one's
    "sdk_ratio": 1.10,  # `PolyAI` on get one, over raw httpx
    "kit_fixture_ms": 5.0,  # the kit's fixtures per test
    "kit_get_ratio": 0.5,  # a get in-process over the same get over loopback HTTP
    "fidelity_seconds": 120.0,  # `make fidelity` on a deep night's recording
}
STACKS = {
    "mock": "uvicorn with httptools and uvloop (as the mock ships)",
    "mock_h11": "uvicorn with h11 and asyncio (the fallback without wheels)",
    "mock_granian": "granian (ASGI, uvloop)",
}


def header(*columns: str) -> str:
    """A Markdown table's head; a column named with a trailing ':' is right-aligned (shown without it)."""
    names = " | ".join(column.removesuffix(":") for column in columns)
    return f"| {names} |\n|" + "".join("---:|" if column.endswith(":") else "---|" for column in columns)


def ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def spread(ratios: Sequence[float], percent: bool) -> str:
    """The range and median of per-round ratios."""
    shown = "{:.0%}" if percent else "{:.2f}x"
    low, middle, high = (shown.format(value) for value in (min(ratios), statistics.median(ratios), max(ratios)))
    return f"{low} to {high} (median {middle})"


def render(results: dict[str, Any]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    environment.filters.update(
        rps=lambda value: f"{value:,.0f}",
        ms=ms,
        pct=lambda value: f"{value:.0%}",
        x=lambda value: f"{value:.2f}x",
        met=lambda ok: "met" if ok else "**not met**",
        within=lambda ok: "within" if ok else "over",
    )
    environment.globals.update(header=header, spread=spread, goals=GOALS, stacks=STACKS, zip=zip, max=max)
    return environment.get_template("BENCHMARKS.md.jinja").render(**results)
