"""Recordings of what a run exchanged with its target, as HTTP Archive (HAR 1.2) files, written as it goes.

Why HAR rather than a VCR cassette, what is redacted and how many recordings are kept:
contract_tests/README.md, "Recordings and fidelity". Fields of our own start with `_`, as HAR 1.2
allows: `_resetBefore` marks an exchange the target was reset to its seed state before (the mock's
own runs reset it per phase), `_truncated` a body cut at `MAX_BODY_BYTES`. The run's own key is
written as `RUN_KEY`, so a replay knows to send its own key there, and any other as `OTHER_KEY`,
so the suite's wrong-key probes stay wrong.
"""

from __future__ import annotations

import base64
import datetime
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import orjson

from telephony_contract import load_catalogue

HAR_VERSION = "1.2"
RUN_KEY = "[REDACTED]"
OTHER_KEY = "[REDACTED:other]"
KEY_HEADER = load_catalogue().api_key_header.lower()
# A body bigger than this is cut, and its exchange is replayed but not compared.
MAX_BODY_BYTES = 256 * 1024
# What a target's folder of kept recordings may hold: a week of nights, and at most 512 MiB.
KEEP = 7
MAX_KEPT_BYTES = 512 * 1024 * 1024
SUFFIX = ".har"

# Header names that say they carry a credential (the correlation id is not one).
_SECRET_HEADER = re.compile(r"key|token|secret|password|auth|cookie|signature|credential", re.IGNORECASE)
# Values shaped like a credential, wherever they appear: bearer tokens, GitHub and AWS keys, PEM
# private keys, and `name: value` pairs whose name says secret.
_SECRET_SHAPED = re.compile(
    r"(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}"
    r"|AKIA[0-9A-Z]{16}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"
    r"|(?i:api[_-]?key|secret|password|access[_-]?token)[\"']?\s*[:=]\s*[\"']?[^\s\"',}]{6,}"
)
_POSTSCRIPT = b"\n]}}\n"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Recorder:
    """Writes a HAR file entry by entry, redacting as it goes. Thread-safe; `close()` ends the file."""

    def __init__(self, path: Path, *, run_keys: Iterable[str], secrets: Iterable[str] = (), comment: str = "") -> None:
        self.path = path
        self.count = 0
        self._run_keys = frozenset(key for key in run_keys if key)
        # Longest first, so a secret that contains another is redacted whole.
        self._secrets = sorted({secret for secret in (*secrets, *self._run_keys) if secret}, key=len, reverse=True)
        self._lock = threading.Lock()
        self._reset_pending = False
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[bytes] | None = path.open("wb")
        log = {"version": HAR_VERSION, "creator": {"name": "contract_tests", "version": "1"}, "comment": comment}
        # The log's fields first, then the entries, streamed; `close()` writes the tail.
        self._file.write(b'{"log":' + orjson.dumps(log)[:-1] + b',"entries":[\n')

    # -- what is recorded ---------------------------------------------------------------------

    def add(
        self,
        *,
        started: float,
        elapsed: float,
        method: str,
        url: str,
        request_headers: Iterable[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_headers: Iterable[tuple[str, str]],
        response_body: bytes,
        http_version: str = "HTTP/1.1",
        reason: str = "",
    ) -> None:
        """Record one exchange: `started` in seconds since the epoch, `elapsed` in seconds."""
        url = self._redact(url)
        request_headers = [self._header(name, value) for name, value in request_headers]
        response_headers = [self._header(name, value) for name, value in response_headers]
        request_type = _header_value(request_headers, "content-type")
        response_type = _header_value(response_headers, "content-type")
        request_text, request_extra = self._body(request_body)
        response_text, response_extra = self._body(response_body)
        entry: dict[str, Any] = {
            "startedDateTime": datetime.datetime.fromtimestamp(started, datetime.UTC).isoformat(),
            "time": round(elapsed * 1000, 3),
            "request": {
                "method": method,
                "url": url,
                "httpVersion": http_version,
                "cookies": [],
                "headers": [{"name": name, "value": value} for name, value in request_headers],
                "queryString": [
                    {"name": name, "value": value}
                    for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True)
                ],
                "headersSize": -1,
                "bodySize": len(request_body),
            },
            "response": {
                "status": status,
                "statusText": reason,
                "httpVersion": http_version,
                "cookies": [],
                "headers": [{"name": name, "value": value} for name, value in response_headers],
                "content": {"size": len(response_body), "mimeType": response_type, **response_extra},
                "redirectURL": _header_value(response_headers, "location"),
                "headersSize": -1,
                "bodySize": len(response_body),
            },
            "cache": {},
            "timings": {"send": 0, "wait": round(elapsed * 1000, 3), "receive": 0},
        }
        if response_text is not None:
            entry["response"]["content"]["text"] = response_text
        if request_body:
            # HAR's postData has no `encoding`; a body that is not UTF-8 says so in a field of ours.
            entry["request"]["postData"] = {"mimeType": request_type, "text": request_text, **request_extra}
        if request_extra.get("_truncated") or response_extra.get("_truncated"):
            entry["_truncated"] = True
        with self._lock:
            if self._file is None:
                return
            if self._reset_pending:
                entry["_resetBefore"] = True
                self._reset_pending = False
            self._file.write((b",\n" if self.count else b"") + orjson.dumps(entry))
            self._file.flush()
            self.count += 1

    def add_response(self, response: httpx.Response) -> None:
        """Record the exchange behind an httpx response that has been read."""
        request = response.request
        elapsed = response.elapsed.total_seconds()
        self.add(
            started=time.time() - elapsed,
            elapsed=elapsed,
            method=request.method,
            url=str(request.url),
            request_headers=request.headers.multi_items(),
            request_body=request.content,
            status=response.status_code,
            response_headers=response.headers.multi_items(),
            response_body=response.content,
            http_version=response.http_version,
            reason=response.reason_phrase,
        )

    def reset(self) -> None:
        """The target goes back to its seed state before the next exchange."""
        with self._lock:
            self._reset_pending = True

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.write(_POSTSCRIPT)
                self._file.close()
                self._file = None

    # -- redaction ----------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, RUN_KEY)
        return _SECRET_SHAPED.sub(RUN_KEY, text) if _could_be_secret(text) else text

    def _header(self, name: str, value: str) -> tuple[str, str]:
        lowered = name.lower()
        if lowered == KEY_HEADER:
            if not value:
                return name, value
            return name, RUN_KEY if value in self._run_keys else OTHER_KEY
        if _SECRET_HEADER.search(lowered):
            return name, RUN_KEY
        return name, self._redact(value)

    def _body(self, body: bytes) -> tuple[str, dict[str, Any]]:
        extra: dict[str, Any] = {}
        if len(body) > MAX_BODY_BYTES:
            extra["comment"] = f"truncated: {MAX_BODY_BYTES} of {len(body)} bytes kept"
            extra["_truncated"] = True
            body = body[:MAX_BODY_BYTES]
        try:
            return self._redact(body.decode("utf-8")), extra
        except UnicodeDecodeError:
            extra["encoding"] = "base64"
            return base64.b64encode(body).decode("ascii"), extra


def _could_be_secret(text: str) -> bool:
    # The pattern is only run where one of its anchors occurs: most bodies have none.
    lowered = text.lower()
    return any(
        marker in lowered for marker in ("bearer", "gh", "akia", "private key", "key", "secret", "password", "token")
    )


def _header_value(headers: Iterable[tuple[str, str]], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")


async def answer_of(app: Any, scope: Scope, receive: Receive) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The whole answer an ASGI app gives a request: status, headers and body."""
    start: dict[str, Any] = {}
    body = bytearray()

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, capture)
    return int(start["status"]), list(start.get("headers", [])), bytes(body)


class RecordingApp:
    """An ASGI app in front of another that records every HTTP exchange with it."""

    def __init__(self, app: Any, recorder: Recorder, base_url: str) -> None:
        self.app = app
        self.recorder = recorder
        self.base_url = base_url.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, clock = time.time(), time.perf_counter()
        request_body: list[bytes] = []

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request_body.append(message.get("body", b""))
            return message

        status, headers, body = await answer_of(self.app, scope, receiving)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = self.base_url + raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        self.recorder.add(
            started=started,
            elapsed=time.perf_counter() - clock,
            method=scope["method"],
            url=url,
            request_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]],
            request_body=b"".join(request_body),
            status=status,
            response_headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers],
            response_body=body,
        )


@dataclass(frozen=True, slots=True)
class Exchange:
    """One recorded exchange, as a replay needs it."""

    index: int
    started: float  # seconds since the epoch
    elapsed: float  # seconds
    method: str
    path: str  # as sent, percent-encoding kept
    query: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    truncated: bool = False
    reset_before: bool = False


@dataclass(frozen=True)
class Recording:
    path: Path
    comment: str
    exchanges: list[Exchange]


def read(path: Path) -> Recording:
    """A recording, or what was written of one whose run was killed before it closed the file."""
    raw = path.read_bytes()
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        document = orjson.loads(raw.rstrip().rstrip(b",") + _POSTSCRIPT)
    log = document["log"]
    return Recording(path, str(log.get("comment", "")), [_exchange(i, e) for i, e in enumerate(log["entries"])])


def _exchange(index: int, entry: dict[str, Any]) -> Exchange:
    request, response = entry["request"], entry["response"]
    url = urlsplit(request["url"])
    post = request.get("postData") or {}
    content = response.get("content") or {}
    return Exchange(
        index=index,
        started=datetime.datetime.fromisoformat(entry["startedDateTime"]).timestamp(),
        elapsed=float(entry.get("time", 0)) / 1000,
        method=request["method"],
        path=url.path or "/",
        query=url.query,
        request_headers=tuple((h["name"], h["value"]) for h in request.get("headers", [])),
        request_body=_decoded(post.get("text", ""), post.get("_encoding") or post.get("encoding")),
        status=int(response["status"]),
        response_headers=tuple((h["name"], h["value"]) for h in response.get("headers", [])),
        response_body=_decoded(content.get("text", ""), content.get("encoding")),
        truncated=bool(entry.get("_truncated")),
        reset_before=bool(entry.get("_resetBefore")),
    )


def json_of(raw: bytes) -> Any:
    """A recorded body as JSON; None when it is empty or not JSON."""
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None


def _decoded(text: str, encoding: str | None) -> bytes:
    return base64.b64decode(text) if encoding == "base64" else text.encode("utf-8")


def folder(report_dir: Path, target: str) -> Path:
    """The folder of a target's kept recordings (`real` or `mock`)."""
    return report_dir / "recordings" / target


def newest(directory: Path) -> Path | None:
    found = listed(directory)
    return found[-1] if found else None


def listed(directory: Path) -> list[Path]:
    """The recordings in a folder, oldest first (their names start with the run's UTC stamp)."""
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


def keep(directory: Path, *, count: int = KEEP, max_bytes: int = MAX_KEPT_BYTES) -> list[Path]:
    """Delete the oldest recordings beyond `count`, then beyond `max_bytes`; returns what was deleted."""
    found = listed(directory)
    dropped = found[:-count] if len(found) > count else []
    kept = found[len(dropped) :]
    total = sum(path.stat().st_size for path in kept)
    while len(kept) > 1 and total > max_bytes:
        oldest = kept.pop(0)
        total -= oldest.stat().st_size
        dropped.append(oldest)
    for path in dropped:
        path.unlink()
    return dropped
