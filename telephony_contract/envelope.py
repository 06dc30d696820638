"""The contract's `Error` envelope, built in this one place for every part that answers with it."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from .document import load_document

# The response header every answer carries, and which an error's `error_id` repeats.
CORRELATION_HEADER = "X-PolyAI-Correlation-Id"


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


def generic_code(status: int, document: Mapping[str, Any] | None = None) -> str:
    """The code of a generic `status` answer: the first `x-error-codes` lists with that status."""
    codes = (document or load_document()).get("x-error-codes", {})
    for code, entry in codes.items():
        if entry.get("status") == status:
            return str(code)
    raise LookupError(f"x-error-codes lists no code with status {status}")
