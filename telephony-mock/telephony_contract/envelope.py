"""The contract's `Error` envelope, built in this one place for every part that answers with it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .document import load_document

# The response header every answer carries, and which an error's `error_id` repeats. Spelled here
# so that importing it reads no file; `Catalogue.correlation_header` reads it from the contract,
# and tests/codegen/test_codegen_golden.py proves the two agree.
CORRELATION_HEADER = "X-PolyAI-Correlation-Id"


def error_envelope(code: str, message: str, error_id: str) -> dict[str, Any]:
    """An error answer's body: `error_id` must equal the X-PolyAI-Correlation-Id header.

    `error` carries the same human-readable text as `error_message`, as every example PolyAI
    publishes does; it is not the HTTP reason phrase.
    """
    return {
        "success": False,
        "error": message,
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
