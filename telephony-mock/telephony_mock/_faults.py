"""Fault injection for users' resilience tests: latency, 429 with Retry-After, and 5xx.

Off unless asked for: config rules (`faults:`, on a share `rate` of an operation's calls), the
`X-Mock-Fault` header (`status=429; retry-after=2`, `latency-ms=200`) when created with
`faults=True`, and the kit's `fail_next`. A fault answers only a status its operation declares, so
a faulty answer is still one the contract allows.
"""

from __future__ import annotations

import random
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

from . import _errors
from ._config import ConfigError, FaultRule
from ._errors import ApiError
from ._spec import Operation, Spec

HEADER = b"x-mock-fault"
_ANY_OPERATION = "*"
# Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); a day is the longest wait asked for.
MAX_RETRY_AFTER_SECONDS = 86_400
_DELTA_SECONDS = re.compile(r"[0-9]{1,6}")
_RETRY_AFTER_RULE = f"retry-after must be whole seconds from 0 to {MAX_RETRY_AFTER_SECONDS}, or an HTTP date"


def retry_after_problem(value: str) -> str | None:
    """Why `value` cannot be sent as a Retry-After header, or None when it can."""
    if _DELTA_SECONDS.fullmatch(value):
        return None if int(value) <= MAX_RETRY_AFTER_SECONDS else _RETRY_AFTER_RULE
    if len(value) <= 40:
        try:
            parsedate_to_datetime(value)
            return None
        except (TypeError, ValueError, IndexError):
            pass
    return _RETRY_AFTER_RULE


@dataclass(frozen=True, slots=True)
class Fault:
    latency_ms: int = 0
    error: ApiError | None = None


class Faults:
    def __init__(
        self,
        spec: Spec,
        rules: Iterable[FaultRule],
        *,
        header_enabled: bool,
        seed: int | None,
        draws: Callable[[], int] | None = None,
    ) -> None:
        self._spec = spec
        self._header_enabled = header_enabled
        # With a seed, the n-th draw is the n-th number of random.Random(seed), and `draws` (the
        # store's counter) says which n this is: every process serving one state file follows
        # the one sequence a single process would.
        self._seed = seed
        self._draws = draws
        self._random = random.Random(seed)
        self._drawn = 0  # numbers taken from self._random so far
        self._draw_lock = threading.Lock()
        # A status maps to a code only where x-error-codes has exactly one code for it.
        by_status: dict[int, list[str]] = {}
        for code, entry in spec.error_codes.items():
            by_status.setdefault(entry.status, []).append(code)
        self._codes = {status: codes[0] for status, codes in by_status.items() if len(codes) == 1}
        self._rules: dict[str, list[FaultRule]] = {}
        for rule in rules:
            targets = spec.operations if rule.operation == _ANY_OPERATION else [self._operation(rule.operation)]
            if rule.retry_after is not None and retry_after_problem(rule.retry_after):
                raise ConfigError(f"faults: {rule.operation}: {_RETRY_AFTER_RULE}")
            for operation in targets:
                self._check_status(operation, rule.status, _bad_config)
                self._rules.setdefault(operation.operation_id, []).append(rule)
        # One-shot faults queued from Python by the test kit: each answers one request, in order.
        self._queued: dict[str, deque[Fault]] = {}
        self._queue_lock = threading.Lock()

    @property
    def active(self) -> bool:
        return self._header_enabled or bool(self._rules) or bool(self._queued)

    def queue(
        self,
        operation_id: str,
        *,
        status: int | None,
        retry_after: str | None = None,
        latency_ms: int = 0,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests of `operation_id` with this fault, before any other source."""
        operation = self._operation(operation_id)
        if times < 1:
            raise _bad_config(f"times must be at least 1, got {times}")
        if latency_ms < 0:
            raise _bad_config(f"latency_ms must not be negative, got {latency_ms}")
        self._check_status(operation, status, _bad_config)
        fault = self._fault(status, retry_after, latency_ms)
        with self._queue_lock:
            self._queued.setdefault(operation_id, deque()).extend([fault] * times)

    def clear_queued(self) -> None:
        with self._queue_lock:
            self._queued.clear()

    def _next_queued(self, operation_id: str) -> Fault | None:
        with self._queue_lock:
            queued = self._queued.get(operation_id)
            if not queued:
                return None
            fault = queued.popleft()
            if not queued:
                del self._queued[operation_id]
            return fault

    def _operation(self, operation_id: str) -> Operation:
        try:
            return self._spec.operation(operation_id)
        except KeyError:
            raise _bad_config(f"no operation {operation_id!r} in the spec") from None

    def _check_status(self, operation: Operation, status: int | None, error: Callable[[str], Exception]) -> None:
        """A fault may only answer an error status the operation declares, with one code for it."""
        if status is None:
            return
        if status < 400 or status not in operation.responses:
            raise error(f"{operation.operation_id} does not declare status {status}")
        if status not in self._codes:
            raise error(f"status {status} has no single error code in x-error-codes")

    def pick(self, operation: Operation, header: str | None) -> Fault | None:
        if self._queued:
            queued = self._next_queued(operation.operation_id)
            if queued is not None:
                return queued
        if header and self._header_enabled:
            return self._from_header(operation, header)
        for rule in self._rules.get(operation.operation_id, ()):
            if rule.rate >= 1.0 or self._draw() < rule.rate:
                return self._fault(rule.status, rule.retry_after, rule.latency_ms)
        return None

    def _draw(self) -> float:
        if self._seed is None or self._draws is None:
            return self._random.random()
        number = self._draws()
        with self._draw_lock:
            # The counter only grows, so this process only ever skips forward past the draws
            # other processes made.
            while self._drawn < number:
                self._random.random()
                self._drawn += 1
            self._drawn += 1
            return self._random.random()

    def _fault(self, status: int | None, retry_after: str | None, latency_ms: int) -> Fault:
        error = None
        if status is not None:
            headers = {}
            if retry_after is not None or status == 429:
                headers["Retry-After"] = retry_after or "1"
            error = ApiError(self._codes[status], headers=headers)
        return Fault(latency_ms, error)

    def _from_header(self, operation: Operation, header: str) -> Fault:
        fields: dict[str, str] = {}
        for part in header.split(";"):
            name, sep, value = part.partition("=")
            if part.strip() and not sep:
                raise _bad_header(f"{part.strip()!r} is not name=value")
            if sep:
                fields[name.strip().lower()] = value.strip()
        unknown = fields.keys() - {"status", "retry-after", "latency-ms"}
        if unknown:
            raise _bad_header(f"unknown fields {', '.join(sorted(unknown))}")
        try:
            status = int(fields["status"]) if "status" in fields else None
            latency_ms = int(fields.get("latency-ms", "0"))
        except ValueError:
            raise _bad_header("status and latency-ms must be integers") from None
        if latency_ms < 0 or latency_ms > 60_000:
            raise _bad_header("latency-ms must be between 0 and 60000")
        retry_after = fields.get("retry-after")
        problem = retry_after_problem(retry_after) if retry_after is not None else None
        if problem:
            raise _bad_header(problem)
        self._check_status(operation, status, _bad_header)
        return self._fault(status, retry_after, latency_ms)


def _bad_header(problem: str) -> ApiError:
    return ApiError(_errors.SCHEMA_VALIDATION_FAILED, f"X-Mock-Fault: {problem}")


def _bad_config(problem: str) -> ConfigError:
    return ConfigError(f"faults: {problem}")
