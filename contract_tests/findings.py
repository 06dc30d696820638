"""What a conformance finding is, and the identity that makes two findings the same one.

A finding is identified by what it means: the check, the operationId, and its kind of failure,
one typed class each with a stable code (ST1xx Schemathesis's built-in checks, ST9xx the
contract's own checks and the run's), whose text is the kind in the identity. Nothing about where
the check's code raised it (file, line) takes part, so editing the checks never turns a known
failure into a new one. The contract's own checks name their kind (a `kind` attribute on the
failure they raise); for the built-in checks it is read from the failure's public fields (status
code, schema keyword path, header name), never from message text that carries generated values.
schemathesis_boundary.py does that reading; this module knows nothing of Schemathesis.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from telephony_contract import CORRELATION_HEADER

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
        values = response.headers.get(CORRELATION_HEADER.lower()) or []
        text = response.content.decode("utf-8", "replace")
        if len(text) > MAX_BODY_CHARS:
            text = text[:MAX_BODY_CHARS] + f"… ({len(text)} characters)"
        return cls(response.status_code, text, values[0] if values else None)


# ---------------------------------------------------------------------------------------------
# What a finding is: one class per kind of failure, each with a stable code. Its text (str) is
# the kind in the finding's identity, so it never carries a value that varies from case to case.


@dataclass(frozen=True)
class Kind:
    """A kind of failure, in the toolkit's own terms.

    `basis` and `assumption` are what the check that raised it says its expectation rests on
    (published, assumption, tenancy, toolkit; an assumption's id), when it says.
    """

    code: ClassVar[str] = "ST000"
    # The text, from the kind's own fields: `{status}`, `{phrase}`.
    template: ClassVar[str] = ""
    basis: str | None = field(default=None, kw_only=True)
    assumption: str | None = field(default=None, kw_only=True)

    def __str__(self) -> str:
        return self.template.format_map(vars(self))


# The contract's own checks name their kind; the class says what their expectation rests on.


@dataclass(frozen=True)
class PublishedRule(Kind):
    """The service contradicts what PolyAI publishes; `about`: the answer's fields it names, if any."""

    code: ClassVar[str] = "ST901"
    template: ClassVar[str] = "{phrase}"
    phrase: str
    about: tuple[str, ...] = field(default=(), kw_only=True)


@dataclass(frozen=True)
class AssumedRule(PublishedRule):
    """The service contradicts one of the contract's assumptions, named."""

    code: ClassVar[str] = "ST902"


@dataclass(frozen=True)
class OtherAccountsData(PublishedRule):
    """An answer showed another account's data."""

    code: ClassVar[str] = "ST903"


@dataclass(frozen=True)
class FollowUpRead(PublishedRule):
    """A check's own follow-up read kept failing: the suite could not judge the operation."""

    code: ClassVar[str] = "ST904"


@dataclass(frozen=True)
class CheckAssertion(PublishedRule):
    """A check failed with a bare assertion: its first line, with the values masked."""

    code: ClassVar[str] = "ST905"


# Schemathesis's built-in checks, each from the public fields of its failure.


@dataclass(frozen=True)
class UndocumentedStatus(Kind):
    code: ClassVar[str] = "ST101"
    template: ClassVar[str] = "undocumented status {status}"
    status: int


@dataclass(frozen=True)
class ServerError(Kind):
    code: ClassVar[str] = "ST102"
    template: ClassVar[str] = "server error {status}"
    status: int


@dataclass(frozen=True)
class ValidRequestRejected(Kind):
    code: ClassVar[str] = "ST103"
    template: ClassVar[str] = "valid request rejected with {status}"
    status: int


@dataclass(frozen=True)
class SchemaMismatch(Kind):
    code: ClassVar[str] = "ST104"
    schema_path: tuple[str | int, ...]

    def __str__(self) -> str:
        return "schema " + "/".join(map(str, self.schema_path))


@dataclass(frozen=True)
class MissingHeaders(Kind):
    code: ClassVar[str] = "ST105"
    names: tuple[str, ...]

    def __str__(self) -> str:
        return "missing header " + ",".join(sorted(self.names))


@dataclass(frozen=True)
class MalformedMediaType(Kind):
    code: ClassVar[str] = "ST106"
    template: ClassVar[str] = "malformed media type {media_type}"
    media_type: str


@dataclass(frozen=True)
class UndocumentedContentType(Kind):
    code: ClassVar[str] = "ST107"
    template: ClassVar[str] = "undocumented content type {content_type}"
    content_type: str


@dataclass(frozen=True)
class MissingHeaderNotRejected(Kind):
    code: ClassVar[str] = "ST108"
    template: ClassVar[str] = "missing {header} not rejected"
    header: str


@dataclass(frozen=True)
class UnsupportedMethodAnswer(Kind):
    code: ClassVar[str] = "ST109"
    template: ClassVar[str] = "unsupported method: {reason}"
    reason: str


@dataclass(frozen=True)
class AllowHeaderMismatch(Kind):
    code: ClassVar[str] = "ST110"
    missing: tuple[str, ...]
    undocumented: tuple[str, ...]

    def __str__(self) -> str:
        return f"Allow header missing {sorted(self.missing)} undocumented {sorted(self.undocumented)}"


@dataclass(frozen=True)
class SlowAnswer(Kind):
    code: ClassVar[str] = "ST111"
    template: ClassVar[str] = "response time limit exceeded"


@dataclass(frozen=True)
class InvalidRequestAccepted(Kind):
    """A request that broke the contract on purpose was accepted; which rules it broke, not its values."""

    code: ClassVar[str] = "ST112"
    status: int
    broken: tuple[str, ...]  # "minLength at body", sorted

    def __str__(self) -> str:
        return f"accepted with {self.status}: {', '.join(self.broken) or 'invalid input'}"


@dataclass(frozen=True)
class Unrecognised(Kind):
    """A failure of a class the boundary does not know: its class's name."""

    code: ClassVar[str] = "ST199"
    template: ClassVar[str] = "{name}"
    name: str


# The run's own: it could not judge everything it meant to.


@dataclass(frozen=True)
class RunCutShort(Kind):
    code: ClassVar[str] = "ST951"
    template: ClassVar[str] = "run cut short"


@dataclass(frozen=True)
class NoAnswerToJudge(Kind):
    code: ClassVar[str] = "ST952"
    template: ClassVar[str] = "no answer to judge after retries"


@dataclass(frozen=True)
class RetryBudgetSpent(Kind):
    code: ClassVar[str] = "ST953"
    template: ClassVar[str] = "retry budget spent"


def identity_id(identity: Iterable[str]) -> str:
    return hashlib.sha256("\0".join(identity).encode()).hexdigest()[:8]


class Identified:
    """What a finding means, never where it was raised: (check, operationId, kind), and its short id."""

    check: str
    operation: str
    if TYPE_CHECKING:  # a field of the baseline's entries, a finding's typed failure as text

        @property
        def kind(self) -> str: ...

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.check, self.operation, self.kind)

    @property
    def id(self) -> str:
        return identity_id(self.identity)


@dataclass
class Finding(Identified):
    """One distinct failure, identified by (check, operation, kind): the phrase its typed failure states."""

    check: str
    operation: str  # the operationId
    failure: Kind
    title: str
    message: str
    curl: str = ""
    evidence: Evidence | None = None
    # The check's own follow-up read failed: the toolkit could not judge the operation under test.
    toolkit: bool = False
    violations: tuple[Violation, ...] = ()
    known: str | None = None  # the id of the baseline entry that accepts it
    # The nodes of the contract the failure is about, when a built-in check's failure says which.
    nodes: tuple[Node, ...] = ()

    @property
    def kind(self) -> str:
        return str(self.failure)


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
