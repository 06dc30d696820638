"""What a rule is: one small function per operation, given the store transaction and the request.

A rule returns the success body or raises `ApiError`; it never sees HTTP. Whether its
transaction may write is the catalogue's word (`telephony_contract`), not the rule's, and the
fields it reads are declared with `@reads` (see `_reads.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ._auth import Caller
from ._config import OutboundCallsConfig
from ._store import Tx


@dataclass(frozen=True, slots=True)
class Settings:
    """What rules read beyond the store: the config's voices and call script, the spec's limits."""

    voices: frozenset[str] | None
    outbound_calls: OutboundCallsConfig
    # Agent id -> environments with outbound calling enabled.
    outbound_environments: Mapping[str, frozenset[str]]
    max_call_metadata_base64_bytes: int
    # The contract's E.164 pattern (components/schemas/E164Number), for a `toNumber` that the
    # contract leaves a plain string because a national number with `countryCode` is allowed too.
    e164: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Call:
    caller: Caller
    path: Mapping[str, str]
    query: Mapping[str, str]
    body: Any  # validated against the operation's schema, defaults applied
    settings: Settings
    now: float  # the mock's clock when the request arrived


Rule = Callable[[Tx, Call], Any]
Rules = Mapping[str, Rule]


@dataclass(frozen=True, slots=True)
class Reads:
    """The request fields a rule reads by name.

    `path` and `query` are parameter names; `body` holds JSON pointers into the request body, where
    a numeric segment stands for every item of an array (`/updates/0/connectorId`: each update's
    connectorId), as in a link's `$response.body#/phoneNumbers/0`. A field a valid request may
    leave out (neither required nor defaulted) is read with `.get`, never `[]`. Iterating over a
    body object is not reading by name: a rule may copy whatever fields the validated body holds.
    """

    path: frozenset[str] = frozenset()
    query: frozenset[str] = frozenset()
    body: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DeclaredRule:
    """A rule and the fields it reads; called like the rule itself."""

    function: Rule
    reads: Reads

    def __call__(self, tx: Tx, call: Call) -> Any:
        return self.function(tx, call)


def reads(
    *, path: Iterable[str] = (), query: Iterable[str] = (), body: Iterable[str] = ()
) -> Callable[[Rule], DeclaredRule]:
    """Declare the request fields the decorated rule reads (see `Reads`)."""
    declared = Reads(frozenset(path), frozenset(query), frozenset(body))

    def declare(function: Rule) -> DeclaredRule:
        return DeclaredRule(function, declared)

    return declare


def partition(keys: Iterable[str], find: Callable[[str], Any | None]) -> dict[str, list[Any]]:
    """The body of a batch get: what `find` returned, and the keys it found nothing for, in request order."""
    found = []
    missing = []
    for key in keys:
        item = find(key)
        if item is None:
            missing.append(key)
        else:
            found.append(item)
    return {"found": found, "notFound": missing}


Owned = TypeVar("Owned", bound=Mapping[str, object])


def in_project(caller: Caller, record: Owned | None) -> Owned | None:
    """`record` if it belongs to the caller's project: to a caller, another project's record does not exist."""
    if record is None or record["projectId"] != caller.project_id:
        return None
    return record
