"""Rules of the outbound-call operations: a call's life simulated on the mock's clock.

A trigger stores the call with its start time and its scripted outcome (by dialled number, from
the config); nothing runs in the background. A status read derives where the call is from the
clock: QUEUED, then CALLING, then SUCCESS or FAILURE, and, once the retention after the end has
passed, a SID the service no longer knows.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import orjson
import phonenumbers

from . import _errors
from ._config import CallOutcome
from ._errors import ApiError
from ._rules import Call, Rules, reads
from ._store import OutboundCall, Tx

_ANSWERED = CallOutcome("SUCCESS")


def _dialled_number(call: Call) -> str:
    """`toNumber` in E.164: as given, or read as a national number of `countryCode`."""
    body = call.body
    number = body["toNumber"]
    if call.settings.e164.match(number):
        return str(number)
    country = body.get("countryCode")
    if country is None:
        raise ApiError(
            _errors.PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT,
            f"toNumber {number!r} is not E.164; give countryCode to read it as a national number.",
        )
    try:
        parsed = phonenumbers.parse(number, country)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise ApiError(
            _errors.PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT,
            f"toNumber {number!r} is not a phone number of {country}.",
        )
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def _check_metadata(call: Call) -> None:
    metadata = call.body.get("metadata")
    if not metadata:
        return
    size = len(base64.b64encode(orjson.dumps(metadata)))
    limit = call.settings.max_call_metadata_base64_bytes
    if size >= limit:
        raise ApiError(
            _errors.SCHEMA_VALIDATION_FAILED,
            f"metadata: its base64 form is {size} bytes; it must be under {limit}.",
        )


@reads(body=["/environment", "/toNumber", "/countryCode", "/metadata", "/variantId"])
def trigger_outbound_call(tx: Tx, call: Call) -> Any:
    body = call.body
    environment = body["environment"]
    to_number = _dialled_number(call)
    _check_metadata(call)
    if environment not in call.settings.outbound_environments.get(call.caller.agent_id, frozenset()):
        raise ApiError(
            _errors.OUTBOUND_CALLS_NOT_CONFIGURED,
            f"Outbound calling is not configured for the {environment} environment.",
        )
    connectors = [c for c in tx.connectors_in_project(call.caller.project_id) if c["clientEnv"] == environment]
    variant = body.get("variantId")
    if variant is not None:
        connectors = [c for c in connectors if c["variantId"] == variant]
    if not connectors:
        detail = f" with variant {variant}" if variant is not None else ""
        raise ApiError(_errors.CONNECTORS_NOT_FOUND, f"No connector{detail} for the {environment} environment.")
    outcome = call.settings.outbound_calls.outcomes.get(to_number, _ANSWERED)
    record: OutboundCall = {
        "callSid": f"OUT-{uuid.uuid4()}",
        "projectId": call.caller.project_id,
        "environment": environment,
        "toNumber": to_number,
        "connectorId": connectors[0]["connectorId"],
        "startedAt": call.now,
        "outcome": outcome.status,
        "reason": outcome.reason,
    }
    tx.put_outbound_call(record)
    return {"callSid": record["callSid"], "status": "QUEUED"}


@reads(path=["callSid"], query=["environment"])
def get_outbound_call_status(tx: Tx, call: Call) -> Any:
    call_sid = call.path["callSid"]
    environment = call.query["environment"]
    record = tx.outbound_call(call_sid)
    unknown = ApiError(_errors.OUTBOUND_CALLS_UNKNOWN_CALL_SID, f"No call {call_sid} in the {environment} environment.")
    if record is None or record["projectId"] != call.caller.project_id or record["environment"] != environment:
        raise unknown
    timing = call.settings.outbound_calls
    elapsed = call.now - record["startedAt"]
    if elapsed < timing.queued_seconds:
        status, reason = "QUEUED", ""
    elif elapsed < timing.queued_seconds + timing.calling_seconds:
        status, reason = "CALLING", ""
    elif elapsed <= timing.queued_seconds + timing.calling_seconds + timing.retention_seconds:
        status, reason = record["outcome"], record["reason"]
    else:
        raise unknown  # kept only for the retention period after the call ended
    return {"callSid": call_sid, "status": status, "reason": reason}


RULES: Rules = {
    "triggerOutboundCall": trigger_outbound_call,
    "getOutboundCallStatus": get_outbound_call_status,
}
