"""How the mock splits a request path before telephony_contract's router matches it.

Paths are split on `/` before percent-decoding, so `%2F` inside an agent id stays inside the
segment, and `%2B` and `+` decode to the same phone number. The router itself is the contract's
(`telephony_contract.router`): a static path beats a template, and a method the path lacks is
405 with its own Allow list, not a call to the template's operation.
"""

from __future__ import annotations

from urllib.parse import unquote


def split_path(raw_path: bytes | str) -> tuple[str, ...]:
    text = raw_path.decode("utf-8", "replace") if isinstance(raw_path, bytes) else raw_path
    return tuple(unquote(segment, errors="replace") if "%" in segment else segment for segment in text.split("/")[1:])
