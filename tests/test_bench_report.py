"""BENCHMARKS.md is rendered from the figures of a run: the tables, the goals' verdicts, the parts left out."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENT = {
    "cpu": "Test CPU",
    "cores": 2,
    "memory_gib": 8.0,
    "os": "Debian GNU/Linux 12 (bookworm)",
    "kernel": "6.1",
    "python": "3.11.7",
    "stack": {"uvicorn": "0.54.0", "h11": "0.16.0"},
    "wrk": "wrk 4.1.0",
    "node": "v20.20.2",
    "prism": "5.16.0",
    "load_average": [1.5, 1.0, 0.5],
    "date": "2026-12-07 04:00 UTC",
    "warmup_s": 2,
}


@pytest.fixture
def report(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # The benchmarks run as `python -m scripts.bench` from the repository's root.
    monkeypatch.syspath_prepend(str(ROOT))
    return importlib.import_module("scripts.bench.report")


def fidelity(compare_seconds: float) -> dict[str, Any]:
    return {
        "date": "2026-12-07 04:10 UTC",
        "load_average": 2.0,
        "exchanges": 30_000,
        "megabytes": 31.8,
        "replay_seconds": 8.0,
        "replay_per_second": 3750,
        "compare_seconds": compare_seconds,
        "compare_per_second": round(30_000 / compare_seconds),
    }


def test_a_column_named_with_a_colon_is_right_aligned(report: ModuleType) -> None:
    assert report.header("operation", "req/s:") == "| operation | req/s |\n|---|---:|"


def test_a_spread_gives_the_range_and_the_median(report: ModuleType) -> None:
    assert report.spread([0.5, 0.9, 0.7], percent=True) == "50% to 90% (median 70%)"
    assert report.spread([6.0, 7.0, 6.5], percent=False) == "6.00x to 7.00x (median 6.50x)"


def test_a_part_renders_its_table_and_judges_its_goal(report: ModuleType) -> None:
    text = report.render({"environment": ENVIRONMENT, "fidelity": fidelity(10.25)})
    assert "| cores | 2 |" in text
    assert "| server stacks | uvicorn 0.54.0, h11 0.16.0 |" in text
    row = "| the whole comparison: read the HAR, seed, replay, compare every pair, group the findings | 10.2 | 2,927 |"
    assert row in text
    assert "under 120 s for about 30,000 exchanges: 10.2 s, met. Comparing costs 28% on top of the replay" in text


def test_a_goal_missed_is_said_in_bold(report: ModuleType) -> None:
    text = report.render({"environment": ENVIRONMENT, "fidelity": fidelity(130.0)})
    assert "130.0 s, **not met**" in text


def test_parts_not_in_the_results_are_left_out(report: ModuleType) -> None:
    text = report.render({"environment": ENVIRONMENT, "fidelity": fidelity(10.0)})
    for heading in ("## The mock against Prism", "## Where the mock's time goes", "## Scale", "## The test kit"):
        assert heading not in text
    assert text.rstrip().endswith("six times over).")
