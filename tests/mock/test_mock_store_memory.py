"""What the memory store holds per number: a store of a million numbers must fit a laptop."""

from __future__ import annotations

import tracemalloc

from telephony_mock._store import MemoryStore

NUMBERS = 20_000
# A record, its entries in the indexes and its kept encoding come to about 600 bytes in CPython
# 3.11; a kilobyte leaves room for other versions and catches a copy of a buffer (orjson's bytes
# keep a 4 KiB one) or a second record per number.
BYTES_PER_NUMBER = 1024


def test_a_stored_number_costs_well_under_a_kilobyte() -> None:
    store = MemoryStore()
    records = [
        {"number": f"+44770090{index:04d}", "projectId": "proj-dev", "accountId": "acct-dev", "clientEnv": "sandbox"}
        for index in range(NUMBERS)
    ]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with store.transaction(write=True) as tx:
            for record in records:
                tx.put_number(record)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    with store.transaction(write=False) as tx:
        assert len(tx.listed_numbers("proj-dev", None)) == NUMBERS
    assert held / NUMBERS < BYTES_PER_NUMBER, f"{held / NUMBERS:.0f} bytes per number"
