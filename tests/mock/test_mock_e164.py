"""What the spec's E.164 pattern accepts, the mock accepts, and the reverse.

The oracle is Python's `re.fullmatch` of the spec's own pattern: the whole string must match,
so a trailing newline (which a bare `$` would let through) is rejected, as JSON Schema's ECMA
regex semantics reject it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mock_support import AGENT, TestClient, http_client

from telephony_contract import load_document
from telephony_mock import PolyAIMock

PATTERN = load_document()["components"]["schemas"]["E164Number"]["pattern"]
NUMBERS = f"/v1/agents/{AGENT}/telephony/phone-numbers"

# Strings near the pattern's edges: a plus, digits of any script, separators and line ends.
near_numbers = st.text(
    alphabet=st.sampled_from(["+", "0", "1", "4", "9", " ", "\n", "\r", "-", "\u0664", "\uff14", "\u00a0"]),
    max_size=18,
)


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    with PolyAIMock(validate_responses=True, auto_advance=False) as mock, http_client(mock.starlette_app) as client:
        yield client


def _accepted_in_path(http: TestClient, number: str) -> bool:
    response = http.get(f"{NUMBERS}/{quote(number, safe='')}")
    # Not held: a valid number is 404; an invalid one is 400 with the format code.
    if response.status_code == 400:
        assert response.json()["error_code"] == "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"
        return False
    assert response.status_code == 404, response.text
    return True


def _accepted_in_body(http: TestClient, number: str) -> bool:
    response = http.post(f"{NUMBERS}/batch", json={"phoneNumbers": [number]})
    if response.status_code == 400:
        assert response.json()["error_code"] == "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"
        return False
    assert response.status_code == 200, response.text
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.from_regex(PATTERN, fullmatch=True))
@example(number="+12")
@example(number="+999999999999999")
def test_e164_every_number_the_pattern_accepts_the_mock_accepts(http: TestClient, number: str) -> None:
    assert _accepted_in_path(http, number)
    assert _accepted_in_body(http, number)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=near_numbers.filter(lambda s: s != ""))
@example(number="+442079460123\n")
@example(number="+1234567890123456")
@example(number="+0123")
def test_e164_the_mock_accepts_exactly_what_the_pattern_accepts(http: TestClient, number: str) -> None:
    expected = re.fullmatch(PATTERN, number) is not None

    assert _accepted_in_body(http, number) is expected
    if "/" not in number and number not in {".", ".."}:
        assert _accepted_in_path(http, number) is expected
