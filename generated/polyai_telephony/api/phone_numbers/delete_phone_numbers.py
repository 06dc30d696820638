from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delete_phone_numbers_request import DeletePhoneNumbersRequest
from ...models.delete_phone_numbers_response import DeletePhoneNumbersResponse
from ...models.error import Error
from ...types import Response, http_status

OPERATION = "deletePhoneNumbers"
"""The operationId this module implements."""
RETRY_SAFE = False
"""Whether this operation is retried only when its request could not be sent; see RetryPolicy."""


def _get_kwargs(
    agent_id: str,
    *,
    body: DeletePhoneNumbersRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/agents/{agent_id}/telephony/phone-numbers".format(
            agent_id=quote(str(agent_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeletePhoneNumbersResponse | Error | None:
    try:
        if response.status_code == 200:
            response_200 = DeletePhoneNumbersResponse.from_dict(response.json())

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

        if response.status_code == 413:
            response_413 = Error.from_dict(response.json())

            return response_413

        if response.status_code == 415:
            response_415 = Error.from_dict(response.json())

            return response_415

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
) -> Response[DeletePhoneNumbersResponse | Error]:
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
    body: DeletePhoneNumbersRequest,
) -> Response[DeletePhoneNumbersResponse | Error]:
    """Release a batch of phone numbers

     Each number is released on its own; the answer lists those released and, for the rest, why not.

    Args:
        agent_id (str):
        body (DeletePhoneNumbersRequest): Phone numbers to release in one call; each is released
            on its own.

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[DeletePhoneNumbersResponse | Error]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        body=body,
    )

    response = client.send_request(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


def sync(
    agent_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeletePhoneNumbersRequest,
) -> DeletePhoneNumbersResponse | Error | None:
    """Release a batch of phone numbers

     Each number is released on its own; the answer lists those released and, for the rest, why not.

    Args:
        agent_id (str):
        body (DeletePhoneNumbersRequest): Phone numbers to release in one call; each is released
            on its own.

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        DeletePhoneNumbersResponse | Error
    """

    return sync_detailed(
        agent_id=agent_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    agent_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeletePhoneNumbersRequest,
) -> Response[DeletePhoneNumbersResponse | Error]:
    """Release a batch of phone numbers

     Each number is released on its own; the answer lists those released and, for the rest, why not.

    Args:
        agent_id (str):
        body (DeletePhoneNumbersRequest): Phone numbers to release in one call; each is released
            on its own.

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        Response[DeletePhoneNumbersResponse | Error]
    """

    kwargs = _get_kwargs(
        agent_id=agent_id,
        body=body,
    )

    response = await client.send_request_async(kwargs, operation=OPERATION, retry_safe=RETRY_SAFE)

    return _build_response(client=client, response=response)


async def asyncio(
    agent_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: DeletePhoneNumbersRequest,
) -> DeletePhoneNumbersResponse | Error | None:
    """Release a batch of phone numbers

     Each number is released on its own; the answer lists those released and, for the rest, why not.

    Args:
        agent_id (str):
        body (DeletePhoneNumbersRequest): Phone numbers to release in one call; each is released
            on its own.

    Changes state: retried per Client.retry only when the connection could not be made.

    Raises:
        errors.ApiError: If the service answers an error status and Client.raise_on_error is True.
        errors.UnexpectedStatus: If the status is not declared for this operation and
            Client.raise_on_unexpected_status is True, or it is an error status and Client.raise_on_error is True.
        errors.InvalidResponse: If a success answer's body does not match the contract.
        httpx.TimeoutException: If an attempt takes longer than Client.timeout and no retry is left.

    Returns:
        DeletePhoneNumbersResponse | Error
    """

    return (
        await asyncio_detailed(
            agent_id=agent_id,
            client=client,
            body=body,
        )
    ).parsed
