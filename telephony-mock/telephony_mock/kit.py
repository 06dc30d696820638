"""The mock as a test kit for any test runner: `PolyAIMock`, a fresh mock in this process driven
from Python (the README shows it in use), and `mocked()`, the same on a loopback port.

Every control acts on the same store, clock and fault queue the served endpoints use, so a test
sees what a client would. With `auto_advance` (the default) the client's waits
(`polyai_telephony.pacing`, which `outbound_calls.wait()` and the retries of the clients built
here use) move the mock's clock instead of sleeping: 30 s of ringing is over in milliseconds.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

import httpx

from . import _errors
from ._clock import MockClock
from ._config import CallOutcome, ConfigError, MockConfig, load_config
from ._errors import ApiError
from ._in_process import InProcessTransport
from ._loopback import LoopbackServer
from ._request_log import Recorder, RequestLog
from ._rules import Rules
from ._seed import connector_record
from ._validation import Validator
from .app import _OPERATION_KEY, TelephonyMock, create_app

if TYPE_CHECKING:
    from polyai_telephony import AsyncPolyAI, PolyAI

P = ParamSpec("P")
R = TypeVar("R")

# The host of the in-process base URL: reserved (RFC 2606), so nothing real answers if a request leaks.
IN_PROCESS_URL = "http://polyai-mock.test"
ENV_BASE_URL = "POLYAI_BASE_URL"
ENV_API_KEY = "POLYAI_API_KEY"
ENV_AGENT_ID = "POLYAI_AGENT_ID"

Config = MockConfig | Mapping[str, Any] | str | Path | None
_DEFAULT_CONFIG = lru_cache(maxsize=1)(load_config)


def _config(config: Config) -> MockConfig:
    if config is None:
        # Parsed once per process: a fresh mock per test then costs about a millisecond (BENCHMARKS.md).
        return _DEFAULT_CONFIG()
    if isinstance(config, MockConfig):
        return config
    return load_config(config, source="<PolyAIMock config>")


class PolyAIMock:
    """A fresh, in-memory mock of the telephony API and the controls a test needs.

    `config`: a `MockConfig`, a config in its YAML form as a dict, or a config file's path; the
    bundled default config when None (account `acct-dev`, key `polyai-mock-dev-key`, agents
    `agent-dev` and `agent-dev-2`). `api_key` and `agent_id` are the first account's first key
    and agent, what `client()` sends. `auto_advance`: see the module's docstring.
    `validate_responses`: fail a request whose answer the contract would not allow.

    The rest are `create_app`'s options, for tests of the mock's own edges: `state`, a SQLite
    file that keeps the state (created if missing) instead of memory; `faults`, honour the
    `X-Mock-Fault` request header; `admin`, serve the /_admin endpoints; `rules`, rules by
    operationId that replace the mock's own (a mock broken on purpose).
    """

    def __init__(
        self,
        config: Config = None,
        *,
        auto_advance: bool = True,
        validate_responses: bool = False,
        state: str | Path | None = None,
        faults: bool = False,
        admin: bool = False,
        rules: Rules | None = None,
    ) -> None:
        self.config = _config(config)
        self.auto_advance = auto_advance
        self.starlette_app = create_app(
            self.config,
            state_path=state,
            admin=admin,
            faults=faults,
            validate_responses=validate_responses,
            rules=rules,
        )
        self._mock: TelephonyMock = self.starlette_app.state.mock
        self._recorder = Recorder(self.starlette_app, _OPERATION_KEY)
        self.app = self._recorder  # the ASGI app: the mock, recording every request
        account = self.config.accounts[0]
        self.api_key = account.api_keys[0]
        self.agent_id = account.agents[0].id
        self.base_url = IN_PROCESS_URL
        self._transport: InProcessTransport | None = None
        self._server: LoopbackServer | None = None
        self._closers: list[Callable[[], object]] = []
        self._saved_pacing: dict[str, Any] = {}
        self._waited = 0.0  # seconds the waits of wait() skipped, for pacing.monotonic
        self._validator = Validator(self._mock.spec)
        self._operations = frozenset(operation.operation_id for operation in self._mock.spec.operations)
        self._open = True
        if auto_advance:
            self._patch_pacing()

    # -- life -----------------------------------------------------------------------------------

    def __enter__(self) -> PolyAIMock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the clients it built, stop its server and give `polyai_telephony.pacing` back."""
        if not self._open:
            return
        self._open = False
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._transport is not None:
            self._transport.close()
        self._restore_pacing()
        self._mock.store.close()

    def serve(self) -> str:
        """Serve the mock on a free 127.0.0.1 port in a thread (until `close()`); its base URL."""
        if self._server is None:
            self._server = LoopbackServer(self.starlette_app, self._recorder)
            self._server.start()
        return self._server.base_url

    # -- clients --------------------------------------------------------------------------------

    @property
    def transport(self) -> InProcessTransport:
        """An httpx transport (sync) that hands each request to the mock in this thread."""
        if self._transport is None:
            self._transport = InProcessTransport(self.app)
        return self._transport

    def http_client(self) -> httpx.Client:
        """An `httpx.Client` on the mock (for the low-level `polyai_telephony.AuthenticatedClient`)."""
        client = httpx.Client(transport=self.transport, base_url=self.base_url)
        self._closers.append(client.close)
        return client

    def async_http_client(self) -> httpx.AsyncClient:
        """An `httpx.AsyncClient` on the mock through httpx's own `ASGITransport`."""
        # ASGITransport holds no connection, so a client left open holds nothing either; close it
        # (`async with`) in the test's own loop.
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.base_url)

    def client(self, **options: Any) -> PolyAI:
        """A `PolyAI` on the mock with its key and agent; `options` go to `PolyAI(...)`."""
        from polyai_telephony import PolyAI

        options.setdefault("http_client", self.http_client())
        client = PolyAI(**self._client_options(options))
        self._closers.append(client.close)
        return client

    def async_client(self, **options: Any) -> AsyncPolyAI:
        """An `AsyncPolyAI` on the mock, in the same event loop as the test: no port, no thread."""
        from polyai_telephony import AsyncPolyAI

        options.setdefault("http_client", self.async_http_client())
        return AsyncPolyAI(**self._client_options(options))

    def _client_options(self, options: dict[str, Any]) -> dict[str, Any]:
        options.setdefault("api_key", self.api_key)
        options.setdefault("agent_id", self.agent_id)
        options.setdefault("base_url", self.base_url)
        if self.auto_advance and "retry" not in options and "max_retries" not in options:
            from polyai_telephony import RetryPolicy

            options["retry"] = RetryPolicy(sleep=self._skip, async_sleep=self._async_skip)
        return options

    # -- state ----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the config's seed state, as POST /_admin/reset: numbers, connectors and calls, and
        also the request log, queued faults and scripted outcomes. The clock only moves forward."""
        self._mock.admin.reset(None)
        self._recorder.clear()
        self._mock.faults.clear_queued()
        self._mock.outcomes.clear()
        self._mock.outcomes.update(self.config.outbound_calls.outcomes)

    def seed_numbers(
        self,
        numbers: Iterable[str],
        *,
        client_env: Literal["live", "sandbox", "pre-release"] | None = None,
        connector_id: str | None = None,
        agent_id: str | None = None,
    ) -> list[str]:
        """Import numbers for an agent (default: `agent_id`), as POST /_admin/seed: all or none.

        Raises `ValueError` naming the problem: a number not in E.164, one already imported, an
        unknown agent or connector."""
        body: dict[str, Any] = {"agentId": agent_id or self.agent_id, "phoneNumbers": list(numbers)}
        if client_env is not None:
            body["clientEnv"] = client_env
        if connector_id is not None:
            body["connectorId"] = connector_id
        admin = self._mock.admin
        try:
            self._validator.check(admin.seed_body.validator, body, _errors.SCHEMA_VALIDATION_FAILED, "seed")
            for name, value in admin.seed_body.defaults.items():
                body.setdefault(name, value)
            admin.seed(body)
        except ApiError as error:
            raise ValueError(f"seed_numbers: {error}") from None
        return list(body["phoneNumbers"])

    def seed_connector(
        self,
        connector_id: str,
        *,
        name: str,
        client_env: Literal["live", "sandbox", "pre-release"] = "sandbox",
        asr_lang_code: str = "en-GB",
        tts_lang_code: str = "en-GB",
        voice_name: str = "en-GB-Neural2-A",
        variant_id: str = "",
        disable_handoff: bool = False,
        agent_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a connector to an agent's project (the API has no create); the record, as the API returns it.

        Checked like a connector of the config: by the contract's `Connector` schema, and its voice by
        the config's `voices`. Raises `ValueError` naming the problem."""
        caller = self._mock.admin.callers.get(agent_id or self.agent_id)
        if caller is None:
            raise ValueError(f"seed_connector: no agent {agent_id!r} in the config")
        voices = self.config.voices
        if voices is not None and voice_name not in voices:
            raise ValueError(f"seed_connector: voice {voice_name!r} is not in the config's voices")
        entry = {
            "connectorId": connector_id,
            "name": name,
            "clientEnv": client_env,
            "asrLangCode": asr_lang_code,
            "ttsLangCode": tts_lang_code,
            "voiceName": voice_name,
            "variantId": variant_id,
            "disableHandoff": disable_handoff,
        }
        owner = {"accountId": caller.account_id, "projectId": caller.project_id}
        try:
            record = connector_record(self._mock.spec, entry, owner, f"seed_connector {caller.agent_id}")
        except ConfigError as error:
            raise ValueError(str(error)) from None
        with self._mock.store.transaction(write=True) as tx:
            if tx.connector(connector_id) is not None:
                raise ValueError(f"seed_connector: connector {connector_id!r} exists already")
            tx.put_connector(record)
        return dict(record)

    def script_outcome(self, number: str, status: Literal["SUCCESS", "FAILURE"], *, reason: str = "") -> None:
        """How the calls triggered from now on to `number` (E.164) end: SUCCESS, or FAILURE with `reason`."""
        if status not in ("SUCCESS", "FAILURE"):
            raise ValueError(f"script_outcome: status must be SUCCESS or FAILURE, got {status!r}")
        self._mock.outcomes[number] = CallOutcome(status, reason)

    # -- time -----------------------------------------------------------------------------------

    @property
    def clock(self) -> MockClock:
        return self._mock.clock

    def advance(self, seconds: float) -> float:
        """Move the mock's clock forward, as POST /_admin/clock; the mock's time after it (Unix seconds)."""
        return self._mock.clock.advance(seconds)

    def _skip(self, seconds: float) -> None:
        self._mock.clock.advance(seconds)
        self._waited += seconds

    async def _async_skip(self, seconds: float) -> None:
        self._skip(seconds)
        await asyncio.sleep(0)  # still a suspension point, as a real wait is

    def _monotonic(self) -> float:
        return time.monotonic() + self._waited

    def _patch_pacing(self) -> None:
        try:
            from polyai_telephony import pacing
        except ImportError:  # no client installed: nothing waits
            return
        replacements = {"sleep": self._skip, "async_sleep": self._async_skip, "monotonic": self._monotonic}
        self._saved_pacing = {name: getattr(pacing, name) for name in replacements}
        for name, value in replacements.items():
            setattr(pacing, name, value)  # a module attribute, replaced on purpose

    def _restore_pacing(self) -> None:
        if self._saved_pacing:
            from polyai_telephony import pacing

            for name, value in self._saved_pacing.items():
                setattr(pacing, name, value)
            self._saved_pacing = {}

    # -- faults and the log ---------------------------------------------------------------------

    def fail_next(
        self,
        operation_id: str,
        status: int | None,
        *,
        times: int = 1,
        retry_after: float | None = None,
        latency_ms: int = 0,
    ) -> None:
        """Answer the next `times` requests of an operation with `status` (one the operation declares)
        in the envelope, after `latency_ms`; `status=None` only delays them. 429 carries Retry-After."""
        try:
            self._mock.faults.queue(
                operation_id,
                status=status,
                retry_after=None if retry_after is None else f"{retry_after:g}",
                latency_ms=latency_ms,
                times=times,
            )
        except ConfigError as error:
            raise ValueError(str(error)) from None

    @property
    def calls(self) -> RequestLog:
        """Every request the mock received since it started (or was reset), oldest first."""
        return RequestLog(self._recorder.calls, self._operations)

    @property
    def operations(self) -> frozenset[str]:
        """The contract's operationIds, the names `calls.of()` and `fail_next()` take."""
        return self._operations


class mocked:  # a context manager and decorator, named like a function, as moto's mock_aws is
    """The mock for code that builds its own `PolyAI()`: served on a loopback port, with
    POLYAI_BASE_URL, POLYAI_API_KEY and POLYAI_AGENT_ID pointing at it until the block ends.

        with telephony_mock.mocked() as mock:
            run_my_provisioning()              # builds PolyAI() from the environment
            mock.calls.of("importPhoneNumbers").assert_called_once()

        @telephony_mock.mocked()
        def test_something() -> None: ...      # async functions too

    POLYAI_REGION is left as it is: a base URL wins over a region. The environment is the
    process's, so two `mocked()` blocks must not overlap in different threads.
    """

    def __init__(self, config: Config = None, *, auto_advance: bool = True) -> None:
        self._config = config
        self._auto_advance = auto_advance
        self._stack: list[tuple[PolyAIMock, dict[str, str | None]]] = []

    def __enter__(self) -> PolyAIMock:
        mock = PolyAIMock(self._config, auto_advance=self._auto_advance)
        try:
            base_url = mock.serve()
        except BaseException:
            mock.close()
            raise
        wanted = {ENV_BASE_URL: base_url, ENV_API_KEY: mock.api_key, ENV_AGENT_ID: mock.agent_id}
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ.update(wanted)
        self._stack.append((mock, saved))
        return mock

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        mock, saved = self._stack.pop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        mock.close()

    def __call__(self, function: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                with mocked(self._config, auto_advance=self._auto_advance):
                    return await function(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with mocked(self._config, auto_advance=self._auto_advance):
                return function(*args, **kwargs)

        return run


__all__ = ["IN_PROCESS_URL", "PolyAIMock", "mocked"]
