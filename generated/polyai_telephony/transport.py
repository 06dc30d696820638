"""How one ``PolyAI`` call goes on the wire: per-call options, retries, errors, logging, the answer.

The generated operation modules build each request and parse each answer; this module sends it
with the client's key, timeout and retry policy (or the call's own), turns httpx's failures into
this package's errors, and hands back the parsed model with the HTTP answer it came in.
"""

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Generic, TypedDict, TypeVar, overload

import httpx
from attrs import field, frozen

from .client import AuthenticatedClient, RetryPolicy, _HeaderAuth
from .error_codes import CORRELATION_HEADER
from .errors import (
    ApiConnectionError,
    ApiTimeoutError,
    ClientClosedError,
    ConfigurationError,
    InvalidArgumentError,
    InvalidResponse,
    UnexpectedStatus,
    WaitTimeoutError,
)
from .settings import API_KEY_HEADER, ENV_AGENT_ID, MAX_BATCH_ITEMS, Settings
from .types import UNSET, Response, Unset

logger = logging.getLogger(__package__)

T = TypeVar("T")


class PollOptions(TypedDict, total=False):
    """Settings for each call a ``wait`` makes, over the client's own.

    Attributes:
        extra_headers: Headers sent with this call only.
        retry: The ``RetryPolicy`` for this call; ``None`` sends it once.
    """

    extra_headers: Mapping[str, str]
    retry: RetryPolicy | None


class RequestOptions(PollOptions, total=False):
    """Settings for one call, over the client's own: ``extra_headers`` and ``retry`` as in
    ``PollOptions``, and ``timeout``.

    Attributes:
        timeout: Seconds (or an ``httpx.Timeout``) for each attempt; ``None`` waits forever.
    """

    timeout: float | httpx.Timeout | None


@frozen
class RawResponse(Generic[T]):
    """A parsed answer with the HTTP response it came in, for those who need its status or headers."""

    parsed: T
    status_code: int
    headers: httpx.Headers = field(repr=False)
    http_response: httpx.Response = field(repr=False)

    @property
    def correlation_id(self) -> str | None:
        correlation: str | None = self.headers.get(CORRELATION_HEADER)
        return correlation


class _Wire:
    """What the sync and async senders share: the settings, and the steps either side of the send."""

    def __init__(
        self,
        settings: Settings,
        *,
        timeout: float | httpx.Timeout | None,
        retry: RetryPolicy | None,
        default_headers: Mapping[str, str],
    ) -> None:
        self.settings = settings
        self.timeout = timeout
        self.retry = retry
        self.default_headers = dict(default_headers)
        self.closed = False
        self._auth = _HeaderAuth(API_KEY_HEADER, settings.api_key)
        # Decides, for the generated parsers, that every error status and undeclared status raises.
        self.flags = AuthenticatedClient(
            base_url=settings.base_url,
            token=settings.api_key,
            auth_header_name=API_KEY_HEADER,
            prefix="",
            raise_on_error=True,
            raise_on_unexpected_status=True,
        )

    def agent(self, agent_id: str | None) -> str:
        chosen = agent_id or self.settings.agent_id
        if not chosen:
            raise ConfigurationError(f"no agent id: pass agent_id= to the call or to the client, or set {ENV_AGENT_ID}")
        return chosen

    def prepare(self, request: dict[str, Any], options: RequestOptions) -> RetryPolicy | None:
        """Complete *request* for httpx in place; the retry policy that applies to it."""
        if self.closed:
            raise ClientClosedError("this client is closed; build a new one (or use it inside its `with` block)")
        request["url"] = self.settings.base_url + request["url"]
        request["auth"] = self._auth
        request["timeout"] = options.get("timeout", self.timeout)
        extra = options.get("extra_headers")
        if self.default_headers or extra:
            request["headers"] = {**self.default_headers, **request.get("headers", {}), **(extra or {})}
        return options.get("retry", self.retry)

    def parse(
        self, build: Callable[..., Response[Any]], response: httpx.Response, expected: type[T], started: float
    ) -> RawResponse[T]:
        if logger.isEnabledFor(logging.DEBUG):
            _log(response, started)
        parsed = build(client=self.flags, response=response).parsed
        if isinstance(parsed, expected):
            return RawResponse(parsed, response.status_code, response.headers, response)
        if parsed is None:  # a success status the contract does not declare
            raise UnexpectedStatus.from_response(response, secret=self.settings.api_key)
        raise InvalidResponse(response.status_code, response.content, secret=self.settings.api_key)


def _failure(operation: str, problem: httpx.TransportError) -> ApiConnectionError:
    if isinstance(problem, httpx.TimeoutException):
        return ApiTimeoutError(operation, problem)
    return ApiConnectionError(operation, problem)


def _log(response: httpx.Response, started: float) -> None:
    request = response.request
    headers = {
        name: "<hidden>" if name.lower() == API_KEY_HEADER.lower() else value for name, value in request.headers.items()
    }
    logger.debug(
        "%s %s -> %d in %.1f ms; correlation id %s; request headers %s",
        request.method,
        request.url,
        response.status_code,
        (time.perf_counter() - started) * 1000,
        response.headers.get(CORRELATION_HEADER),
        headers,
    )


class Sender(_Wire):
    """Sends the calls of a ``PolyAI`` client over one ``httpx.Client``."""

    def __init__(self, settings: Settings, http: httpx.Client | None, **wire: Any) -> None:
        super().__init__(settings, **wire)
        self.owns_http = http is None
        self.http = http if http is not None else httpx.Client(follow_redirects=False)

    def call(
        self,
        request: dict[str, Any],
        operation: str,
        retry_safe: bool,
        build: Callable[..., Response[Any]],
        expected: type[T],
        options: RequestOptions,
    ) -> RawResponse[T]:
        retry = self.prepare(request, options)
        started = time.perf_counter()
        try:
            if retry is None:
                response = self.http.request(**request)
            else:
                response = retry.send(self.http, request, operation=operation, retry_safe=retry_safe)
        except httpx.TransportError as problem:
            raise _failure(operation, problem) from problem
        return self.parse(build, response, expected, started)

    def close(self) -> None:
        self.closed = True
        if self.owns_http:
            self.http.close()


class AsyncSender(_Wire):
    """Sends the calls of an ``AsyncPolyAI`` client over one ``httpx.AsyncClient``."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient | None, **wire: Any) -> None:
        super().__init__(settings, **wire)
        self.owns_http = http is None
        self.http = http if http is not None else httpx.AsyncClient(follow_redirects=False)

    async def call(
        self,
        request: dict[str, Any],
        operation: str,
        retry_safe: bool,
        build: Callable[..., Response[Any]],
        expected: type[T],
        options: RequestOptions,
    ) -> RawResponse[T]:
        retry = self.prepare(request, options)
        started = time.perf_counter()
        try:
            if retry is None:
                response = await self.http.request(**request)
            else:
                response = await retry.send_async(self.http, request, operation=operation, retry_safe=retry_safe)
        except httpx.TransportError as problem:
            raise _failure(operation, problem) from problem
        return self.parse(build, response, expected, started)

    async def aclose(self) -> None:
        self.closed = True
        if self.owns_http:
            await self.http.aclose()


E = TypeVar("E", bound=StrEnum)


def enum_value(enum: type[E], name: str, value: E | str) -> E:
    """*value* as a member of *enum*; an ``InvalidArgumentError`` naming *name* and the values it takes, if not one."""
    try:
        return enum(value)
    except ValueError:
        valid = ", ".join(repr(member.value) for member in enum)
        raise InvalidArgumentError(f"{name}={value!r} is not one of {valid}") from None


def strings(name: str, values: Sequence[str]) -> list[str]:
    """*values* as a list; a lone string is refused rather than split into characters."""
    if isinstance(values, str):
        raise TypeError(f"{name} takes a list of strings, not one string: [{values!r}]")
    return list(values)


def chunks(values: list[T]) -> list[list[T]]:
    """*values* in runs of at most ``MAX_BATCH_ITEMS``, in order; one empty run for an empty list."""
    if len(values) <= MAX_BATCH_ITEMS:
        return [values]
    return [values[start : start + MAX_BATCH_ITEMS] for start in range(0, len(values), MAX_BATCH_ITEMS)]


def poll(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    timeout: float,
    interval: float,
    max_interval: float,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    what: str,
) -> T:
    """*fetch* until *done* says its answer is final, waiting *interval* seconds, doubling up to
    *max_interval*, between polls; ``WaitTimeoutError`` once *timeout* seconds have gone by."""
    started = clock()
    while True:
        answer = fetch()
        if done(answer):
            return answer
        waited = clock() - started
        if waited >= timeout:
            raise WaitTimeoutError(f"{what}: not final after {waited:.1f} s: {answer!r}", last=answer, waited=waited)
        sleep(min(interval, timeout - waited))
        interval = min(interval * 2, max_interval)


async def poll_async(
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    timeout: float,
    interval: float,
    max_interval: float,
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float],
    what: str,
) -> T:
    """The asyncio twin of ``poll``."""
    started = clock()
    while True:
        answer = await fetch()
        if done(answer):
            return answer
        waited = clock() - started
        if waited >= timeout:
            raise WaitTimeoutError(f"{what}: not final after {waited:.1f} s: {answer!r}", last=answer, waited=waited)
        await sleep(min(interval, timeout - waited))
        interval = min(interval * 2, max_interval)


# The two overlap only for a sequence of plain lists, where either answer is a list: harmless.
@overload
def joined(parts: Sequence[list[T] | None]) -> list[T] | None: ...  # type: ignore[overload-overlap]
@overload
def joined(parts: Sequence[list[T] | Unset]) -> list[T] | Unset: ...
def joined(parts: Sequence[list[T] | None] | Sequence[list[T] | Unset]) -> list[T] | Unset | None:
    """Optional lists of several answers as one; left out when every answer left it out.

    Left out as the answers say it: None on a model the client only reads, UNSET on one also sent.
    """
    present = [part for part in parts if isinstance(part, list)]
    if present:
        return [item for part in present for item in part]
    return UNSET if any(isinstance(part, Unset) for part in parts) else None


__all__ = [
    "AsyncSender",
    "PollOptions",
    "RawResponse",
    "RequestOptions",
    "Sender",
    "chunks",
    "joined",
    "poll",
    "poll_async",
    "strings",
]
