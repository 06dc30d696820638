"""The one module that reaches into Schemathesis beyond its public API, and reads what its failures mean.

Schemathesis offers no public way to empty its process-wide generation caches, to switch off the
engine's network probes for an in-process app, or to act at the end of each stateful scenario;
the runner asks this module for each. Its failures and its cases' metadata are Schemathesis's own
classes: they are read here, into the toolkit's own terms (findings.py), and nowhere else.
test_schemathesis_seams.py pins every internal used here, so that an upgrade that moves one fails
by name; test_one_boundary.py fails if another module imports one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from schemathesis.core.failures import (
    AcceptedNegativeData,
    CustomFailure,
    Failure,
    ResponseTimeExceeded,
    ServerError,
)
from schemathesis.engine.run import probes
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
from schemathesis.specs.openapi import _caches

from contract_tests import findings
from contract_tests.check_recorder import CheckRecorder
from contract_tests.findings import Node, Violation


def clear_generation_caches() -> None:
    """Empty the generation caches Schemathesis keeps for the whole process, so that a run inside a
    pytest session generates exactly what the same run in a fresh process does."""
    _caches.clear_all()


@contextmanager
def engine_probes_off() -> Iterator[None]:
    """The engine's probes go over the network to the base URL even when the run calls an app
    in-process; there the base URL only labels curl lines, so nothing may be sent to it."""
    saved = probes.PROBES
    probes.PROBES = ()  # type: ignore[assignment]
    try:
        yield
    finally:
        probes.PROBES = saved


# The attribute of a run's schema that holds its checks' recorder.
_RECORDER = "conformance_check_recorder"


def attach_recorder(schema: Any, recorder: CheckRecorder) -> None:
    """Hand `recorder` to every check of the run on `schema`: they find it from the case they judge."""
    setattr(schema, _RECORDER, recorder)


def recorder_of(case: Any) -> CheckRecorder:
    """The recorder of the run this case belongs to; a check called outside a run gets one of its own schema's."""
    schema = case.operation.schema
    recorder = getattr(schema, _RECORDER, None)
    if not isinstance(recorder, CheckRecorder):
        recorder = CheckRecorder()
        attach_recorder(schema, recorder)
    return recorder


def reset_after_each_scenario(schema: Any, reset: Callable[[], None]) -> None:
    """Call `reset` at the end of each stateful scenario.

    The engine builds its state machine from the schema; `teardown` is the machine's public
    end-of-scenario step and the engine's own subclass chains up to it. Schemathesis offers no
    hook at the end of a stateful scenario; test_schemathesis_seams.py fails by name if the
    engine stops building its machine through this method.
    """
    build = schema.build_state_machine

    def build_state_machine(**kwargs: Any) -> Any:
        machine = build(**kwargs)

        class FromSeedState(machine):  # type: ignore[misc, valid-type]
            def teardown(self) -> None:
                super().teardown()
                reset()

        return FromSeedState

    schema.build_state_machine = build_state_machine


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


# Built-in failure classes, and the kind each public field set says in stable terms.
_BUILT_IN_KINDS: list[tuple[type[Failure], Callable[[Any, dict[str, Any]], findings.Kind]]] = [
    (UndefinedStatusCode, lambda failure, said: findings.UndocumentedStatus(failure.status_code, **said)),
    (ServerError, lambda failure, said: findings.ServerError(failure.status_code, **said)),
    (RejectedPositiveData, lambda failure, said: findings.ValidRequestRejected(failure.status_code, **said)),
    (JsonSchemaError, lambda failure, said: findings.SchemaMismatch(tuple(failure.schema_path), **said)),
    (MissingHeaders, lambda failure, said: findings.MissingHeaders(tuple(failure.missing_headers), **said)),
    (MalformedMediaType, lambda failure, said: findings.MalformedMediaType(failure.actual, **said)),
    (UndefinedContentType, lambda failure, said: findings.UndocumentedContentType(failure.content_type, **said)),
    (MissingHeaderNotRejected, lambda failure, said: findings.MissingHeaderNotRejected(failure.header_name, **said)),
    (UnsupportedMethodResponse, lambda failure, said: findings.UnsupportedMethodAnswer(failure.failure_reason, **said)),
    (
        AllowHeaderMismatch,
        lambda failure, said: findings.AllowHeaderMismatch(
            tuple(failure.missing_methods), tuple(failure.undocumented_methods), **said
        ),
    ),
    (ResponseTimeExceeded, lambda failure, said: findings.SlowAnswer(**said)),
]
# Numbers, quoted values and E.164 numbers vary from case to case; a message's wording does not.
_VOLATILE = re.compile(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\+?\b\d[\d.:-]*\b")


def failure_kind(failure: Failure, violations: tuple[Violation, ...] = ()) -> findings.Kind:
    """What this failure is, in the toolkit's own terms, whichever check raised it."""
    said: dict[str, Any] = {name: _stated(failure, name) for name in ("basis", "assumption")}
    named = _stated(failure, "kind")
    if named is not None:
        about = tuple(getattr(failure, "about", ()))
        return _declared_finding(failure)(named, about=about, **said)
    if isinstance(failure, AcceptedNegativeData):
        broken = sorted({f"{violation.keyword} at {violation.location}" for violation in violations})
        return findings.InvalidRequestAccepted(failure.status_code, tuple(broken), **said)
    for cls, kind in _BUILT_IN_KINDS:
        if isinstance(failure, cls):
            return kind(failure, said)
    if isinstance(failure, CustomFailure):
        # A check that raised a bare AssertionError: its first line, with the values masked.
        first = (failure.message or failure.title).strip().splitlines()[0] if failure.message else failure.title
        return findings.CheckAssertion(_VOLATILE.sub("…", first), **said)
    return findings.Unrecognised(type(failure).__name__, **said)


def _declared_finding(failure: Failure) -> type[findings.PublishedRule]:
    """The kind of finding a contract check's failure declares (`finding`): what its expectation rests on."""
    for candidate in (failure, getattr(failure, "exception", None)):
        declared = getattr(candidate, "finding", None)
        if isinstance(declared, type) and issubclass(declared, findings.PublishedRule):
            return declared
    return findings.PublishedRule


def _stated(failure: Failure, name: str) -> str | None:
    """What the failure, or the exception a check raised, states as `name` (a check's own words)."""
    for candidate in (failure, getattr(failure, "exception", None)):
        value = getattr(candidate, name, None)
        if value is not None:
            return value if isinstance(value, str) and value else None
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
