"""The phone-number rules, through the generated client (issue 3, "Rules")."""

from __future__ import annotations

from mock_support import (
    AGENT,
    AGENT_2,
    OTHER_AGENT,
    SEEDED_OTHER,
    SEEDED_ROUTED,
    SEEDED_UNROUTED,
    TestClient,
    assert_error,
    fictional,
)
from polyai_telephony import AuthenticatedClient
from polyai_telephony.api.phone_numbers import (
    batch_get_phone_numbers,
    delete_phone_number,
    delete_phone_numbers,
    get_phone_number,
    import_phone_number,
    import_phone_numbers,
    list_phone_numbers,
    reassign_phone_number,
)
from polyai_telephony.models import (
    BatchGetPhoneNumbersRequest,
    BatchGetPhoneNumbersResponse,
    ClientEnv,
    DeletePhoneNumberResponse,
    DeletePhoneNumbersRequest,
    DeletePhoneNumbersResponse,
    ImportPhoneNumberRequest,
    ImportPhoneNumberResponse,
    ImportPhoneNumbersRequest,
    ImportPhoneNumbersResponse,
    ListPhoneNumbersResponse,
    PhoneNumber,
    ReassignPhoneNumberRequest,
)
from polyai_telephony.types import UNSET


def _import(client: AuthenticatedClient, *numbers: str, env: ClientEnv | None = None, agent: str = AGENT):
    body = ImportPhoneNumbersRequest(phone_numbers=list(numbers), client_env=env if env is not None else UNSET)
    return import_phone_numbers.sync_detailed(agent, client=client, body=body)


def _listed(client: AuthenticatedClient, agent: str = AGENT, connector_id: str | None = None) -> list[str]:
    response = list_phone_numbers.sync_detailed(
        agent, client=client, connector_id=connector_id if connector_id is not None else UNSET
    )
    assert response.status_code == 200
    assert isinstance(response.parsed, ListPhoneNumbersResponse)
    return [number.number for number in response.parsed.phone_numbers]


# -- list -------------------------------------------------------------------------------------


def test_list_returns_the_projects_numbers_only(client: AuthenticatedClient) -> None:
    response = list_phone_numbers.sync_detailed(AGENT, client=client)

    assert response.status_code == 200
    assert isinstance(response.parsed, ListPhoneNumbersResponse)
    assert [n.to_dict() for n in response.parsed.phone_numbers] == [
        {
            "number": SEEDED_ROUTED,
            "projectId": "proj-dev",
            "accountId": "acct-dev",
            "clientEnv": "live",
            "connectorId": "conn-dev-en",
        },
        {"number": SEEDED_UNROUTED, "projectId": "proj-dev", "accountId": "acct-dev", "clientEnv": "sandbox"},
    ]
    assert _listed(client, AGENT_2) == []


def test_list_filtered_by_connector_id_returns_only_its_numbers(client: AuthenticatedClient) -> None:
    assert _import(client, fictional(1), fictional(2)).status_code == 201
    reassign_phone_number.sync_detailed(
        AGENT, fictional(2), client=client, body=ReassignPhoneNumberRequest(connector_id="conn-dev-es")
    )

    assert _listed(client, connector_id="conn-dev-en") == [SEEDED_ROUTED]
    assert _listed(client, connector_id="conn-dev-es") == [fictional(2)]


def test_list_shows_every_number_as_last_written(client: AuthenticatedClient) -> None:
    # The store keeps each number's encoding for lists; a change must replace it.
    assert _import(client, fictional(1)).status_code == 201
    for connector in ("conn-dev-es", "conn-dev-en"):
        reassign_phone_number.sync_detailed(
            AGENT, fictional(1), client=client, body=ReassignPhoneNumberRequest(connector_id=connector)
        )
        response = list_phone_numbers.sync_detailed(AGENT, client=client)
        assert isinstance(response.parsed, ListPhoneNumbersResponse)
        listed = {n.number: n.to_dict() for n in response.parsed.phone_numbers}
        assert listed[fictional(1)]["connectorId"] == connector
    delete_phone_number.sync_detailed(AGENT, fictional(1), client=client)
    assert fictional(1) not in _listed(client)


def test_list_filtered_by_unknown_connector_is_200_and_empty(client: AuthenticatedClient) -> None:
    assert _listed(client, connector_id="conn-missing") == []
    # Another project's connector is unknown to this agent too.
    assert _listed(client, connector_id="conn-other-en") == []


# -- import batch -------------------------------------------------------------------------------


def test_import_batch_is_201_and_the_numbers_are_held(client: AuthenticatedClient) -> None:
    response = _import(client, fictional(1), fictional(2), env=ClientEnv.SANDBOX)

    assert response.status_code == 201
    assert isinstance(response.parsed, ImportPhoneNumbersResponse)
    assert response.parsed.imported == [fictional(1), fictional(2)]
    got = get_phone_number.sync_detailed(AGENT, fictional(2), client=client)
    assert got.status_code == 200
    assert isinstance(got.parsed, PhoneNumber)
    assert got.parsed.to_dict() == {
        "number": fictional(2),
        "projectId": "proj-dev",
        "accountId": "acct-dev",
        "clientEnv": "sandbox",
    }


def test_import_batch_without_client_env_defaults_to_live(client: AuthenticatedClient) -> None:
    assert _import(client, fictional(3)).status_code == 201

    got = get_phone_number.sync_detailed(AGENT, fictional(3), client=client)
    assert isinstance(got.parsed, PhoneNumber)
    assert got.parsed.client_env == "live"


def test_import_duplicate_number_is_409(client: AuthenticatedClient) -> None:
    assert _import(client, fictional(4)).status_code == 201

    assert_error(_import(client, fictional(4)), 409, "PHONE_NUMBERS_ALREADY_EXISTS")


def test_import_batch_with_one_existing_number_imports_none(client: AuthenticatedClient) -> None:
    response = _import(client, fictional(5), SEEDED_UNROUTED, fictional(6))

    assert_error(response, 409, "PHONE_NUMBERS_ALREADY_EXISTS")
    assert SEEDED_UNROUTED in response.parsed.error_message
    assert _listed(client) == [SEEDED_ROUTED, SEEDED_UNROUTED]


def test_import_number_held_by_another_account_is_409(client: AuthenticatedClient) -> None:
    # A phone number exists once in the whole service, whoever holds it.
    assert_error(_import(client, SEEDED_OTHER), 409, "PHONE_NUMBERS_ALREADY_EXISTS")


def test_import_number_twice_in_one_request_is_400_and_imports_none(client: AuthenticatedClient) -> None:
    response = _import(client, fictional(7), fictional(8), fictional(7))

    assert_error(response, 400, "SCHEMA_VALIDATION_FAILED")
    assert _listed(client) == [SEEDED_ROUTED, SEEDED_UNROUTED]


def test_import_number_not_in_e164_is_400_invalid_format(client: AuthenticatedClient) -> None:
    for bad in ["07946 0123", "+44 20 7946 0123", "+0442079460123", "442079460123", "+1", "+1234567890123456"]:
        response = _import(client, fictional(9), bad)
        assert_error(response, 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")
    assert _listed(client) == [SEEDED_ROUTED, SEEDED_UNROUTED]


def test_import_longest_and_shortest_e164_numbers_are_accepted(client: AuthenticatedClient) -> None:
    # The spec's pattern allows 2 to 15 digits; the mock accepts exactly what the pattern accepts.
    response = _import(client, "+12", "+123456789012345")

    assert response.status_code == 201


# -- import one ---------------------------------------------------------------------------------


def test_import_one_is_201_with_given_client_env(client: AuthenticatedClient) -> None:
    response = import_phone_number.sync_detailed(
        AGENT, fictional(10), client=client, body=ImportPhoneNumberRequest(client_env=ClientEnv.PRE_RELEASE)
    )

    assert response.status_code == 201
    assert isinstance(response.parsed, ImportPhoneNumberResponse)
    assert response.parsed.imported == fictional(10)
    got = get_phone_number.sync_detailed(AGENT, fictional(10), client=client)
    assert isinstance(got.parsed, PhoneNumber)
    assert got.parsed.client_env == "pre-release"


def test_import_one_without_body_defaults_to_live(client: AuthenticatedClient) -> None:
    response = import_phone_number.sync_detailed(AGENT, fictional(11), client=client)

    assert response.status_code == 201
    got = get_phone_number.sync_detailed(AGENT, fictional(11), client=client)
    assert isinstance(got.parsed, PhoneNumber)
    assert got.parsed.client_env == "live"


def test_import_one_existing_number_is_409(client: AuthenticatedClient) -> None:
    response = import_phone_number.sync_detailed(AGENT, SEEDED_OTHER, client=client)

    assert_error(response, 409, "PHONE_NUMBERS_ALREADY_EXISTS")


# -- get, delete one --------------------------------------------------------------------------


def test_get_unknown_number_is_404(client: AuthenticatedClient) -> None:
    assert_error(get_phone_number.sync_detailed(AGENT, fictional(12), client=client), 404, "PHONE_NUMBERS_NOT_FOUND")


def test_get_invalid_number_in_path_is_400_invalid_format(client: AuthenticatedClient) -> None:
    response = get_phone_number.sync_detailed(AGENT, "442079460001", client=client)

    assert_error(response, 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")


def test_path_plus_and_percent_2b_name_the_same_number(http: TestClient) -> None:
    encoded = http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers/%2B{SEEDED_ROUTED[1:]}")
    literal = http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers/{SEEDED_ROUTED}")

    assert encoded.status_code == literal.status_code == 200
    assert encoded.json() == literal.json()
    assert literal.json()["number"] == SEEDED_ROUTED
    deleted = http.delete(f"/v1/agents/{AGENT}/telephony/phone-numbers/{SEEDED_ROUTED}")
    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": SEEDED_ROUTED}
    gone = http.get(f"/v1/agents/{AGENT}/telephony/phone-numbers/%2B{SEEDED_ROUTED[1:]}")
    assert gone.status_code == 404
    assert gone.json()["error_code"] == "PHONE_NUMBERS_NOT_FOUND"


def test_delete_one_releases_the_number(client: AuthenticatedClient) -> None:
    response = delete_phone_number.sync_detailed(AGENT, SEEDED_UNROUTED, client=client)

    assert response.status_code == 200
    assert isinstance(response.parsed, DeletePhoneNumberResponse)
    assert response.parsed.deleted == SEEDED_UNROUTED
    assert_error(get_phone_number.sync_detailed(AGENT, SEEDED_UNROUTED, client=client), 404, "PHONE_NUMBERS_NOT_FOUND")
    # Released, it can be imported again.
    assert _import(client, SEEDED_UNROUTED).status_code == 201


def test_delete_one_unknown_number_is_404(client: AuthenticatedClient) -> None:
    response = delete_phone_number.sync_detailed(AGENT, fictional(13), client=client)

    assert_error(response, 404, "PHONE_NUMBERS_NOT_FOUND")


# -- delete batch -----------------------------------------------------------------------------


def test_delete_batch_all_found_omits_errors(client: AuthenticatedClient) -> None:
    _import(client, fictional(14), fictional(15))

    response = delete_phone_numbers.sync_detailed(
        AGENT, client=client, body=DeletePhoneNumbersRequest(phone_numbers=[fictional(15), fictional(14)])
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, DeletePhoneNumbersResponse)
    assert response.parsed.deleted == [fictional(15), fictional(14)]
    assert response.parsed.errors is None  # left out; an answer model reads that as None
    assert "errors" not in response.content.decode()


def test_delete_batch_with_unknown_number_reports_it_and_releases_the_rest(client: AuthenticatedClient) -> None:
    response = delete_phone_numbers.sync_detailed(
        AGENT,
        client=client,
        body=DeletePhoneNumbersRequest(phone_numbers=[fictional(16), SEEDED_UNROUTED, SEEDED_OTHER]),
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, DeletePhoneNumbersResponse)
    assert response.parsed.deleted == [SEEDED_UNROUTED]
    assert [(e.phone_number, e.error) for e in response.parsed.errors] == [
        (fictional(16), "PHONE_NUMBERS_NOT_FOUND"),
        (SEEDED_OTHER, "PHONE_NUMBERS_NOT_FOUND"),
    ]
    assert _listed(client) == [SEEDED_ROUTED]


# -- batch get --------------------------------------------------------------------------------


def test_batch_get_partitions_found_and_not_found_in_request_order(client: AuthenticatedClient) -> None:
    requested = [fictional(20), SEEDED_UNROUTED, SEEDED_OTHER, SEEDED_ROUTED, fictional(19)]

    response = batch_get_phone_numbers.sync_detailed(
        AGENT, client=client, body=BatchGetPhoneNumbersRequest(phone_numbers=requested)
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, BatchGetPhoneNumbersResponse)
    assert [n.number for n in response.parsed.found] == [SEEDED_UNROUTED, SEEDED_ROUTED]
    assert response.parsed.not_found == [fictional(20), SEEDED_OTHER, fictional(19)]


# -- reassign ---------------------------------------------------------------------------------


def test_reassign_routes_the_number_to_the_connector(client: AuthenticatedClient) -> None:
    response = reassign_phone_number.sync_detailed(
        AGENT, SEEDED_UNROUTED, client=client, body=ReassignPhoneNumberRequest(connector_id="conn-dev-es")
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, PhoneNumber)
    assert response.parsed.connector_id == "conn-dev-es"
    assert response.parsed.client_env == "sandbox"
    got = get_phone_number.sync_detailed(AGENT, SEEDED_UNROUTED, client=client)
    assert isinstance(got.parsed, PhoneNumber)
    assert got.parsed.connector_id == "conn-dev-es"


def test_reassign_to_unknown_connector_is_404_connector_does_not_exist(client: AuthenticatedClient) -> None:
    response = reassign_phone_number.sync_detailed(
        AGENT, SEEDED_ROUTED, client=client, body=ReassignPhoneNumberRequest(connector_id="conn-missing")
    )

    assert_error(response, 404, "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST")
    got = get_phone_number.sync_detailed(AGENT, SEEDED_ROUTED, client=client)
    assert isinstance(got.parsed, PhoneNumber)
    assert got.parsed.connector_id == "conn-dev-en"


def test_reassign_to_connector_of_another_project_is_404_connector_does_not_exist(client: AuthenticatedClient) -> None:
    for connector in ["conn-dev2-en", "conn-other-en"]:
        response = reassign_phone_number.sync_detailed(
            AGENT, SEEDED_ROUTED, client=client, body=ReassignPhoneNumberRequest(connector_id=connector)
        )
        assert_error(response, 404, "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST")


def test_reassign_unknown_number_is_404_not_found(client: AuthenticatedClient) -> None:
    response = reassign_phone_number.sync_detailed(
        AGENT, fictional(21), client=client, body=ReassignPhoneNumberRequest(connector_id="conn-dev-en")
    )

    assert_error(response, 404, "PHONE_NUMBERS_NOT_FOUND")


# -- tenancy ----------------------------------------------------------------------------------


def test_agent_cannot_see_or_change_another_agents_numbers(client: AuthenticatedClient) -> None:
    # agent-dev-2 is in the same account, so the key reaches it, but its project is another.
    assert_error(get_phone_number.sync_detailed(AGENT_2, SEEDED_ROUTED, client=client), 404, "PHONE_NUMBERS_NOT_FOUND")
    batch = batch_get_phone_numbers.sync_detailed(
        AGENT_2, client=client, body=BatchGetPhoneNumbersRequest(phone_numbers=[SEEDED_ROUTED])
    )
    assert isinstance(batch.parsed, BatchGetPhoneNumbersResponse)
    assert (batch.parsed.found, batch.parsed.not_found) == ([], [SEEDED_ROUTED])
    reassign = reassign_phone_number.sync_detailed(
        AGENT_2, SEEDED_ROUTED, client=client, body=ReassignPhoneNumberRequest(connector_id="conn-dev2-en")
    )
    assert_error(reassign, 404, "PHONE_NUMBERS_NOT_FOUND")
    assert_error(
        delete_phone_number.sync_detailed(AGENT_2, SEEDED_ROUTED, client=client), 404, "PHONE_NUMBERS_NOT_FOUND"
    )
    batch_delete = delete_phone_numbers.sync_detailed(
        AGENT_2, client=client, body=DeletePhoneNumbersRequest(phone_numbers=[SEEDED_ROUTED])
    )
    assert isinstance(batch_delete.parsed, DeletePhoneNumbersResponse)
    assert batch_delete.parsed.deleted == []

    still = get_phone_number.sync_detailed(AGENT, SEEDED_ROUTED, client=client)
    assert isinstance(still.parsed, PhoneNumber)
    assert still.parsed.connector_id == "conn-dev-en"


def test_key_of_another_account_is_403_on_this_accounts_agent(other_client: AuthenticatedClient) -> None:
    assert_error(
        get_phone_number.sync_detailed(AGENT, SEEDED_ROUTED, client=other_client), 403, "USER_ACCESS_FORBIDDEN"
    )
    assert_error(list_phone_numbers.sync_detailed(AGENT, client=other_client), 403, "USER_ACCESS_FORBIDDEN")
    own = list_phone_numbers.sync_detailed(OTHER_AGENT, client=other_client)
    assert isinstance(own.parsed, ListPhoneNumbersResponse)
    assert [n.number for n in own.parsed.phone_numbers] == [SEEDED_OTHER]
