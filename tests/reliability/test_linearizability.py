"""The history checker the concurrency test relies on must refuse what it should refuse."""

from __future__ import annotations

from collections.abc import Hashable

from linearizability import REFUSED, Operation, Step, find_order


def add(value: str, *, accepted: bool) -> Step:
    """An add-if-absent on a one-slot register; `accepted` is what the server answered."""

    def step(state: Hashable) -> Hashable:
        if accepted:
            return value if state is None else REFUSED
        return state if state is not None else REFUSED

    return step


def remove(*, accepted: bool) -> Step:
    def step(state: Hashable) -> Hashable:
        if accepted:
            return None if state is not None else REFUSED
        return state if state is None else REFUSED

    return step


def read(expected: Hashable) -> Step:
    def step(state: Hashable) -> Hashable:
        return state if state == expected else REFUSED

    return step


def test_overlapping_adds_may_take_effect_in_either_order() -> None:
    # B's add returned first, but A's call overlaps it, so A may have gone first and B been refused.
    history = [
        Operation(0.0, 3.0, add("a", accepted=True), "A"),
        Operation(1.0, 2.0, add("b", accepted=False), "B"),
        Operation(4.0, 5.0, read("a"), "read"),
    ]
    order = find_order(history, None)
    assert order is not None
    assert [operation.label for operation in order] == ["A", "B", "read"]


def test_two_accepted_adds_without_a_remove_have_no_explanation() -> None:
    history = [
        Operation(0.0, 1.0, add("a", accepted=True)),
        Operation(2.0, 3.0, add("b", accepted=True)),
    ]
    assert find_order(history, None) is None


def test_real_time_order_is_respected() -> None:
    # The remove returned before the add was called, so it cannot have removed what the add made.
    history = [
        Operation(0.0, 1.0, remove(accepted=True)),
        Operation(2.0, 3.0, add("a", accepted=True)),
    ]
    assert find_order(history, None) is None


def test_a_final_read_must_match_the_last_write() -> None:
    history = [
        Operation(0.0, 1.0, add("a", accepted=True)),
        Operation(2.0, 3.0, remove(accepted=True)),
        Operation(4.0, 5.0, read("a")),
    ]
    assert find_order(history, None) is None
    history[-1] = Operation(4.0, 5.0, read(None))
    assert find_order(history, None) is not None


def test_concurrent_remove_and_add_explain_either_final_state() -> None:
    base = [
        Operation(0.0, 1.0, add("a", accepted=True)),
        Operation(2.0, 5.0, remove(accepted=True)),
        Operation(3.0, 4.0, add("b", accepted=False)),
    ]
    # The refused add must come before the remove, so the register ends empty, never holding "b".
    assert find_order([*base, Operation(6.0, 7.0, read(None))], None) is not None
    assert find_order([*base, Operation(6.0, 7.0, read("b"))], None) is None
