"""The contract's `Error` envelope, built in this one place for every part that answers with it."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


def error_envelope(status: int, code: str, message: str, error_id: str) -> dict[str, Any]:
    """The body of a `status` answer: `error_id` must equal the X-PolyAI-Correlation-Id header."""
    return {
        "success": False,
        "error": HTTPStatus(status).phrase,
        "error_id": error_id,
        "error_code": code,
        "error_message": message,
        "data": None,
    }
