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
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from schemathesis.core.failures import (
    AcceptedNegativeData,
    CustomFailure,
    Failure,
    ResponseTimeExceeded,
    ServerError,
)
from schemathesis.generation.meta import CoverageScenario
from schemathesis.openapi.checks import (
    AllowHeaderMismatch,
    JsonSchemaError,
    MalformedMediaType,
    MissingHeaderNotRejected,
    MissingHeaders,
    RejectedPositiveData,
    UndefinedContentType,
    UndefinedStatusCode,
    UnsupportedMethodResponse,
)

CORRELATION_HEADER = "x-polyai-correlation-id"
MAX_BODY_CHARS = 600

# The JSON-Schema keyword each negative coverage scenario breaks on purpose.
SCENARIO_KEYWORDS = {
    CoverageScenario.VALUE_ABOVE_MAXIMUM: "maximum",
    CoverageScenario.VALUE_BELOW_MINIMUM: "minimum",
    CoverageScenario.STRING_ABOVE_MAX_LENGTH: "maxLength",
    CoverageScenario.STRING_BELOW_MIN_LENGTH: "minLength",
    CoverageScenario.ARRAY_ABOVE_MAX_ITEMS: "maxItems",
    CoverageScenario.ARRAY_BELOW_MIN_ITEMS: "minItems",
    CoverageScenario.OBJECT_ABOVE_MAX_PROPERTIES: "maxProperties",
    CoverageScenario.OBJECT_BELOW_MIN_PROPERTIES: "minProperties",
    CoverageScenario.OBJECT_UNEXPECTED_PROPERTIES: "additionalProperties",
    CoverageScenario.OBJECT_MISSING_REQUIRED_PROPERTY: "required",
    CoverageScenario.OBJECT_INVALID_PROPERTY_NAME: "propertyNames",
    CoverageScenario.INCORRECT_TYPE: "type",
    CoverageScenario.INVALID_ENUM_VALUE: "enum",
    CoverageScenario.INVALID_FORMAT: "format",
    CoverageScenario.INVALID_PATTERN: "pattern",
    CoverageScenario.NOT_MULTIPLE_OF: "multipleOf",
    CoverageScenario.NON_UNIQUE_ITEMS: "uniqueItems",
    CoverageScenario.MISSING_PARAMETER: "required",
}


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


def violations_of(case: Any) -> tuple[Violation, ...]:
    """The rules a negative case broke on purpose, from the metadata Schemathesis attaches to it."""
    meta = getattr(case, "meta", None)
    if meta is None:
        return ()
    data = meta.phase.data
    found: list[Violation] = []
    scenario = getattr(data, "scenario", None)
    if scenario in SCENARIO_KEYWORDS:
        location = data.parameter_location.value if data.parameter_location is not None else "body"
        found.append(Violation(SCENARIO_KEYWORDS[scenario], location or "body", _coverage_path(data)))
    for mutation in getattr(data, "mutations", ()) or ():
        location = mutation.parameter_location.value or "body"
        path = tuple(mutation.path) if location == "body" else (mutation.parameter or "",)
        for keyword in mutation.keywords:
            found.append(Violation(keyword, location, path))
    return tuple(dict.fromkeys(found))


def _coverage_path(data: Any) -> tuple[str | int, ...]:
    if data.parameter_location is not None and data.parameter_location.value != "body":
        return (data.parameter,) if data.parameter else ()
    # The coverage phase gives a pointer into the schema (`/properties/phoneNumbers/items/minLength`);
    # what identifies the place is the property names along it.
    parts = [part for part in (data.location or "").strip("/").split("/") if part]
    return tuple(name for keyword, name in itertools.pairwise(parts) if keyword == "properties")


# Built-in failure classes, and the public fields that say what went wrong in stable terms.
_BUILT_IN_KINDS: list[tuple[type[Failure], Callable[[Any], str]]] = [
    (UndefinedStatusCode, lambda failure: f"undocumented status {failure.status_code}"),
    (ServerError, lambda failure: f"server error {failure.status_code}"),
    (RejectedPositiveData, lambda failure: f"valid request rejected with {failure.status_code}"),
    (JsonSchemaError, lambda failure: "schema " + "/".join(map(str, failure.schema_path))),
    (MissingHeaders, lambda failure: "missing header " + ",".join(sorted(failure.missing_headers))),
    (MalformedMediaType, lambda failure: f"malformed media type {failure.actual}"),
    (UndefinedContentType, lambda failure: f"undocumented content type {failure.content_type}"),
    (MissingHeaderNotRejected, lambda failure: f"missing {failure.header_name} not rejected"),
    (UnsupportedMethodResponse, lambda failure: f"unsupported method: {failure.failure_reason}"),
    (
        AllowHeaderMismatch,
        lambda failure: (
            f"Allow header missing {sorted(failure.missing_methods)} "
            f"undocumented {sorted(failure.undocumented_methods)}"
        ),
    ),
    (ResponseTimeExceeded, lambda failure: "response time limit exceeded"),
]
# Numbers, quoted values and E.164 numbers vary from case to case; a message's wording does not.
_VOLATILE = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\+?\b\d[\d.:-]*\b")


def kind_of(failure: Failure, violations: tuple[Violation, ...] = ()) -> str:
    """The stable phrase that says what this failure is, whichever check raised it."""
    named = _named_kind(failure)
    if named is not None:
        return named
    if isinstance(failure, AcceptedNegativeData):
        broken = ", ".join(sorted({f"{violation.keyword} at {violation.location}" for violation in violations}))
        return f"accepted with {failure.status_code}: {broken or 'invalid input'}"
    for cls, describe in _BUILT_IN_KINDS:
        if isinstance(failure, cls):
            return describe(failure)
    if isinstance(failure, CustomFailure):
        # A check that raised a bare AssertionError: its first line, with the values masked.
        first = (failure.message or failure.title).strip().splitlines()[0] if failure.message else failure.title
        return _VOLATILE.sub("…", first)
    return type(failure).__name__


def _named_kind(failure: Failure) -> str | None:
    for candidate in (failure, getattr(failure, "exception", None)):
        kind = getattr(candidate, "kind", None)
        if isinstance(kind, str) and kind:
            return kind
    return None


def nodes_of(failure: Failure, response: Any) -> tuple[Node, ...]:
    """The contract nodes a built-in schema or header failure is about; () for any other failure.

    A header's schema failure does not name its header: it is the declared header whose value
    is the failing instance.
    """
    if isinstance(failure, MissingHeaders):
        return tuple(
            Node("response", "header", "required", name.lower(), pointer="/required")
            for name in failure.missing_headers
        )
    if not isinstance(failure, JsonSchemaError) or not failure.schema_path:
        return ()
    keyword = str(failure.schema_path[-1])
    if failure.title != "Response header does not conform to the schema":
        return (Node("response", "body", keyword, instance_path=tuple(failure.instance_path)),)
    headers = response.headers if response is not None else {}
    names = [name for name, values in headers.items() if values and values[0] == str(failure.instance)]
    inner = "".join(f"/{part}" for part in failure.schema_path)
    return tuple(Node("response", "header", keyword, name.lower(), pointer="/schema" + inner) for name in names)


def is_toolkit(failure: Failure) -> bool:
    """The failure is about a check's own follow-up read, not the operation under test."""
    return any(
        getattr(candidate, "toolkit", False) is True for candidate in (failure, getattr(failure, "exception", None))
    )
