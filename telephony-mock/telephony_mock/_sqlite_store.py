"""The store in one SQLite file (`--state FILE`), so state survives a restart.

Durability: WAL journal with `synchronous=FULL`, and each operation is one transaction that
commits before the answer is sent, so an acknowledged write survives a crash or power cut.
Writers take `BEGIN IMMEDIATE`, which serialises them even across processes sharing the file.
The invariant that a number routes only to a connector of its own project is also a (deferred)
foreign key, so a rule that broke it would fail its commit instead of corrupting the file.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from ._store import INDEXED, KEYS, Connector, PhoneNumber, Tx

_SCHEMA = """
CREATE TABLE IF NOT EXISTS connectors (
    connector_id TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL,
    record       TEXT NOT NULL,
    UNIQUE (connector_id, project_id)
);
CREATE INDEX IF NOT EXISTS connectors_by_project ON connectors (project_id, connector_id);
CREATE TABLE IF NOT EXISTS phone_numbers (
    number       TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL,
    connector_id TEXT,
    record       TEXT NOT NULL,
    FOREIGN KEY (connector_id, project_id) REFERENCES connectors (connector_id, project_id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX IF NOT EXISTS phone_numbers_by_project ON phone_numbers (project_id, number);
CREATE INDEX IF NOT EXISTS phone_numbers_by_connector ON phone_numbers (connector_id, number);
CREATE TABLE IF NOT EXISTS outbound_calls (call_sid TEXT PRIMARY KEY, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class SqliteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # One connection, used under one lock: the mock's own threads never race on it, and
        # BEGIN IMMEDIATE orders it against other processes.
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(_SCHEMA)
        # Writers in other processes on this file queue on this lock before BEGIN IMMEDIATE:
        # the kernel wakes the next one the moment a commit ends, where SQLite's busy handler
        # would sleep in growing steps. flock, not fcntl, so SQLite's own POSIX locks on the
        # file are untouched; the descriptor stays open until close(), after the connection,
        # since closing any descriptor of the file would drop those POSIX locks.
        self._writer_lock = os.open(self.path, os.O_RDONLY)

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Tx]:
        with self._lock:
            if write:
                fcntl.flock(self._writer_lock, fcntl.LOCK_EX)
            try:
                self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield _SqliteTx(self._conn)
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
            finally:
                if write:
                    fcntl.flock(self._writer_lock, fcntl.LOCK_UN)

    def reset(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> None:
        with self.transaction(write=True) as tx:
            self._fill(tx, connectors, numbers)

    def seed_once(self, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> bool:
        # Check and seed in one write transaction: processes starting together on a new file
        # seed it once, and none wipes what another has written since.
        with self.transaction(write=True) as tx:
            if self._conn.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone():
                return False
            self._fill(tx, connectors, numbers)
            return True

    def _fill(self, tx: Tx, connectors: Iterable[Connector], numbers: Iterable[PhoneNumber]) -> None:
        for table in _TABLES.values():
            self._conn.execute(f"DELETE FROM {table}")
        for connector in connectors:
            tx.put_connector(connector)
        for number in numbers:
            tx.put_number(number)
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', '1')")

    def clock_offset(self) -> float:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'clock_offset'").fetchone()
        return float(row[0]) if row else 0.0

    def advance_clock(self, seconds: float) -> float:
        return float(self._add_to_meta("clock_offset", seconds))

    def next_fault_draw(self) -> int:
        return int(self._add_to_meta("fault_draws", 1)) - 1

    def _add_to_meta(self, key: str, amount: float) -> float:
        """Add `amount` to a number kept in `meta`, in one write transaction; the new value."""
        with self.transaction(write=True):
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            value = (float(row[0]) if row else 0.0) + amount
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, repr(value)))
        return value

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            if self._writer_lock >= 0:
                os.close(self._writer_lock)
                self._writer_lock = -1


def _encode(record: dict[str, Any]) -> str:
    # The compact encoding the answers use, so that a stored record can be answered as it is.
    return orjson.dumps(record).decode()


# Each kind's table, and the columns its key and indexed fields are kept in (see `_store.KEYS`).
_TABLES = {"numbers": "phone_numbers", "connectors": "connectors", "calls": "outbound_calls"}
_COLUMNS = {"number": "number", "connectorId": "connector_id", "projectId": "project_id", "callSid": "call_sid"}


def _upsert(kind: str) -> str:
    columns = [_COLUMNS[KEYS[kind]], *(_COLUMNS[field] for field in INDEXED[kind]), "record"]
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
    return (
        f"INSERT INTO {_TABLES[kind]} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT ({columns[0]}) DO UPDATE SET {updates}"
    )


_UPSERT = {kind: _upsert(kind) for kind in KEYS}


class _SqliteTx(Tx):
    __slots__ = ("_conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def listed_numbers(self, project_id: str, connector_id: str | None) -> list[orjson.Fragment]:
        sql = "SELECT record FROM phone_numbers WHERE project_id = ?"
        args = [project_id]
        if connector_id is not None:
            sql += " AND connector_id = ?"
            args.append(connector_id)
        # The stored text is the record's JSON already.
        return [orjson.Fragment(row[0]) for row in self._conn.execute(sql + " ORDER BY number", args)]

    def _get(self, kind: str, key: str) -> dict[str, Any] | None:
        sql = f"SELECT record FROM {_TABLES[kind]} WHERE {_COLUMNS[KEYS[kind]]} = ?"
        row = self._conn.execute(sql, (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def _where(self, kind: str, field: str, value: str) -> list[dict[str, Any]]:
        key = _COLUMNS[KEYS[kind]]
        sql = f"SELECT record FROM {_TABLES[kind]} WHERE {_COLUMNS[field]} = ? ORDER BY {key}"
        return [json.loads(row[0]) for row in self._conn.execute(sql, (value,))]

    def _put(self, kind: str, record: dict[str, Any]) -> None:
        values = [record.get(field) for field in (KEYS[kind], *INDEXED[kind])]
        self._conn.execute(_UPSERT[kind], (*values, _encode(record)))

    def _delete(self, kind: str, key: str) -> None:
        self._conn.execute(f"DELETE FROM {_TABLES[kind]} WHERE {_COLUMNS[KEYS[kind]]} = ?", (key,))
