"""State behind a small interface: phone numbers, connectors and outbound calls, each keyed by its id.

Records are the API's own objects, so answering a read is a lookup, not a conversion. Each
operation is one `transaction()`, so rules never lock: the memory store holds one lock and undoes
a failed operation's writes; SQLite runs it as one transaction. Lists come in id order from both.

A list of numbers is the largest and most read answer, so each number's JSON is made once, when
it is written, and a list is put together from those pieces (`orjson.Fragment`): for 1,000
numbers an order of magnitude less work than encoding every record on every read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import orjson

PhoneNumber = dict[str, Any]
Connector = dict[str, Any]
# An outbound call as triggered: its SID, project, environment, number, start time on the mock's
# clock and scripted outcome. Its status is derived from the clock when read, never stored.
OutboundCall = dict[str, Any]


class Tx(Protocol):
    """One operation's view of the state. Returned records are the store's own: read-only."""

    def number(self, number: str) -> PhoneNumber | None: ...
    def numbers_of_connector(self, connector_id: str) -> list[PhoneNumber]: ...
    def listed_numbers(self, project_id: str, connector_id: str | None) -> list[orjson.Fragment]:
        """The project's numbers (those routed to `connector_id`, if given) in number order, encoded."""
        ...

    def put_number(self, record: PhoneNumber) -> None: ...
    def delete_number(self, number: str) -> None: ...
    def connector(self, connector_id: str) -> Connector | None: ...
    def connectors_in_project(self, project_id: str) -> list[Connector]: ...
    def put_connector(self, record: Connector) -> None: ...
    def delete_connector(self, connector_id: str) -> None: ...
    def outbound_call(self, call_sid: str) -> OutboundCall | None: ...
    def put_outbound_call(self, record: OutboundCall) -> None: ...


class Store(Protocol):
    """The state, and everything else that every process serving it must agree on: the mock's
    clock and how many fault draws have been made."""

    def transaction(self, *, write: bool) -> AbstractContextManager[Tx]: ...

    def clock_offset(self) -> float:
        """Seconds the mock's clock runs ahead of wall time."""
        ...

    def advance_clock(self, seconds: float) -> float:
        """Move the clock `seconds` further ahead, atomically; the new offset."""
        ...

    def next_fault_draw(self) -> int:
        """The number of the next random draw for a fault rule (0, 1, 2, ...), atomically."""
        ...

    def reset(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> None:
        """Replace the whole state with these records."""

    def seed_once(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> bool:
        """Reset to these records unless the store was seeded before; True when it seeded."""

    def close(self) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers: dict[str, PhoneNumber] = {}
        self._connectors: dict[str, Connector] = {}
        self._calls: dict[str, OutboundCall] = {}
        # Secondary indexes, so a list or a cascade costs the size of the project, not the store.
        self._numbers_by_project: dict[str, dict[str, None]] = {}
        self._numbers_by_connector: dict[str, dict[str, None]] = {}
        self._encoded_numbers: dict[str, orjson.Fragment] = {}
        self._connectors_by_project: dict[str, dict[str, None]] = {}
        # Lists answered since the project's numbers last changed, by (project, connector or
        # None): a list of 100,000 numbers is then a lookup, not a sort, while nothing is written.
        self._listed: dict[tuple[str, str | None], list[orjson.Fragment]] = {}
        self._seeded = False
        self._clock_offset = 0.0
        self._fault_draws = 0

    def clock_offset(self) -> float:
        return self._clock_offset

    def advance_clock(self, seconds: float) -> float:
        with self._lock:
            self._clock_offset += seconds
            return self._clock_offset

    def next_fault_draw(self) -> int:
        with self._lock:
            draw = self._fault_draws
            self._fault_draws += 1
            return draw

    def transaction(self, *, write: bool) -> AbstractContextManager[Tx]:
        return _MemoryTx(self)

    def reset(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> None:
        with self._lock:
            self._numbers.clear()
            self._encoded_numbers.clear()
            self._listed.clear()
            self._connectors.clear()
            self._calls.clear()
            self._numbers_by_project.clear()
            self._numbers_by_connector.clear()
            self._connectors_by_project.clear()
            for connector in connectors:
                self._set_connector(connector["connectorId"], dict(connector))
            for number in numbers:
                self._set_number(number["number"], dict(number))
            self._seeded = True

    def seed_once(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> bool:
        if self._seeded:
            return False
        self.reset(connectors, numbers)
        return True

    def close(self) -> None:
        pass

    # Raw writes, with the indexes kept in step; the caller holds the lock.

    def _set_number(self, key: str, record: PhoneNumber | None) -> None:
        old = self._numbers.pop(key, None)
        self._encoded_numbers.pop(key, None)
        for changed in (old, record):
            if changed is not None:
                self._listed.pop((changed["projectId"], None), None)
                self._listed.pop((changed["projectId"], changed.get("connectorId")), None)
        if old is not None:
            self._numbers_by_project[old["projectId"]].pop(key, None)
            if "connectorId" in old:
                self._numbers_by_connector[old["connectorId"]].pop(key, None)
        if record is not None:
            self._numbers[key] = record
            # As text: the bytes orjson returns keep its 4 KiB working buffer, 25 times the JSON.
            self._encoded_numbers[key] = orjson.Fragment(orjson.dumps(record).decode())
            self._numbers_by_project.setdefault(record["projectId"], {})[key] = None
            if "connectorId" in record:
                self._numbers_by_connector.setdefault(record["connectorId"], {})[key] = None

    def _set_connector(self, key: str, record: Connector | None) -> None:
        old = self._connectors.pop(key, None)
        if old is not None:
            self._connectors_by_project[old["projectId"]].pop(key, None)
        if record is not None:
            self._connectors[key] = record
            self._connectors_by_project.setdefault(record["projectId"], {})[key] = None


class _MemoryTx:
    """One operation under the store's lock; its writes are undone if it raises."""

    __slots__ = ("_store", "_undo")

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        # (how to put a record back, its key, the record it replaced)
        self._undo: list[tuple[Callable[[str, Any], object], str, dict[str, Any] | None]] = []

    def __enter__(self) -> _MemoryTx:
        self._store._lock.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is not None:
                for undo, key, old in reversed(self._undo):
                    undo(key, old)
        finally:
            self._store._lock.release()

    def number(self, number: str) -> PhoneNumber | None:
        return self._store._numbers.get(number)

    def numbers_of_connector(self, connector_id: str) -> list[PhoneNumber]:
        numbers = self._store._numbers
        return [numbers[key] for key in sorted(self._store._numbers_by_connector.get(connector_id, ()))]

    def listed_numbers(self, project_id: str, connector_id: str | None) -> list[orjson.Fragment]:
        store = self._store
        listed = store._listed.get((project_id, connector_id))
        if listed is not None:
            return listed
        encoded = store._encoded_numbers
        if connector_id is None:
            listed = [encoded[key] for key in sorted(store._numbers_by_project.get(project_id, ()))]
        else:
            numbers = store._numbers
            routed = sorted(store._numbers_by_connector.get(connector_id, ()))
            listed = [encoded[key] for key in routed if numbers[key]["projectId"] == project_id]
        if listed or connector_id is None:  # a query names any connector: only real ones are kept
            store._listed[(project_id, connector_id)] = listed
        return listed

    def put_number(self, record: PhoneNumber) -> None:
        self._write("number", record["number"], record)

    def delete_number(self, number: str) -> None:
        self._write("number", number, None)

    def connector(self, connector_id: str) -> Connector | None:
        return self._store._connectors.get(connector_id)

    def connectors_in_project(self, project_id: str) -> list[Connector]:
        connectors = self._store._connectors
        return [connectors[key] for key in sorted(self._store._connectors_by_project.get(project_id, ()))]

    def put_connector(self, record: Connector) -> None:
        self._write("connector", record["connectorId"], record)

    def delete_connector(self, connector_id: str) -> None:
        self._write("connector", connector_id, None)

    def _write(self, kind: str, key: str, record: dict[str, Any] | None) -> None:
        store = self._store
        put_back = store._set_number if kind == "number" else store._set_connector
        self._undo.append((put_back, key, (store._numbers if kind == "number" else store._connectors).get(key)))
        put_back(key, record)

    def outbound_call(self, call_sid: str) -> OutboundCall | None:
        return self._store._calls.get(call_sid)

    def put_outbound_call(self, record: OutboundCall) -> None:
        key = record["callSid"]
        self._undo.append((self._store._calls.pop, key, None))  # calls are only ever added
        self._store._calls[key] = record
