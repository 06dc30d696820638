"""``PolyAI`` and ``AsyncPolyAI``: one object holding the key, the agent and the connection, with a
namespace per tag of the contract (``phone_numbers``, ``connectors``, ``outbound_calls``).

    with PolyAI(api_key="...", agent_id="my-agent") as client:   # or POLYAI_API_KEY, POLYAI_AGENT_ID
        numbers = client.phone_numbers.list().phone_numbers
"""

from collections.abc import Mapping
from types import TracebackType
from typing import Self

import httpx

from .client import DEFAULT_TIMEOUT, RetryPolicy
from .errors import ConfigurationError
from .resources import AsyncConnectors, AsyncOutboundCalls, AsyncPhoneNumbers, Connectors, OutboundCalls, PhoneNumbers
from .settings import configure_logging, resolve
from .transport import AsyncSender, Sender
from .types import UNSET, Unset


def _retry_policy(retry: RetryPolicy | None | Unset, max_retries: int | None) -> RetryPolicy | None:
    if max_retries is None:
        return RetryPolicy() if isinstance(retry, Unset) else retry
    if not isinstance(retry, Unset):
        raise ConfigurationError("pass retry= or max_retries=, not both")
    if max_retries < 0:
        raise ConfigurationError(f"max_retries must be 0 or more, not {max_retries}")
    return RetryPolicy(attempts=max_retries + 1) if max_retries else None


class PolyAI:
    """The PolyAI telephony API, one namespace per tag; close it, or use it in a ``with`` block.

    Args:
        api_key: The workspace API key; default ``POLYAI_API_KEY``. Required: a client without one
            raises ``ConfigurationError`` here. Sent in the ``X-API-KEY`` header and nowhere else.
        region: ``us``, ``uk``, ``eu``, ``studio``, ``dev``; default ``POLYAI_REGION``, else ``us``. Picks
            the host of the contract's servers entry, ``https://api.{region}.poly.ai``.
        base_url: Overrides the region's host (a mock, a proxy); default ``POLYAI_BASE_URL``.
        agent_id: The agent every call acts on unless the call names another; default
            ``POLYAI_AGENT_ID``.
        timeout: Seconds or an ``httpx.Timeout`` per attempt; default ``DEFAULT_TIMEOUT``.
        max_retries: Retries after the first attempt, with the default backoff; 0 never retries.
        retry: A full ``RetryPolicy`` instead (``None`` sends each request once). Default:
            ``RetryPolicy()``, 4 attempts within 60 s, reads only once the service may have seen them.
        default_headers: Headers sent with every call.
        http_client: An httpx client to send through (a proxy, a test transport); it is not closed
            by ``close()``. Its base URL and auth are not used.
    """

    phone_numbers: PhoneNumbers
    """Phone numbers owned by an agent's project, and the connector each routes to."""
    connectors: Connectors
    """Voice, language and environment bundles that handle incoming calls."""
    outbound_calls: OutboundCalls
    """Calls the agent places itself, and their outcome. PolyAI enables outbound calling per project."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        region: str | None = None,
        base_url: str | None = None,
        agent_id: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry: RetryPolicy | None | Unset = UNSET,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        configure_logging()
        settings = resolve(api_key=api_key, region=region, base_url=base_url, agent_id=agent_id)
        self._sender = Sender(
            settings,
            http_client,
            timeout=timeout,
            retry=_retry_policy(retry, max_retries),
            default_headers=default_headers or {},
        )
        self.phone_numbers = PhoneNumbers(self._sender)
        self.connectors = Connectors(self._sender)
        self.outbound_calls = OutboundCalls(self._sender)

    @property
    def base_url(self) -> str:
        return self._sender.settings.base_url

    @property
    def agent_id(self) -> str | None:
        return self._sender.settings.agent_id

    @property
    def is_closed(self) -> bool:
        return self._sender.closed

    def close(self) -> None:
        """Close the connections; a call made afterwards raises ``ClientClosedError``."""
        self._sender.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, agent_id={self.agent_id!r})"


class AsyncPolyAI:
    """The asyncio twin of ``PolyAI``: the same namespaces and methods, to be awaited.

    Args:
        api_key: The workspace API key; default ``POLYAI_API_KEY``. Required: a client without one
            raises ``ConfigurationError`` here. Sent in the ``X-API-KEY`` header and nowhere else.
        region: ``us``, ``uk``, ``eu``, ``studio``, ``dev``; default ``POLYAI_REGION``, else ``us``. Picks
            the host of the contract's servers entry, ``https://api.{region}.poly.ai``.
        base_url: Overrides the region's host (a mock, a proxy); default ``POLYAI_BASE_URL``.
        agent_id: The agent every call acts on unless the call names another; default
            ``POLYAI_AGENT_ID``.
        timeout: Seconds or an ``httpx.Timeout`` per attempt; default ``DEFAULT_TIMEOUT``.
        max_retries: Retries after the first attempt, with the default backoff; 0 never retries.
        retry: A full ``RetryPolicy`` instead (``None`` sends each request once). Default:
            ``RetryPolicy()``, 4 attempts within 60 s, reads only once the service may have seen them.
        default_headers: Headers sent with every call.
        http_client: An httpx client to send through (a proxy, a test transport); it is not closed
            by ``close()``. Its base URL and auth are not used.
    """

    phone_numbers: AsyncPhoneNumbers
    """Phone numbers owned by an agent's project, and the connector each routes to."""
    connectors: AsyncConnectors
    """Voice, language and environment bundles that handle incoming calls."""
    outbound_calls: AsyncOutboundCalls
    """Calls the agent places itself, and their outcome. PolyAI enables outbound calling per project."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        region: str | None = None,
        base_url: str | None = None,
        agent_id: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int | None = None,
        retry: RetryPolicy | None | Unset = UNSET,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        configure_logging()
        settings = resolve(api_key=api_key, region=region, base_url=base_url, agent_id=agent_id)
        self._sender = AsyncSender(
            settings,
            http_client,
            timeout=timeout,
            retry=_retry_policy(retry, max_retries),
            default_headers=default_headers or {},
        )
        self.phone_numbers = AsyncPhoneNumbers(self._sender)
        self.connectors = AsyncConnectors(self._sender)
        self.outbound_calls = AsyncOutboundCalls(self._sender)

    @property
    def base_url(self) -> str:
        return self._sender.settings.base_url

    @property
    def agent_id(self) -> str | None:
        return self._sender.settings.agent_id

    @property
    def is_closed(self) -> bool:
        return self._sender.closed

    async def aclose(self) -> None:
        """Close the connections; a call made afterwards raises ``ClientClosedError``."""
        await self._sender.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, agent_id={self.agent_id!r})"


__all__ = ["AsyncPolyAI", "PolyAI"]
