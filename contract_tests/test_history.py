"""The history file remembers each run, and a run is compared with the previous one of its target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract_tests import history


def _record(target: str, date: str, findings: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "date": date,
        "target": target,
        "seed": 1,
        "cases": 10,
        "findings": findings,
        "assumptions": extra.get("assumptions", {}),
        "latency": extra.get("latency", {}),
    }


DRIFT = {"id": "aaaa0001", "class": "drift", "check": "not_a_server_error", "operation": "getConnector", "kind": "x"}
REFUTED = {"id": "bbbb0002", "class": "assumption", "check": "negative_data_rejection", "operation": "a", "kind": "y"}


def test_runs_are_compared_with_the_previous_run_of_the_same_target(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    history.append(path, _record("https://api.us.poly.ai", "night-1", [REFUTED]))
    history.append(path, _record("mock", "night-1", []))

    previous = history.previous_of(history.read(path), "https://api.us.poly.ai")
    changes = history.compare(previous, _record("https://api.us.poly.ai", "night-2", [DRIFT]))

    assert changes.previous == "night-1"
    assert [finding["id"] for finding in changes.new] == ["aaaa0001"]
    assert [finding["id"] for finding in changes.gone] == ["bbbb0002"]
    assert changes.new_drift == [DRIFT]
    assert history.previous_of(history.read(path), "https://api.eu.poly.ai") is None
    assert history.compare(None, _record("x", "night-1", [DRIFT])).new == []


def test_assumption_state_changes_and_slower_operations_are_reported() -> None:
    before = _record(
        "t",
        "night-1",
        [],
        assumptions={"strict-requests": "confirmed", "rate-limit": "not exercised", "plus-in-path": "confirmed"},
        latency={"getConnector": {"p50": 40.0, "p95": 50.0}, "listConnectors": {"p50": 40.0, "p95": 50.0}},
    )
    now = _record(
        "t",
        "night-2",
        [],
        assumptions={"strict-requests": "refuted", "rate-limit": "confirmed", "plus-in-path": "confirmed"},
        latency={"getConnector": {"p50": 90.0, "p95": 101.0}, "listConnectors": {"p50": 60.0, "p95": 100.0}},
    )

    changes = history.compare(before, now)

    assert changes.assumptions == [
        ("strict-requests", "confirmed", "refuted"),
        ("rate-limit", "not exercised", "confirmed"),
    ]
    assert changes.newly_refuted == ["strict-requests"]
    # More than doubled: 101 ms after 50 ms is; exactly 100 ms is not.
    assert changes.slower == [("getConnector", 50.0, 101.0)]
