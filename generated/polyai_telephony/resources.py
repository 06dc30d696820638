"""The resource namespaces of ``PolyAI`` and ``AsyncPolyAI``, one per tag of the contract.

Each method is one operation of the contract: it takes plain Python values, sends the request
the generated operation module builds, and returns the success model, raising a ``PolyAIError``
otherwise. ``<namespace>.with_raw_response`` has the same methods, each making exactly one HTTP
call and answering a ``RawResponse`` (the model, the status and the headers).
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, Unpack

from . import pacing
from .api.connectors import (
    batch_get_connectors,
    batch_update_connectors,
    delete_connector,
    get_connector,
    list_connectors,
    lookup_connector,
    update_connector,
)
from .api.outbound_calls import get_outbound_call_status, trigger_outbound_call
from .api.phone_numbers import (
    batch_get_phone_numbers,
    delete_phone_number,
    delete_phone_numbers,
    get_phone_number,
    import_phone_number,
    import_phone_numbers,
    list_phone_numbers,
    reassign_phone_number,
)
from .errors import PolyAIError
from .models import (
    BatchGetConnectorsRequest,
    BatchGetConnectorsResponse,
    BatchGetPhoneNumbersRequest,
    BatchGetPhoneNumbersResponse,
    BatchUpdateConnectorsRequest,
    BatchUpdateConnectorsResponse,
    ClientEnv,
    Connector,
    ConnectorUpdate,
    DeleteConnectorResponse,
    DeletePhoneNumberResponse,
    DeletePhoneNumbersRequest,
    DeletePhoneNumbersResponse,
    ImportPhoneNumberRequest,
    ImportPhoneNumberResponse,
    ImportPhoneNumbersRequest,
    ImportPhoneNumbersResponse,
    ListConnectorsResponse,
    ListPhoneNumbersResponse,
    LookupConnectorRequest,
    OutboundCallStatus,
    OutboundEnvironment,
    PhoneNumber,
    ReassignPhoneNumberRequest,
    TriggerOutboundCallRequest,
    TriggerOutboundCallRequestMetadata,
    TriggerOutboundCallResponse,
    UpdateConnectorRequest,
)
from .transport import (
    AsyncSender,
    PollOptions,
    RawResponse,
    RequestOptions,
    Sender,
    chunks,
    enum_value,
    joined,
    poll,
    poll_async,
    strings,
)
from .types import UNSET, Unset


class PhoneNumbersWithRawResponse:
    """``phone_numbers.with_raw_response``: each method makes one HTTP call and answers a ``RawResponse``."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    def batch_get(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchGetPhoneNumbersResponse]:
        """Get several phone numbers in one call; the parsed answer with its status and headers.

        Partitions the requested numbers into those the project holds and those it does not, each in
        request order.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request.

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``batchGetPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = BatchGetPhoneNumbersRequest(
            phone_numbers=strings("phone_numbers", phone_numbers),
        )
        request = batch_get_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            batch_get_phone_numbers.OPERATION,
            batch_get_phone_numbers.RETRY_SAFE,
            batch_get_phone_numbers._build_response,
            BatchGetPhoneNumbersResponse,
            options,
        )

    def delete(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[DeletePhoneNumberResponse]:
        """Release one phone number; the parsed answer with its status and headers.

        Operation ``deletePhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = delete_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
        )
        return self._sender.call(
            request,
            delete_phone_number.OPERATION,
            delete_phone_number.RETRY_SAFE,
            delete_phone_number._build_response,
            DeletePhoneNumberResponse,
            options,
        )

    def delete_many(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[DeletePhoneNumbersResponse]:
        """Release a batch of phone numbers; the parsed answer with its status and headers.

        Each number is released on its own; the answer lists those released and, for the rest, why
        not.

        Assumed (the contract's ``x-assumption``): A number the project does not hold never fails
        the batch: it is reported in `errors` with `error` set to PHONE_NUMBERS_NOT_FOUND, and the
        others are still released.

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``deletePhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = DeletePhoneNumbersRequest(
            phone_numbers=strings("phone_numbers", phone_numbers),
        )
        request = delete_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            delete_phone_numbers.OPERATION,
            delete_phone_numbers.RETRY_SAFE,
            delete_phone_numbers._build_response,
            DeletePhoneNumbersResponse,
            options,
        )

    def get(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[PhoneNumber]:
        """Get one phone number; the parsed answer with its status and headers.

        Operation ``getPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = get_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
        )
        return self._sender.call(
            request,
            get_phone_number.OPERATION,
            get_phone_number.RETRY_SAFE,
            get_phone_number._build_response,
            PhoneNumber,
            options,
        )

    def import_(
        self,
        phone_numbers: Sequence[str],
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ImportPhoneNumbersResponse]:
        """Import a batch of phone numbers into the project; the parsed answer with its status and headers.

        Imports every number in the batch with one environment assignment. Imported numbers route to
        no connector until reassigned.

        Assumed (the contract's ``x-assumption``): All or nothing: if any number in the batch is
        already imported (in this or any other project) the call answers 409
        PHONE_NUMBERS_ALREADY_EXISTS and imports none of them. A number listed twice in one batch is
        rejected with 400 (`uniqueItems`).

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``importPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = ImportPhoneNumbersRequest(
            phone_numbers=strings("phone_numbers", phone_numbers),
            client_env=UNSET if isinstance(client_env, Unset) else enum_value(ClientEnv, "client_env", client_env),
        )
        request = import_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            import_phone_numbers.OPERATION,
            import_phone_numbers.RETRY_SAFE,
            import_phone_numbers._build_response,
            ImportPhoneNumbersResponse,
            options,
        )

    def import_one(
        self,
        phone_number: str,
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ImportPhoneNumberResponse]:
        """Import one phone number into the project; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): Importing a number that is already imported (in
        any project) answers 409 PHONE_NUMBERS_ALREADY_EXISTS. The body may be omitted; `clientEnv`
        then defaults to live.

        Operation ``importPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = ImportPhoneNumberRequest(
            client_env=UNSET if isinstance(client_env, Unset) else enum_value(ClientEnv, "client_env", client_env),
        )
        request = import_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
            body=body,
        )
        return self._sender.call(
            request,
            import_phone_number.OPERATION,
            import_phone_number.RETRY_SAFE,
            import_phone_number._build_response,
            ImportPhoneNumberResponse,
            options,
        )

    def list(
        self,
        *,
        connector_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ListPhoneNumbersResponse]:
        """List the phone numbers of the agent's project; the parsed answer with its status and headers.

        Every phone number of the project, optionally only those routed to one connector. Not
        paginated.

        Assumed (the contract's ``x-assumption``): An unknown `connectorId` filter gives 200 with an
        empty list, not 404.

        Operation ``listPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = list_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
        )
        return self._sender.call(
            request,
            list_phone_numbers.OPERATION,
            list_phone_numbers.RETRY_SAFE,
            list_phone_numbers._build_response,
            ListPhoneNumbersResponse,
            options,
        )

    def reassign(
        self,
        phone_number: str,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[PhoneNumber]:
        """Route a phone number to another connector; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): The connector must belong to the number's
        project; a connector of another project answers 404 PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST,
        the same as one that does not exist.

        Operation ``reassignPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = ReassignPhoneNumberRequest(
            connector_id=connector_id,
        )
        request = reassign_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
            body=body,
        )
        return self._sender.call(
            request,
            reassign_phone_number.OPERATION,
            reassign_phone_number.RETRY_SAFE,
            reassign_phone_number._build_response,
            PhoneNumber,
            options,
        )


class PhoneNumbers:
    """Phone numbers owned by an agent's project, and the connector each routes to.

    Operations tagged ``phone-numbers`` in the contract.
    """

    def __init__(self, sender: Sender) -> None:
        self.with_raw_response = PhoneNumbersWithRawResponse(sender)

    def batch_get(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BatchGetPhoneNumbersResponse:
        """Get several phone numbers in one call.

        Partitions the requested numbers into those the project holds and those it does not, each in
        request order.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request.

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``batchGetPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("phone_numbers", phone_numbers))
        answers: list[BatchGetPhoneNumbersResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        self.with_raw_response.batch_get(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return BatchGetPhoneNumbersResponse(
            found=[item for answer in answers for item in answer.found],
            not_found=[item for answer in answers for item in answer.not_found],
        )

    def delete(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> DeletePhoneNumberResponse:
        """Release one phone number.

        Operation ``deletePhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.delete(
                phone_number,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def delete_many(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> DeletePhoneNumbersResponse:
        """Release a batch of phone numbers.

        Each number is released on its own; the answer lists those released and, for the rest, why
        not.

        Assumed (the contract's ``x-assumption``): A number the project does not hold never fails
        the batch: it is reported in `errors` with `error` set to PHONE_NUMBERS_NOT_FOUND, and the
        others are still released.

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``deletePhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("phone_numbers", phone_numbers))
        answers: list[DeletePhoneNumbersResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        self.with_raw_response.delete_many(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return DeletePhoneNumbersResponse(
            deleted=[item for answer in answers for item in answer.deleted],
            errors=joined([answer.errors for answer in answers]),
        )

    def get(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PhoneNumber:
        """Get one phone number.

        Operation ``getPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.get(
                phone_number,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def import_(
        self,
        phone_numbers: Sequence[str],
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImportPhoneNumbersResponse:
        """Import a batch of phone numbers into the project.

        Imports every number in the batch with one environment assignment. Imported numbers route to
        no connector until reassigned.

        Assumed (the contract's ``x-assumption``): All or nothing: if any number in the batch is
        already imported (in this or any other project) the call answers 409
        PHONE_NUMBERS_ALREADY_EXISTS and imports none of them. A number listed twice in one batch is
        rejected with 400 (`uniqueItems`).

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``importPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("phone_numbers", phone_numbers))
        answers: list[ImportPhoneNumbersResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        self.with_raw_response.import_(
                            run,
                            client_env=client_env,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return ImportPhoneNumbersResponse(
            imported=[item for answer in answers for item in answer.imported],
        )

    def import_one(
        self,
        phone_number: str,
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImportPhoneNumberResponse:
        """Import one phone number into the project.

        Assumed (the contract's ``x-assumption``): Importing a number that is already imported (in
        any project) answers 409 PHONE_NUMBERS_ALREADY_EXISTS. The body may be omitted; `clientEnv`
        then defaults to live.

        Operation ``importPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.import_one(
                phone_number,
                client_env=client_env,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def list(
        self,
        *,
        connector_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListPhoneNumbersResponse:
        """List the phone numbers of the agent's project.

        Every phone number of the project, optionally only those routed to one connector. Not
        paginated.

        Assumed (the contract's ``x-assumption``): An unknown `connectorId` filter gives 200 with an
        empty list, not 404.

        Operation ``listPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.list(
                connector_id=connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def reassign(
        self,
        phone_number: str,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PhoneNumber:
        """Route a phone number to another connector.

        Assumed (the contract's ``x-assumption``): The connector must belong to the number's
        project; a connector of another project answers 404 PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST,
        the same as one that does not exist.

        Operation ``reassignPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.reassign(
                phone_number,
                connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed


class AsyncPhoneNumbersWithRawResponse:
    """``phone_numbers.with_raw_response``: each method makes one HTTP call and answers a ``RawResponse``."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender

    async def batch_get(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchGetPhoneNumbersResponse]:
        """Get several phone numbers in one call; the parsed answer with its status and headers.

        Partitions the requested numbers into those the project holds and those it does not, each in
        request order.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request.

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``batchGetPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = BatchGetPhoneNumbersRequest(
            phone_numbers=strings("phone_numbers", phone_numbers),
        )
        request = batch_get_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            batch_get_phone_numbers.OPERATION,
            batch_get_phone_numbers.RETRY_SAFE,
            batch_get_phone_numbers._build_response,
            BatchGetPhoneNumbersResponse,
            options,
        )

    async def delete(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[DeletePhoneNumberResponse]:
        """Release one phone number; the parsed answer with its status and headers.

        Operation ``deletePhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = delete_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
        )
        return await self._sender.call(
            request,
            delete_phone_number.OPERATION,
            delete_phone_number.RETRY_SAFE,
            delete_phone_number._build_response,
            DeletePhoneNumberResponse,
            options,
        )

    async def delete_many(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[DeletePhoneNumbersResponse]:
        """Release a batch of phone numbers; the parsed answer with its status and headers.

        Each number is released on its own; the answer lists those released and, for the rest, why
        not.

        Assumed (the contract's ``x-assumption``): A number the project does not hold never fails
        the batch: it is reported in `errors` with `error` set to PHONE_NUMBERS_NOT_FOUND, and the
        others are still released.

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``deletePhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = DeletePhoneNumbersRequest(
            phone_numbers=strings("phone_numbers", phone_numbers),
        )
        request = delete_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            delete_phone_numbers.OPERATION,
            delete_phone_numbers.RETRY_SAFE,
            delete_phone_numbers._build_response,
            DeletePhoneNumbersResponse,
            options,
        )

    async def get(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[PhoneNumber]:
        """Get one phone number; the parsed answer with its status and headers.

        Operation ``getPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = get_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
        )
        return await self._sender.call(
            request,
            get_phone_number.OPERATION,
            get_phone_number.RETRY_SAFE,
            get_phone_number._build_response,
            PhoneNumber,
            options,
        )

    async def import_(
        self,
        phone_numbers: Sequence[str],
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ImportPhoneNumbersResponse]:
        """Import a batch of phone numbers into the project; the parsed answer with its status and headers.

        Imports every number in the batch with one environment assignment. Imported numbers route to
        no connector until reassigned.

        Assumed (the contract's ``x-assumption``): All or nothing: if any number in the batch is
        already imported (in this or any other project) the call answers 409
        PHONE_NUMBERS_ALREADY_EXISTS and imports none of them. A number listed twice in one batch is
        rejected with 400 (`uniqueItems`).

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``importPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = ImportPhoneNumbersRequest(
            phone_numbers=strings("phone_numbers", phone_numbers),
            client_env=UNSET if isinstance(client_env, Unset) else enum_value(ClientEnv, "client_env", client_env),
        )
        request = import_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            import_phone_numbers.OPERATION,
            import_phone_numbers.RETRY_SAFE,
            import_phone_numbers._build_response,
            ImportPhoneNumbersResponse,
            options,
        )

    async def import_one(
        self,
        phone_number: str,
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ImportPhoneNumberResponse]:
        """Import one phone number into the project; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): Importing a number that is already imported (in
        any project) answers 409 PHONE_NUMBERS_ALREADY_EXISTS. The body may be omitted; `clientEnv`
        then defaults to live.

        Operation ``importPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = ImportPhoneNumberRequest(
            client_env=UNSET if isinstance(client_env, Unset) else enum_value(ClientEnv, "client_env", client_env),
        )
        request = import_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
            body=body,
        )
        return await self._sender.call(
            request,
            import_phone_number.OPERATION,
            import_phone_number.RETRY_SAFE,
            import_phone_number._build_response,
            ImportPhoneNumberResponse,
            options,
        )

    async def list(
        self,
        *,
        connector_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ListPhoneNumbersResponse]:
        """List the phone numbers of the agent's project; the parsed answer with its status and headers.

        Every phone number of the project, optionally only those routed to one connector. Not
        paginated.

        Assumed (the contract's ``x-assumption``): An unknown `connectorId` filter gives 200 with an
        empty list, not 404.

        Operation ``listPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = list_phone_numbers._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
        )
        return await self._sender.call(
            request,
            list_phone_numbers.OPERATION,
            list_phone_numbers.RETRY_SAFE,
            list_phone_numbers._build_response,
            ListPhoneNumbersResponse,
            options,
        )

    async def reassign(
        self,
        phone_number: str,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[PhoneNumber]:
        """Route a phone number to another connector; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): The connector must belong to the number's
        project; a connector of another project answers 404 PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST,
        the same as one that does not exist.

        Operation ``reassignPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = ReassignPhoneNumberRequest(
            connector_id=connector_id,
        )
        request = reassign_phone_number._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            phone_number=phone_number,
            body=body,
        )
        return await self._sender.call(
            request,
            reassign_phone_number.OPERATION,
            reassign_phone_number.RETRY_SAFE,
            reassign_phone_number._build_response,
            PhoneNumber,
            options,
        )


class AsyncPhoneNumbers:
    """Phone numbers owned by an agent's project, and the connector each routes to.

    Operations tagged ``phone-numbers`` in the contract.
    """

    def __init__(self, sender: AsyncSender) -> None:
        self.with_raw_response = AsyncPhoneNumbersWithRawResponse(sender)

    async def batch_get(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BatchGetPhoneNumbersResponse:
        """Get several phone numbers in one call.

        Partitions the requested numbers into those the project holds and those it does not, each in
        request order.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request.

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``batchGetPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("phone_numbers", phone_numbers))
        answers: list[BatchGetPhoneNumbersResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        await self.with_raw_response.batch_get(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return BatchGetPhoneNumbersResponse(
            found=[item for answer in answers for item in answer.found],
            not_found=[item for answer in answers for item in answer.not_found],
        )

    async def delete(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> DeletePhoneNumberResponse:
        """Release one phone number.

        Operation ``deletePhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.delete(
                phone_number,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def delete_many(
        self,
        phone_numbers: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> DeletePhoneNumbersResponse:
        """Release a batch of phone numbers.

        Each number is released on its own; the answer lists those released and, for the rest, why
        not.

        Assumed (the contract's ``x-assumption``): A number the project does not hold never fails
        the batch: it is reported in `errors` with `error` set to PHONE_NUMBERS_NOT_FOUND, and the
        others are still released.

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``deletePhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("phone_numbers", phone_numbers))
        answers: list[DeletePhoneNumbersResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        await self.with_raw_response.delete_many(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return DeletePhoneNumbersResponse(
            deleted=[item for answer in answers for item in answer.deleted],
            errors=joined([answer.errors for answer in answers]),
        )

    async def get(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PhoneNumber:
        """Get one phone number.

        Operation ``getPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.get(
                phone_number,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def import_(
        self,
        phone_numbers: Sequence[str],
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImportPhoneNumbersResponse:
        """Import a batch of phone numbers into the project.

        Imports every number in the batch with one environment assignment. Imported numbers route to
        no connector until reassigned.

        Assumed (the contract's ``x-assumption``): All or nothing: if any number in the batch is
        already imported (in this or any other project) the call answers 409
        PHONE_NUMBERS_ALREADY_EXISTS and imports none of them. A number listed twice in one batch is
        rejected with 400 (`uniqueItems`).

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``importPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("phone_numbers", phone_numbers))
        answers: list[ImportPhoneNumbersResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        await self.with_raw_response.import_(
                            run,
                            client_env=client_env,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return ImportPhoneNumbersResponse(
            imported=[item for answer in answers for item in answer.imported],
        )

    async def import_one(
        self,
        phone_number: str,
        *,
        client_env: ClientEnv | Literal["live", "pre-release", "sandbox"] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ImportPhoneNumberResponse:
        """Import one phone number into the project.

        Assumed (the contract's ``x-assumption``): Importing a number that is already imported (in
        any project) answers 409 PHONE_NUMBERS_ALREADY_EXISTS. The body may be omitted; `clientEnv`
        then defaults to live.

        Operation ``importPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.import_one(
                phone_number,
                client_env=client_env,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def list(
        self,
        *,
        connector_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListPhoneNumbersResponse:
        """List the phone numbers of the agent's project.

        Every phone number of the project, optionally only those routed to one connector. Not
        paginated.

        Assumed (the contract's ``x-assumption``): An unknown `connectorId` filter gives 200 with an
        empty list, not 404.

        Operation ``listPhoneNumbers``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.list(
                connector_id=connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def reassign(
        self,
        phone_number: str,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> PhoneNumber:
        """Route a phone number to another connector.

        Assumed (the contract's ``x-assumption``): The connector must belong to the number's
        project; a connector of another project answers 404 PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST,
        the same as one that does not exist.

        Operation ``reassignPhoneNumber``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.reassign(
                phone_number,
                connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed


class ConnectorsWithRawResponse:
    """``connectors.with_raw_response``: each method makes one HTTP call and answers a ``RawResponse``."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    def batch_get(
        self,
        connector_ids: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchGetConnectorsResponse]:
        """Get several connectors in one call; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request; an id listed twice is rejected with 400 (`uniqueItems`).

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``batchGetConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = BatchGetConnectorsRequest(
            connector_ids=strings("connector_ids", connector_ids),
        )
        request = batch_get_connectors._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            batch_get_connectors.OPERATION,
            batch_get_connectors.RETRY_SAFE,
            batch_get_connectors._build_response,
            BatchGetConnectorsResponse,
            options,
        )

    def batch_update(
        self,
        updates: Sequence[ConnectorUpdate | Mapping[str, Any]],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchUpdateConnectorsResponse]:
        """Update several connectors in one call; the parsed answer with its status and headers.

        Each update is applied on its own; one failing update does not stop the others. Results keep
        the request's order.

        Assumed (the contract's ``x-assumption``): An update naming a connector the project does not
        hold yields a result with `success: false` and `error` set to CONNECTORS_NOT_FOUND; a
        `projectId` outside the account yields CONNECTORS_VALIDATION_FAILED. A connector listed
        twice is rejected with 400.

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``batchUpdateConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = BatchUpdateConnectorsRequest(
            updates=[
                item if isinstance(item, ConnectorUpdate) else ConnectorUpdate.from_dict(item) for item in updates
            ],
        )
        request = batch_update_connectors._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            batch_update_connectors.OPERATION,
            batch_update_connectors.RETRY_SAFE,
            batch_update_connectors._build_response,
            BatchUpdateConnectorsResponse,
            options,
        )

    def delete(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[DeleteConnectorResponse]:
        """Delete a connector and every phone number routed to it; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): `deletedPhoneNumbers` lists exactly the numbers
        that routed to the connector, which are released with it.

        Operation ``deleteConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = delete_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
        )
        return self._sender.call(
            request,
            delete_connector.OPERATION,
            delete_connector.RETRY_SAFE,
            delete_connector._build_response,
            DeleteConnectorResponse,
            options,
        )

    def get(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Connector]:
        """Get one connector; the parsed answer with its status and headers.

        Operation ``getConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = get_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
        )
        return self._sender.call(
            request,
            get_connector.OPERATION,
            get_connector.RETRY_SAFE,
            get_connector._build_response,
            Connector,
            options,
        )

    def list(
        self,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ListConnectorsResponse]:
        """List the connectors of the agent's project; the parsed answer with its status and headers.

        Operation ``listConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = list_connectors._get_kwargs(
            agent_id=self._sender.agent(agent_id),
        )
        return self._sender.call(
            request,
            list_connectors.OPERATION,
            list_connectors.RETRY_SAFE,
            list_connectors._build_response,
            ListConnectorsResponse,
            options,
        )

    def lookup(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Connector]:
        """Find the connector that serves a phone number; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): A number the project does not hold answers 404
        PHONE_NUMBERS_NOT_FOUND; a held number that routes to no connector answers 404
        CONNECTORS_NOT_FOUND.

        Operation ``lookupConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = LookupConnectorRequest(
            phone_number=phone_number,
        )
        request = lookup_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            lookup_connector.OPERATION,
            lookup_connector.RETRY_SAFE,
            lookup_connector._build_response,
            Connector,
            options,
        )

    def update(
        self,
        connector_id: str,
        *,
        variant_id: None | str | Unset = UNSET,
        asr_lang_code: None | str | Unset = UNSET,
        voice_name: None | str | Unset = UNSET,
        project_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Connector]:
        """Update some fields of a connector; the parsed answer with its status and headers.

        A field left out is unchanged; a field set to null is cleared (set to the empty string).

        Assumed (the contract's ``x-assumption``): Setting `projectId` moves the connector, and
        every number routed to it, to that project; the project must be another agent of the same
        account, or the call answers 400 CONNECTORS_VALIDATION_FAILED. `projectId` cannot be
        cleared. An empty body changes nothing.

        Operation ``updateConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = UpdateConnectorRequest(
            variant_id=variant_id,
            asr_lang_code=asr_lang_code,
            voice_name=voice_name,
            project_id=project_id,
        )
        request = update_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
            body=body,
        )
        return self._sender.call(
            request,
            update_connector.OPERATION,
            update_connector.RETRY_SAFE,
            update_connector._build_response,
            Connector,
            options,
        )


class Connectors:
    """Voice, language and environment bundles that handle incoming calls.

    Operations tagged ``connectors`` in the contract.
    """

    def __init__(self, sender: Sender) -> None:
        self.with_raw_response = ConnectorsWithRawResponse(sender)

    def batch_get(
        self,
        connector_ids: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BatchGetConnectorsResponse:
        """Get several connectors in one call.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request; an id listed twice is rejected with 400 (`uniqueItems`).

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``batchGetConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("connector_ids", connector_ids))
        answers: list[BatchGetConnectorsResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        self.with_raw_response.batch_get(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return BatchGetConnectorsResponse(
            found=[item for answer in answers for item in answer.found],
            not_found=[item for answer in answers for item in answer.not_found],
        )

    def batch_update(
        self,
        updates: Sequence[ConnectorUpdate | Mapping[str, Any]],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BatchUpdateConnectorsResponse:
        """Update several connectors in one call.

        Each update is applied on its own; one failing update does not stop the others. Results keep
        the request's order.

        Assumed (the contract's ``x-assumption``): An update naming a connector the project does not
        hold yields a result with `success: false` and `error` set to CONNECTORS_NOT_FOUND; a
        `projectId` outside the account yields CONNECTORS_VALIDATION_FAILED. A connector listed
        twice is rejected with 400.

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``batchUpdateConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(list(updates))
        answers: list[BatchUpdateConnectorsResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        self.with_raw_response.batch_update(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return BatchUpdateConnectorsResponse(
            results=[item for answer in answers for item in answer.results],
        )

    def delete(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> DeleteConnectorResponse:
        """Delete a connector and every phone number routed to it.

        Assumed (the contract's ``x-assumption``): `deletedPhoneNumbers` lists exactly the numbers
        that routed to the connector, which are released with it.

        Operation ``deleteConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.delete(
                connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def get(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Connector:
        """Get one connector.

        Operation ``getConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.get(
                connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def list(
        self,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListConnectorsResponse:
        """List the connectors of the agent's project.

        Operation ``listConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.list(
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def lookup(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Connector:
        """Find the connector that serves a phone number.

        Assumed (the contract's ``x-assumption``): A number the project does not hold answers 404
        PHONE_NUMBERS_NOT_FOUND; a held number that routes to no connector answers 404
        CONNECTORS_NOT_FOUND.

        Operation ``lookupConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.lookup(
                phone_number,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def update(
        self,
        connector_id: str,
        *,
        variant_id: None | str | Unset = UNSET,
        asr_lang_code: None | str | Unset = UNSET,
        voice_name: None | str | Unset = UNSET,
        project_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Connector:
        """Update some fields of a connector.

        A field left out is unchanged; a field set to null is cleared (set to the empty string).

        Assumed (the contract's ``x-assumption``): Setting `projectId` moves the connector, and
        every number routed to it, to that project; the project must be another agent of the same
        account, or the call answers 400 CONNECTORS_VALIDATION_FAILED. `projectId` cannot be
        cleared. An empty body changes nothing.

        Operation ``updateConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.update(
                connector_id,
                variant_id=variant_id,
                asr_lang_code=asr_lang_code,
                voice_name=voice_name,
                project_id=project_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed


class AsyncConnectorsWithRawResponse:
    """``connectors.with_raw_response``: each method makes one HTTP call and answers a ``RawResponse``."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender

    async def batch_get(
        self,
        connector_ids: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchGetConnectorsResponse]:
        """Get several connectors in one call; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request; an id listed twice is rejected with 400 (`uniqueItems`).

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``batchGetConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = BatchGetConnectorsRequest(
            connector_ids=strings("connector_ids", connector_ids),
        )
        request = batch_get_connectors._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            batch_get_connectors.OPERATION,
            batch_get_connectors.RETRY_SAFE,
            batch_get_connectors._build_response,
            BatchGetConnectorsResponse,
            options,
        )

    async def batch_update(
        self,
        updates: Sequence[ConnectorUpdate | Mapping[str, Any]],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[BatchUpdateConnectorsResponse]:
        """Update several connectors in one call; the parsed answer with its status and headers.

        Each update is applied on its own; one failing update does not stop the others. Results keep
        the request's order.

        Assumed (the contract's ``x-assumption``): An update naming a connector the project does not
        hold yields a result with `success: false` and `error` set to CONNECTORS_NOT_FOUND; a
        `projectId` outside the account yields CONNECTORS_VALIDATION_FAILED. A connector listed
        twice is rejected with 400.

        One HTTP call: at most 1,000 items (``x-limits.maxBatchItems``).

        Operation ``batchUpdateConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = BatchUpdateConnectorsRequest(
            updates=[
                item if isinstance(item, ConnectorUpdate) else ConnectorUpdate.from_dict(item) for item in updates
            ],
        )
        request = batch_update_connectors._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            batch_update_connectors.OPERATION,
            batch_update_connectors.RETRY_SAFE,
            batch_update_connectors._build_response,
            BatchUpdateConnectorsResponse,
            options,
        )

    async def delete(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[DeleteConnectorResponse]:
        """Delete a connector and every phone number routed to it; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): `deletedPhoneNumbers` lists exactly the numbers
        that routed to the connector, which are released with it.

        Operation ``deleteConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = delete_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
        )
        return await self._sender.call(
            request,
            delete_connector.OPERATION,
            delete_connector.RETRY_SAFE,
            delete_connector._build_response,
            DeleteConnectorResponse,
            options,
        )

    async def get(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Connector]:
        """Get one connector; the parsed answer with its status and headers.

        Operation ``getConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = get_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
        )
        return await self._sender.call(
            request,
            get_connector.OPERATION,
            get_connector.RETRY_SAFE,
            get_connector._build_response,
            Connector,
            options,
        )

    async def list(
        self,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[ListConnectorsResponse]:
        """List the connectors of the agent's project; the parsed answer with its status and headers.

        Operation ``listConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = list_connectors._get_kwargs(
            agent_id=self._sender.agent(agent_id),
        )
        return await self._sender.call(
            request,
            list_connectors.OPERATION,
            list_connectors.RETRY_SAFE,
            list_connectors._build_response,
            ListConnectorsResponse,
            options,
        )

    async def lookup(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Connector]:
        """Find the connector that serves a phone number; the parsed answer with its status and headers.

        Assumed (the contract's ``x-assumption``): A number the project does not hold answers 404
        PHONE_NUMBERS_NOT_FOUND; a held number that routes to no connector answers 404
        CONNECTORS_NOT_FOUND.

        Operation ``lookupConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = LookupConnectorRequest(
            phone_number=phone_number,
        )
        request = lookup_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            lookup_connector.OPERATION,
            lookup_connector.RETRY_SAFE,
            lookup_connector._build_response,
            Connector,
            options,
        )

    async def update(
        self,
        connector_id: str,
        *,
        variant_id: None | str | Unset = UNSET,
        asr_lang_code: None | str | Unset = UNSET,
        voice_name: None | str | Unset = UNSET,
        project_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[Connector]:
        """Update some fields of a connector; the parsed answer with its status and headers.

        A field left out is unchanged; a field set to null is cleared (set to the empty string).

        Assumed (the contract's ``x-assumption``): Setting `projectId` moves the connector, and
        every number routed to it, to that project; the project must be another agent of the same
        account, or the call answers 400 CONNECTORS_VALIDATION_FAILED. `projectId` cannot be
        cleared. An empty body changes nothing.

        Operation ``updateConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = UpdateConnectorRequest(
            variant_id=variant_id,
            asr_lang_code=asr_lang_code,
            voice_name=voice_name,
            project_id=project_id,
        )
        request = update_connector._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            connector_id=connector_id,
            body=body,
        )
        return await self._sender.call(
            request,
            update_connector.OPERATION,
            update_connector.RETRY_SAFE,
            update_connector._build_response,
            Connector,
            options,
        )


class AsyncConnectors:
    """Voice, language and environment bundles that handle incoming calls.

    Operations tagged ``connectors`` in the contract.
    """

    def __init__(self, sender: AsyncSender) -> None:
        self.with_raw_response = AsyncConnectorsWithRawResponse(sender)

    async def batch_get(
        self,
        connector_ids: Sequence[str],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BatchGetConnectorsResponse:
        """Get several connectors in one call.

        Assumed (the contract's ``x-assumption``): `found` and `notFound` keep the order of the
        request; an id listed twice is rejected with 400 (`uniqueItems`).

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``batchGetConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(strings("connector_ids", connector_ids))
        answers: list[BatchGetConnectorsResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        await self.with_raw_response.batch_get(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return BatchGetConnectorsResponse(
            found=[item for answer in answers for item in answer.found],
            not_found=[item for answer in answers for item in answer.not_found],
        )

    async def batch_update(
        self,
        updates: Sequence[ConnectorUpdate | Mapping[str, Any]],
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> BatchUpdateConnectorsResponse:
        """Update several connectors in one call.

        Each update is applied on its own; one failing update does not stop the others. Results keep
        the request's order.

        Assumed (the contract's ``x-assumption``): An update naming a connector the project does not
        hold yields a result with `success: false` and `error` set to CONNECTORS_NOT_FOUND; a
        `projectId` outside the account yields CONNECTORS_VALIDATION_FAILED. A connector listed
        twice is rejected with 400.

        A list of more than 1,000 items (``x-limits.maxBatchItems``) is sent as several
        calls of at most that many, one after another, and their answers merged in order. Each call
        stands on its own: if one fails, the error raised carries in ``completed`` the answers of the
        calls before it, whose effects stand. An "all or nothing" rule of the service therefore holds
        for each call of 1,000 items, not for the whole list.

        Operation ``batchUpdateConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        runs = chunks(list(updates))
        answers: list[BatchUpdateConnectorsResponse] = []
        for run in runs:
            try:
                answers.append(
                    (
                        await self.with_raw_response.batch_update(
                            run,
                            agent_id=agent_id,
                            **options,
                        )
                    ).parsed
                )
            except PolyAIError as error:
                error.completed = tuple(answers)
                raise
        if len(answers) == 1:
            return answers[0]
        return BatchUpdateConnectorsResponse(
            results=[item for answer in answers for item in answer.results],
        )

    async def delete(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> DeleteConnectorResponse:
        """Delete a connector and every phone number routed to it.

        Assumed (the contract's ``x-assumption``): `deletedPhoneNumbers` lists exactly the numbers
        that routed to the connector, which are released with it.

        Operation ``deleteConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.delete(
                connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def get(
        self,
        connector_id: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Connector:
        """Get one connector.

        Operation ``getConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.get(
                connector_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def list(
        self,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> ListConnectorsResponse:
        """List the connectors of the agent's project.

        Operation ``listConnectors``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.list(
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def lookup(
        self,
        phone_number: str,
        *,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Connector:
        """Find the connector that serves a phone number.

        Assumed (the contract's ``x-assumption``): A number the project does not hold answers 404
        PHONE_NUMBERS_NOT_FOUND; a held number that routes to no connector answers 404
        CONNECTORS_NOT_FOUND.

        Operation ``lookupConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.lookup(
                phone_number,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def update(
        self,
        connector_id: str,
        *,
        variant_id: None | str | Unset = UNSET,
        asr_lang_code: None | str | Unset = UNSET,
        voice_name: None | str | Unset = UNSET,
        project_id: str | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Connector:
        """Update some fields of a connector.

        A field left out is unchanged; a field set to null is cleared (set to the empty string).

        Assumed (the contract's ``x-assumption``): Setting `projectId` moves the connector, and
        every number routed to it, to that project; the project must be another agent of the same
        account, or the call answers 400 CONNECTORS_VALIDATION_FAILED. `projectId` cannot be
        cleared. An empty body changes nothing.

        Operation ``updateConnector``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.update(
                connector_id,
                variant_id=variant_id,
                asr_lang_code=asr_lang_code,
                voice_name=voice_name,
                project_id=project_id,
                agent_id=agent_id,
                **options,
            )
        ).parsed


class OutboundCallsWithRawResponse:
    """``outbound_calls.with_raw_response``: each method makes one HTTP call and answers a ``RawResponse``."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    def status(
        self,
        call_sid: str,
        *,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[OutboundCallStatus]:
        """Get the status of an outbound call; the parsed answer with its status and headers.

        Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about
        two hours after the call ends.

        Assumed (the contract's ``x-assumption``): A SID that is unknown, expired (two hours after
        the call ended) or triggered in another environment answers 400
        OUTBOUND_CALLS_UNKNOWN_CALL_SID; so does an environment with no connector. `reason` is the
        empty string until the call fails.

        Operation ``getOutboundCallStatus``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = get_outbound_call_status._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            call_sid=call_sid,
            environment=enum_value(OutboundEnvironment, "environment", environment),
        )
        return self._sender.call(
            request,
            get_outbound_call_status.OPERATION,
            get_outbound_call_status.RETRY_SAFE,
            get_outbound_call_status._build_response,
            OutboundCallStatus,
            options,
        )

    def trigger(
        self,
        to_number: str,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        *,
        country_code: str | Unset = UNSET,
        variant_id: str | Unset = UNSET,
        encryption: str | Unset = UNSET,
        metadata: TriggerOutboundCallRequestMetadata | Mapping[str, Any] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[TriggerOutboundCallResponse]:
        """Have the agent call a phone number; the parsed answer with its status and headers.

        The agent dials `toNumber` and holds the conversation on its own. The answer comes as soon
        as the call is queued; poll `getOutboundCallStatus` with the returned `callSid` and the same
        `environment` for the outcome. This rings a real phone and costs money.

        Assumed (the contract's ``x-assumption``): Each accepted request places one call: a repeated
        request places another, so a client never retries a trigger the service may have seen.
        Metadata whose base64 form (of its compact JSON) reaches
        `x-limits.maxCallMetadataBase64Bytes` gets 400 SCHEMA_VALIDATION_FAILED; an environment
        whose outbound calling PolyAI has not enabled gets 400 OUTBOUND_CALLS_NOT_CONFIGURED; an
        environment with no connector gets 404 CONNECTORS_NOT_FOUND. A `toNumber` that is neither
        E.164 nor, with `countryCode`, a national number of that country gets 400
        PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT.

        Operation ``triggerOutboundCall``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = TriggerOutboundCallRequest(
            to_number=to_number,
            environment=enum_value(OutboundEnvironment, "environment", environment),
            country_code=country_code,
            variant_id=variant_id,
            encryption=encryption,
            metadata=UNSET
            if isinstance(metadata, Unset)
            else metadata
            if isinstance(metadata, TriggerOutboundCallRequestMetadata)
            else TriggerOutboundCallRequestMetadata.from_dict(metadata),
        )
        request = trigger_outbound_call._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return self._sender.call(
            request,
            trigger_outbound_call.OPERATION,
            trigger_outbound_call.RETRY_SAFE,
            trigger_outbound_call._build_response,
            TriggerOutboundCallResponse,
            options,
        )


class OutboundCalls:
    """Calls the agent places itself, and their outcome. PolyAI enables outbound calling per project.

    Operations tagged ``outbound-calls`` in the contract.
    """

    def __init__(self, sender: Sender) -> None:
        self.with_raw_response = OutboundCallsWithRawResponse(sender)

    def status(
        self,
        call_sid: str,
        *,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OutboundCallStatus:
        """Get the status of an outbound call.

        Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about
        two hours after the call ends.

        Assumed (the contract's ``x-assumption``): A SID that is unknown, expired (two hours after
        the call ended) or triggered in another environment answers 400
        OUTBOUND_CALLS_UNKNOWN_CALL_SID; so does an environment with no connector. `reason` is the
        empty string until the call fails.

        Operation ``getOutboundCallStatus``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.status(
                call_sid,
                environment=environment,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    def wait(
        self,
        call_sid: str,
        *,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 15.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        agent_id: str | None = None,
        **options: Unpack[PollOptions],
    ) -> OutboundCallStatus:
        """Poll ``status`` until ``status`` is SUCCESS or FAILURE; that last answer.

        The first poll is at once; the wait between polls starts at ``poll_interval`` seconds and
        doubles up to ``max_poll_interval``. ``sleep`` and ``clock`` are how it waits and tells the
        time; left out, they are ``polyai_telephony.pacing``'s, looked up at each call, so a test
        kit can make every wait instant by replacing those. ``timeout`` is for the whole wait; each
        poll takes the client's timeout, and the ``extra_headers`` and ``retry`` given here.

        Raises:
            WaitTimeoutError: ``timeout`` seconds went by first; ``last`` is the last answer polled.
            ApiError: A poll answered an error status.
            ApiConnectionError: A poll got no answer.
        """
        return poll(
            lambda: self.status(
                call_sid,
                environment=environment,
                agent_id=agent_id,
                **options,
            ),
            lambda answer: answer.status in ("SUCCESS", "FAILURE"),
            timeout=timeout,
            interval=poll_interval,
            max_interval=max_poll_interval,
            sleep=sleep if sleep is not None else pacing.sleep,
            clock=clock if clock is not None else pacing.monotonic,
            what=f"getOutboundCallStatus {call_sid}",
        )

    def trigger(
        self,
        to_number: str,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        *,
        country_code: str | Unset = UNSET,
        variant_id: str | Unset = UNSET,
        encryption: str | Unset = UNSET,
        metadata: TriggerOutboundCallRequestMetadata | Mapping[str, Any] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TriggerOutboundCallResponse:
        """Have the agent call a phone number.

        The agent dials `toNumber` and holds the conversation on its own. The answer comes as soon
        as the call is queued; poll `getOutboundCallStatus` with the returned `callSid` and the same
        `environment` for the outcome. This rings a real phone and costs money.

        Assumed (the contract's ``x-assumption``): Each accepted request places one call: a repeated
        request places another, so a client never retries a trigger the service may have seen.
        Metadata whose base64 form (of its compact JSON) reaches
        `x-limits.maxCallMetadataBase64Bytes` gets 400 SCHEMA_VALIDATION_FAILED; an environment
        whose outbound calling PolyAI has not enabled gets 400 OUTBOUND_CALLS_NOT_CONFIGURED; an
        environment with no connector gets 404 CONNECTORS_NOT_FOUND. A `toNumber` that is neither
        E.164 nor, with `countryCode`, a national number of that country gets 400
        PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT.

        Operation ``triggerOutboundCall``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            self.with_raw_response.trigger(
                to_number,
                environment,
                country_code=country_code,
                variant_id=variant_id,
                encryption=encryption,
                metadata=metadata,
                agent_id=agent_id,
                **options,
            )
        ).parsed


class AsyncOutboundCallsWithRawResponse:
    """``outbound_calls.with_raw_response``: each method makes one HTTP call and answers a ``RawResponse``."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender

    async def status(
        self,
        call_sid: str,
        *,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[OutboundCallStatus]:
        """Get the status of an outbound call; the parsed answer with its status and headers.

        Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about
        two hours after the call ends.

        Assumed (the contract's ``x-assumption``): A SID that is unknown, expired (two hours after
        the call ended) or triggered in another environment answers 400
        OUTBOUND_CALLS_UNKNOWN_CALL_SID; so does an environment with no connector. `reason` is the
        empty string until the call fails.

        Operation ``getOutboundCallStatus``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        request = get_outbound_call_status._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            call_sid=call_sid,
            environment=enum_value(OutboundEnvironment, "environment", environment),
        )
        return await self._sender.call(
            request,
            get_outbound_call_status.OPERATION,
            get_outbound_call_status.RETRY_SAFE,
            get_outbound_call_status._build_response,
            OutboundCallStatus,
            options,
        )

    async def trigger(
        self,
        to_number: str,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        *,
        country_code: str | Unset = UNSET,
        variant_id: str | Unset = UNSET,
        encryption: str | Unset = UNSET,
        metadata: TriggerOutboundCallRequestMetadata | Mapping[str, Any] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> RawResponse[TriggerOutboundCallResponse]:
        """Have the agent call a phone number; the parsed answer with its status and headers.

        The agent dials `toNumber` and holds the conversation on its own. The answer comes as soon
        as the call is queued; poll `getOutboundCallStatus` with the returned `callSid` and the same
        `environment` for the outcome. This rings a real phone and costs money.

        Assumed (the contract's ``x-assumption``): Each accepted request places one call: a repeated
        request places another, so a client never retries a trigger the service may have seen.
        Metadata whose base64 form (of its compact JSON) reaches
        `x-limits.maxCallMetadataBase64Bytes` gets 400 SCHEMA_VALIDATION_FAILED; an environment
        whose outbound calling PolyAI has not enabled gets 400 OUTBOUND_CALLS_NOT_CONFIGURED; an
        environment with no connector gets 404 CONNECTORS_NOT_FOUND. A `toNumber` that is neither
        E.164 nor, with `countryCode`, a national number of that country gets 400
        PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT.

        Operation ``triggerOutboundCall``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        body = TriggerOutboundCallRequest(
            to_number=to_number,
            environment=enum_value(OutboundEnvironment, "environment", environment),
            country_code=country_code,
            variant_id=variant_id,
            encryption=encryption,
            metadata=UNSET
            if isinstance(metadata, Unset)
            else metadata
            if isinstance(metadata, TriggerOutboundCallRequestMetadata)
            else TriggerOutboundCallRequestMetadata.from_dict(metadata),
        )
        request = trigger_outbound_call._get_kwargs(
            agent_id=self._sender.agent(agent_id),
            body=body,
        )
        return await self._sender.call(
            request,
            trigger_outbound_call.OPERATION,
            trigger_outbound_call.RETRY_SAFE,
            trigger_outbound_call._build_response,
            TriggerOutboundCallResponse,
            options,
        )


class AsyncOutboundCalls:
    """Calls the agent places itself, and their outcome. PolyAI enables outbound calling per project.

    Operations tagged ``outbound-calls`` in the contract.
    """

    def __init__(self, sender: AsyncSender) -> None:
        self.with_raw_response = AsyncOutboundCallsWithRawResponse(sender)

    async def status(
        self,
        call_sid: str,
        *,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> OutboundCallStatus:
        """Get the status of an outbound call.

        Where the call is: QUEUED, CALLING, then SUCCESS or FAILURE. The status is kept for about
        two hours after the call ends.

        Assumed (the contract's ``x-assumption``): A SID that is unknown, expired (two hours after
        the call ended) or triggered in another environment answers 400
        OUTBOUND_CALLS_UNKNOWN_CALL_SID; so does an environment with no connector. `reason` is the
        empty string until the call fails.

        Operation ``getOutboundCallStatus``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.status(
                call_sid,
                environment=environment,
                agent_id=agent_id,
                **options,
            )
        ).parsed

    async def wait(
        self,
        call_sid: str,
        *,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 15.0,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], float] | None = None,
        agent_id: str | None = None,
        **options: Unpack[PollOptions],
    ) -> OutboundCallStatus:
        """Poll ``status`` until ``status`` is SUCCESS or FAILURE; that last answer.

        The first poll is at once; the wait between polls starts at ``poll_interval`` seconds and
        doubles up to ``max_poll_interval``. ``sleep`` and ``clock`` are how it waits and tells the
        time; left out, they are ``polyai_telephony.pacing``'s, looked up at each call, so a test
        kit can make every wait instant by replacing those. ``timeout`` is for the whole wait; each
        poll takes the client's timeout, and the ``extra_headers`` and ``retry`` given here.

        Raises:
            WaitTimeoutError: ``timeout`` seconds went by first; ``last`` is the last answer polled.
            ApiError: A poll answered an error status.
            ApiConnectionError: A poll got no answer.
        """
        return await poll_async(
            lambda: self.status(
                call_sid,
                environment=environment,
                agent_id=agent_id,
                **options,
            ),
            lambda answer: answer.status in ("SUCCESS", "FAILURE"),
            timeout=timeout,
            interval=poll_interval,
            max_interval=max_poll_interval,
            sleep=sleep if sleep is not None else pacing.async_sleep,
            clock=clock if clock is not None else pacing.monotonic,
            what=f"getOutboundCallStatus {call_sid}",
        )

    async def trigger(
        self,
        to_number: str,
        environment: OutboundEnvironment | Literal["live", "pre-release", "sandbox"],
        *,
        country_code: str | Unset = UNSET,
        variant_id: str | Unset = UNSET,
        encryption: str | Unset = UNSET,
        metadata: TriggerOutboundCallRequestMetadata | Mapping[str, Any] | Unset = UNSET,
        agent_id: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> TriggerOutboundCallResponse:
        """Have the agent call a phone number.

        The agent dials `toNumber` and holds the conversation on its own. The answer comes as soon
        as the call is queued; poll `getOutboundCallStatus` with the returned `callSid` and the same
        `environment` for the outcome. This rings a real phone and costs money.

        Assumed (the contract's ``x-assumption``): Each accepted request places one call: a repeated
        request places another, so a client never retries a trigger the service may have seen.
        Metadata whose base64 form (of its compact JSON) reaches
        `x-limits.maxCallMetadataBase64Bytes` gets 400 SCHEMA_VALIDATION_FAILED; an environment
        whose outbound calling PolyAI has not enabled gets 400 OUTBOUND_CALLS_NOT_CONFIGURED; an
        environment with no connector gets 404 CONNECTORS_NOT_FOUND. A `toNumber` that is neither
        E.164 nor, with `countryCode`, a national number of that country gets 400
        PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT.

        Operation ``triggerOutboundCall``. Per-call options: ``timeout``, ``extra_headers``, ``retry``.

        Raises:
            ApiError: The service answered an error status; the subclass names its class
                (``NotFoundError``, ``ConflictError``, ...).
            ApiConnectionError: No answer came back (``ApiTimeoutError`` when time ran out).
        """

        return (
            await self.with_raw_response.trigger(
                to_number,
                environment,
                country_code=country_code,
                variant_id=variant_id,
                encryption=encryption,
                metadata=metadata,
                agent_id=agent_id,
                **options,
            )
        ).parsed


__all__ = [
    "PhoneNumbers",
    "AsyncPhoneNumbers",
    "PhoneNumbersWithRawResponse",
    "AsyncPhoneNumbersWithRawResponse",
    "Connectors",
    "AsyncConnectors",
    "ConnectorsWithRawResponse",
    "AsyncConnectorsWithRawResponse",
    "OutboundCalls",
    "AsyncOutboundCalls",
    "OutboundCallsWithRawResponse",
    "AsyncOutboundCallsWithRawResponse",
]
