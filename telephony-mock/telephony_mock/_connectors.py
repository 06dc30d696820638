"""Rules of the connector operations.

Connectors come from the config (the API has no create). The invariant every rule keeps: a
number's `connectorId` names an existing connector of the number's own project. Deleting a
connector therefore releases its numbers, and moving a connector to another project of the
account moves its numbers with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _errors
from ._auth import Caller
from ._errors import ApiError
from ._phone_numbers import held_or_404
from ._rules import Call, Rules, in_project, partition, reads
from ._store import Connector, Tx

_TARGET_PROJECT = "projectId"
_ID = "connectorId"


def visible(tx: Tx, caller: Caller, connector_id: str) -> Connector | None:
    return in_project(caller, tx.connector(connector_id))


def visible_or_404(tx: Tx, caller: Caller, connector_id: str) -> Connector:
    connector = visible(tx, caller, connector_id)
    if connector is None:
        raise ApiError(_errors.CONNECTORS_NOT_FOUND, f"Connector {connector_id} does not exist.")
    return connector


def _check_voice(voice: str, voices: frozenset[str] | None) -> str:
    """The speech-synthesis language of a voice the service can synthesise: its name's prefix."""
    if voices is not None and voice not in voices:
        raise ApiError(
            _errors.CONNECTORS_VALIDATION_FAILED, f"voiceName: {voice!r} is not a voice the service can synthesise."
        )
    return "-".join(voice.split("-")[:2])


def apply_update(
    tx: Tx, caller: Caller, connector: Connector, changes: Mapping[str, Any], voices: frozenset[str] | None
) -> Connector:
    """Apply a validated partial update: absent fields stay, null clears to "", projectId moves,
    and a voice sets ttsLangCode from its name."""
    target = changes.get(_TARGET_PROJECT, connector["projectId"])
    if target not in caller.account_projects:
        raise ApiError(
            _errors.CONNECTORS_VALIDATION_FAILED,
            f"projectId: {target!r} is not a project of account {caller.account_id}.",
        )
    voice = changes.get("voiceName")
    tts_lang = _check_voice(voice, voices) if voice is not None else None
    updated = dict(connector)
    if tts_lang is not None:
        updated["ttsLangCode"] = tts_lang
    for field, value in changes.items():
        if field not in (_ID, _TARGET_PROJECT):
            updated[field] = "" if value is None else value
    if target != connector["projectId"]:
        updated["projectId"] = target
        for number in tx.numbers_of_connector(connector[_ID]):
            tx.put_number({**number, "projectId": target})
    tx.put_connector(updated)
    return updated


@reads()
def list_connectors(tx: Tx, call: Call) -> Any:
    return {"connectors": tx.connectors_in_project(call.caller.project_id)}


@reads(body=["/connectorIds"])
def batch_get_connectors(tx: Tx, call: Call) -> Any:
    return partition(call.body["connectorIds"], lambda connector_id: visible(tx, call.caller, connector_id))


@reads(body=["/updates", "/updates/0/connectorId", "/updates/0/projectId", "/updates/0/voiceName"])
def batch_update_connectors(tx: Tx, call: Call) -> Any:
    updates = call.body["updates"]
    seen: set[str] = set()
    for update in updates:
        if update[_ID] in seen:
            raise ApiError(
                _errors.CONNECTORS_VALIDATION_FAILED, f"updates: connector {update[_ID]} is listed more than once."
            )
        seen.add(update[_ID])
    results = []
    for update in updates:
        connector_id = update[_ID]
        connector = visible(tx, call.caller, connector_id)
        if connector is None:
            results.append({_ID: connector_id, "success": False, "error": _errors.CONNECTORS_NOT_FOUND})
            continue
        try:
            updated = apply_update(tx, call.caller, connector, update, call.settings.voices)
        except ApiError as error:
            results.append({_ID: connector_id, "success": False, "error": error.code})
        else:
            results.append({_ID: connector_id, "success": True, "data": updated})
    return {"results": results}


@reads(body=["/phoneNumber"])
def lookup_connector(tx: Tx, call: Call) -> Any:
    number = call.body["phoneNumber"]
    record = held_or_404(tx, call.caller, number)
    connector_id = record.get(_ID)
    connector = tx.connector(connector_id) if connector_id else None
    if connector is None:
        raise ApiError(_errors.CONNECTORS_NOT_FOUND, f"Phone number {number} routes to no connector.")
    return connector


@reads(path=["connectorId"])
def get_connector(tx: Tx, call: Call) -> Any:
    return visible_or_404(tx, call.caller, call.path[_ID])


@reads(path=["connectorId"])
def delete_connector(tx: Tx, call: Call) -> Any:
    connector_id = visible_or_404(tx, call.caller, call.path[_ID])[_ID]
    released = [number["number"] for number in tx.numbers_of_connector(connector_id)]
    for number in released:
        tx.delete_number(number)
    tx.delete_connector(connector_id)
    return {"deletedConnector": connector_id, "deletedPhoneNumbers": released}


@reads(path=["connectorId"], body=["/projectId", "/voiceName"])
def update_connector(tx: Tx, call: Call) -> Any:
    connector = visible_or_404(tx, call.caller, call.path[_ID])
    return apply_update(tx, call.caller, connector, call.body, call.settings.voices)


RULES: Rules = {
    "listConnectors": list_connectors,
    "batchGetConnectors": batch_get_connectors,
    "batchUpdateConnectors": batch_update_connectors,
    "lookupConnector": lookup_connector,
    "getConnector": get_connector,
    "deleteConnector": delete_connector,
    "updateConnector": update_connector,
}
