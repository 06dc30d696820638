"""Read, parse and validate a request against its operation's compiled validators.

A schema failure answers with the `x-error-code` of the subschema that failed (E164Number names
PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT), else the operation's `x-validation-error-code`, else
SCHEMA_VALIDATION_FAILED; a failure with a code of its own wins, so a bad phone number is always
reported as one. A body nested deeper than `x-limits.maxJsonDepth` is refused before any schema
sees it (the validator recurses and gives up a few hundred levels down); a charset other than
UTF-8 is refused with 415, not decoded as UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import jsonschema_rs
import orjson

from . import _errors
from ._errors import ApiError
from ._spec import Body, Parameters, Spec

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]

# A JSON string (whose brackets are text, not nesting), and a bracket outside one.
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[][{}]")
# Error messages quote the offending value; a 100 000-item array must not come back whole.
_MAX_MESSAGE = 300


class ClientDisconnected(Exception):
    """The client went away while the body was being read; there is no one to answer."""


class Validator:
    def __init__(self, spec: Spec) -> None:
        self._codes = spec.schema_error_codes
        self._max_body = spec.max_body_bytes
        self._max_depth = spec.max_json_depth

    def check(self, validator: jsonschema_rs.Validator, instance: Any, default_code: str, where: str) -> None:
        if validator.is_valid(instance):
            return
        chosen = None
        chosen_code = default_code
        for error in validator.iter_errors(instance):
            code = self._codes.get(tuple(error.schema_path[:-1]))
            if code is not None:
                chosen, chosen_code = error, code
                break
            if chosen is None:
                chosen = error
        assert chosen is not None  # is_valid was False, so there is at least one error
        location = "/".join(str(part) for part in chosen.instance_path)
        message = chosen.message
        if len(message) > _MAX_MESSAGE:
            message = message[: _MAX_MESSAGE - 3] + "..."
        raise ApiError(chosen_code, f"{where}{'/' + location if location else ''}: {message}")

    def check_parameters(self, parameters: Parameters | None, values: Mapping[str, str], code: str, where: str) -> None:
        if parameters is not None:
            self.check(parameters.validator, values, code, where)

    async def read_body(self, receive: Receive, content_length: int | None) -> bytes:
        """The whole body, refusing with 413 as soon as it is known to be over the limit."""
        if content_length is not None and content_length > self._max_body:
            raise ApiError(_errors.PAYLOAD_TOO_LARGE, f"The request body is larger than {self._max_body} bytes.")
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise ApiError(_errors.PAYLOAD_TOO_LARGE, f"The request body is larger than {self._max_body} bytes.")
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def parse_body(self, body_spec: Body, raw: bytes, content_type: str | None, code: str) -> Any:
        """The validated body with its defaults applied; `{}` (plus defaults) for an absent optional one.

        An empty body counts as absent whatever its content type: clients send
        `Content-Type: application/json` on a call whose optional body they left out.
        """
        if not raw:
            if body_spec.required:
                raise ApiError(code, "body: a JSON request body is required")
            return dict(body_spec.defaults)
        media_type, _, parameters = (content_type or "").partition(";")
        if media_type.strip().lower() not in body_spec.media_types:
            raise ApiError(_errors.UNSUPPORTED_MEDIA_TYPE)
        if not _declares_utf8(parameters):
            raise ApiError(
                _errors.UNSUPPORTED_MEDIA_TYPE, "A JSON request body must be UTF-8; no other charset is read."
            )
        document = parse_json(raw, self._max_depth)
        self.check(body_spec.validator, document, code, "body")
        if body_spec.defaults and isinstance(document, dict):
            for name, value in body_spec.defaults.items():
                document.setdefault(name, value)
        return document


def _declares_utf8(parameters: str) -> bool:
    """Whether a media type's parameters leave the charset UTF-8: none declared, or utf-8."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


def parse_json(raw: bytes, max_depth: int) -> Any:
    # Nesting needs an opening bracket per level, so most bodies are cleared by counting them.
    if raw.count(b"[") + raw.count(b"{") > max_depth and _deeper_than(raw, max_depth):
        raise ApiError(
            _errors.SCHEMA_VALIDATION_FAILED, f"The request body nests arrays and objects deeper than {max_depth}."
        )
    # orjson refuses what the standard module lets through: NaN and Infinity, which are not JSON,
    # and a \ud800-style escape with no pair, which decodes to no text anything could store or echo.
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ApiError(_errors.SCHEMA_VALIDATION_FAILED, f"The request body is not valid JSON: {_short(exc)}") from None


def _deeper_than(raw: bytes, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` deep in the JSON text `raw` (`[[1]]` is 2)."""
    depth = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."
