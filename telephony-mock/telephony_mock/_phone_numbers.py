"""Rules of the phone-number operations.

A phone number exists once in the whole service: importing one that any project holds is a
conflict. A caller sees only the numbers of its own project; another project's number is, to it,
a number that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _errors
from ._auth import Caller
from ._errors import ApiError
from ._rules import Call, Rules, in_project, partition, reads
from ._store import PhoneNumber, Tx

# How many numbers an error message names before it says "and N more".
_NAMED_IN_MESSAGE = 5


def held(tx: Tx, caller: Caller, number: str) -> PhoneNumber | None:
    return in_project(caller, tx.number(number))


def held_or_404(tx: Tx, caller: Caller, number: str) -> PhoneNumber:
    record = held(tx, caller, number)
    if record is None:
        raise not_found(number)
    return record


def not_found(number: str) -> ApiError:
    return ApiError(_errors.PHONE_NUMBERS_NOT_FOUND, f"Phone number {number} does not exist.")


def import_numbers(
    tx: Tx, caller: Caller, numbers: Sequence[str], client_env: str, connector_id: str | None = None
) -> None:
    """Import all of `numbers` or, if any is already imported anywhere, none of them."""
    taken = [number for number in numbers if tx.number(number) is not None]
    if taken:
        named = ", ".join(taken[:_NAMED_IN_MESSAGE])
        more = f" and {len(taken) - _NAMED_IN_MESSAGE} more" if len(taken) > _NAMED_IN_MESSAGE else ""
        verb = "has" if len(taken) == 1 else "have"
        raise ApiError(
            _errors.PHONE_NUMBERS_ALREADY_EXISTS,
            f"Phone number {named}{more} {verb} already been imported; nothing was imported.",
        )
    if connector_id is not None:
        connector_in_project(tx, caller, connector_id)
    for number in numbers:
        record: PhoneNumber = {
            "number": number,
            "projectId": caller.project_id,
            "accountId": caller.account_id,
            "clientEnv": client_env,
        }
        if connector_id is not None:
            record["connectorId"] = connector_id
        tx.put_number(record)


def connector_in_project(tx: Tx, caller: Caller, connector_id: str) -> None:
    if in_project(caller, tx.connector(connector_id)) is None:
        raise ApiError(_errors.PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST, f"Connector {connector_id} does not exist.")


@reads(query=["connectorId"])
def list_phone_numbers(tx: Tx, call: Call) -> Any:
    return {"phoneNumbers": tx.listed_numbers(call.caller.project_id, call.query.get("connectorId"))}


@reads(body=["/phoneNumbers", "/clientEnv"])
def import_phone_numbers(tx: Tx, call: Call) -> Any:
    numbers = call.body["phoneNumbers"]
    import_numbers(tx, call.caller, numbers, call.body["clientEnv"])
    return {"imported": numbers}


@reads(body=["/phoneNumbers"])
def delete_phone_numbers(tx: Tx, call: Call) -> Any:
    deleted = []
    errors = []
    for number in call.body["phoneNumbers"]:
        if held(tx, call.caller, number) is None:
            errors.append({"phoneNumber": number, "error": _errors.PHONE_NUMBERS_NOT_FOUND})
        else:
            tx.delete_number(number)
            deleted.append(number)
    return {"deleted": deleted, "errors": errors} if errors else {"deleted": deleted}


@reads(body=["/phoneNumbers"])
def batch_get_phone_numbers(tx: Tx, call: Call) -> Any:
    return partition(call.body["phoneNumbers"], lambda number: held(tx, call.caller, number))


@reads(path=["phoneNumber"])
def get_phone_number(tx: Tx, call: Call) -> Any:
    return held_or_404(tx, call.caller, call.path["phoneNumber"])


@reads(path=["phoneNumber"], body=["/clientEnv"])
def import_phone_number(tx: Tx, call: Call) -> Any:
    number = call.path["phoneNumber"]
    import_numbers(tx, call.caller, [number], call.body["clientEnv"])
    return {"imported": number}


@reads(path=["phoneNumber"])
def delete_phone_number(tx: Tx, call: Call) -> Any:
    number = held_or_404(tx, call.caller, call.path["phoneNumber"])["number"]
    tx.delete_number(number)
    return {"deleted": number}


@reads(path=["phoneNumber"], body=["/connectorId"])
def reassign_phone_number(tx: Tx, call: Call) -> Any:
    record = held_or_404(tx, call.caller, call.path["phoneNumber"])
    connector_id = call.body["connectorId"]
    connector_in_project(tx, call.caller, connector_id)
    updated = {**record, "connectorId": connector_id}
    tx.put_number(updated)
    return updated


RULES: Rules = {
    "listPhoneNumbers": list_phone_numbers,
    "importPhoneNumbers": import_phone_numbers,
    "deletePhoneNumbers": delete_phone_numbers,
    "batchGetPhoneNumbers": batch_get_phone_numbers,
    "getPhoneNumber": get_phone_number,
    "importPhoneNumber": import_phone_number,
    "deletePhoneNumber": delete_phone_number,
    "reassignPhoneNumber": reassign_phone_number,
}
