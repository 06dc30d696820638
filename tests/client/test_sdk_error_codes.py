"""`ErrorCode` is the contract's `x-error-codes` and still takes a code it does not list; each status has its class."""

from __future__ import annotations

import pytest
from openapi_cases import spec
from polyai_telephony import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorCode,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from polyai_telephony.errors import error_class

CODES = spec()["x-error-codes"]


def test_the_enum_lists_exactly_the_contract_s_codes() -> None:
    assert [member.value for member in ErrorCode] == list(CODES)


@pytest.mark.parametrize("code", CODES)
def test_each_code_knows_its_status_and_compares_equal_to_its_string(code: str) -> None:
    member = ErrorCode(code)

    assert member is ErrorCode[code]
    assert member == code and f"{member}" == code
    assert member.is_known
    assert member.status == CODES[code]["status"]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, BadRequestError),
        (413, BadRequestError),
        (415, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, ApiError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (520, ServerError),
    ],
)
def test_each_status_raises_its_class(status: int, kind: type[ApiError]) -> None:
    assert error_class(status) is kind


def test_an_unknown_code_is_accepted_and_marked_unknown() -> None:
    member = ErrorCode("PHONE_NUMBERS_SOMETHING_NEW")

    assert member == "PHONE_NUMBERS_SOMETHING_NEW"
    assert not member.is_known
    assert member.status is None
    assert "PHONE_NUMBERS_SOMETHING_NEW" not in ErrorCode.__members__
