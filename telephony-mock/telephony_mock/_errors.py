"""The one place an error becomes an HTTP answer.

Handlers and stages raise `ApiError` with a code from the spec's `x-error-codes`; `ErrorRenderer`
turns it into the `Error` envelope. The status of a code is read from the spec, never written
here, so a code and its status cannot drift apart.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from telephony_contract import CORRELATION_HEADER, error_envelope

# Codes the mock raises by name. `compile_spec` refuses to start when one is missing from the
# spec's `x-error-codes`, so a typo or a renamed code fails at start-up, not on the first error.
PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT = "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"
PHONE_NUMBERS_NOT_FOUND = "PHONE_NUMBERS_NOT_FOUND"
PHONE_NUMBERS_ALREADY_EXISTS = "PHONE_NUMBERS_ALREADY_EXISTS"
PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST = "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST"
CONNECTORS_NOT_FOUND = "CONNECTORS_NOT_FOUND"
CONNECTORS_VALIDATION_FAILED = "CONNECTORS_VALIDATION_FAILED"
SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
AUTH_USER_UNAUTHORISED = "AUTH_USER_UNAUTHORISED"
USER_ACCESS_FORBIDDEN = "USER_ACCESS_FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
INTERNAL_ERROR = "INTERNAL_ERROR"
OUTBOUND_CALLS_NOT_CONFIGURED = "OUTBOUND_CALLS_NOT_CONFIGURED"
OUTBOUND_CALLS_UNKNOWN_CALL_SID = "OUTBOUND_CALLS_UNKNOWN_CALL_SID"

RAISED_CODES = frozenset(value for name, value in list(globals().items()) if name.isupper() and name == value)

_CORRELATION_HEADER_BYTES = CORRELATION_HEADER.lower().encode()
_JSON_HEADERS = ((b"content-type", b"application/json"),)


class CorrelationIds:
    """UUID-shaped correlation ids: a random per-process prefix and a counter.

    Unique within a process and across restarts (the prefix is random), and far cheaper than a
    fresh uuid4 on every request.
    """

    def __init__(self) -> None:
        prefix = uuid.uuid4().hex
        self._prefix = f"{prefix[:8]}-{prefix[8:12]}-4{prefix[13:16]}-{'89ab'[int(prefix[16], 16) % 4]}{prefix[17:20]}-"
        self._counter = itertools.count(int(prefix[20:], 16))

    def next(self) -> str:
        return f"{self._prefix}{next(self._counter) % (1 << 48):012x}"


class ApiError(Exception):
    """A request the API answers with an error envelope.

    `message` defaults to the code's message in the spec; `headers` are extra response headers
    (Retry-After, Allow).
    """

    def __init__(self, code: str, message: str | None = None, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class ErrorCode:
    status: int
    message: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A finished HTTP answer: what the ASGI layer sends, and what the self-check inspects."""

    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]


def json_answer(status: int, payload: object, correlation_id: str, extra: Mapping[str, str] | None = None) -> Answer:
    # orjson writes the same bytes as json.dumps(separators=(",", ":"), ensure_ascii=False) in UTF-8,
    # an order of magnitude faster; encoding was most of the time of a list of 1,000 numbers.
    body = orjson.dumps(payload)
    headers: tuple[tuple[bytes, bytes], ...] = (
        *_JSON_HEADERS,
        (b"content-length", str(len(body)).encode()),
        (_CORRELATION_HEADER_BYTES, correlation_id.encode()),
    )
    if extra:
        headers += tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in extra.items())
    return Answer(status, body, headers)


def empty_answer(status: int, correlation_id: str) -> Answer:
    return Answer(status, b"", ((_CORRELATION_HEADER_BYTES, correlation_id.encode()),))


class ErrorRenderer:
    """Renders `ApiError`s as the spec's `Error` envelope, with statuses from `x-error-codes`."""

    def __init__(self, catalogue: Mapping[str, ErrorCode]) -> None:
        self._codes = dict(catalogue)

    def render(self, error: ApiError, correlation_id: str) -> Answer:
        entry = self._codes.get(error.code)
        if entry is None:
            # A code outside the spec is a defect of the mock; answer as the spec says a
            # failure of the service is answered rather than invent a status.
            entry = self._codes[INTERNAL_ERROR]
            error = ApiError(INTERNAL_ERROR, f"unknown error code {error.code!r}")
        payload = error_envelope(error.code, error.message or entry.message, correlation_id)
        return json_answer(entry.status, payload, correlation_id, error.headers)
