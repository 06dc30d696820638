"""The clients that hold connection settings, and the retry policy every API function sends through.

Retries use tenacity: exponential backoff with jitter on transient statuses and connection
failures, honouring ``Retry-After``, bounded by a number of attempts and a total time.
"""

import asyncio
import email.utils
import logging
import math
import random
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Generator
from datetime import UTC, datetime
from typing import Any, Self

import httpx
import tenacity
from attrs import define, evolve, field, frozen, validators

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""Per attempt: 5 s to connect, 30 s for each read, write and wait for a pooled connection.

httpx's own default is 5 s for everything, and a client built with ``timeout=None`` would wait
forever; 30 s leaves room for the service to process a batch of up to 1000 numbers.
"""

# Failures raised before the request left this process, so the service cannot have acted on it:
# repeating is safe for every operation, writes included.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures after the request may have reached the service: repeated only for operations that are
# safe to repeat.
_MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.NetworkError, httpx.RemoteProtocolError)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP date; None if absent or unreadable."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT; a bare date is read the same way
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@frozen
class RetryPolicy:
    """When and how often a request is sent again after a transient failure.

    Operations that only read (GET, and the POST batch-get and lookup operations) are retried on
    the ``statuses`` below and on connection failures, read timeouts and dropped connections.
    Writes are retried only when the connection could not be made, because then the service
    never saw the request; after any answer or a failure mid-request, a repeated write could act
    twice (a second import answers 409, a second delete answers 404) or overwrite a newer change.

    The wait before retry ``n`` (1 for the first) is
    ``min(wait_max, wait_initial * wait_exp_base ** (n - 1)) + uniform(0, wait_jitter)``,
    or, when the answer carries ``Retry-After``, that many seconds plus the jitter.
    No retry starts later than ``total_timeout`` seconds after the first attempt began, so a
    ``Retry-After`` longer than what is left ends the retries at once and returns that answer.

    Attributes:
        attempts: Attempts in all, the first included; 1 means never retry.
        total_timeout: Seconds after the first attempt began beyond which no retry starts.
        wait_initial: Seconds before the first retry, before jitter.
        wait_max: Largest wait between two attempts, before jitter.
        wait_jitter: Largest random number of seconds added to every wait.
        wait_exp_base: Factor by which the wait grows from one retry to the next.
        statuses: Answer statuses that are retried for operations safe to repeat.
        sleep: How the synchronous functions wait; replace it in tests.
        async_sleep: How the asyncio functions wait; replace it in tests.
    """

    attempts: int = field(default=4, validator=validators.ge(1))
    total_timeout: float = field(default=60.0, validator=validators.gt(0))
    wait_initial: float = field(default=0.5, validator=validators.ge(0))
    wait_max: float = field(default=8.0, validator=validators.ge(0))
    wait_jitter: float = field(default=0.5, validator=validators.ge(0))
    wait_exp_base: float = field(default=2.0, validator=validators.ge(1))
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False)

    def wait_before(self, retry: int, response: httpx.Response | None) -> float:
        """Seconds to wait before retry number *retry*, after *response* (None after a connection failure)."""
        jitter = random.uniform(0, self.wait_jitter)
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if response is not None else None
        if retry_after is not None:
            return retry_after + jitter
        try:
            backoff = self.wait_initial * self.wait_exp_base ** (retry - 1)
        except OverflowError:
            backoff = self.wait_max
        return min(self.wait_max, backoff) + jitter

    def _transient(self, outcome: httpx.Response | httpx.TransportError, retry_safe: bool) -> bool:
        """Whether *outcome* of an attempt is worth another: see the class docstring."""
        if isinstance(outcome, httpx.Response):
            return retry_safe and outcome.status_code in self.statuses
        return isinstance(outcome, _NOT_SENT) or (retry_safe and isinstance(outcome, _MAYBE_SENT))

    def _settings(self, operation: str, retry_safe: bool, started: float) -> dict[str, Any]:
        def failure_is_transient(problem: BaseException) -> bool:
            return isinstance(problem, httpx.TransportError) and self._transient(problem, retry_safe)

        def answer_is_transient(response: httpx.Response) -> bool:
            return self._transient(response, retry_safe)

        def wait(state: tenacity.RetryCallState) -> float:
            outcome = state.outcome
            response = None if outcome is None or outcome.failed else outcome.result()
            return self.wait_before(state.attempt_number, response)

        def log_retry(state: tenacity.RetryCallState) -> None:
            outcome = state.outcome
            if outcome is None:
                return
            problem = outcome.exception()
            # The type name only: an exception's text or a request's headers could carry the key.
            cause = type(problem).__name__ if problem is not None else f"status {outcome.result().status_code}"
            logger.info(
                "%s: %s; retry %d of %d in %.2f s",
                operation,
                cause,
                state.attempt_number,
                self.attempts - 1,
                state.upcoming_sleep,
            )

        def give_up(state: tenacity.RetryCallState) -> Any:
            # The last answer goes back to the caller as if no retry had been made; the last
            # exception is raised again.
            assert state.outcome is not None
            return state.outcome.result()

        return {
            "retry": tenacity.retry_if_exception(failure_is_transient) | tenacity.retry_if_result(answer_is_transient),
            "wait": wait,
            "stop": tenacity.stop_after_attempt(self.attempts) | _StopBeforeTotal(started, self.total_timeout),
            "before_sleep": log_retry,
            "retry_error_callback": give_up,
            "reraise": True,
        }

    # Most calls succeed at the first attempt, which is therefore sent without tenacity, whose
    # set-up costs about as much as parsing a small answer; tenacity takes over from the first
    # outcome when it calls for a retry.

    def send(self, http: httpx.Client, request: dict[str, Any], *, operation: str, retry_safe: bool) -> httpx.Response:
        """Send *request* on *http*, retrying as this policy allows."""
        started = time.monotonic()
        first: httpx.Response | httpx.TransportError
        try:
            first = http.request(**request)
        except httpx.TransportError as problem:
            first = problem
        if not self._transient(first, retry_safe) or self.attempts == 1:
            return _settled(first)
        outcomes = [first]

        def attempt(**again: Any) -> httpx.Response:
            return _settled(outcomes.pop()) if outcomes else http.request(**again)

        retrying = tenacity.Retrying(sleep=self.sleep, **self._settings(operation, retry_safe, started))
        return retrying(attempt, **request)

    async def send_async(
        self, http: httpx.AsyncClient, request: dict[str, Any], *, operation: str, retry_safe: bool
    ) -> httpx.Response:
        """Send *request* on *http*, retrying as this policy allows."""
        started = time.monotonic()
        first: httpx.Response | httpx.TransportError
        try:
            first = await http.request(**request)
        except httpx.TransportError as problem:
            first = problem
        if not self._transient(first, retry_safe) or self.attempts == 1:
            return _settled(first)
        outcomes = [first]

        async def attempt(**again: Any) -> httpx.Response:
            return _settled(outcomes.pop()) if outcomes else await http.request(**again)

        retrying = tenacity.AsyncRetrying(sleep=self.async_sleep, **self._settings(operation, retry_safe, started))
        return await retrying(attempt, **request)


class _StopBeforeTotal(tenacity.stop.stop_base):
    """tenacity's stop_before_delay, timed from the first attempt, which was sent before tenacity took over."""

    def __init__(self, started: float, total: float) -> None:
        self.started = started
        self.total = total

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        return time.monotonic() - self.started + (retry_state.upcoming_sleep or 0.0) >= self.total


def _settled(outcome: httpx.Response | httpx.TransportError) -> httpx.Response:
    """The answer of an attempt, or its failure raised again."""
    if isinstance(outcome, httpx.TransportError):
        raise outcome
    return outcome


# Header names whose values are credentials; a repr shows their names only.
_SECRET_HEADER = re.compile(r"key|auth|token|secret|cookie|session|password", re.IGNORECASE)


def redacted_headers(headers: dict[str, str]) -> str:
    """*headers* for a repr, the value of any that may carry a credential (X-API-KEY, say) hidden."""
    return repr({name: "<hidden>" if _SECRET_HEADER.search(name) else value for name, value in headers.items()})


def redacted_values(values: dict[str, str]) -> str:
    """Names only: a cookie's value is as good as a key."""
    return repr(dict.fromkeys(values, "<hidden>"))


class _HeaderAuth(httpx.Auth):
    """Sets the API key header on each request, so it stays out of the client's default headers and reprs."""

    def __init__(self, name: str, value: str) -> None:
        self._name = name
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._name] = self._value
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r}, <hidden>)"


@define
class Client:
    """A class for keeping track of data related to the API

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: The longest one attempt may take (see ``DEFAULT_TIMEOUT``); ``None`` waits
        forever. API functions raise httpx.TimeoutException when it is exceeded and no retry is left.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True
        in production, but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and
        ``httpx.AsyncClient`` constructor.

    Attributes:
        retry: The ``RetryPolicy`` for transient failures; ``None`` sends every request once.
        raise_on_error: Whether an error status (4xx or 5xx) raises ``errors.ApiError``, which
            carries the status and the parsed error envelope, instead of returning the envelope.
            An error status the contract does not declare raises its subclass
            ``errors.UnexpectedStatus``.
        raise_on_unexpected_status: Whether any status the contract does not declare for the
            operation, a success status included, raises ``errors.UnexpectedStatus``.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    raise_on_error: bool = field(default=False, kw_only=True)
    retry: RetryPolicy | None = field(factory=RetryPolicy, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(factory=dict, kw_only=True, alias="cookies", repr=redacted_values)
    _headers: dict[str, str] = field(factory=dict, kw_only=True, alias="headers", repr=redacted_headers)
    _timeout: httpx.Timeout | None = field(default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout")
    _verify_ssl: str | bool | ssl.SSLContext = field(default=True, kw_only=True, alias="verify_ssl")
    _follow_redirects: bool = field(default=False, kw_only=True, alias="follow_redirects")
    _httpx_args: dict[str, Any] = field(factory=dict, kw_only=True, alias="httpx_args")
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    # A copy gets httpx clients of its own, built on first use; the original's are left as they
    # are, so a header or timeout given to the copy never leaks into calls on the original.
    def with_headers(self, headers: dict[str, str]) -> Self:
        """Get a new client matching this one with additional headers"""
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        """Get a new client matching this one with additional cookies"""
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """Get a new client matching this one with a new timeout configuration"""
        return evolve(self, timeout=timeout)

    def _auth(self) -> httpx.Auth | None:
        return None

    def _httpx_settings(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            "auth": self._auth(),
            **self._httpx_args,
        }

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, timeout and
        authentication.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(**self._httpx_settings())
        return self._client

    def send_request(self, request: dict[str, Any], *, operation: str, retry_safe: bool) -> httpx.Response:
        """Send one API call's request, with the retries ``self.retry`` allows."""
        http = self.get_httpx_client()
        if self.retry is None:
            return http.request(**request)
        return self.retry.send(http, request, operation=operation, retry_safe=retry_safe)

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, timeout and
        authentication.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(**self._httpx_settings())
        return self._async_client

    async def send_request_async(self, request: dict[str, Any], *, operation: str, retry_safe: bool) -> httpx.Response:
        """Send one API call's request, with the retries ``self.retry`` allows."""
        http = self.get_async_httpx_client()
        if self.retry is None:
            return await http.request(**request)
        return await self.retry.send_async(http, request, operation=operation, retry_safe=retry_safe)

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


@define
class AuthenticatedClient(Client):
    """A Client which has been authenticated for use on secured endpoints

    Attributes:
        token: The API key. It is never part of a repr, a log line or an exception's text.
        prefix: The prefix to put before the token in the header; PolyAI's API wants ``""``.
        auth_header_name: The header the token is sent in; PolyAI's API wants ``"X-API-KEY"``.
    """

    token: str = field(repr=False)
    prefix: str = "Bearer"
    auth_header_name: str = "Authorization"

    def _auth(self) -> httpx.Auth:
        return _HeaderAuth(self.auth_header_name, f"{self.prefix} {self.token}" if self.prefix else self.token)
