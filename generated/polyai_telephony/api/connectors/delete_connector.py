from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_connector_response import DeleteConnectorResponse
from ...models.error import Error
from ...types import Response, http_status

OPERATION = "deleteConnector"
"""The operationId this module implements."""
RETRY_SAFE = False
"""Whether this operation is retried only when its request could not be sent; see RetryPolicy."""


def _get_kwargs(
    agent_id: str,
    connector_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/agents/{agent_id}/telephony/connectors/{connector_id}".format(
            agent_id=quote(str(agent_id), safe=""),
            connector_id=quote(str(connector_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeleteConnectorResponse | Error | None:
    try:
        if response.status_code == 200:
            response_200 = DeleteConnectorResponse.from_dict(response.json())

            return response_200

        if response.status_code == 401:
            response_401 = Error.from_dict(response.json())

            return response_401

        if response.status_code == 403:
            response_403 = Error.from_dict(response.json())

            return response_403

        if response.status_code == 404:
            response_404 = Error.from_dict(response.json())

            return response_404

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
) -> Response[DeleteConnectorResponse | Error]:
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
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeleteConnectorResponse | Error]:
    """Delete a connector and every phone number routed to it

    Args:
        agent_id (str):
        connector_id (str):

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[DeleteConnectorResponse | Error]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        connector_id=connector_id,
    )

    response = client.send_request(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


def sync(
    agent_id: str,
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeleteConnectorResponse | Error | None:
    """Delete a connector and every phone number routed to it

    Args:
        agent_id (str):
        connector_id (str):

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        DeleteConnectorResponse | Error
    """

    return sync_detailed(
        agent_id=agent_id,
        connector_id=connector_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    agent_id: str,
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[DeleteConnectorResponse | Error]:
    """Delete a connector and every phone number routed to it

    Args:
        agent_id (str):
        connector_id (str):

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[DeleteConnectorResponse | Error]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        connector_id=connector_id,
    )

    response = await client.send_request_async(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


async def asyncio(
    agent_id: str,
    connector_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> DeleteConnectorResponse | Error | None:
    """Delete a connector and every phone number routed to it

    Args:
        agent_id (str):
        connector_id (str):

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        DeleteConnectorResponse | Error
    """

    return (
        await asyncio_detailed(
            agent_id=agent_id,
            connector_id=connector_id,
            client=client,
        )
    ).parsed
