"""A deterministic corpus of raw, malformed requests that no schema-driven generator writes.

Broken JSON, wrong content types, bodies over the limit (with a length and chunked), odd Unicode
and every spelling of `+` in paths, bad keys and methods. Each case says which error codes are
right for it, where the contract decides; the others only have to be a well-formed error envelope
or a success, never a 5xx.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass

from live_server import API_KEY, OTHER_API_KEY

AGENT = "agent-dev"
NUMBER = "+442079460123"
MAX_BODY_BYTES = 1_048_576  # x-limits.maxBodyBytes; test_bad_input checks it against the spec
MAX_JSON_DEPTH = 32  # x-limits.maxJsonDepth; likewise
BASE = f"/v1/agents/{AGENT}/telephony"

VALIDATION = frozenset(
    {"SCHEMA_VALIDATION_FAILED", "CONNECTORS_VALIDATION_FAILED", "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"}
)
MALFORMED = frozenset({"SCHEMA_VALIDATION_FAILED"})
BAD_NUMBER = frozenset({"PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"})


@dataclass(frozen=True)
class Malformed:
    name: str
    method: str
    raw_path: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes | None = None
    chunked: bool = False
    expected_codes: frozenset[str] | None = None  # None: any error envelope, or a success


@dataclass(frozen=True)
class BodyOperation:
    method: str
    path: str
    valid_body: bytes
    body_required: bool = True


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


BODY_OPERATIONS = (
    BodyOperation("POST", f"{BASE}/phone-numbers", _json({"phoneNumbers": [NUMBER], "clientEnv": "sandbox"})),
    BodyOperation("DELETE", f"{BASE}/phone-numbers", _json({"phoneNumbers": [NUMBER]})),
    BodyOperation("POST", f"{BASE}/phone-numbers/batch", _json({"phoneNumbers": [NUMBER]})),
    BodyOperation("POST", f"{BASE}/phone-numbers/%2B442079460124", _json({"clientEnv": "live"}), body_required=False),
    BodyOperation("PATCH", f"{BASE}/phone-numbers/%2B442079460125", _json({"connectorId": "conn-dev-en"})),
    BodyOperation("POST", f"{BASE}/connectors/batch", _json({"connectorIds": ["conn-dev-en"]})),
    BodyOperation("PATCH", f"{BASE}/connectors/batch", _json({"updates": [{"connectorId": "conn-dev-en"}]})),
    BodyOperation("POST", f"{BASE}/connectors/lookup", _json({"phoneNumber": NUMBER})),
    BodyOperation("PATCH", f"{BASE}/connectors/conn-dev-en", _json({"voiceName": "en-GB-Neural2-A"})),
)

PATHS_WITHOUT_BODY = (
    ("GET", f"{BASE}/phone-numbers"),
    ("GET", f"{BASE}/phone-numbers/%2B442079460123"),
    ("DELETE", f"{BASE}/phone-numbers/%2B442079460126"),
    ("GET", f"{BASE}/connectors"),
    ("GET", f"{BASE}/connectors/conn-dev-es"),
)

# Not JSON at all: the contract answers 400 SCHEMA_VALIDATION_FAILED.
NOT_JSON = (
    b"{",
    b"}",
    b"[",
    b'{"phoneNumbers": [',
    b'{"phoneNumbers": ["+442079460123",]}',
    b"{'phoneNumbers': []}",
    b'{"a":1}{"b":2}',
    b'{"phoneNumbers": ["+442079460123"]} trailing',
    b'{"clientEnv": "live", }',
    b'{"phoneNumbers": /* comment */ []}',
    b'"',
    b"nul",
    b"tru",
    b"01",
    b"\x00",
    b" ",
    b"\t\r\n",
    b"\x80\x81\xfe\xff",
    b'{"phoneNumbers": ["\xff\xfe"]}',  # not UTF-8
    b'{"phoneNumbers": ["+44\xc0\xaf"]}',  # overlong UTF-8
    b"\xff\xfe{\x00}\x00",  # UTF-16 with a byte-order mark
    b'{"phoneNumbers": ["\\x41"]}',
    b'{"phoneNumbers": ["\\u12"]}',
    b'{"phoneNumbers": [+442079460123]}',
    b'{phoneNumbers: ["+442079460123"]}',
    b"[" * 100_000,  # deep enough to exhaust a recursive parser
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
)


def _arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


# Valid JSON nested past x-limits.maxJsonDepth: 400 SCHEMA_VALIDATION_FAILED, never a 5xx. The
# depths span the ranges where a recursive validator or parser gives up (about 256 and 1,000).
TOO_DEEP = (
    _arrays(MAX_JSON_DEPTH + 1),
    _objects(MAX_JSON_DEPTH + 1),
    _arrays(100),
    _arrays(255),
    _arrays(256),
    _objects(300),
    _arrays(500),
    b'{"phoneNumbers": ' + _arrays(700) + b"}",
    _arrays(979),
    _arrays(983),
    _arrays(1_500),
    b'{"updates": [' + b'{"x":' * 400 + b"0" + b"}" * 400 + b"]}",
    b"[" * 200 + b'"' + b"]" * 5000 + b'"' + b"]" * 200,  # brackets inside a string are text
)
# Wide rather than deep: any 4xx (or a success), never a 5xx.
WIDE = (
    _arrays(MAX_JSON_DEPTH),  # exactly at the limit
    b"[" + b"1," * 200_000 + b"1]",
    b"{" + b",".join(b'"k%d":1' % index for index in range(50_000)) + b"}",
    b'{"phoneNumbers": [' + b",".join(b"[]" for _ in range(100_000)) + b"]}",
    b'{"updates": [' + b",".join(b"{}" for _ in range(100_000)) + b"]}",
    b'{"phoneNumbers": [' + b",".join(_arrays(MAX_JSON_DEPTH - 1) for _ in range(5_000)) + b"]}",
)

# JSON, but not what the operation takes (or odd enough to be worth sending): any 4xx or a success.
ODD_JSON = (
    b"null",
    b"true",
    b"0",
    b"-1.5e308",
    b"1e999999",  # parsed as infinity by lenient parsers
    b"NaN",
    b"Infinity",
    b'{"x": NaN}',
    b'"text"',
    b"[]",
    b"{}",
    b'{"phoneNumbers": null}',
    b'{"phoneNumbers": "+442079460123"}',
    b'{"phoneNumbers": [null]}',
    b'{"phoneNumbers": [[]]}',
    b'{"phoneNumbers": [1e400]}',
    b'{"phoneNumbers": ["\\ud800"]}',  # a lone surrogate: valid JSON, not encodable as UTF-8
    b'{"phoneNumbers": ["\\udfff\\ud800"]}',
    b'{"phoneNumbers": ["\\u0000"]}',
    b'{"phoneNumbers": ["+442079460123\\u0000"]}',
    b'{"phoneNumbers": ["+\\u0664\\u0664\\u0662\\u0660"]}',  # Arabic-Indic digits
    b'{"phoneNumbers": ["+\xef\xbc\x94\xef\xbc\x94\xef\xbc\x92\xef\xbc\x90"]}',  # fullwidth digits
    b'{"phoneNumbers": ["+442079460123\xe2\x80\x8b"]}',  # zero-width space
    b'{"phoneNumbers": ["\xe2\x80\xae321064970244+"]}',  # right-to-left override
    b'{"phoneNumbers": ["+442079460123"], "phoneNumbers": []}',  # duplicate key
    b'{"phoneNumbers": ["+442079460123"], "extra": 1}',
    b'{"connectorId": 5}',
    b'{"connectorId": ""}',
    b'{"connectorId": "\xf0\x9f\x93\x9e"}',
    b'{"updates": [{"connectorId": "conn-dev-en", "projectId": null}]}',
    b'{"updates": [{}]}',
    b'{"voiceName": {"nested": ["deep"]}}',
    b'{"clientEnv": "LIVE"}',
    b'{"clientEnv": "live\\u0000"}',
    b"\xef\xbb\xbf{}",  # a UTF-8 byte-order mark before the JSON
    b'{"phoneNumbers": ["' + b"9" * 100_000 + b'"]}',
    b'{"phoneNumbers": [' + b",".join(b'"+4420794601%02d"' % i for i in range(100)) * 11 + b"]}",
)

CONTENT_TYPES_REFUSED = (
    b"text/plain",
    b"application/x-www-form-urlencoded",
    b"multipart/form-data; boundary=x",
    b"application/xml",
    b"text/html; charset=utf-8",
    b"image/png",
    b"application/octet-stream",
    b"application/jsonx",
    b"json",
    b"\xe2\x98\x8e/json",  # not ASCII
)
# JSON is UTF-8 (RFC 8259): a body declared in another charset is refused, not misread.
CONTENT_TYPES_OTHER_CHARSET = (
    b"application/json; charset=utf-16",
    b"application/json; charset=UTF-16BE",
    b"application/json; charset=latin-1",
    b"application/json; charset=iso-8859-1",
    b'application/json; charset="us-ascii"',
    b"application/json; charset=utf-32",
    b"application/json; charset=",
    b"application/json; charset=\xff",
)
CONTENT_TYPES_ODD = (
    b"",
    b"application/json; charset=utf8",
    b'application/json; charset="UTF-8"',
    b"APPLICATION/JSON",
    b"application/json;charset=UTF-8",
    b"application/json ; charset=utf-8",
    b"application/vnd.api+json",
    b"application/problem+json",
    b"text/json",
    b"application/*",
    b"*/*",
    b"application/json, text/plain",
    b"application/json; " + b"x" * 4000,
)

# Spellings of a phone number in a path. The first group names +442079460123 (or, for the last,
# a number with an encoded digit); the second can never be an E.164 number.
NUMBER_SEGMENTS_VALID = (b"%2B442079460123", b"+442079460123", b"%2b442079460123", b"%2B44207946012%33")
NUMBER_SEGMENTS_INVALID = (
    b"442079460123",
    b"%252B442079460123",
    b"%2B",
    b"%2B%2B442079460123",
    b"%2B0442079460123",
    b"%2B1234567890123456",
    b"%2B" + b"1" * 5000,
    b"%2B44%20207946%200123",
    b"%2B44-20-7946-0123",
    b"%2B%EF%BC%94%EF%BC%94%EF%BC%92%EF%BC%90",  # fullwidth digits
    b"%2B%D9%A4%D9%A4%D9%A2%D9%A0",  # Arabic-Indic digits
    b"%2B442079460123%E2%80%8B",  # zero-width space
    b"%E2%80%AE%2B442079460123",  # right-to-left override
    b"%2B442079460123%00",
    b"%00",
    b"%C0%AF",
    b"%FF%FE",
    b"%zz",
    b"%",
    b"%2",
    b"%2B44%2F2079460123",
    b"%F0%9F%93%9E",
    b"%2B44207946012%F0%9D%9F%91",  # mathematical bold digit
    b"+44 20 7946 0123".replace(b" ", b"%20"),
    b";",
    b"%3B",
    b"~",
)
AGENT_SEGMENTS_UNKNOWN = (
    b"agent-d%C3%A9v",
    b"%F0%9F%A4%96",
    b"agent-dev%00",
    b"agent-dev%2F..",
    b"%E2%80%AEagent-dev",
    b"agent-dev%20",
    b"AGENT-DEV",
    b"a" * 8000,
    b"%FF",
    b"%zz",
    b"agent-other",  # another account's agent
)
CONNECTOR_SEGMENTS_UNKNOWN = (b"conn-dev-en%00", b"%F0%9F%94%8C", b"conn%2Fdev", b"c" * 8000, b"%FF", b"%C0%AF")
UNKNOWN_PATHS = (
    b"/",
    b"/v1",
    b"/v1/agents",
    b"/v1/agents/agent-dev",
    b"/v1/agents/agent-dev/telephony",
    b"/v1/agents/agent-dev/telephony/phone-numbers/",
    b"/v1/agents/agent-dev/telephony/phone-numbers/%2B442079460123/extra",
    b"/v1/agents/agent-dev/telephony/connectors/",
    b"/v1/agents//telephony/phone-numbers",
    b"/v2/agents/agent-dev/telephony/phone-numbers",
    b"/v1/agents/agent-dev/telephony/numbers",
    b"/V1/agents/agent-dev/telephony/phone-numbers",
    b"/_admin/reset",
    b"/v1/agents/agent-dev/telephony/phone-numbers/%2B442079460123/../..",
)
QUERIES = (
    b"connectorId=",
    b"connectorId=conn-dev-en&connectorId=conn-dev-es",
    b"connectorId=%00",
    b"connectorId=%FF",
    b"connectorId=" + b"c" * 8000,
    b"connectorId=%F0%9F%94%8C",
    b"connectorId",
    b"&&&",
    b"unknown=1",
    b"connectorId[]=conn-dev-en",
    b"%zz=1",
)
KEYS = (
    (b"", frozenset({"AUTH_USER_UNAUTHORISED"})),
    (b"wrong-key", frozenset({"AUTH_USER_UNAUTHORISED"})),
    (API_KEY.encode() + b"x", frozenset({"AUTH_USER_UNAUTHORISED"})),
    (API_KEY.upper().encode(), frozenset({"AUTH_USER_UNAUTHORISED"})),
    (b"\xe9\xe8", frozenset({"AUTH_USER_UNAUTHORISED"})),  # Latin-1 bytes
    (b"k" * 8000, frozenset({"AUTH_USER_UNAUTHORISED"})),
    (OTHER_API_KEY.encode(), frozenset({"USER_ACCESS_FORBIDDEN"})),
    # Two keys joined in one header are one key that no account has.
    (f"{API_KEY}, {OTHER_API_KEY}".encode(), frozenset({"AUTH_USER_UNAUTHORISED"})),
    (f"{API_KEY},{API_KEY}".encode(), frozenset({"AUTH_USER_UNAUTHORISED"})),
)
# The key header more than once: 401 whichever keys, in whichever order, never resolved by picking
# one (assumption `single-credential`).
REPEATED_KEYS = {
    "valid-then-other-account": (API_KEY.encode(), OTHER_API_KEY.encode()),
    "other-account-then-valid": (OTHER_API_KEY.encode(), API_KEY.encode()),
    "valid-twice": (API_KEY.encode(), API_KEY.encode()),
    "invalid-then-valid": (b"wrong-key", API_KEY.encode()),
    "valid-then-invalid": (API_KEY.encode(), b"wrong-key"),
    "empty-then-valid": (b"", API_KEY.encode()),
}
METHODS_UNKNOWN = (b"PUT", b"TRACE", b"CONNECT-ME", b"OPTIONS", b"HEAD")


def _headers(
    content_type: bytes | None = b"application/json", key: bytes | None = None
) -> tuple[tuple[bytes, bytes], ...]:
    headers = [(b"x-api-key", API_KEY.encode() if key is None else key)]
    if content_type is not None:
        headers.append((b"content-type", content_type))
    return tuple(headers)


def _oversized(valid: bytes, size: int) -> bytes:
    """A body of exactly `size` bytes: the valid body with whitespace before its closing brace."""
    return valid[:-1] + b" " * (size - len(valid)) + valid[-1:]


def repeated_key_cases() -> Iterator[Malformed]:
    """Every operation, with X-API-KEY sent twice."""
    targets = [(method, path, None) for method, path in PATHS_WITHOUT_BODY] + [
        (operation.method, operation.path, operation.valid_body) for operation in BODY_OPERATIONS
    ]
    for (method, path, body), (name, keys) in itertools.product(targets, REPEATED_KEYS.items()):
        yield Malformed(
            f"repeated-key-{name} {method} {path}",
            method,
            path.encode(),
            ((b"x-api-key", keys[0]), (b"x-api-key", keys[1]), (b"content-type", b"application/json")),
            body,
            expected_codes=frozenset({"AUTH_USER_UNAUTHORISED"}),
        )


def corpus() -> Iterator[Malformed]:
    yield from repeated_key_cases()
    for operation in BODY_OPERATIONS:
        target = operation.path.encode()
        for index, body in enumerate(NOT_JSON):
            # A blank body on an operation whose body is optional may count as no body at all.
            expected = None if body.strip() == b"" and not operation.body_required else MALFORMED
            yield Malformed(f"not-json-{index}", operation.method, target, _headers(), body, expected_codes=expected)
        for index, body in enumerate(ODD_JSON):
            yield Malformed(f"odd-json-{index}", operation.method, target, _headers(), body)
        for index, body in enumerate(TOO_DEEP):
            yield Malformed(f"too-deep-{index}", operation.method, target, _headers(), body, expected_codes=MALFORMED)
        for index, body in enumerate(WIDE):
            yield Malformed(f"wide-{index}", operation.method, target, _headers(), body)
        for content_type in CONTENT_TYPES_OTHER_CHARSET:
            for encoding in ("utf-8", "utf-16"):
                yield Malformed(
                    f"charset-{content_type[18:40]!r}-{encoding}",
                    operation.method,
                    target,
                    _headers(content_type),
                    operation.valid_body.decode().encode(encoding),
                    expected_codes=frozenset({"UNSUPPORTED_MEDIA_TYPE"}),
                )
        for content_type in CONTENT_TYPES_REFUSED:
            yield Malformed(
                f"content-type-{content_type[:20]!r}",
                operation.method,
                target,
                _headers(content_type),
                operation.valid_body,
                expected_codes=frozenset({"UNSUPPORTED_MEDIA_TYPE"}),
            )
        for content_type in CONTENT_TYPES_ODD:
            yield Malformed(
                f"content-type-{content_type[:20]!r}",
                operation.method,
                target,
                _headers(content_type),
                operation.valid_body,
            )
        yield Malformed("no-content-type", operation.method, target, _headers(None), operation.valid_body)
        for size, chunked in itertools.product(
            (MAX_BODY_BYTES + 1, 2 * MAX_BODY_BYTES, 8 * MAX_BODY_BYTES), (False, True)
        ):
            yield Malformed(
                f"oversized-{size}-{'chunked' if chunked else 'sized'}",
                operation.method,
                target,
                _headers(),
                _oversized(operation.valid_body, size),
                chunked=chunked,
                expected_codes=frozenset({"PAYLOAD_TOO_LARGE"}),
            )
        # Exactly at the limit is allowed; what follows is up to the operation.
        yield Malformed(
            "at-body-limit", operation.method, target, _headers(), _oversized(operation.valid_body, MAX_BODY_BYTES)
        )
        for key, codes in KEYS:
            yield Malformed(
                f"key-{key[:12]!r}",
                operation.method,
                target,
                _headers(key=key),
                operation.valid_body,
                expected_codes=codes,
            )
        yield Malformed(
            "no-key",
            operation.method,
            target,
            ((b"content-type", b"application/json"),),
            operation.valid_body,
            expected_codes=frozenset({"AUTH_USER_UNAUTHORISED"}),
        )
        # Bad input and a bad key: whichever is checked first, the answer is an envelope.
        for body in NOT_JSON[:5] + ODD_JSON[:5]:
            yield Malformed("bad-key-and-body", operation.method, target, _headers(key=b"wrong"), body)

    number_operations = (
        ("GET", None),
        ("DELETE", None),
        ("POST", b'{"clientEnv": "sandbox"}'),
        ("PATCH", b'{"connectorId": "conn-dev-en"}'),
    )
    for (method, body), segment in itertools.product(
        number_operations, NUMBER_SEGMENTS_VALID + NUMBER_SEGMENTS_INVALID
    ):
        path = f"{BASE}/phone-numbers/".encode() + segment
        expected = BAD_NUMBER if segment in NUMBER_SEGMENTS_INVALID else None
        yield Malformed(f"number-segment-{segment[:20]!r}", method, path, _headers(), body, expected_codes=expected)

    agent_templates = [(method, path) for method, path in PATHS_WITHOUT_BODY] + [
        (operation.method, operation.path) for operation in BODY_OPERATIONS
    ]
    bodies = {operation.path: operation.valid_body for operation in BODY_OPERATIONS}
    for (method, path), segment in itertools.product(agent_templates, AGENT_SEGMENTS_UNKNOWN):
        target = path.replace(AGENT, "\0").encode().replace(b"\0", segment)
        yield Malformed(
            f"agent-{segment[:20]!r}",
            method,
            target,
            _headers(),
            bodies.get(path),
            expected_codes=frozenset({"USER_ACCESS_FORBIDDEN"}),
        )

    for method, segment in itertools.product(("GET", "DELETE", "PATCH"), CONNECTOR_SEGMENTS_UNKNOWN):
        body = b'{"voiceName": "en-GB-Neural2-A"}' if method == "PATCH" else None
        yield Malformed(
            f"connector-{segment[:20]!r}",
            method,
            f"{BASE}/connectors/".encode() + segment,
            _headers(),
            body,
            expected_codes=frozenset({"CONNECTORS_NOT_FOUND"}),
        )

    for path, method in itertools.product(UNKNOWN_PATHS, ("GET", "POST", "DELETE")):
        body = b"{}" if method == "POST" else None
        yield Malformed(
            f"unknown-path-{path!r}", method, path, _headers(), body, expected_codes=frozenset({"NOT_FOUND"})
        )

    for query in QUERIES:
        yield Malformed(f"query-{query[:20]!r}", "GET", f"{BASE}/phone-numbers?".encode() + query, _headers())

    for method, (_, path) in itertools.product(METHODS_UNKNOWN, PATHS_WITHOUT_BODY):
        expected = frozenset({"METHOD_NOT_ALLOWED"}) if method in (b"PUT", b"TRACE", b"CONNECT-ME") else None
        yield Malformed(f"method-{method!r}", method.decode(), path.encode(), _headers(), expected_codes=expected)
