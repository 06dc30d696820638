"""Phone numbers reserved for fiction: the only numbers the suite may write to a real account.

Ofcom keeps drama ranges in UK area codes and mobile numbering; North America reserves
NPA-555-0100 to 0199. A number outside them may belong to a subscriber, so the suite neither
generates nor writes one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from hypothesis import strategies as st

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")


@dataclass(frozen=True)
class FictionalRange:
    """Every number that is `prefix` followed by `free_digits` digits."""

    prefix: str
    free_digits: int
    # False where libphonenumber does not list the range as assigned (the UK drama mobiles),
    # so only "possible" can be asked of it.
    listed_as_valid: bool = True

    def __contains__(self, number: str) -> bool:
        rest = number.removeprefix(self.prefix)
        return rest != number and len(rest) == self.free_digits and rest.isdigit()


# Area codes the 555-01xx block is drawn in; any NPA works, these are common ones.
_NANP_AREA_CODES = ("202", "212", "312", "415", "503", "617", "646", "702", "718", "905")

FICTIONAL_RANGES: tuple[FictionalRange, ...] = (
    FictionalRange("+442079460", 3),  # London 020 7946 0000-0999
    FictionalRange("+441134960", 3),  # Leeds 0113 496 0000-0999
    FictionalRange("+441614960", 3),  # Manchester 0161 496 0000-0999
    FictionalRange("+441214960", 3),  # Birmingham 0121 496 0000-0999
    FictionalRange("+447700900", 3, listed_as_valid=False),  # mobile 07700 900000-900999
    *(FictionalRange(f"+1{npa}55501", 2) for npa in _NANP_AREA_CODES),  # NPA 555 0100-0199
)


def is_fictional(number: str) -> bool:
    """Whether `number` (E.164) lies in a range reserved for fiction."""
    return any(number in reserved for reserved in FICTIONAL_RANGES)


def _parses_as_itself(number: str, reserved: FictionalRange) -> bool:
    parsed = phonenumbers.parse(number)
    ok = phonenumbers.is_valid_number(parsed) if reserved.listed_as_valid else phonenumbers.is_possible_number(parsed)
    return ok and phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number


def fictional_numbers() -> st.SearchStrategy[str]:
    """E.164 numbers from the fictional ranges, each one a number libphonenumber accepts."""

    def in_range(reserved: FictionalRange) -> st.SearchStrategy[str]:
        upper = 10**reserved.free_digits - 1
        return st.integers(0, upper).map(lambda n: f"{reserved.prefix}{n:0{reserved.free_digits}d}")

    drawn = st.sampled_from(FICTIONAL_RANGES).flatmap(
        lambda reserved: in_range(reserved).filter(lambda number: _parses_as_itself(number, reserved))
    )
    return drawn
