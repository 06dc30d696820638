"""A request in the one form the guard judges and sends.

Services and the front ends before them read a raw request in ways that differ: one percent-decodes
the path and then resolves `.` and `..` or drops an empty segment, another upper-cases the method,
reads `;` as a query separator, keeps the first of two equal JSON keys rather than the last, or
accepts `NaN`. A request judged in one reading and run in another slips past the guard, so the
guard reads each request once, here, into a form with one meaning; judges that form; and sends
exactly it. What cannot be read into one meaning is `Unreadable`, and the guard refuses it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

# Far deeper than any request the contract describes (three levels), and far shallower than the
# recursion limit of a JSON reader.
MAX_BODY_DEPTH = 64
# Characters a front end may take for a path separator once it has percent-decoded a segment.
_SEPARATORS = ("/", "\\")
_DOT_SEGMENTS = (".", "..")


class Unreadable(Exception):
    """The request cannot be read into one meaning; the message says why, for the refusal."""


@dataclass(frozen=True)
class Outgoing:
    """One request as judged and as sent."""

    method: str  # upper case
    # Percent-encoded, every segment encoded the same way, no dot or empty segments, no trailing slash.
    path: str
    query: str  # as it came: it is sent as it came, and `parameters` is how it was judged
    parameters: tuple[tuple[str, str], ...]
    body: Any  # the JSON body, None when there is none
    content: bytes
    # The path as it came reads as a different path once dot and empty segments are resolved.
    reshaped: bool
    # A segment holds an encoded slash or backslash, which some front ends split on and some do not.
    ambiguous: bool

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")


def read(method: str, raw_path: str, query: str, content: bytes) -> Outgoing:
    """The one reading of a request, from its method, its path and query as sent, and its body."""
    path, reshaped, ambiguous = _path(raw_path)
    return Outgoing(
        method=method.upper(),
        path=path,
        query=query,
        parameters=query_parameters(query),
        body=_body(content),
        content=content,
        reshaped=reshaped,
        ambiguous=ambiguous,
    )


def _path(raw_path: str) -> tuple[str, bool, bool]:
    if not raw_path.startswith("/"):
        raise Unreadable(f"its path {raw_path!r} does not start with /")
    segments: list[str] = []
    reshaped = ambiguous = False
    for raw in raw_path.split("/")[1:]:
        try:
            segment = unquote(raw, errors="strict")
        except UnicodeDecodeError as exc:
            raise Unreadable(f"its path {raw_path!r} is not UTF-8 once decoded") from exc
        if segment == "" or segment in _DOT_SEGMENTS:
            reshaped = True
            if segment == ".." and segments:
                segments.pop()
            continue
        ambiguous = ambiguous or any(separator in segment for separator in _SEPARATORS)
        segments.append(segment)
    # Nothing is left unencoded but letters, digits and `-._~`, which no reader decodes differently.
    return "/" + "/".join(quote(segment, safe="") for segment in segments), reshaped, ambiguous


def query_parameters(query: str) -> tuple[tuple[str, str], ...]:
    """Every name and value the query could be read to hold, split on `&` and on `;` alike."""
    pairs = []
    for item in query.replace(";", "&").split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append((unquote_plus(name), unquote_plus(value)))
    return tuple(pairs)


def _body(content: bytes) -> Any:
    if not content:
        return None
    if content.count(b"[") + content.count(b"{") > MAX_BODY_DEPTH and _depth(content) > MAX_BODY_DEPTH:
        raise Unreadable(f"its body nests deeper than {MAX_BODY_DEPTH} levels, so the guard cannot read it")
    try:
        return json.loads(content.decode("utf-8"), object_pairs_hook=_one_value_per_key, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise Unreadable("the guard cannot read its body as JSON") from exc


def _one_value_per_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Unreadable(f"its body writes the key {repeated[0]!r} twice, and services keep different ones")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python reads them, JSON has no such thing


def _depth(content: bytes) -> int:
    """How deep the body's arrays and objects nest, counted without parsing it (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in content:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_BODY_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, at any depth: where a phone number or an environment can hide."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
