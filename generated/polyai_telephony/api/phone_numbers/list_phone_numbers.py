from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.list_phone_numbers_response import ListPhoneNumbersResponse
from ...types import UNSET, Response, Unset, http_status

OPERATION = "listPhoneNumbers"
"""The operationId this module implements."""
RETRY_SAFE = True
"""Whether this operation is retried after transient failures; see RetryPolicy."""


def _get_kwargs(
    agent_id: str,
    *,
    connector_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["connectorId"] = connector_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/agents/{agent_id}/telephony/phone-numbers".format(
            agent_id=quote(str(agent_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListPhoneNumbersResponse | None:
    try:
        if response.status_code == 200:
            response_200 = ListPhoneNumbersResponse.from_dict(response.json())

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
) -> Response[Error | ListPhoneNumbersResponse]:
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
    *,
    client: AuthenticatedClient | Client,
    connector_id: str | Unset = UNSET,
) -> Response[Error | ListPhoneNumbersResponse]:
    """List the phone numbers of the agent's project

     Every phone number of the project, optionally only those routed to one connector. Not paginated.

    Args:
        agent_id (str):
        connector_id (str | Unset):

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[Error | ListPhoneNumbersResponse]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        connector_id=connector_id,
    )

    response = client.send_request(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


def sync(
    agent_id: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: str | Unset = UNSET,
) -> Error | ListPhoneNumbersResponse | None:
    """List the phone numbers of the agent's project

     Every phone number of the project, optionally only those routed to one connector. Not paginated.

    Args:
        agent_id (str):
        connector_id (str | Unset):

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Error | ListPhoneNumbersResponse
    """

    return sync_detailed(
        agent_id=agent_id,
        client=client,
        connector_id=connector_id,
    ).parsed


async def asyncio_detailed(
    agent_id: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: str | Unset = UNSET,
) -> Response[Error | ListPhoneNumbersResponse]:
    """List the phone numbers of the agent's project

     Every phone number of the project, optionally only those routed to one connector. Not paginated.

    Args:
        agent_id (str):
        connector_id (str | Unset):

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[Error | ListPhoneNumbersResponse]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        connector_id=connector_id,
    )

    response = await client.send_request_async(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


async def asyncio(
    agent_id: str,
    *,
    client: AuthenticatedClient | Client,
    connector_id: str | Unset = UNSET,
) -> Error | ListPhoneNumbersResponse | None:
    """List the phone numbers of the agent's project

     Every phone number of the project, optionally only those routed to one connector. Not paginated.

    Args:
        agent_id (str):
        connector_id (str | Unset):

    Safe to repeat: retried per Client.retry on its statuses (429, 502, 503, 504 by default), on
    connection failures and on timeouts.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Error | ListPhoneNumbersResponse
    """

    return (
        await asyncio_detailed(
            agent_id=agent_id,
            client=client,
            connector_id=connector_id,
        )
    ).parsed
