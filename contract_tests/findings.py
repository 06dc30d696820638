"""What a conformance finding is, and the identity that makes two findings the same one.

A finding is identified by what it means: the check, the operationId, and a kind that the failure
states in stable terms. Nothing about where the check's code raised it (file, line) takes part,
so editing the checks never turns a known failure into a new one. The contract's own checks name
their kind (a `kind` attribute on the failure they raise); for Schemathesis's built-in checks the
kind is read from the failure's public fields (status code, schema keyword path, header name),
never from message text that carries generated values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CORRELATION_HEADER = "x-polyai-correlation-id"
MAX_BODY_CHARS = 600


@dataclass(frozen=True)
class Violation:
    """A rule a negative case broke on purpose: the keyword, the request part, the path inside it."""

    keyword: str
    location: str  # body, query, path, header
    path: tuple[str | int, ...] = ()

    def __str__(self) -> str:
        where = "/".join(str(part) for part in self.path)
        return f"{self.keyword} at {self.location}{'/' + where if where else ''}"


@dataclass(frozen=True)
class Node:
    """The node of the contract a failure is about: a keyword in one part of the answer.

    For a body, `instance_path` is where the failing value sits in the answer (`found/0`), which
    the attribution turns into the keyword's pointer in the contract's schema; for a header,
    `pointer` is already the keyword's place on that header (`/required`, `/schema/minLength`).
    """

    part: str  # response or request
    location: str  # body or header
    keyword: str
    name: str = ""  # the header's name, lower case
    instance_path: tuple[str | int, ...] = ()
    pointer: str | None = None

    def __str__(self) -> str:
        where = self.name or "/".join(map(str, self.instance_path)) or "root"
        return f"{self.keyword} on the {self.part} {self.location} ({where})"


@dataclass(frozen=True)
class Evidence:
    """What PolyAI support asks for: the status, the answer (trimmed) and the correlation id."""

    status: int | None
    body: str
    correlation_id: str | None

    @classmethod
    def of(cls, response: Any) -> Evidence | None:
        if response is None:
            return None
        values = response.headers.get(CORRELATION_HEADER) or []
        text = response.content.decode("utf-8", "replace")
        if len(text) > MAX_BODY_CHARS:
            text = text[:MAX_BODY_CHARS] + f"… ({len(text)} characters)"
        return cls(response.status_code, text, values[0] if values else None)


def identity_id(identity: Iterable[str]) -> str:
    return hashlib.sha256("\0".join(identity).encode()).hexdigest()[:8]


class Identified:
    """What a finding means, never where it was raised: (check, operationId, kind), and its short id."""

    check: str
    operation: str
    kind: str

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.check, self.operation, self.kind)

    @property
    def id(self) -> str:
        return identity_id(self.identity)


@dataclass
class Finding(Identified):
    """One distinct failure, identified by (check, operation, kind)."""

    check: str
    operation: str  # the operationId
    kind: str
    title: str
    message: str
    curl: str = ""
    evidence: Evidence | None = None
    # The check's own follow-up read failed: the toolkit could not judge the operation under test.
    toolkit: bool = False
    violations: tuple[Violation, ...] = ()
    known: str | None = None  # the id of the baseline entry that accepts it
    failure: Any = field(default=None, repr=False, compare=False)
    # The nodes of the contract the failure is about, when a built-in check's failure says which.
    nodes: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Exchange:
    """One request the run sent and what came back, for the ledger and the latency figures."""

    operation: str
    status: int | None
    elapsed: float
    from_guard: bool
    violations: tuple[Violation, ...] = ()
    error_code: str | None = None
    # The assumption a check sent this request to test (a probe of its own), if it is one.
    probe: str | None = None
