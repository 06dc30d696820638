"""The errors API functions raise, and the checks that decide when they do.

Every error is a ``PolyAIError``. An error status raises ``ApiError``, or rather the subclass for
its status class (``NotFoundError`` for 404, ``ServerError`` for any 5xx, ...); a request that got
no answer raises ``ApiConnectionError``, or ``ApiTimeoutError`` when it ran out of time.

Nothing here puts a request header into a message or a repr, so the API key never shows up in
an exception's text, a log line or a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

import httpx

from .client import AuthenticatedClient, Client, parse_retry_after
from .error_codes import CORRELATION_HEADER, ErrorCode
from .models.error import Error
from .types import http_status

# What a body that is not the documented JSON makes a generated parser raise: not JSON at all
# (ValueError), a required field missing (KeyError), or a value of the wrong shape.
UNREADABLE_BODY = (ValueError, KeyError, TypeError, AttributeError)

_SHOWN_BODY = 200  # characters of an undocumented body quoted in a message


class PolyAIError(Exception):
    """Base class of every error raised by this package on purpose.

    Attributes:
        completed: For a batch that ``PolyAI`` split into several calls, the answers of the calls
            that succeeded before this one failed; their changes stand. Empty otherwise.
    """

    completed: tuple[object, ...] = ()


class ConfigurationError(PolyAIError, ValueError):
    """The client cannot be built or used as configured: no API key, an unknown region, no agent id."""


class InvalidArgumentError(PolyAIError, ValueError):
    """A method was given a value the contract does not allow, such as an environment outside its enum.

    Raised before anything is sent; the message names the argument and the values it takes.
    """


class ClientClosedError(PolyAIError, RuntimeError):
    """A call was made on a client after ``close()`` or the end of its ``with`` block."""


class ApiConnectionError(PolyAIError):
    """No answer came back: the connection failed or broke, after every retry allowed.

    The httpx exception is the ``__cause__``; ``host`` is the host (and port) the request was for.
    """

    def __init__(self, operation: str, problem: Exception) -> None:
        self.operation = operation
        self.host = _host(problem)
        # The type, httpx's own text and the host: none of them carries a request header.
        where = f" (host {self.host})" if self.host else ""
        super().__init__(f"{operation}: {type(problem).__name__}: {problem}{where}")


def _host(problem: Exception) -> str | None:
    """The host and port of the request *problem* happened to, if httpx knows it."""
    try:
        url = problem.request.url if isinstance(problem, httpx.RequestError) else None
    except RuntimeError:  # httpx raises this when the error was created without its request
        return None
    if url is None or not url.host:
        return None
    return f"{url.host}:{url.port}" if url.port is not None else url.host


class ApiTimeoutError(ApiConnectionError):
    """An attempt took longer than its timeout, and no retry was left."""


class WaitTimeoutError(PolyAIError, TimeoutError):
    """A ``wait`` ran out of time before the thing it waited for reached a final state.

    Attributes:
        last: The last answer polled, whose state was not yet final.
        waited: Seconds from the first poll to giving up.
    """

    def __init__(self, message: str, *, last: object, waited: float) -> None:
        self.last = last
        self.waited = waited
        super().__init__(message)


class ApiError(PolyAIError):
    """The service answered an error status.

    The ``PolyAI`` client always raises it (as the subclass for the status); the lower-level
    ``Client`` raises it when built with ``raise_on_error=True``.

    Attributes:
        status_code: The HTTP status; also ``status``.
        envelope: The parsed error envelope, or None when the body was not one (say an HTML page
            from a proxy).
        content: The raw body.
        headers: The response headers.
        response: The httpx response, when the error was built from one.
    """

    response: httpx.Response | None = None

    def __init__(
        self,
        status_code: int,
        content: bytes,
        *,
        envelope: Error | None = None,
        headers: Mapping[str, str] | None = None,
        request: str = "",
        secret: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.content = content
        self.envelope = envelope
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self._request = request
        super().__init__(_redact(self._describe(), secret))

    @classmethod
    def from_response(
        cls, response: httpx.Response, envelope: Error | None = None, *, secret: str | None = None
    ) -> ApiError:
        """Build the error for *response*; *secret* is blanked out of the message should the body echo it.

        Called on ``ApiError`` itself, it builds the subclass for the status (see ``error_class``).
        """
        kind = error_class(response.status_code) if cls is ApiError else cls
        error = kind(
            response.status_code,
            response.content,
            envelope=envelope if envelope is not None else _envelope_in(response),
            headers=response.headers,
            request=_request_line(response),
            secret=secret,
        )
        error.response = response
        return error

    @property
    def status(self) -> int:
        return self.status_code

    @property
    def error_code(self) -> ErrorCode | None:
        """The envelope's stable code, such as ``ErrorCode.PHONE_NUMBERS_NOT_FOUND``; equal to its string."""
        return ErrorCode(self.envelope.error_code) if self.envelope is not None else None

    @property
    def correlation_id(self) -> str | None:
        """The request's correlation id: the ``CORRELATION_HEADER`` header, else the envelope's ``error_id``."""
        return self.headers.get(CORRELATION_HEADER) or (self.envelope.error_id if self.envelope is not None else None)

    @property
    def error_id(self) -> str | None:
        """The envelope's correlation id, or the correlation header without an envelope."""
        if self.envelope is not None:
            return self.envelope.error_id
        return self.headers.get(CORRELATION_HEADER)

    @property
    def error_message(self) -> str | None:
        return self.envelope.error_message if self.envelope is not None else None

    @property
    def retry_after(self) -> float | None:
        """Seconds the service asked to wait (``Retry-After``), if it did."""
        return parse_retry_after(self.headers.get("Retry-After"))

    def _describe(self) -> str:
        status = http_status(self.status_code)
        phrase = f" {status.phrase}" if isinstance(status, HTTPStatus) else ""
        where = f"{self._request}: " if self._request else ""
        if self.envelope is not None:
            detail = f"{self.envelope.error_code}: {self.envelope.error_message} (error_id {self.envelope.error_id})"
        else:
            detail = f"body: {_excerpt(self.content)}"
        return f"{where}{self.status_code}{phrase}; {detail}"

    def __repr__(self) -> str:
        error_code = self.envelope.error_code if self.envelope else None
        name = type(self).__name__
        return f"{name}(status_code={self.status_code}, error_code={error_code!r}, error_id={self.error_id!r})"


class BadRequestError(ApiError):
    """400, 413, 415 or 422: the request was refused as sent (validation, size, media type)."""


class AuthenticationError(ApiError):
    """401: the API key is missing or not valid."""


class PermissionDeniedError(ApiError):
    """403: the key may not reach this agent."""


class NotFoundError(ApiError):
    """404: no such phone number, connector or resource."""


class ConflictError(ApiError):
    """409: the change conflicts with the current state, such as a number already imported."""


class RateLimitError(ApiError):
    """429: too many requests; ``retry_after`` says how long the service asked to wait."""


class ServerError(ApiError):
    """Any 5xx: the service or a gateway in front of it failed."""


_CLASS_FOR_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    415: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
}


def error_class(status_code: int) -> type[ApiError]:
    """The ``ApiError`` subclass raised for *status_code*; ``ApiError`` itself for a status without one (405)."""
    if status_code >= 500:
        return ServerError
    return _CLASS_FOR_STATUS.get(status_code, ApiError)


class UnexpectedStatus(ApiError):
    """The service answered a status the contract does not declare for the operation, such as 520.

    Raised for any undocumented status when the client was built with
    ``raise_on_unexpected_status=True``, and for an undocumented error status with ``raise_on_error=True``.
    """


class InvalidResponse(PolyAIError):
    """A documented success status came with a body that does not match the contract."""

    def __init__(self, status_code: int, content: bytes, *, request: str = "", secret: str | None = None) -> None:
        self.status_code = status_code
        self.content = content
        where = f"{request}: " if request else ""
        message = f"{where}{status_code} with a body that does not match the contract: {_excerpt(content)}"
        super().__init__(_redact(message, secret))


def check_undocumented(client: AuthenticatedClient | Client, response: httpx.Response) -> None:
    """Raise for a status the operation does not declare, if the client asks for it."""
    if client.raise_on_unexpected_status or (client.raise_on_error and response.status_code >= 400):
        raise UnexpectedStatus.from_response(response, secret=_secret_of(client))


def check_unreadable(client: AuthenticatedClient | Client, response: httpx.Response, problem: Exception) -> None:
    """A success body that cannot be read is an error; an unreadable error body only loses its envelope."""
    if response.status_code < 400:
        raise InvalidResponse(
            response.status_code, response.content, request=_request_line(response), secret=_secret_of(client)
        ) from problem


def check_error(client: AuthenticatedClient | Client, response: httpx.Response, parsed: object) -> None:
    """Raise ApiError for a documented error status, if the client asks for it."""
    if client.raise_on_error and response.status_code >= 400:
        envelope = parsed if isinstance(parsed, Error) else None
        raise ApiError.from_response(response, envelope, secret=_secret_of(client))


def _secret_of(client: AuthenticatedClient | Client) -> str | None:
    return client.token if isinstance(client, AuthenticatedClient) and client.token else None


def _redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "<hidden>") if secret else text


def _envelope_in(response: httpx.Response) -> Error | None:
    try:
        return Error.from_dict(response.json())
    except UNREADABLE_BODY:
        return None


def _request_line(response: httpx.Response) -> str:
    try:
        request = response.request
    except RuntimeError:  # a response built by hand has no request
        return ""
    return f"{request.method} {request.url.path}"


def _excerpt(content: bytes) -> str:
    text = content.decode(errors="replace")
    return text if len(text) <= _SHOWN_BODY else text[:_SHOWN_BODY] + "..."


__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InvalidArgumentError",
    "InvalidResponse",
    "NotFoundError",
    "PermissionDeniedError",
    "PolyAIError",
    "RateLimitError",
    "ServerError",
    "UnexpectedStatus",
    "WaitTimeoutError",
    "check_error",
    "check_undocumented",
    "check_unreadable",
    "error_class",
]
