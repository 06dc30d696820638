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
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import orjson

PhoneNumber = dict[str, Any]
Connector = dict[str, Any]
# An outbound call as triggered: its SID, project, environment, number, start time on the mock's
# clock and scripted outcome. Its status is derived from the clock when read, never stored.
OutboundCall = dict[str, Any]

# Each kind of record: the field that keys it, and the fields it is looked up by.
KEYS = {"numbers": "number", "connectors": "connectorId", "calls": "callSid"}
INDEXED = {"numbers": ("projectId", "connectorId"), "connectors": ("projectId",), "calls": ()}


class Tx:
    """One operation's view of the state, the same over either store, which provides the four
    primitives at the bottom and `listed_numbers`. Returned records are the store's own: read-only."""

    __slots__ = ()

    def number(self, number: str) -> PhoneNumber | None:
        return self._get("numbers", number)

    def numbers_of_connector(self, connector_id: str) -> list[PhoneNumber]:
        return self._where("numbers", "connectorId", connector_id)

    def listed_numbers(self, project_id: str, connector_id: str | None) -> list[orjson.Fragment]:
        """The project's numbers (those routed to `connector_id`, if given) in number order, encoded."""
        raise NotImplementedError

    def put_number(self, record: PhoneNumber) -> None:
        self._put("numbers", record)

    def delete_number(self, number: str) -> None:
        self._delete("numbers", number)

    def connector(self, connector_id: str) -> Connector | None:
        return self._get("connectors", connector_id)

    def connectors_in_project(self, project_id: str) -> list[Connector]:
        return self._where("connectors", "projectId", project_id)

    def put_connector(self, record: Connector) -> None:
        self._put("connectors", record)

    def delete_connector(self, connector_id: str) -> None:
        self._delete("connectors", connector_id)

    def outbound_call(self, call_sid: str) -> OutboundCall | None:
        return self._get("calls", call_sid)

    def put_outbound_call(self, record: OutboundCall) -> None:
        self._put("calls", record)

    def _get(self, kind: str, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def _where(self, kind: str, field: str, value: str) -> list[dict[str, Any]]:
        """The records whose indexed `field` is `value`, in key order."""
        raise NotImplementedError

    def _put(self, kind: str, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def _delete(self, kind: str, key: str) -> None:
        raise NotImplementedError


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
        self._records: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KEYS}
        # Secondary indexes, so a list or a cascade costs the size of the project, not the store:
        # (kind, field) -> value -> the keys of the records with it, as an ordered set.
        self._index: dict[tuple[str, str], dict[str, dict[str, None]]] = {
            (kind, field): {} for kind, fields in INDEXED.items() for field in fields
        }
        self._encoded_numbers: dict[str, orjson.Fragment] = {}
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
            tables: list[dict[Any, Any]] = [*self._records.values(), *self._index.values()]
            for table in (*tables, self._encoded_numbers, self._listed):
                table.clear()
            for connector in connectors:
                self._set("connectors", connector["connectorId"], dict(connector))
            for number in numbers:
                self._set("numbers", number["number"], dict(number))
            self._seeded = True

    def seed_once(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> bool:
        if self._seeded:
            return False
        self.reset(connectors, numbers)
        return True

    def close(self) -> None:
        pass

    def _set(self, kind: str, key: str, record: dict[str, Any] | None) -> None:
        """Write (or with None, delete) one record, with the indexes kept in step; under the lock."""
        old = self._records[kind].pop(key, None)
        for field in INDEXED[kind]:
            index = self._index[(kind, field)]
            if old is not None and field in old:
                index[old[field]].pop(key, None)
            if record is not None and field in record:
                index.setdefault(record[field], {})[key] = None
        if record is not None:
            self._records[kind][key] = record
        if kind == "numbers":
            self._encoded_numbers.pop(key, None)
            for changed in (old, record):
                if changed is not None:
                    self._listed.pop((changed["projectId"], None), None)
                    self._listed.pop((changed["projectId"], changed.get("connectorId")), None)
            if record is not None:
                # As text: the bytes orjson returns keep its 4 KiB working buffer, 25 times the JSON.
                self._encoded_numbers[key] = orjson.Fragment(orjson.dumps(record).decode())


class _MemoryTx(Tx):
    """One operation under the store's lock; its writes are undone if it raises."""

    __slots__ = ("_store", "_undo")

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._undo: list[tuple[str, str, dict[str, Any] | None]] = []  # (kind, key, the record replaced)

    def __enter__(self) -> _MemoryTx:
        self._store._lock.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is not None:
                for record_kind, key, old in reversed(self._undo):
                    self._store._set(record_kind, key, old)
        finally:
            self._store._lock.release()

    def listed_numbers(self, project_id: str, connector_id: str | None) -> list[orjson.Fragment]:
        store = self._store
        listed = store._listed.get((project_id, connector_id))
        if listed is not None:
            return listed
        encoded = store._encoded_numbers
        if connector_id is None:
            listed = [encoded[key] for key in sorted(store._index[("numbers", "projectId")].get(project_id, ()))]
        else:
            numbers = store._records["numbers"]
            routed = sorted(store._index[("numbers", "connectorId")].get(connector_id, ()))
            listed = [encoded[key] for key in routed if numbers[key]["projectId"] == project_id]
        if listed or connector_id is None:  # a query names any connector: only real ones are kept
            store._listed[(project_id, connector_id)] = listed
        return listed

    def _get(self, kind: str, key: str) -> dict[str, Any] | None:
        return self._store._records[kind].get(key)

    def _where(self, kind: str, field: str, value: str) -> list[dict[str, Any]]:
        records = self._store._records[kind]
        return [records[key] for key in sorted(self._store._index[(kind, field)].get(value, ()))]

    def _put(self, kind: str, record: dict[str, Any]) -> None:
        self._write(kind, record[KEYS[kind]], record)

    def _delete(self, kind: str, key: str) -> None:
        self._write(kind, key, None)

    def _write(self, kind: str, key: str, record: dict[str, Any] | None) -> None:
        self._undo.append((kind, key, self._store._records[kind].get(key)))
        self._store._set(kind, key, record)
