"""The real service's accepted failures, keyed on what a finding means (check, operation, kind).

Schemathesis's own baseline keys a custom check's failure on the file and line that raised it,
so any edit of the checks would bring every accepted failure back as new. Entries here carry the
identity of `contract_tests.findings.Finding` and an `expires` date, after which the failure
counts as new again so that accepted drift is looked at again.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from contract_tests.findings import Finding, Identified

FORMAT = "contract-tests-baseline/1"


@dataclass(frozen=True)
class Entry(Identified):
    check: str
    operation: str
    kind: str
    expires: str  # YYYY-MM-DD
    accepted: str  # YYYY-MM-DD

    def is_expired(self, today: datetime.date) -> bool:
        return datetime.date.fromisoformat(self.expires) < today


@dataclass
class Baseline:
    entries: list[Entry]

    @classmethod
    def load(cls, path: Path) -> Baseline:
        if not path.exists():
            return cls([])
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError(f"{path}: expected a baseline in format {FORMAT!r}, got {document.get('format')!r}")
        return cls([Entry(**{name: item[name] for name in Entry.__dataclass_fields__}) for item in document["entries"]])

    def save(self, path: Path) -> None:
        entries = [{"id": entry.id, **asdict(entry)} for entry in sorted(self.entries, key=lambda e: e.identity)]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"format": FORMAT, "entries": entries}, indent=2) + "\n", encoding="utf-8")

    def match(self, finding: Finding, today: datetime.date | None = None) -> Entry | None:
        """The unexpired entry that accepts this finding, or None when it is new."""
        today = today or datetime.date.today()
        for entry in self.entries:
            if entry.identity == finding.identity and not entry.is_expired(today):
                return entry
        return None

    def expired(self, today: datetime.date | None = None) -> list[Entry]:
        today = today or datetime.date.today()
        return [entry for entry in self.entries if entry.is_expired(today)]

    def accept(self, findings: Iterable[Finding], *, days: int, today: datetime.date | None = None) -> list[Entry]:
        """Accept each finding not already accepted for `days` days; returns the entries added."""
        today = today or datetime.date.today()
        expires = (today + datetime.timedelta(days=days)).isoformat()
        live = {entry.identity for entry in self.entries if not entry.is_expired(today)}
        added = []
        for finding in findings:
            if finding.identity in live:
                continue
            # An expired entry for the same finding is replaced, not kept beside the new one.
            self.entries = [entry for entry in self.entries if entry.identity != finding.identity]
            entry = Entry(*finding.identity, expires=expires, accepted=today.isoformat())
            self.entries.append(entry)
            live.add(entry.identity)
            added.append(entry)
        return added
