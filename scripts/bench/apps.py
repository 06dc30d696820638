"""The apps a server stack is started with by name (`scripts.bench.apps:ceiling`), from the environment.

The ceiling is a bare Starlette app that answers each benchmarked request with the very bytes the
mock sent for it (BENCH_ANSWERS, captured from the mock), so the gap between the two is the mock's
own work; nothing written in Python on the same stack can be faster. `mock` is the mock with its
admin endpoints, for the stacks `telephony-mock` does not serve (granian).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telephony_mock import create_app


def ceiling() -> Starlette:
    """BENCH_ANSWERS maps "METHOD raw-path" to {"status": int, "body": str}."""
    answers = {
        key: Response(answer["body"].encode(), status_code=answer["status"], media_type="application/json")
        for key, answer in json.loads(Path(os.environ["BENCH_ANSWERS"]).read_text()).items()
    }
    missing = Response(b'{"error":"no fixed answer"}', status_code=404, media_type="application/json")

    async def answer(request: Request) -> Response:
        await request.body()  # as any real handler must
        return answers.get(f"{request.method} {request.scope['raw_path'].decode()}", missing)

    return Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])


def mock() -> Starlette:
    return create_app(admin=True)
