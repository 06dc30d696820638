from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.outbound_call_status import OutboundCallStatus
from ...models.outbound_environment import OutboundEnvironment
from ...types import UNSET, Response, http_status

OPERATION = "getOutboundCallStatus"
"""The operationId this module implements."""
RETRY_SAFE = True
"""Whether this operation is retried after transient failures; see RetryPolicy."""


def _get_kwargs(
    agent_id: str,
    call_sid: str,
    *,
    environment: OutboundEnvironment,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_environment = environment.value
    params["environment"] = json_environment

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/agents/{agent_id}/telephony/outbound-calls/{call_sid}/status".format(
            agent_id=quote(str(agent_id), safe=""),
            call_sid=quote(str(call_sid), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | OutboundCallStatus | None:
    try:
        if response.status_code == 200:
            response_200 = OutboundCallStatus.from_dict(response.json())

            return response_200

        if response.status_code == 400:
            response_400 = Error.from_dict(response.json())

            return response_400

        if response.status_code == 401:
            response_401 = Error.from_dict(response.json())

            return response_401

        if response.status_code == 403:
            response_403 = Error.from_dict(response.json())

            return response_403

        if response.status_code == 429:
            response_429 = Error.from_dict(response.json())

            return response_429

        if response.status_code == 500:
            response_500 = Error.from_dict(response.json())

            return response_500

        if response.status_code == 502:
            response_502 = Error.from_dict(response.json())

            return response_502

        if response.status_code == 503:
            response_503 = Error.from_dict(response.json())

            return response_503

        if response.status_code == 504:
            response_504 = Error.from_dict(response.json())

            return response_504

    except errors.UNREADABLE_BODY as problem:
        errors.check_unreadable(client, response, problem)
        return None
    errors.check_undocumented(client, response)
    return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | OutboundCallStatus]:
    parsed = _parse_response(client=client, response=response)
    errors.check_error(client, response, parsed)
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    agent_id: str,
    call_sid: str,
    *,
    client: AuthenticatedClient | Client,
    environment: OutboundEnvironment,
) -> Response[Error | OutboundCallStatus]:
    """Get the status of an outbound call

     Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about two hours
    after the call ends.

    Args:
        agent_id (str):
        call_sid (str):
        environment (OutboundEnvironment): The environment an outbound call runs in; its connector
            answers the call.

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[Error | OutboundCallStatus]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        call_sid=call_sid,
        environment=environment,
    )

    response = client.send_request(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


def sync(
    agent_id: str,
    call_sid: str,
    *,
    client: AuthenticatedClient | Client,
    environment: OutboundEnvironment,
) -> Error | OutboundCallStatus | None:
    """Get the status of an outbound call

     Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about two hours
    after the call ends.

    Args:
        agent_id (str):
        call_sid (str):
        environment (OutboundEnvironment): The environment an outbound call runs in; its connector
            answers the call.

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Error | OutboundCallStatus
    """

    return sync_detailed(
        agent_id=agent_id,
        call_sid=call_sid,
        client=client,
        environment=environment,
    ).parsed


async def asyncio_detailed(
    agent_id: str,
    call_sid: str,
    *,
    client: AuthenticatedClient | Client,
    environment: OutboundEnvironment,
) -> Response[Error | OutboundCallStatus]:
    """Get the status of an outbound call

     Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about two hours
    after the call ends.

    Args:
        agent_id (str):
        call_sid (str):
        environment (OutboundEnvironment): The environment an outbound call runs in; its connector
            answers the call.

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[Error | OutboundCallStatus]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        call_sid=call_sid,
        environment=environment,
    )

    response = await client.send_request_async(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


async def asyncio(
    agent_id: str,
    call_sid: str,
    *,
    client: AuthenticatedClient | Client,
    environment: OutboundEnvironment,
) -> Error | OutboundCallStatus | None:
    """Get the status of an outbound call

     Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about two hours
    after the call ends.

    Args:
        agent_id (str):
        call_sid (str):
        environment (OutboundEnvironment): The environment an outbound call runs in; its connector
            answers the call.

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Error | OutboundCallStatus
    """

    return (
        await asyncio_detailed(
            agent_id=agent_id,
            call_sid=call_sid,
            client=client,
            environment=environment,
        )
    ).parsed
