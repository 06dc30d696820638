"""A first script against PolyAI's telephony API, written from the README as a new user would.

    POLYAI_API_KEY=... POLYAI_AGENT_ID=... python new_user_script.py

The tests type-check this file with `mypy --strict` and run `run` and `run_async` against the mock.
"""

import asyncio

from polyai_telephony import AsyncPolyAI, ConflictError, PolyAI

NEW_NUMBERS = ["+447700900123", "+447700900124"]
NEVER_IMPORTED = "+447700900999"
CALLEE = "+447700900100"  # a drama number: against the real service, name one you may ring


def run(client: PolyAI) -> list[str]:
    """What happened, one line per step."""
    seen = []

    imported = client.phone_numbers.import_(NEW_NUMBERS, client_env="sandbox")
    seen.append(f"imported {imported.imported}")

    numbers = client.phone_numbers.list().phone_numbers
    seen.append(f"unrouted {sorted(n.number for n in numbers if not n.connector_id)}")

    connector = client.connectors.list().connectors[0]
    moved = client.phone_numbers.reassign(NEW_NUMBERS[0], connector.connector_id)
    seen.append(f"{moved.number} routes to {moved.connector_id}")

    routed = client.phone_numbers.list(connector_id=connector.connector_id).phone_numbers
    seen.append(f"{connector.connector_id} serves {sorted(n.number for n in routed)}")

    batch = client.phone_numbers.batch_get([*NEW_NUMBERS, NEVER_IMPORTED])
    seen.append(f"found {[n.number for n in batch.found]}, not found {batch.not_found}")

    try:
        client.phone_numbers.import_([NEW_NUMBERS[0]])
    except ConflictError as error:
        seen.append(f"import again: {error.status} {error.error_code}")

    released = client.phone_numbers.delete_many(NEW_NUMBERS)
    seen.append(f"released {released.deleted}")

    call = client.outbound_calls.trigger(CALLEE, "sandbox", metadata={"customer_name": "Alex Doe"})
    seen.append(f"call {call.status}")
    ended = client.outbound_calls.wait(call.call_sid, environment="sandbox", timeout=300)
    seen.append(f"call ended {ended.status} {ended.reason!r}")
    return seen


async def run_async(client: AsyncPolyAI) -> list[str]:
    """The same steps with the asyncio client."""
    seen = []

    imported = await client.phone_numbers.import_(NEW_NUMBERS, client_env="sandbox")
    seen.append(f"imported {imported.imported}")

    numbers = (await client.phone_numbers.list()).phone_numbers
    seen.append(f"unrouted {sorted(n.number for n in numbers if not n.connector_id)}")

    connector = (await client.connectors.list()).connectors[0]
    moved = await client.phone_numbers.reassign(NEW_NUMBERS[0], connector.connector_id)
    seen.append(f"{moved.number} routes to {moved.connector_id}")

    routed = (await client.phone_numbers.list(connector_id=connector.connector_id)).phone_numbers
    seen.append(f"{connector.connector_id} serves {sorted(n.number for n in routed)}")

    batch = await client.phone_numbers.batch_get([*NEW_NUMBERS, NEVER_IMPORTED])
    seen.append(f"found {[n.number for n in batch.found]}, not found {batch.not_found}")

    try:
        await client.phone_numbers.import_([NEW_NUMBERS[0]])
    except ConflictError as error:
        seen.append(f"import again: {error.status} {error.error_code}")

    released = await client.phone_numbers.delete_many(NEW_NUMBERS)
    seen.append(f"released {released.deleted}")

    call = await client.outbound_calls.trigger(CALLEE, "sandbox", metadata={"customer_name": "Alex Doe"})
    seen.append(f"call {call.status}")
    ended = await client.outbound_calls.wait(call.call_sid, environment="sandbox", timeout=300)
    seen.append(f"call ended {ended.status} {ended.reason!r}")
    return seen


async def main_async() -> None:
    async with AsyncPolyAI() as client:
        print("\n".join(await run_async(client)))


if __name__ == "__main__":
    with PolyAI() as client:
        print("\n".join(run(client)))
    asyncio.run(main_async())
