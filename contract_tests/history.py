"""A run's memory across nights: one JSON line per run, and what changed since the last one.

Each record holds the date, target, seed, cases, the findings by class with their identities,
the assumption ledger's states and the target's per-operation latency. The comparison is always
with the previous record of the same target (a mock run never hides a change of the service).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# An operation whose p95 grew by more than this factor is reported as slower.
SLOWER = 2.0


@dataclass
class Changes:
    previous: str | None  # the date of the record compared with; None for a target's first run
    new: list[dict[str, str]] = field(default_factory=list)
    gone: list[dict[str, str]] = field(default_factory=list)
    assumptions: list[tuple[str, str, str]] = field(default_factory=list)  # (id, before, now)
    slower: list[tuple[str, float, float]] = field(default_factory=list)  # (operation, p95 before, now)

    @property
    def new_drift(self) -> list[dict[str, str]]:
        return [finding for finding in self.new if finding["class"] == "drift"]

    @property
    def newly_refuted(self) -> list[str]:
        return [assumption for assumption, before, now in self.assumptions if now == "refuted" and before != now]

    def as_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "new": self.new,
            "gone": self.gone,
            "assumptions": [{"id": i, "before": before, "now": now} for i, before, now in self.assumptions],
            "slower": [{"operation": o, "p95_before_ms": before, "p95_ms": now} for o, before, now in self.slower],
            "new_drift": len(self.new_drift),
            "newly_refuted": self.newly_refuted,
        }


def read(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def previous_of(records: list[dict[str, Any]], target: str) -> dict[str, Any] | None:
    return next((record for record in reversed(records) if record["target"] == target), None)


def append(path: Path, record: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(json.dumps(record, sort_keys=True) + "\n")


def compare(before: Mapping[str, Any] | None, now: Mapping[str, Any]) -> Changes:
    if before is None:
        return Changes(previous=None)
    old = {finding["id"]: finding for finding in before["findings"]}
    current = {finding["id"]: finding for finding in now["findings"]}
    changes = Changes(previous=str(before["date"]))
    changes.new = [finding for key, finding in current.items() if key not in old]
    changes.gone = [finding for key, finding in old.items() if key not in current]
    for assumption, state in now["assumptions"].items():
        earlier = before.get("assumptions", {}).get(assumption)
        if earlier is not None and earlier != state:
            changes.assumptions.append((assumption, earlier, state))
    for operation, figures in now["latency"].items():
        earlier = before.get("latency", {}).get(operation)
        if earlier and earlier["p95"] > 0 and figures["p95"] > SLOWER * earlier["p95"]:
            changes.slower.append((operation, earlier["p95"], figures["p95"]))
    return changes
