"""The ceiling: a bare Starlette app that answers every request with a fixed, pre-built body.

It runs on the same uvicorn stack as the mock and answers each benchmarked request with the very
bytes the mock sent for it, so the gap between the two is the mock's own work: auth, routing,
validation, the store and serialisation. Nothing written in Python on this stack can be faster.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def create_app(answers_file: Path) -> Starlette:
    """answers_file maps "METHOD raw-path" to {"status": int, "body": str}, as captured from the mock."""
    answers = {
        key: Response(answer["body"].encode(), status_code=answer["status"], media_type="application/json")
        for key, answer in json.loads(answers_file.read_text()).items()
    }
    missing = Response(b'{"error":"no fixed answer"}', status_code=404, media_type="application/json")

    async def answer(request: Request) -> Response:
        # Read the body as any real handler must; the answer itself is ready-made.
        await request.body()
        return answers.get(f"{request.method} {request.scope['raw_path'].decode()}", missing)

    return Starlette(routes=[Route("/{path:path}", answer, methods=METHODS)])
