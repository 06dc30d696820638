"""Provision a voice agent's phone numbers: import them, route them to a connector, ring one.

    POLYAI_API_KEY=... POLYAI_AGENT_ID=... python provisioning.py conn-uk-en +447700900123 +447700900124
    ... --ring +447700900123      # then place a sandbox call to that number and wait for its outcome

Safe to run again: a number the agent already has is kept (the service answers 409), and a
connector that does not exist stops the run before any number is moved (404). The same steps
for asyncio code are `provision_async` and `ring_async`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from polyai_telephony import AsyncPolyAI, ConflictError, NotFoundError, PolyAI
from polyai_telephony.models import OutboundCallStatus

# Final, so mypy reads it as the literal the client's environment parameters take.
ENVIRONMENT: Final = "sandbox"


class UnknownConnector(Exception):
    """The connector to route to does not exist in the agent's project."""


@dataclass
class Provisioned:
    imported: list[str] = field(default_factory=list)  # new to the agent
    kept: list[str] = field(default_factory=list)  # imported before (409)
    routed: list[str] = field(default_factory=list)  # moved to the connector by this run


def provision(client: PolyAI, connector_id: str, numbers: Sequence[str]) -> Provisioned:
    """Import `numbers` (those not yet imported) and route every one of them to `connector_id`."""
    try:
        client.connectors.get(connector_id)
    except NotFoundError:
        raise UnknownConnector(connector_id) from None
    result = Provisioned()
    try:
        client.phone_numbers.import_(numbers, client_env=ENVIRONMENT)
        result.imported = list(numbers)
    except ConflictError:
        # An import is all or nothing: one number imported before refuses the batch, so one by one.
        for number in numbers:
            try:
                client.phone_numbers.import_one(number, client_env=ENVIRONMENT)
                result.imported.append(number)
            except ConflictError:
                result.kept.append(number)
    routed = {n.number for n in client.phone_numbers.list(connector_id=connector_id).phone_numbers}
    for number in numbers:
        if number not in routed:
            client.phone_numbers.reassign(number, connector_id)
            result.routed.append(number)
    return result


def ring(client: PolyAI, number: str, *, timeout: float = 600) -> OutboundCallStatus:
    """Place a sandbox call to `number` and wait until it has ended; its last status."""
    call = client.outbound_calls.trigger(number, ENVIRONMENT)
    return client.outbound_calls.wait(call.call_sid, environment=ENVIRONMENT, timeout=timeout)


async def provision_async(client: AsyncPolyAI, connector_id: str, numbers: Sequence[str]) -> Provisioned:
    """`provision` for asyncio code."""
    try:
        await client.connectors.get(connector_id)
    except NotFoundError:
        raise UnknownConnector(connector_id) from None
    result = Provisioned()
    try:
        await client.phone_numbers.import_(numbers, client_env=ENVIRONMENT)
        result.imported = list(numbers)
    except ConflictError:
        for number in numbers:
            try:
                await client.phone_numbers.import_one(number, client_env=ENVIRONMENT)
                result.imported.append(number)
            except ConflictError:
                result.kept.append(number)
    routed = {n.number for n in (await client.phone_numbers.list(connector_id=connector_id)).phone_numbers}
    for number in numbers:
        if number not in routed:
            await client.phone_numbers.reassign(number, connector_id)
            result.routed.append(number)
    return result


async def ring_async(client: AsyncPolyAI, number: str, *, timeout: float = 600) -> OutboundCallStatus:
    """`ring` for asyncio code."""
    call = await client.outbound_calls.trigger(number, ENVIRONMENT)
    return await client.outbound_calls.wait(call.call_sid, environment=ENVIRONMENT, timeout=timeout)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("connector_id")
    parser.add_argument("numbers", nargs="+", metavar="NUMBER", help="in E.164, e.g. +447700900123")
    parser.add_argument("--ring", metavar="NUMBER", help="then call this number in the sandbox and wait")
    args = parser.parse_args(argv)
    with PolyAI() as client:  # the key, agent and host from POLYAI_API_KEY, POLYAI_AGENT_ID, POLYAI_BASE_URL
        try:
            result = provision(client, args.connector_id, args.numbers)
        except UnknownConnector:
            print(f"no connector {args.connector_id!r} for this agent; nothing was changed", file=sys.stderr)
            return 2
        print(f"imported {len(result.imported)}, kept {len(result.kept)}, routed {len(result.routed)}")
        if args.ring:
            ended = ring(client, args.ring)
            print(f"call to {args.ring}: {ended.status} {ended.reason or ''}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
