"""Schemathesis extensions for the telephony contract: E.164 generation and the contract's invariants.

Loaded the same way by every entry point: `schemathesis.toml` names this module under `hooks`
(equivalent to `SCHEMATHESIS_HOOKS=contract_tests.hooks`), and `conftest.py` imports it, so
`schemathesis run openapi.yaml`, `make conformance` and pytest run exactly these checks.

Each check is named for the invariant it guards, declares once (with `@invariant`) which
operations and answers it judges and the broken mocks that prove it (`proven_by`, written just
above it; `registry()` reads the declarations), and yields a `Problem` of a named kind for each thing it
finds wrong; the first problem's kind names the `ContractViolation` it raises. Checks that need
the service's state after a write read it back with follow-up reads sent through the same
transport, key and agent as the request under test, retried as the generated client retries a
read; a follow-up read that still fails is reported as the toolkit's problem with that read,
never as a violation by the operation under test.
"""

from __future__ import annotations

import functools
import json
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, unquote

import anyio
import httpx
import schemathesis
import tenacity
from polyai_telephony import RetryPolicy
from schemathesis import CheckContext, HookContext, Response
from schemathesis.core import NOT_SET
from schemathesis.core.failures import Failure, FailureGroup, Severity
from schemathesis.generation.case import Case
from schemathesis.openapi.checks import UseAfterFree

from contract_tests import attribution, findings, kinds
from contract_tests.broken_mocks import Exchange, Handler, Mutation, call, on_success
from contract_tests.fictional_ranges import fictional_numbers
from contract_tests.guard import GUARD_HEADER
from contract_tests.registry import Declared, Registry
from contract_tests.schemathesis_boundary import recorder_of
from telephony_contract import CORRELATION_HEADER, load_catalogue, load_document, resolve
from telephony_mock import ApiError, Call, load_config

# Positive cases draw numbers from the fictional ranges: valid requests are then accepted rather
# than rejected as malformed, and nothing generated can name a real subscriber.
schemathesis.openapi.format("e164", fictional_numbers())

# Follow-up reads per response are capped: a 1000-number batch must not cost 1000 requests.
MAX_SINGLE_READS = 3
# Follow-up reads are retried exactly as the generated client retries a read.
FOLLOW_UP_RETRY = RetryPolicy()
FOLLOW_UP_READ_FAILED = "follow-up read failed"
# The header the contract's one security scheme sends the key in.
API_KEY_HEADER = load_catalogue().api_key_header


# ---------------------------------------------------------------------------------------------
# What a check reports


class ContractViolation(Failure):
    """A custom check's finding that the service contradicts what PolyAI publishes (drift).

    Its identity is `(check, operation, kind)`: the check's name, the operationId it concerns
    and a short phrase the check names, so it survives any edit of the check's code that keeps
    its meaning. Its class says what the expectation rests on, each with a stable code:
    `ContractViolation` (published), `AssumptionRefuted` (an assumption, named),
    `TenancyBreach` (another account's data) and `FollowUpReadProblem` (the toolkit's own read).
    """

    # The toolkit's kind of finding this failure becomes, whose code it carries.
    finding: ClassVar[type[findings.PublishedRule]] = findings.PublishedRule
    code: ClassVar[str] = finding.code
    kind_title: ClassVar[str] = "Contract invariant violated"
    basis: ClassVar[str] = "published"

    __slots__ = ("about", "assumption", "check", "kind", "toolkit")

    def __init__(
        self,
        *,
        check: str,
        operation: str,
        kind: str,
        message: str,
        toolkit: bool = False,
        assumption: str | None = None,
        about: tuple[str, ...] = (),
        case_id: str | None = None,
    ) -> None:
        title = f"{check}: {kind}" + (" (the suite's own follow-up read; not the operation's fault)" if toolkit else "")
        severity = Severity.LOW if toolkit else Severity.HIGH
        super().__init__(operation=operation, title=title, message=message, case_id=case_id, severity=severity)
        self.check = check
        self.kind = kind
        self.toolkit = toolkit
        # The contract's assumption the expectation rests on (an `x-assumptions` id or an
        # operationId whose `x-assumption` says it), when it rests on one rather than on what
        # PolyAI publishes: the report then names it as refuted instead of calling it drift.
        self.assumption = assumption
        # The answer's fields the problems are about, for the attribution to tell a code apart.
        self.about = about

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.finding.code

    @property
    def _unique_key(self) -> str:
        return f"{self.check}|{self.kind}"


class AssumptionRefuted(ContractViolation):
    """The expectation the service contradicted is one of the contract's assumptions, named."""

    finding = findings.AssumedRule
    kind_title: ClassVar[str] = "Contract assumption refuted"
    basis: ClassVar[str] = "assumption"


class TenancyBreach(ContractViolation):
    """An answer showed another account's data."""

    finding = findings.OtherAccountsData
    kind_title: ClassVar[str] = "Another account's data in an answer"
    basis: ClassVar[str] = "tenancy"


class FollowUpReadProblem(ContractViolation):
    """A check's own follow-up read kept failing: the suite could not judge the operation."""

    finding = findings.FollowUpRead
    kind_title: ClassVar[str] = "The suite's follow-up read failed"
    basis: ClassVar[str] = "toolkit"


PUBLISHED, TENANCY = "published", "tenancy"


@dataclass(frozen=True)
class Problem:
    """One thing a check found wrong, and what its expectation rests on.

    `assumption` names the contract's assumption it rests on (see ContractViolation.assumption);
    `tenancy` marks another account's data; `about`, the answer's field it is about, when one is.
    A check whose expectation mixes published and assumed facts yields a problem for each, so that
    each is classed on its own.
    """

    kind: str
    detail: str
    assumption: str | None = None
    tenancy: bool = False
    about: str | None = None

    @property
    def basis(self) -> str:
        return TENANCY if self.tenancy else self.assumption or PUBLISHED


def violation_of(check: str, operation: str, problems: list[Problem], case_id: str | None) -> ContractViolation:
    """The typed failure for problems that share one basis."""
    first = problems[0]
    cls: type[ContractViolation] = (
        TenancyBreach if first.tenancy else AssumptionRefuted if first.assumption else ContractViolation
    )
    return cls(
        check=check,
        operation=operation,
        kind=first.kind,
        message="\n".join(problem.detail for problem in problems),
        assumption=first.assumption,
        about=tuple(problem.about for problem in problems if problem.about),
        case_id=case_id,
    )


class FollowUpReadFailed(Exception):
    """A follow-up read kept answering a transient or server error after every retry."""

    def __init__(self, operation_id: str, status: int, body: str) -> None:
        super().__init__(f"{operation_id} answered {status} after {FOLLOW_UP_RETRY.attempts} attempts: {body[:300]}")
        self.operation_id = operation_id
        self.status = status


# ---------------------------------------------------------------------------------------------
# Reading cases and responses


def _operation_id(case: Case[Any]) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


def _header(response: Response | httpx.Response, name: str) -> str | None:
    if isinstance(response, httpx.Response):
        return str(response.headers[name]) if name in response.headers else None
    for key, values in response.headers.items():
        if key.lower() == name.lower() and values:
            return values[0]
    return None


def _body(response: Response | httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _path_value(case: Case[Any], name: str) -> str:
    # Values a link or a response supplied arrive percent-encoded (`%2B44...`).
    return unquote(str(case.path_parameters.get(name, ""))) if case.path_parameters else ""


def _request_body(case: Case[Any]) -> dict[str, Any]:
    return case.body if isinstance(case.body, dict) else {}


def _from_guard(response: Response | httpx.Response) -> bool:
    return _header(response, GUARD_HEADER) is not None


def _error_code(response: Response | httpx.Response) -> str | None:
    body = _body(response)
    return body.get("error_code") if isinstance(body, dict) else None


# ---------------------------------------------------------------------------------------------
# Preconditions, declared once per check


def succeeded(status: int) -> bool:
    return 200 <= status < 300


def failed(status: int) -> bool:
    return status >= 400


CheckBody = Callable[["Judged"], Iterable[Problem]]


@dataclass(frozen=True)
class Judged:
    """What a check judges: the request, its answer, and a reader of the state after it."""

    ctx: CheckContext
    response: Response
    case: Case[Any]
    operation_id: str

    @property
    def body(self) -> Any:
        return _body(self.response)

    @property
    def request(self) -> dict[str, Any]:
        return _request_body(self.case)

    def reader(self) -> Reader:
        return Reader(self.ctx, self.case)


def invariant(
    *operations: str, answers: Callable[[int], bool] = succeeded, proven_by: Iterable[Mutation] = ()
) -> Callable[[CheckBody], Callable[[CheckContext, Response, Case[Any]], bool | None]]:
    """Register a check that judges only `operations` (all when none are named) and only `answers`,
    and the broken mocks it must catch.

    An answer the safety guard gave in the service's place is never judged.
    """

    def register(body: CheckBody) -> Callable[[CheckContext, Response, Case[Any]], bool | None]:
        name = body.__name__

        def check(ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
            operation_id = _operation_id(case)
            if (operations and operation_id not in operations) or not answers(response.status_code):
                return True
            if _from_guard(response) or _lacks_published_fields(operation_id, response):
                return True
            _judge(name, body, Judged(ctx, response, case, operation_id))
            return None

        check.__name__ = name
        check.__qualname__ = name
        check.__doc__ = body.__doc__
        check.declared = Declared(frozenset(operations), tuple(proven_by))  # type: ignore[attr-defined]
        return schemathesis.check(check)

    return register


_PUBLISHED_FIELDS = {
    operation.operation_id: (operation.success_status, kinds.required_fields(load_catalogue(), operation))
    for operation in load_catalogue().values()
}


def _lacks_published_fields(operation_id: str, response: Response) -> bool:
    """Whether a success answer lacks a field its schema publishes as required.

    Such an answer is the schema check's to report; an invariant reading it would only fail on
    the missing field and hide that finding behind an error.
    """
    status, fields = _PUBLISHED_FIELDS.get(operation_id, (None, []))
    if response.status_code != status or not fields:
        return False
    body = _body(response)
    return not isinstance(body, dict) or any(field not in body for field in fields)


def _judge(name: str, body: CheckBody, judged: Judged) -> None:
    try:
        problems = list(body(judged))
    except FollowUpReadFailed as failure:
        raise FollowUpReadProblem(
            check=name,
            operation=failure.operation_id,
            kind=FOLLOW_UP_READ_FAILED,
            message=f"While checking {judged.operation_id}: {failure}",
            toolkit=True,
            case_id=judged.case.id,
        ) from None
    by_basis: dict[str, list[Problem]] = {}
    for problem in problems:
        by_basis.setdefault(problem.basis, []).append(problem)
    failures = [violation_of(name, judged.operation_id, grouped, judged.case.id) for grouped in by_basis.values()]
    if len(failures) == 1:
        raise failures[0]
    if failures:
        # Published and assumed expectations broken at once: one finding each, classed on its own.
        raise FailureGroup(failures)


# ---------------------------------------------------------------------------------------------
# Follow-up reads


def _transient(answer: Response | httpx.Response) -> bool:
    return answer.status_code in FOLLOW_UP_RETRY.statuses


def _last(state: tenacity.RetryCallState) -> Any:
    assert state.outcome is not None
    return state.outcome.result()


def _wait(state: tenacity.RetryCallState) -> float:
    answer = _last(state)
    if not isinstance(answer, httpx.Response):
        headers = [(name, value) for name, values in answer.headers.items() for value in values]
        answer = httpx.Response(answer.status_code, headers=headers)
    return FOLLOW_UP_RETRY.wait_before(state.attempt_number, answer)


def _retried(operation_id: str, send: Callable[[], Any]) -> Any:
    """`send`'s answer, re-sent on 429/502/503/504 as the generated client retries a read.

    `FollowUpReadFailed` if it still answers one: the suite could not judge. Behind the guard,
    every request already went through the run's one retry policy: an answer the guard gave up on
    is final, and retrying it here would spend a second budget.
    """
    answer = tenacity.Retrying(
        retry=tenacity.retry_if_result(lambda answer: _transient(answer) and not _from_guard(answer)),
        wait=_wait,
        stop=tenacity.stop_after_attempt(FOLLOW_UP_RETRY.attempts)
        | tenacity.stop_before_delay(FOLLOW_UP_RETRY.total_timeout),
        retry_error_callback=_last,
        sleep=FOLLOW_UP_RETRY.sleep,
    )(send)
    if _transient(answer):
        raise FollowUpReadFailed(operation_id, answer.status_code, answer.text)
    return answer


class Reader:
    """Reads the service's state as the request under test saw it: same agent, key and transport."""

    def __init__(self, ctx: CheckContext, case: Case[Any]) -> None:
        self._ctx = ctx
        self._case = case
        self.agent_id = _path_value(case, "agentId")
        key = case.headers.get(API_KEY_HEADER) if case.headers else None
        self._headers = {API_KEY_HEADER: key} if key is not None else {}

    def send(
        self,
        operation_id: str,
        *,
        path: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: Any = NOT_SET,
    ) -> Response:
        """One read, retried on 429/502/503/504; `FollowUpReadFailed` if it still fails or answers 5xx."""
        if not load_catalogue()[operation_id].retry_safe:
            raise ValueError(f"{operation_id} is not a read; a check must not send it")
        operation = self._case.operation.schema.find_operation_by_id(operation_id)
        follow_up = operation.Case(
            path_parameters={"agentId": self.agent_id, **(path or {})},
            query=query,
            headers=dict(self._headers),
            body=body,
            media_type="application/json" if body is not NOT_SET else None,
        )
        # `transport_kwargs` carries the base URL or in-process app the run talks to; the built-in
        # probing checks reach it the same way.
        answer: Response = _retried(
            operation_id, lambda: follow_up.call(**(self._ctx.internals.transport_kwargs or {}))
        )
        if answer.status_code >= 500:
            raise FollowUpReadFailed(operation_id, answer.status_code, answer.text)
        return answer

    def number(self, number: str) -> Response:
        return self.send("getPhoneNumber", path={"phoneNumber": number})

    def connector(self, connector_id: str) -> Response:
        return self.send("getConnector", path={"connectorId": connector_id})

    def numbers(self) -> list[dict[str, Any]]:
        return self.listed("listPhoneNumbers", "phoneNumbers")

    def connectors(self) -> list[dict[str, Any]]:
        return self.listed("listConnectors", "connectors")

    def listed(self, operation_id: str, key: str) -> list[dict[str, Any]]:
        """What a list read without parameters shows under `key`."""
        return list(self._expect_200(operation_id, self.send(operation_id))[key])

    def batch(self, operation_id: str, key: str, ids: list[str]) -> dict[str, Any]:
        """A batch read of `ids`, asked under `key`."""
        return dict(self._expect_200(operation_id, self.send(operation_id, body={key: ids})))

    def lookup(self, number: str) -> Response:
        return self.send("lookupConnector", body={"phoneNumber": number})

    @staticmethod
    def _expect_200(operation_id: str, answer: Response) -> Any:
        # A read of the agent's own collection has no reason to fail; if it does, the check
        # cannot judge, and the failure is the read's.
        if answer.status_code != 200:
            raise FollowUpReadFailed(operation_id, answer.status_code, answer.text)
        return _body(answer)


@schemathesis.hook
def filter_failure(context: HookContext, failure: Failure, case: Case[Any], response: Response) -> bool:
    """Drop `use_after_free` blamed on the batch release, which Schemathesis cannot model.

    `deletePhoneNumbers` is a DELETE on the collection path that releases the numbers its body
    names. `use_after_free` treats it as deleting everything under that path, so any later read of
    another number looks like use after free. What the batch release really frees is read back
    number by number by `delete_then_get_is_404` and `list_and_batch_get_reflect_imports_and_deletes`.
    """
    if isinstance(failure, UseAfterFree):
        batch_release = case.operation.schema.find_operation_by_id("deletePhoneNumbers").label
        return bool(failure.operation != batch_release)
    return True


# ---------------------------------------------------------------------------------------------
# Errors


def _envelope_fields() -> list[str]:
    return list(load_document()["components"]["schemas"]["Error"]["required"])


async def bare_not_found(app: Any, exchange: Exchange) -> None:
    """404s lose the envelope: a framework-style body instead."""
    await exchange.forward(app)
    if exchange.status == 404:
        exchange.set_json({"detail": "Not Found"})


async def _error_id_not_the_correlation_id(app: Any, exchange: Exchange) -> None:
    await exchange.forward(app)
    body = exchange.json()
    if exchange.status >= 400 and isinstance(body, dict) and "error_id" in body:
        exchange.set_json({**body, "error_id": "not-" + str(body["error_id"])})


async def _unpublished_401_code(app: Any, exchange: Exchange) -> None:
    await exchange.forward(app)
    if exchange.status == 401:
        exchange.set_json({**exchange.json(), "error_code": "AUTH_KEY_REJECTED"})


@invariant(
    answers=failed,
    proven_by=[
        Mutation(
            "error-without-envelope",
            "404s answer {detail: Not Found}",
            ("getConnector", "getPhoneNumber"),
            bare_not_found,
        ),
        Mutation(
            "error-id-not-correlation-id",
            "an error's `error_id` differs from the correlation header",
            ("getPhoneNumber",),
            _error_id_not_the_correlation_id,
            klass=attribution.ASSUMPTION,
            assumption="correlation-header",
        ),
        Mutation(
            "unpublished-401-code",
            "a refused key answers 401 with a code PolyAI does not publish",
            ("getPhoneNumber",),
            _unpublished_401_code,
            klass=attribution.ASSUMPTION,
            assumption="auth-codes",
        ),
    ],
)
def error_carries_envelope_and_correlation_id(judged: Judged) -> Iterator[Problem]:
    """Every 4xx/5xx body is the envelope, its code belongs to its status, and `error_id` is the correlation id."""
    response, body = judged.response, judged.body
    if not isinstance(body, dict):
        yield Problem(
            "error without envelope", f"{response.status_code} body is not the envelope: {response.text[:300]!r}"
        )
        return
    for name in _envelope_fields():
        if name not in body:
            yield Problem("envelope field missing", f"envelope lacks `{name}`", about=name)
    if body.get("success") is not False:
        yield Problem("envelope success not false", f"`success` is {body.get('success')!r}, expected false")
    if body.get("data", None) is not None:
        yield Problem("envelope data not null", f"`data` is {body['data']!r}, expected null")
    # `error` is a human-readable message (PolyAI's examples repeat `error_message` in it), not the
    # HTTP reason phrase: any non-empty text conforms.
    for name in ("error", "error_message"):
        if name in body and not (isinstance(body[name], str) and body[name].strip()):
            yield Problem("error message empty", f"`{name}` is {body[name]!r}, expected a human-readable message")
    code = body.get("error_code")
    known = load_document().get("x-error-codes", {})
    # PolyAI publishes several 401 and 403 codes without saying which situation gets which; the
    # codes this contract expects there rest on its `auth-codes` assumption.
    codes_assumption = "auth-codes" if response.status_code in (401, 403) else None
    if code not in known:
        yield Problem(
            "error code not in the contract",
            f"`error_code` {code!r} is not one of the contract's x-error-codes",
            assumption=codes_assumption,
            about="error_code",
        )
    elif known[code]["status"] != response.status_code:
        yield Problem(
            "error code of another status",
            f"`error_code` {code} belongs to status {known[code]['status']}, not {response.status_code}",
            assumption=codes_assumption,
            about="error_code",
        )
    # The error-code page promises the header; the OpenAPI document declares none.
    correlation_id = _header(response, CORRELATION_HEADER)
    if not correlation_id:
        yield Problem("correlation header missing", f"no {CORRELATION_HEADER} header", assumption="correlation-header")
    elif correlation_id != body.get("error_id"):
        yield Problem(
            "error_id differs from the correlation header",
            f"{CORRELATION_HEADER} {correlation_id!r} differs from error_id {body.get('error_id')!r}",
            assumption="correlation-header",
        )


# ---------------------------------------------------------------------------------------------
# Phone numbers

# Operations that add numbers: their success is 201 Created.
IMPORTS = tuple(operation.operation_id for operation in load_catalogue().values() if operation.creates)
RELEASES = ("deletePhoneNumber", "deletePhoneNumbers")


def _requested_imports(judged: Judged) -> list[str]:
    if judged.operation_id == "importPhoneNumber":
        return [_path_value(judged.case, "phoneNumber")]
    return [str(number) for number in judged.request.get("phoneNumbers", [])]


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


async def forgets_imports(app: Any, exchange: Exchange) -> None:
    """An import answers 201 but the numbers are gone straight away."""
    await exchange.forward(app)
    if exchange.operation in IMPORTS and exchange.status == 201:
        agent, key = exchange.match[1]["agentId"], exchange.headers.get("x-api-key", "")
        for number in _listed(exchange.json()["imported"]):
            await call(app, "DELETE", f"/v1/agents/{agent}/telephony/phone-numbers/{quote(number, safe='')}", key)


@invariant(
    *IMPORTS,
    proven_by=[
        Mutation("state-not-kept-after-import", "imported numbers are gone straight away", IMPORTS, forgets_imports)
    ],
)
def import_then_get_returns_number_and_client_env(judged: Judged) -> Iterator[Problem]:
    """An import imports exactly what was asked, and each number then reads back with the requested clientEnv."""
    imported = _listed(judged.body["imported"])
    requested = _requested_imports(judged)
    if sorted(imported) != sorted(requested):
        yield Problem("import answered other numbers", f"imported {imported}, but the request asked for {requested}")
    client_env = judged.request.get("clientEnv", "live")
    reader = judged.reader()
    for number in imported[:MAX_SINGLE_READS]:
        got = reader.number(number)
        if got.status_code != 200:
            yield Problem(
                "number missing after import", f"GET {number} after its import answered {got.status_code}, expected 200"
            )
            continue
        record = _body(got)
        if record.get("number") != number:
            yield Problem("number reads back as another", f"GET {number} returned number {record.get('number')!r}")
        if record.get("clientEnv") != client_env:
            yield Problem(
                "clientEnv not kept after import",
                f"GET {number} returned clientEnv {record.get('clientEnv')!r}, imported as {client_env!r}",
            )


@invariant(*RELEASES, "deleteConnector")
def delete_then_get_is_404(judged: Judged) -> Iterator[Problem]:
    """A released number or deleted connector is gone: reading it answers 404 with its not-found code."""
    body = judged.body
    if judged.operation_id == "deleteConnector":
        gone_numbers, gone_connector = list(body["deletedPhoneNumbers"]), body["deletedConnector"]
    else:
        gone_numbers, gone_connector = _listed(body["deleted"]), None
    reader = judged.reader()
    for number in gone_numbers[:MAX_SINGLE_READS]:
        got = reader.number(number)
        if got.status_code != 404 or _error_code(got) != "PHONE_NUMBERS_NOT_FOUND":
            yield Problem(
                "released number still readable",
                f"GET {number} after its release answered {got.status_code} {_error_code(got)}",
            )
    if gone_connector is not None:
        got = reader.connector(gone_connector)
        if got.status_code != 404 or _error_code(got) != "CONNECTORS_NOT_FOUND":
            yield Problem(
                "deleted connector still readable",
                f"GET connector {gone_connector} after its deletion answered {got.status_code}",
            )


def _reversed(*keys: str) -> Callable[[Any, Exchange], None]:
    def apply(body: Any, _exchange: Exchange) -> None:
        for key in keys:
            if isinstance(body.get(key), list):
                body[key] = body[key][::-1]

    return apply


@invariant(
    *IMPORTS,
    *RELEASES,
    proven_by=[
        Mutation(
            "batch-get-out-of-order",
            "a number batch get answers `found` and `notFound` in reverse request order",
            ("importPhoneNumbers", "batchGetPhoneNumbers"),
            on_success("batchGetPhoneNumbers", _reversed("found", "notFound")),
            klass=attribution.ASSUMPTION,
            assumption="batchGetPhoneNumbers",
            slow=True,
        )
    ],
)
def list_and_batch_get_reflect_imports_and_deletes(judged: Judged) -> Iterator[Problem]:
    """After an import the list and batch get show every number; after a release, none of them."""
    present = judged.operation_id in IMPORTS
    numbers = _listed(judged.body["imported" if present else "deleted"])
    if not numbers:
        return
    reader = judged.reader()
    listed = {record.get("number") for record in reader.numbers()}
    batch = reader.batch("batchGetPhoneNumbers", "phoneNumbers", numbers)
    found = [record.get("number") for record in batch["found"]]
    if present:
        for number in numbers:
            if number not in listed:
                yield Problem("imported number not listed", f"{number} imported but missing from the list")
        if sorted(map(str, found)) != sorted(numbers):
            yield Problem(
                "batch get misses imported numbers", f"batch get after import found {found}, expected {numbers}"
            )
        elif found != numbers:
            yield Problem(
                "batch answer out of request order",
                f"batch get after import found {found}, not in request order {numbers}",
                assumption="batchGetPhoneNumbers",
            )
    else:
        for number in numbers:
            if number in listed:
                yield Problem("released number still listed", f"{number} released but still listed")
        if found or sorted(batch["notFound"]) != sorted(numbers):
            yield Problem(
                "batch get finds released numbers",
                f"batch get after release found {found}, notFound {batch['notFound']}",
            )


def _batch_gets() -> dict[str, tuple[str, str | None]]:
    """Reads of many resources at once, each with its request's one list and the found items' identifier."""
    catalogue = load_catalogue()
    found = {}
    for operation in catalogue.values():
        answer = resolve(catalogue.document, operation.success_schema) or {}
        listed = (answer.get("properties") or {}).get("found")
        body = resolve(catalogue.document, operation.body) or {}
        properties = body.get("properties") or {}
        asked = [
            name
            for name in body.get("required") or []
            if resolve(catalogue.document, properties[name]).get("type") == "array"
        ]
        if operation.safe and isinstance(listed, dict) and len(asked) == 1:
            found[operation.operation_id] = (asked[0], catalogue.identifier(listed.get("items")))
    return found


BATCH_GETS = _batch_gets()


@invariant(*BATCH_GETS, "deletePhoneNumbers", "batchUpdateConnectors")
def batch_answers_cover_the_request_in_order(judged: Judged) -> Iterator[Problem]:
    """Batch answers account for every requested item once, in request order."""
    body, request = judged.body, judged.request
    if judged.operation_id in BATCH_GETS:
        key, id_field = BATCH_GETS[judged.operation_id]
        asked = list(request.get(key, []))
        found = [item.get(id_field) for item in body["found"]]
        yield from _partition_problems(
            asked, found, list(body["notFound"]), "found", "notFound", order_assumption=judged.operation_id
        )
    elif judged.operation_id == "deletePhoneNumbers":
        asked = list(request.get("phoneNumbers", []))
        errors = body.get("errors", [])
        failed = [item.get("phoneNumber") for item in errors]
        yield from _partition_problems(asked, list(body["deleted"]), failed, "deleted", "errors")
        if "errors" in body and not errors:
            yield Problem(
                "empty errors present",
                "`errors` is present but empty; the contract omits it when every number was released",
            )
    else:
        asked = [update.get("connectorId") for update in request.get("updates", [])]
        results = body["results"]
        answered = [result.get("connectorId") for result in results]
        if sorted(answered) != sorted(asked):
            yield Problem("results do not match the request", f"results answer {answered}, the request updated {asked}")
        elif answered != asked:
            # The reference says each update is applied on its own, not that results keep its order.
            yield Problem(
                "batch answer out of request order",
                f"results answer {answered}, not in request order {asked}",
                assumption=judged.operation_id,
            )
        for result in results:
            if result.get("success") is True and "data" not in result:
                yield Problem("successful result without data", f"result for {result.get('connectorId')} has no `data`")
            if result.get("success") is False and "error" not in result:
                yield Problem("failed result without error", f"result for {result.get('connectorId')} has no `error`")


def _partition_problems(
    asked: list[str], left: list[str], right: list[str], *names: str, order_assumption: str | None = None
) -> Iterator[Problem]:
    """`left` and `right` split `asked`; their order is checked only where the contract assumes it."""
    if sorted(left + right) != sorted(asked):
        yield Problem(
            "batch answer does not partition the request",
            f"{names[0]} {left} and {names[1]} {right} do not partition the request {asked}",
        )
    for name, part in zip(names, (left, right), strict=True):
        if part != [item for item in asked if item in part]:
            yield Problem(
                "batch answer out of request order",
                f"{name} {part} is not in request order {asked}",
                assumption=order_assumption,
            )


# ---------------------------------------------------------------------------------------------
# Connectors and routing


@invariant("listPhoneNumbers")
def numbers_route_to_existing_connectors(judged: Judged) -> Iterator[Problem]:
    """A listed number's connectorId names a connector the same agent can see, in the same project."""
    if judged.case.query and judged.case.query.get("connectorId"):
        return
    connectors = {item["connectorId"]: item for item in judged.reader().connectors()}
    for record in _own(judged.body["phoneNumbers"]):
        target = record.get("connectorId")
        if target is None:
            continue
        if target not in connectors:
            yield Problem(
                "number routes to a missing connector",
                f"{record.get('number')} routes to {target}, which the agent does not have",
                assumption="agent-is-project",
            )
        elif connectors[target].get("projectId") != record.get("projectId"):
            yield Problem(
                "number and connector in different projects",
                f"{record.get('number')} and its connector {target} are in different projects",
                assumption="agent-is-project",
            )


def delete_connector_without_cascade(tx: Any, call: Call) -> Any:
    """deleteConnector's rule with the cascade left out: the numbers keep routing to nothing."""
    connector_id = call.path["connectorId"]
    connector = tx.connector(connector_id)
    if connector is None or connector["projectId"] != call.caller.project_id:
        raise ApiError("CONNECTORS_NOT_FOUND", f"Connector {connector_id} does not exist.")
    tx.delete_connector(connector_id)
    return {"deletedConnector": connector_id, "deletedPhoneNumbers": []}


@invariant(
    "deleteConnector",
    proven_by=[
        Mutation(
            "cascade-delete-not-applied",
            "deleting a connector leaves its numbers routed to it",
            ("deleteConnector",),
            rules={"deleteConnector": delete_connector_without_cascade},
        )
    ],
)
def connector_delete_cascades_to_numbers(judged: Judged) -> Iterator[Problem]:
    """Deleting a connector releases every number routed to it, and reports exactly those."""
    deleted = judged.body["deletedConnector"]
    released = set(judged.body["deletedPhoneNumbers"])
    asked = _path_value(judged.case, "connectorId")
    if deleted != asked:
        yield Problem("another connector deleted", f"deletedConnector is {deleted!r}, the request deleted {asked}")
    for record in judged.reader().numbers():
        number = record.get("number")
        if record.get("connectorId") == deleted:
            yield Problem("number still routed to a deleted connector", f"{number} still routes to {deleted}")
        if number in released:
            yield Problem("released number still listed", f"{number} reported released with {deleted} but still listed")


async def lookup_answers_another_connector(app: Any, exchange: Exchange) -> None:
    """Lookup answers some other connector of the agent than the one the number routes to."""
    await exchange.forward(app)
    if exchange.operation == "lookupConnector" and exchange.status == 200:
        right = exchange.json()
        agent = exchange.match[1]["agentId"]
        _, listed = await call(app, "GET", f"/v1/agents/{agent}/telephony/connectors", exchange.headers["x-api-key"])
        others = [item for item in listed["connectors"] if item["connectorId"] != right["connectorId"]]
        if others:
            exchange.set_json(others[0])


async def _lookup_404_with_the_other_code(app: Any, exchange: Exchange) -> None:
    await exchange.forward(app)
    if exchange.operation == "lookupConnector" and exchange.status == 404:
        body = exchange.json()
        swap = {"PHONE_NUMBERS_NOT_FOUND": "CONNECTORS_NOT_FOUND", "CONNECTORS_NOT_FOUND": "PHONE_NUMBERS_NOT_FOUND"}
        exchange.set_json({**body, "error_code": swap.get(body["error_code"], body["error_code"])})


@invariant(
    "lookupConnector",
    answers=lambda status: status in (200, 404),
    proven_by=[
        Mutation(
            "lookup-answers-another-connector",
            "a lookup answers another connector than the one the number routes to",
            ("lookupConnector",),
            lookup_answers_another_connector,
            klass=attribution.DRIFT,
        ),
        Mutation(
            "lookup-404-other-code",
            "a lookup that finds nothing answers the other not-found code",
            ("lookupConnector",),
            _lookup_404_with_the_other_code,
            klass=attribution.ASSUMPTION,
            assumption="lookupConnector",
        ),
    ],
)
def lookup_returns_the_connector_the_number_routes_to(judged: Judged) -> Iterator[Problem]:
    """Lookup answers the connector the number routes to, and 404 with the right code when there is none."""
    number = judged.request.get("phoneNumber")
    if not isinstance(number, str):
        return
    reader = judged.reader()
    held = reader.number(number)
    routed_to = _body(held).get("connectorId") if held.status_code == 200 else None
    if judged.response.status_code == 200:
        connector = judged.body
        if routed_to != connector.get("connectorId"):
            yield Problem(
                "lookup answers another connector",
                f"lookup of {number} answered {connector.get('connectorId')}, the number routes to {routed_to}",
            )
        else:
            stored = reader.connector(routed_to)
            if stored.status_code != 200 or _body(stored) != connector:
                yield Problem("lookup differs from the connector", f"lookup of {number} differs from GET {routed_to}")
        return
    code = _error_code(judged.response)
    expected = "PHONE_NUMBERS_NOT_FOUND" if held.status_code == 404 else "CONNECTORS_NOT_FOUND"
    if routed_to is not None:
        yield Problem(
            "lookup misses a routed number", f"lookup of {number} answered 404 {code}, it routes to {routed_to}"
        )
    elif code != expected:
        # Which of the two not-found codes a lookup answers is the operation's own assumption.
        yield Problem(
            "lookup 404 with the wrong code",
            f"lookup of {number} answered 404 {code}, expected {expected}",
            assumption="lookupConnector",
        )


@invariant("reassignPhoneNumber")
def reassign_routes_number_to_connector(judged: Judged) -> Iterator[Problem]:
    """A reassigned number answers, and then reads back, routed to the requested connector."""
    wanted = judged.request.get("connectorId")
    body = judged.body
    if body.get("connectorId") != wanted:
        yield Problem(
            "reassign answered another connector",
            f"reassign answered connectorId {body.get('connectorId')!r}, the request asked for {wanted!r}",
        )
    stored = judged.reader().number(body.get("number", ""))
    if stored.status_code != 200 or _body(stored) != body:
        yield Problem("reassign not persisted", f"GET {body.get('number')} after the reassign differs from its answer")


def _applied(operation_id: str, update: dict[str, Any], connector: dict[str, Any]) -> Iterator[Problem]:
    for name in sorted(load_catalogue()[operation_id].clearable_fields):
        if name in update:
            expected = "" if update[name] is None else update[name]
            if connector.get(name) != expected:
                kind = "null did not clear the field" if update[name] is None else "update not applied"
                yield Problem(kind, f"{name} is {connector.get(name)!r} after an update to {update[name]!r}")
    if "projectId" in update and connector.get("projectId") != update["projectId"]:
        yield Problem(
            "move not applied", f"projectId is {connector.get('projectId')!r} after a move to {update['projectId']!r}"
        )


async def null_leaves_connector_fields_unchanged(app: Any, exchange: Exchange) -> None:
    """An update ignores `null` instead of clearing the field to ""."""
    if exchange.operation == "updateConnector":
        try:
            changes = json.loads(exchange.body)
        except ValueError:
            changes = None
        if isinstance(changes, dict):
            exchange.body = json.dumps({name: value for name, value in changes.items() if value is not None}).encode()
    await exchange.forward(app)


@invariant(
    "updateConnector",
    "batchUpdateConnectors",
    proven_by=[
        Mutation(
            "update-null-does-not-clear",
            "a connector update ignores null instead of clearing the field",
            ("batchUpdateConnectors", "updateConnector"),
            null_leaves_connector_fields_unchanged,
        )
    ],
)
def connector_updates_apply_and_persist(judged: Judged) -> Iterator[Problem]:
    """An update sets the fields it names (null clears to ""), and the connector then reads back the same."""
    if judged.operation_id == "updateConnector":
        changes = [(judged.request, judged.body)]
    else:
        # Paired by connector, not by position: the order of results is an assumption of its own.
        updates = {update.get("connectorId"): update for update in judged.request.get("updates", [])}
        changes = [
            (updates[result.get("connectorId")], result["data"])
            for result in judged.body["results"]
            if result.get("success") is True and "data" in result and result.get("connectorId") in updates
        ]
    reader = judged.reader()
    for update, connector in changes:
        yield from _applied(judged.operation_id, update, connector)
        stored = reader.connector(connector.get("connectorId", ""))
        moved = "projectId" in update and stored.status_code == 404
        # A connector moved to another agent's project leaves this agent's view.
        if not moved and (stored.status_code != 200 or _body(stored) != connector):
            yield Problem(
                "update not persisted", f"GET {connector.get('connectorId')} after the update differs from its answer"
            )


# ---------------------------------------------------------------------------------------------
# Reads that agree: list, get one, batch get and lookup tell one story about what they show.
# Connectors pre-exist on a real account (there is no create), so these checks judge resources
# the run never wrote: every one of them is compared across the reads the contract offers.

# How many of a list's resources each answer's checks read back, and put in one batch get.
MAX_AGREEING = 20


def _first_time(check: str, judged: Judged) -> bool:
    # The same list answered again in this run costs the service no second round of reads.
    return recorder_of(judged.case).first_time(check, _path_value(judged.case, "agentId"), judged.response.text)


def _own(records: Iterable[Any]) -> list[dict[str, Any]]:
    """The records of the answer's own project and account (the most common owner).

    Another owner's records are `agent_sees_only_its_project`'s business; judged here too, they
    would add a second finding to a tenancy breach.
    """
    records = [record for record in records if isinstance(record, dict)]
    owners = Counter((record.get("projectId"), record.get("accountId")) for record in records)
    if not owners:
        return []
    owner = owners.most_common(1)[0][0]
    return [record for record in records if (record.get("projectId"), record.get("accountId")) == owner]


def _unfiltered(judged: Judged) -> bool:
    return not (judged.case.query and judged.case.query.get("connectorId"))


# Every read of one resource by the id its path ends with (derived from the contract).
SINGLE_GETS = kinds.single_gets(load_catalogue())


@invariant(*SINGLE_GETS)
def a_get_answers_the_resource_asked(judged: Judged) -> Iterator[Problem]:
    """A get of id X answers X, as the agent's list shows it."""
    get = SINGLE_GETS[judged.operation_id]
    asked = _path_value(judged.case, get.parameter)
    body = judged.body
    if body.get(get.field) != asked:
        yield Problem("get answers another resource", f"GET {asked} answered {get.field} {body.get(get.field)!r}")
        return
    if get.listing is None or get.key is None:
        return
    listed = judged.reader().listed(get.listing, get.key)
    shown = next((record for record in listed if record.get(get.field) == asked), None)
    if shown is not None and shown != body:
        yield Problem("get differs from the list", f"GET {asked} answered {body}, the list shows {shown}")


def _found_filed_as_not_found(key: str) -> Callable[[Any, Exchange], None]:
    """A batch get answers everything it was asked under `notFound`."""
    return lambda body, exchange: body.update(found=[], notFound=json.loads(exchange.body)[key])


def _read_back(judged: Judged, listed: list[dict[str, Any]], get: kinds.SingleGet) -> Iterator[Problem]:
    """Each listed resource (a few) reads back the same with its get."""
    for record in listed[:MAX_SINGLE_READS]:
        asked = str(record.get(get.field))
        got = judged.reader().send(get.operation, path={get.parameter: asked})
        if got.status_code != 200:
            yield Problem("listed resource not readable", f"{get.operation} {asked} answered {got.status_code}")
        elif _body(got) != record:
            yield Problem(
                "get differs from the list", f"{get.operation} {asked} answered {_body(got)}, listed {record}"
            )


@invariant(
    "listConnectors",
    proven_by=[
        Mutation(
            "batch-get-connectors-finds-nothing",
            "a connector batch get files every connector it found under `notFound`",
            ("listConnectors", "batchGetConnectors"),
            on_success("batchGetConnectors", _found_filed_as_not_found("connectorIds")),
            klass=attribution.DRIFT,
        )
    ],
)
def listed_connectors_read_back_the_same(judged: Judged) -> Iterator[Problem]:
    """Every listed connector reads back the same with a get, and a batch get finds each under `found`."""
    listed = _own(judged.body["connectors"])[:MAX_AGREEING]
    if not listed or not _first_time("connectors", judged):
        return
    yield from _read_back(judged, listed, SINGLE_GETS["getConnector"])
    batch = judged.reader().batch("batchGetConnectors", "connectorIds", [str(c.get("connectorId")) for c in listed])
    yield from _batch_agrees("connector", listed, "connectorId", batch)


@invariant(
    "listPhoneNumbers",
    proven_by=[
        Mutation(
            "batch-get-numbers-finds-nothing",
            "a number batch get files every number it found under `notFound`",
            ("listPhoneNumbers", "batchGetPhoneNumbers"),
            on_success("batchGetPhoneNumbers", _found_filed_as_not_found("phoneNumbers")),
            klass=attribution.DRIFT,
            slow=True,
        )
    ],
)
def listed_numbers_read_back_the_same(judged: Judged) -> Iterator[Problem]:
    """Every listed number reads back the same with a get and a batch get; lookup answers a routed one's connector."""
    if not _unfiltered(judged):
        return
    listed = _own(judged.body["phoneNumbers"])[:MAX_AGREEING]
    if not listed or not _first_time("numbers", judged):
        return
    yield from _read_back(judged, listed, SINGLE_GETS["getPhoneNumber"])
    reader = judged.reader()
    routed = [record for record in listed if record.get("connectorId")][:MAX_SINGLE_READS]
    for record in routed:
        number, connector_id = str(record.get("number")), record.get("connectorId")
        found = reader.lookup(number)
        answered = _body(found).get("connectorId") if found.status_code == 200 else None
        if answered != connector_id:
            yield Problem(
                "lookup disagrees with the list",
                f"lookup of {number} answered {found.status_code} {answered!r}; the list routes it to {connector_id}",
            )
    yield from _batch_agrees(
        "number",
        listed,
        "number",
        reader.batch("batchGetPhoneNumbers", "phoneNumbers", [str(r.get("number")) for r in listed]),
    )


def _batch_agrees(noun: str, listed: list[dict[str, Any]], field: str, batch: dict[str, Any]) -> Iterator[Problem]:
    found = {str(item.get(field)): item for item in batch.get("found", []) if isinstance(item, dict)}
    missed = [str(record.get(field)) for record in listed if str(record.get(field)) not in found]
    if missed:
        yield Problem(
            "batch get misses listed resources",
            f"batch get of listed {noun}s left {missed} out of `found` (notFound {batch.get('notFound')})",
        )
    differing = [
        key for key, record in ((str(r.get(field)), r) for r in listed) if key in found and found[key] != record
    ]
    if differing:
        yield Problem("batch get differs from the list", f"batch get answers {differing} unlike the list")


@invariant("batchGetPhoneNumbers", "batchGetConnectors")
def batch_get_finds_what_the_list_shows(judged: Judged) -> Iterator[Problem]:
    """A batch get files under `notFound` nothing the agent's list shows, and under `found` nothing it does not."""
    if judged.operation_id == "batchGetConnectors":
        field, listed = "connectorId", _own(judged.reader().connectors())
    else:
        field, listed = "number", _own(judged.reader().numbers())
    shown = {str(record.get(field)) for record in listed}
    missed = [str(item) for item in judged.body["notFound"] if str(item) in shown]
    if missed:
        yield Problem("batch get misses listed resources", f"{missed} are listed but answered under `notFound`")
    unknown = [str(item.get(field)) for item in _own(judged.body["found"]) if str(item.get(field)) not in shown]
    if unknown:
        yield Problem("batch get finds unlisted resources", f"{unknown} are under `found` but not listed")


async def _ignore_connector_filter(app: Any, exchange: Exchange) -> None:
    """A number list answers every number of the agent, whatever its `connectorId` filter."""
    await exchange.forward(app)
    if exchange.operation == "listPhoneNumbers" and exchange.status == 200 and "connectorId=" in exchange.query:
        agent, key = exchange.match[1]["agentId"], exchange.headers["x-api-key"]
        status, everything = await call(app, "GET", f"/v1/agents/{agent}/telephony/phone-numbers", key)
        if status == 200:
            exchange.set_json(everything)


@invariant(
    "listPhoneNumbers",
    proven_by=[
        Mutation(
            "filter-ignored",
            "a number list ignores its `connectorId` filter",
            ("listPhoneNumbers",),
            _ignore_connector_filter,
            klass=attribution.DRIFT,
        )
    ],
)
def number_list_honours_its_connector_filter(judged: Judged) -> Iterator[Problem]:
    """A list filtered by `connectorId` shows exactly the agent's numbers routed to that connector."""
    if _unfiltered(judged):
        return
    wanted = str(judged.case.query["connectorId"])
    reader = judged.reader()
    everything = reader.numbers()
    # The agent's own numbers: another owner's are `agent_sees_only_its_project`'s business.
    owners = Counter((r.get("projectId"), r.get("accountId")) for r in [*reader.connectors(), *everything])
    owner = owners.most_common(1)[0][0] if owners else None
    shown = [
        r for r in judged.body["phoneNumbers"] if owner is None or (r.get("projectId"), r.get("accountId")) == owner
    ]
    others = [str(record.get("number")) for record in shown if record.get("connectorId") != wanted]
    if others:
        yield Problem("connector filter ignored", f"the list filtered by {wanted} shows {others}, routed elsewhere")
        return
    expected = {str(r.get("number")) for r in everything if r.get("connectorId") == wanted}
    missing = sorted(expected - {str(record.get("number")) for record in shown})
    if missing:
        yield Problem("connector filter drops numbers", f"the list filtered by {wanted} leaves out {missing}")


# ---------------------------------------------------------------------------------------------
# Outbound calls


def trigger_without_keeping_the_call(tx: Any, call: Call) -> Any:
    """triggerOutboundCall's rule answering a fresh SID but keeping no call: its status is unknown."""
    return {"callSid": f"OUT-{uuid.uuid4()}", "status": "QUEUED"}


@invariant(
    "triggerOutboundCall",
    proven_by=[
        Mutation(
            "triggered-call-forgotten",
            "a triggered call's SID is unknown to the status operation",
            ("triggerOutboundCall",),
            rules={"triggerOutboundCall": trigger_without_keeping_the_call},
        )
    ],
)
def triggered_call_is_queued_and_known_to_its_status(judged: Judged) -> Iterator[Problem]:
    """A triggered call answers an OUT- SID and QUEUED, and its status is then readable in its environment."""
    sid, status = judged.body.get("callSid"), judged.body.get("status")
    if not (isinstance(sid, str) and sid.startswith("OUT-")):
        yield Problem("call SID without the OUT- prefix", f"callSid is {sid!r}; PolyAI's SIDs start with OUT-")
        return
    if status != "QUEUED":
        yield Problem("triggered call not queued", f"a triggered call's first status is {status!r}, not QUEUED")
    environment = judged.request.get("environment", "")
    read = judged.reader().send("getOutboundCallStatus", path={"callSid": sid}, query={"environment": environment})
    if read.status_code != 200:
        yield Problem(
            "triggered call unknown to its status",
            f"GET the status of {sid} in {environment} answered {read.status_code}: {read.text[:200]}",
        )
    elif _body(read).get("callSid") != sid:
        yield Problem("status of another call", f"the status of {sid} answered callSid {_body(read).get('callSid')!r}")


def _reason_when_not_failed(body: Any, _exchange: Exchange) -> None:
    if body.get("status") != "FAILURE":
        body["reason"] = "The call is going well."


@invariant(
    "getOutboundCallStatus",
    proven_by=[
        Mutation(
            "reason-without-failure",
            "a call that did not fail comes with a reason",
            ("triggerOutboundCall", "getOutboundCallStatus"),
            on_success("getOutboundCallStatus", _reason_when_not_failed),
            klass=attribution.ASSUMPTION,
            assumption="getOutboundCallStatus",
            slow=True,
        )
    ],
)
def call_status_gives_a_reason_only_for_failure(judged: Judged) -> Iterator[Problem]:
    """A call's `reason` is set when it failed and empty otherwise."""
    status, reason = judged.body.get("status"), judged.body.get("reason")
    # PolyAI says the reason is "typically" set on failure and empty otherwise; always is assumed.
    if status == "FAILURE" and not reason:
        yield Problem(
            "failed call without a reason",
            "a FAILURE status came with an empty reason",
            assumption="getOutboundCallStatus",
        )
    elif status != "FAILURE" and reason:
        yield Problem(
            "reason on a call that did not fail",
            f"status {status} came with reason {reason!r}",
            assumption="getOutboundCallStatus",
        )


# ---------------------------------------------------------------------------------------------
# Credentials

SINGLE_CREDENTIAL = "single-credential"
# A key no account has. The probe pairs it with the run's own key, never with another account's.
PROBE_INVALID_KEY = "conformance-probe-not-an-api-key"


def _send_with_headers(judged: Judged, headers: list[tuple[str, str]]) -> httpx.Response:
    """Repeat the request under judgement with exactly `headers`, to the app or base URL the run calls.

    Schemathesis's transports hold headers in a mapping, which cannot repeat one; httpx can.
    """
    request = judged.response.request
    method, url = str(request.method), str(request.url)
    # The in-process app the runner gave the schema (the mock, or the guard), else the base URL.
    app = judged.case.operation.app
    if app is None:
        with httpx.Client(timeout=30.0) as client:
            return client.request(method, url, headers=headers)

    async def in_process() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), timeout=30.0) as client:
            answer = await client.request(method, url, headers=headers)
            await answer.aread()
            return answer

    return anyio.run(in_process)


def _refused_as_unauthorised(answer: httpx.Response) -> bool:
    body = _body(answer)
    if answer.status_code != 401 or not isinstance(body, dict) or body.get("success") is not False:
        return False
    # Which 401 code is the `auth-codes` assumption's business (the envelope check judges it), not
    # this one's: any code will do.
    return isinstance(body.get("error_code"), str)


async def acts_for_the_last_key(app: Any, exchange: Exchange) -> None:
    """A key header sent twice acts for the last key instead of being refused."""
    keys = [exchange.headers.get("x-api-key"), *(v for k, v in exchange.repeated_headers if k == "x-api-key")]
    if len(keys) > 1:
        exchange.headers["x-api-key"] = str(keys[-1])
        exchange.repeated_headers = tuple((k, v) for k, v in exchange.repeated_headers if k != "x-api-key")
    await exchange.forward(app)


@schemathesis.check
class key_sent_twice_is_refused:
    """A request carrying X-API-KEY twice is 401 in the envelope, whichever key comes first.

    Probed once per run, on a number list the run's key has just read successfully: the same read
    sent with the run's key and an invalid one, in both orders, and with the run's key twice.
    Only reads are sent, and never another account's key.
    """

    declared = Declared(
        frozenset({"listPhoneNumbers"}),
        proven_by=(
            Mutation(
                "two-keys-resolved",
                "a key header sent twice acts for the last key",
                ("listPhoneNumbers",),
                acts_for_the_last_key,
                klass=attribution.ASSUMPTION,
                assumption=SINGLE_CREDENTIAL,
            ),
        ),
        probes={SINGLE_CREDENTIAL: "listPhoneNumbers"},
    )

    def __init__(self) -> None:
        self.probed = False

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        operation_id = _operation_id(case)
        key = case.headers.get(API_KEY_HEADER) if case.headers else None
        if self.probed or operation_id not in self.declared.judges or not key:
            return True
        if response.status_code != 200 or _from_guard(response):
            return True
        self.probed = True
        _judge(
            type(self).__name__, lambda judged: self._problems(judged, key), Judged(ctx, response, case, operation_id)
        )
        return None

    def _problems(self, judged: Judged, key: str) -> Iterator[Problem]:
        pairs = {
            "the run's key, then an invalid one": (key, PROBE_INVALID_KEY),
            "an invalid key, then the run's": (PROBE_INVALID_KEY, key),
            "the run's key twice": (key, key),
        }
        for label, (first, second) in pairs.items():
            started = time.monotonic()
            # A rate limit or a passing outage says nothing about two keys: the suite could not judge.
            headers = [(API_KEY_HEADER, first), (API_KEY_HEADER, second)]
            answer = _retried(judged.operation_id, functools.partial(_send_with_headers, judged, headers))
            error_code, from_guard = _error_code(answer), _from_guard(answer)
            elapsed = time.monotonic() - started
            recorder_of(judged.case).probes.append(
                findings.Exchange(
                    judged.operation_id,
                    answer.status_code,
                    elapsed,
                    from_guard,
                    error_code=error_code,
                    probe=SINGLE_CREDENTIAL,
                )
            )
            if from_guard or _refused_as_unauthorised(answer):
                continue
            evidence = (
                f"{API_KEY_HEADER} sent twice ({label}) answered {answer.status_code} {error_code or ''} "
                f"({CORRELATION_HEADER}: {answer.headers.get(CORRELATION_HEADER, 'none')}): {answer.text[:200]!r}"
            )
            if 200 <= answer.status_code < 300:
                yield Problem("two keys accepted", evidence, assumption=SINGLE_CREDENTIAL)
            elif answer.status_code == 401:
                yield Problem("two keys refused without the 401 envelope", evidence, assumption=SINGLE_CREDENTIAL)
            else:
                yield Problem("two keys not refused with 401", evidence, assumption=SINGLE_CREDENTIAL)


# ---------------------------------------------------------------------------------------------
# Tenancy

# Operations whose success body is one resource rather than a list of them (derived from the contract).
SINGLE_RESOURCE_ANSWERS = kinds.single_resource_answers(load_catalogue())


def _resources(operation_id: str, body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict):
        return []
    for key in ("phoneNumbers", "connectors", "found"):
        if isinstance(body.get(key), list):
            return [item for item in body[key] if isinstance(item, dict)]
    if operation_id in SINGLE_RESOURCE_ANSWERS:
        return [body]
    return []


def _also_lists(operation: str, key: str, agent: str, agents_key: str | None = None) -> Handler:
    """`operation`'s list also shows what it shows `agent` (read with `agents_key`, else the run's key)."""
    path = load_catalogue()[operation].path.replace("{agentId}", agent)

    async def handler(app: Any, exchange: Exchange) -> None:
        await exchange.forward(app)
        if exchange.operation == operation and exchange.status == 200 and exchange.match[1]["agentId"] != agent:
            _, theirs = await call(app, "GET", path, agents_key or exchange.headers["x-api-key"])
            exchange.set_json({**exchange.json(), key: exchange.json()[key] + theirs[key]})

    return handler


def shows_another_tenants_numbers(dev_key: str) -> Handler:
    """The number list also shows the numbers of an agent of another account."""
    for account in load_config().accounts:
        agent = next((agent for agent in account.agents if agent.phone_numbers), None)
        if dev_key not in account.api_keys and agent is not None:
            return _also_lists("listPhoneNumbers", "phoneNumbers", agent.id, account.api_keys[0])
    raise LookupError("the mock's config has no other account holding numbers")


# A class, because it remembers what earlier responses showed; named in lower case because
# Schemathesis reports a check by its class name.
@schemathesis.check
class agent_sees_only_its_project:
    """Everything one agent reads belongs to one project and one account: the agent's own.

    The agent's project is learnt from the first resource it shows. A later resource of another
    account, in the same response or a later one, is a tenancy breach; one of another project of
    the same account refutes `agent-is-project`. Connector updates are left out: a connector moved
    away legitimately shows its new project.
    """

    # Every answer that shows resources, one or a list; proven for each by kinds.derived too.
    declared = Declared(
        kinds.shows_resources(load_catalogue()),
        proven_by=(
            Mutation(
                "another-accounts-numbers",
                "the number list shows another account's numbers",
                ("listPhoneNumbers",),
                keyed=shows_another_tenants_numbers,
                klass=attribution.TENANCY,
            ),
            Mutation(
                "another-projects-connectors",
                "the connector list shows another project's connectors of the same account",
                ("listConnectors",),
                # agent-dev-2 is agent-dev's neighbour in the mock's default config: same account, its own project.
                _also_lists("listConnectors", "connectors", "agent-dev-2"),
                klass=attribution.ASSUMPTION,
                assumption="agent-is-project",
            ),
        ),
    )

    def __init__(self) -> None:
        self.owners: dict[str, tuple[str, str]] = {}

    def after_response(self, ctx: CheckContext, response: Response, case: Case[Any]) -> bool | None:
        if response.status_code != 200 or _from_guard(response):
            return True
        operation_id = _operation_id(case)
        _judge(type(self).__name__, lambda judged: self._problems(judged), Judged(ctx, response, case, operation_id))
        return None

    def _problems(self, judged: Judged) -> Iterator[Problem]:
        agent = _path_value(judged.case, "agentId")
        for resource in _resources(judged.operation_id, judged.body):
            if not (isinstance(resource.get("projectId"), str) and isinstance(resource.get("accountId"), str)):
                continue  # a resource without its owner breaks the schema, which says so
            owner = (str(resource.get("projectId")), str(resource.get("accountId")))
            expected = self.owners.setdefault(agent, owner)
            name = resource.get("number") or resource.get("connectorId")
            if owner[1] != expected[1]:
                # Keys are scoped to one account (published): another account's data is a breach.
                yield Problem(
                    "another account's resource shown",
                    f"{name} belongs to account {owner[1]}, but agent {agent} has shown account {expected[1]}",
                    tenancy=True,
                )
            elif owner[0] != expected[0]:
                yield Problem(
                    "another project's resource shown",
                    f"{name} belongs to project {owner[0]} of the same account, but agent {agent} "
                    f"has shown project {expected[0]}",
                    assumption="agent-is-project",
                )


@functools.cache
def registry() -> Registry:
    """What the checks of this module declare, read once."""
    return Registry.of(sys.modules[__name__])
