"""Does a concurrent history of one object have a sequential explanation?

The Wing & Gong search, with the memo of Lowe's variant: an operation may take effect at any
instant between its call and its return, so try every operation that could come next (one
called before the earliest return still pending), apply it to the sequential model, and go on
while the model agrees with what the server answered. A history is linearizable when some order
uses every operation. Linearizability is local (Herlihy & Wing, 1990): a history over many
objects has an explanation when each object's sub-history has one, so callers split a history
by object and check each part on its own.

No maintained Python package does this; the search is small enough to keep here, and
test_linearizability.py shows it both accepts and refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

REFUSED = object()
"""What a step returns when the model could not have answered what the server answered."""

Step = Callable[[Hashable], object]


@dataclass(frozen=True)
class Operation:
    call: float
    returned: float
    step: Step  # the model's state before the operation -> the state after it, or REFUSED
    label: str = ""


def find_order(history: Sequence[Operation], initial: Hashable) -> list[Operation] | None:
    """A sequential order of `history` that the model accepts from `initial`, or None."""
    operations = sorted(history, key=lambda operation: operation.call)
    count = len(operations)
    everything = (1 << count) - 1
    seen: set[tuple[int, Hashable]] = set()
    # Depth-first, with an explicit stack so that long histories do not meet the recursion limit.
    stack: list[tuple[int, Hashable, list[int]]] = [(0, initial, [])]
    while stack:
        done, state, order = stack.pop()
        if done == everything:
            return [operations[index] for index in order]
        if (done, state) in seen:
            continue
        seen.add((done, state))
        pending = [index for index in range(count) if not done & (1 << index)]
        deadline = min(operations[index].returned for index in pending)
        for index in pending:
            operation = operations[index]
            if operation.call > deadline:
                break  # sorted by call: every later one was called after some pending return
            after = operation.step(state)
            if after is not REFUSED:
                stack.append((done | (1 << index), after, [*order, index]))
    return None
