"""Whether a server stack answers the requests its parser refuses in the error envelope.

Two raw requests no HTTP client would send: a method outside the registered HTTP methods, which
the mock answers 405 with `Allow` when the request reaches it, and a request line that is not
HTTP at all. Each answer is recorded with its status and whether its body is the envelope.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any

PROBES = {
    "unknown method": b"CONNECT-ME {path} HTTP/1.1\r\nHost: bench\r\nX-API-KEY: {key}\r\n\r\n",
    "unreadable request line": b"NOT HTTP AT ALL\r\n\r\n",
}


def _is_envelope(body: bytes) -> bool:
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("success") is False and "error_code" in parsed


def probe_refusals(base_url: str, api_key: str, path: str) -> dict[str, Any]:
    host, port = base_url.removeprefix("http://").split(":")
    answers = {}
    for name, template in PROBES.items():
        raw = template.replace(b"{path}", path.encode()).replace(b"{key}", api_key.encode())
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(raw)
            response = http.client.HTTPResponse(sock)
            response.begin()
            body = response.read()
        answers[name] = {
            "status": response.status,
            "envelope": _is_envelope(body),
            "body": body[:200].decode("latin-1"),
        }
    return answers
