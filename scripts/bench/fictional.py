"""Fictional phone numbers in the quantities the benchmarks need.

The ranges kept for fiction are small: Ofcom's drama blocks hold 1,000 numbers each
(+44 20 7946 0xxx and four others) and each North American area code keeps 100 (555-0100 to
0199). A million-number store needs more, so each range's prefix is lengthened here to the 15
digits E.164 allows. The results match the contract's pattern, and since no UK or North American
number has 15 digits, none can reach a subscriber. Each prefix gives a block of a million.
"""

from __future__ import annotations

from collections.abc import Iterator

# Nine digits each: a drama block without its last three digits, or +1 NPA 555 01 without the last two.
BLOCK_PREFIXES = (
    "+442079460",
    "+441134960",
    "+441614960",
    "+441214960",
    "+447700900",
    "+120255501",
    "+121255501",
    "+121355501",
    "+130555501",
    "+131255501",
    "+141555501",
    "+161755501",
    "+171355501",
    "+120655501",
    "+130355501",
)
PER_BLOCK = 1_000_000


def fictional_number(index: int) -> str:
    """The index-th number: block index // PER_BLOCK, in BLOCK_PREFIXES order."""
    block, offset = divmod(index, PER_BLOCK)
    if not 0 <= block < len(BLOCK_PREFIXES):
        raise ValueError(f"index {index} is outside the {len(BLOCK_PREFIXES) * PER_BLOCK:,} fictional numbers")
    return f"{BLOCK_PREFIXES[block]}{offset:06d}"


def fictional_numbers(count: int, start: int = 0) -> Iterator[str]:
    for index in range(start, start + count):
        yield fictional_number(index)


def block_start(block: int) -> int:
    return block * PER_BLOCK


def block_prefix(block: int) -> str:
    return BLOCK_PREFIXES[block]
