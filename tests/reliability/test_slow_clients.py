"""Slow and idle clients are cut off, and cannot keep a well-behaved client out.

Raw sockets, since no HTTP client sends half a request on purpose. The mock runs as users run it
(`python -m telephony_mock`), on both server stacks, with deadlines short enough for a test.
Every wait is bounded: a socket read gives up after READ_LIMIT seconds.
"""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from live_server import API_KEY, MockProcess

from telephony_mock._server import default_stack

SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text())
CORRELATION = "x-polyai-correlation-id"
NUMBERS = "/v1/agents/agent-dev/telephony/phone-numbers"
DEADLINE = 0.5  # every deadline of the mocks below, in seconds
READ_LIMIT = 10.0  # far past any deadline: a read that waits this long found no answer
HEAD = f"GET {NUMBERS} HTTP/1.1\r\nHost: mock\r\nX-API-KEY: {API_KEY}\r\n".encode()
CHUNKED_HEAD = (
    f"POST {NUMBERS} HTTP/1.1\r\nHost: mock\r\nX-API-KEY: {API_KEY}\r\n"
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
).encode()

STACKS = [pytest.param(("--http", "h11"), id="h11")]
if default_stack().http == "httptools":
    STACKS.insert(0, pytest.param(("--http", "httptools"), id="httptools"))


def _short_deadlines(max_connections: int = 1000) -> tuple[str, ...]:
    return (
        "--header-timeout",
        str(DEADLINE),
        "--body-timeout",
        str(DEADLINE),
        "--keep-alive-timeout",
        str(DEADLINE),
        "--max-connections",
        str(max_connections),
    )


@pytest.fixture(params=STACKS)
def mock(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MockProcess]:
    process = MockProcess(tmp_path / "mock.log", extra_args=(*request.param, *_short_deadlines()))
    process.start()
    try:
        yield process
    finally:
        process.stop()


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=READ_LIMIT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection; fails if it never does."""
    received = b""
    deadline = time.monotonic() + READ_LIMIT
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65_536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"the server kept the connection open past {READ_LIMIT}s; sent {received[:200]!r}")


def _envelope(raw: bytes, status: int, code: str) -> None:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith(f"HTTP/1.1 {status} "), raw[:200]
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    assert headers["connection"] == "close"
    envelope = json.loads(body)
    assert envelope["success"] is False
    assert envelope["error_code"] == code
    assert SPEC["x-error-codes"][code]["status"] == status
    assert envelope["error_id"] == headers[CORRELATION]


def _logged(mock: MockProcess, sock_name: tuple[str, int], words: str) -> bool:
    """Whether the mock's log has a cut-off line naming this client's address and `words`."""
    peer = f"{sock_name[0]}:{sock_name[1]}"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if any(peer in line and words in line for line in mock.log_path.read_text().splitlines()):
            return True
        time.sleep(0.05)
    return False


def test_a_head_that_never_ends_gets_408_and_is_closed(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        sock.sendall(HEAD)  # no blank line: the head never ends
        _envelope(_read_until_closed(sock), 408, "REQUEST_TIMEOUT")
        assert _logged(mock, sock.getsockname(), "request head not received")


def test_a_head_trickled_a_byte_at_a_time_is_cut_off_at_the_deadline(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        started = time.monotonic()
        answer = b""
        # Each byte would restart a deadline measured from the last byte; the deadline runs from
        # the head's start, so the answer comes while the client is still trickling.
        for byte in HEAD:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.settimeout(0.1)
            try:
                answer = sock.recv(65_536)
            except TimeoutError:
                continue
            break
        sock.settimeout(READ_LIMIT)
        answer += _read_until_closed(sock)
        assert time.monotonic() - started < len(HEAD) * 0.1, "cut off only once the whole head was sent"
        _envelope(answer, 408, "REQUEST_TIMEOUT")


def test_a_silent_connection_is_cut_off(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        _envelope(_read_until_closed(sock), 408, "REQUEST_TIMEOUT")


def test_an_http_0_9_request_line_is_answered(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        sock.sendall(b"GET /\r\n")
        answer = _read_until_closed(sock)
        assert answer.startswith((b"HTTP/1.1 400 ", b"HTTP/1.1 408 ")), answer[:200]
        _envelope(
            answer, int(answer[9:12]), "SCHEMA_VALIDATION_FAILED" if answer[9:12] == b"400" else "REQUEST_TIMEOUT"
        )


def test_a_chunked_body_that_never_ends_gets_408_and_is_closed(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        sock.sendall(CHUNKED_HEAD + b'4\r\n{"ph\r\n')
        _envelope(_read_until_closed(sock), 408, "REQUEST_TIMEOUT")
        assert _logged(mock, sock.getsockname(), "request body not received")


def test_a_chunk_size_of_2_to_the_64_is_answered(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        sock.sendall(CHUNKED_HEAD + b"%x\r\n{}" % 2**64)
        answer = _read_until_closed(sock)
        status = int(answer[9:12])
        code = {400: "SCHEMA_VALIDATION_FAILED", 408: "REQUEST_TIMEOUT", 413: "PAYLOAD_TOO_LARGE"}[status]
        _envelope(answer, status, code)


def test_an_idle_keep_alive_connection_is_closed_and_logged(mock: MockProcess) -> None:
    with _connect(mock.base_url) as sock:
        sock.sendall(HEAD + b"\r\n")
        answer = _read_until_closed(sock)
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
        assert _logged(mock, sock.getsockname(), "idle")


def test_well_behaved_clients_are_served_beside_slow_ones(mock: MockProcess) -> None:
    slow = [_connect(mock.base_url) for _ in range(20)]
    try:
        for sock in slow:
            sock.sendall(HEAD)
        with httpx.Client(base_url=mock.base_url, headers={"X-API-KEY": API_KEY}, timeout=READ_LIMIT) as client:
            for _ in range(20):
                assert client.get(NUMBERS).status_code == 200
        for sock in slow:
            _envelope(_read_until_closed(sock), 408, "REQUEST_TIMEOUT")
    finally:
        for sock in slow:
            sock.close()


@pytest.mark.parametrize("stack", STACKS)
def test_a_connection_over_the_cap_gets_503_and_is_closed(stack: tuple[str, ...], tmp_path: Path) -> None:
    cap = 10
    args = (*stack, "--header-timeout", "60", "--max-connections", str(cap))
    mock = MockProcess(tmp_path / "mock.log", extra_args=args)
    mock.start()
    held: list[socket.socket] = []
    try:
        # Let the readiness probe's connection go, so the cap counts only the ones held here.
        time.sleep(0.2)
        held = [_connect(mock.base_url) for _ in range(cap)]
        for sock in held:
            sock.sendall(HEAD)  # half a request each: open, and owing a head
        time.sleep(0.2)
        with _connect(mock.base_url) as over:
            _envelope(_read_until_closed(over), 503, "SERVICE_UNAVAILABLE")
            assert _logged(mock, over.getsockname(), "over the cap")
        for sock in held:
            sock.close()
        held = []
        with httpx.Client(base_url=mock.base_url, headers={"X-API-KEY": API_KEY}, timeout=READ_LIMIT) as client:
            response = client.get(NUMBERS)
            for _ in range(50):  # the server notices the closed sockets within moments
                if response.status_code == 200:
                    break
                time.sleep(0.1)
                response = client.get(NUMBERS)
            assert response.status_code == 200
    finally:
        for sock in held:
            sock.close()
        mock.stop()


# -- the long run: 2,000 slow connections for a minute ------------------------------------------

SLOW_CONNECTIONS = 2_000
HOLD_SECONDS = 60.0


async def _hold_slowly(host: str, port: int, until: float, cut_offs: list[int]) -> None:
    """Keep one connection trickling a head, a byte a second; when cut off, connect again."""
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        try:
            for byte in HEAD:
                if time.monotonic() >= until or reader.at_eof():
                    break
                writer.write(bytes([byte]))
                await writer.drain()
                try:
                    await asyncio.wait_for(reader.read(65_536), timeout=1.0)
                    cut_offs.append(1)
                    break
                except TimeoutError:
                    continue
        except OSError:
            cut_offs.append(1)
        finally:
            writer.close()


def _slow_crowd(base_url: str, until: float, cut_offs: list[int]) -> None:
    host, port = base_url.removeprefix("http://").split(":")

    async def crowd() -> None:
        await asyncio.gather(*(_hold_slowly(host, int(port), until, cut_offs) for _ in range(SLOW_CONNECTIONS)))

    asyncio.run(crowd())


@pytest.mark.slow
def test_2000_slow_connections_for_a_minute_keep_nobody_out(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = SLOW_CONNECTIONS + 500
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the descriptor limit's ceiling is {hard}; this test needs {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    # The mock's own defaults: the 10 s head deadline and a cap of 4,000 connections.
    mock = MockProcess(tmp_path / "mock.log")
    mock.start()
    try:
        until = time.monotonic() + HOLD_SECONDS
        cut_offs: list[int] = []
        crowd = threading.Thread(target=_slow_crowd, args=(mock.base_url, until, cut_offs), daemon=True)
        crowd.start()
        time.sleep(5)  # let the crowd connect
        latencies: list[float] = []
        with httpx.Client(base_url=mock.base_url, headers={"X-API-KEY": API_KEY}, timeout=READ_LIMIT) as client:
            while time.monotonic() < until:
                started = time.perf_counter()
                response = client.get(f"{NUMBERS}/%2B442079460123")
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 404), response.text  # never 503, never refused
                time.sleep(0.02)
        crowd.join(timeout=30)
    finally:
        mock.stop()
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(
        f"\n{len(latencies)} gets beside {SLOW_CONNECTIONS} slow connections: "
        f"p50 {statistics.median(latencies):.1f} ms, p99 {p99:.1f} ms; {len(cut_offs)} cut-offs"
    )
    assert cut_offs, "the slow connections were never cut off"
    assert p99 < 50, f"p99 {p99:.1f} ms"
