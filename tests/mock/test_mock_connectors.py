"""The connector rules and invariants, through the generated client (issue 5, "Mock")."""

from __future__ import annotations

from mock_support import (
    AGENT,
    AGENT_2,
    SEEDED_OTHER,
    SEEDED_ROUTED,
    SEEDED_UNROUTED,
    TestClient,
    assert_error,
    fictional,
)
from polyai_telephony import AuthenticatedClient
from polyai_telephony.api.connectors import (
    batch_get_connectors,
    batch_update_connectors,
    delete_connector,
    get_connector,
    list_connectors,
    lookup_connector,
    update_connector,
)
from polyai_telephony.api.phone_numbers import (
    get_phone_number,
    import_phone_numbers,
    list_phone_numbers,
    reassign_phone_number,
)
from polyai_telephony.models import (
    BatchGetConnectorsRequest,
    BatchGetConnectorsResponse,
    BatchUpdateConnectorsRequest,
    BatchUpdateConnectorsResponse,
    Connector,
    ConnectorUpdate,
    DeleteConnectorResponse,
    ImportPhoneNumbersRequest,
    ListConnectorsResponse,
    ListPhoneNumbersResponse,
    LookupConnectorRequest,
    PhoneNumber,
    ReassignPhoneNumberRequest,
    UpdateConnectorRequest,
)

CONN_EN = {
    "connectorId": "conn-dev-en",
    "name": "Support line (English)",
    "accountId": "acct-dev",
    "projectId": "proj-dev",
    "clientEnv": "live",
    "variantId": "",
    "asrLangCode": "en-GB",
    "ttsLangCode": "en-GB",
    "voiceName": "en-GB-Neural2-A",
    "disableHandoff": False,
}


def _connector(client: AuthenticatedClient, connector_id: str, agent: str = AGENT) -> Connector:
    response = get_connector.sync_detailed(agent, connector_id, client=client)
    assert response.status_code == 200, response.content
    assert isinstance(response.parsed, Connector)
    return response.parsed


def _numbers(client: AuthenticatedClient, agent: str = AGENT) -> dict[str, PhoneNumber]:
    response = list_phone_numbers.sync_detailed(agent, client=client)
    assert isinstance(response.parsed, ListPhoneNumbersResponse)
    return {number.number: number for number in response.parsed.phone_numbers}


def _route(client: AuthenticatedClient, number: str, connector_id: str, agent: str = AGENT) -> None:
    imported = import_phone_numbers.sync_detailed(
        agent, client=client, body=ImportPhoneNumbersRequest(phone_numbers=[number])
    )
    assert imported.status_code == 201
    routed = reassign_phone_number.sync_detailed(
        agent, number, client=client, body=ReassignPhoneNumberRequest(connector_id=connector_id)
    )
    assert routed.status_code == 200


# -- list, get, batch get ---------------------------------------------------------------------


def test_list_connectors_returns_the_projects_connectors_from_config(client: AuthenticatedClient) -> None:
    response = list_connectors.sync_detailed(AGENT, client=client)

    assert response.status_code == 200
    assert isinstance(response.parsed, ListConnectorsResponse)
    assert [c.connector_id for c in response.parsed.connectors] == ["conn-dev-en", "conn-dev-es"]
    assert response.parsed.connectors[0].to_dict() == CONN_EN


def test_get_connector_is_the_whole_connector(client: AuthenticatedClient) -> None:
    assert _connector(client, "conn-dev-en").to_dict() == CONN_EN


def test_get_connector_unknown_or_of_another_project_is_404(client: AuthenticatedClient) -> None:
    for connector_id in ["conn-missing", "conn-dev2-en", "conn-other-en"]:
        assert_error(get_connector.sync_detailed(AGENT, connector_id, client=client), 404, "CONNECTORS_NOT_FOUND")


def test_batch_get_connectors_partitions_in_request_order(client: AuthenticatedClient) -> None:
    ids = ["conn-missing", "conn-dev-es", "conn-other-en", "conn-dev-en"]

    response = batch_get_connectors.sync_detailed(
        AGENT, client=client, body=BatchGetConnectorsRequest(connector_ids=ids)
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, BatchGetConnectorsResponse)
    assert [c.connector_id for c in response.parsed.found] == ["conn-dev-es", "conn-dev-en"]
    assert response.parsed.not_found == ["conn-missing", "conn-other-en"]


def test_batch_get_connectors_with_an_id_twice_is_400_connectors_validation_failed(client: AuthenticatedClient) -> None:
    response = batch_get_connectors.sync_detailed(
        AGENT, client=client, body=BatchGetConnectorsRequest(connector_ids=["conn-dev-en", "conn-dev-en"])
    )

    assert_error(response, 400, "CONNECTORS_VALIDATION_FAILED")


# -- lookup -----------------------------------------------------------------------------------


def test_lookup_finds_the_connector_serving_the_number(client: AuthenticatedClient) -> None:
    response = lookup_connector.sync_detailed(
        AGENT, client=client, body=LookupConnectorRequest(phone_number=SEEDED_ROUTED)
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, Connector)
    assert response.parsed.to_dict() == CONN_EN


def test_lookup_follows_a_reassignment(client: AuthenticatedClient) -> None:
    reassign_phone_number.sync_detailed(
        AGENT, SEEDED_ROUTED, client=client, body=ReassignPhoneNumberRequest(connector_id="conn-dev-es")
    )

    response = lookup_connector.sync_detailed(
        AGENT, client=client, body=LookupConnectorRequest(phone_number=SEEDED_ROUTED)
    )

    assert isinstance(response.parsed, Connector)
    assert response.parsed.connector_id == "conn-dev-es"


def test_lookup_of_a_number_routed_nowhere_is_404_connectors_not_found(client: AuthenticatedClient) -> None:
    response = lookup_connector.sync_detailed(
        AGENT, client=client, body=LookupConnectorRequest(phone_number=SEEDED_UNROUTED)
    )

    assert_error(response, 404, "CONNECTORS_NOT_FOUND")


def test_lookup_of_a_number_the_project_does_not_hold_is_404_phone_numbers_not_found(
    client: AuthenticatedClient,
) -> None:
    for number in [fictional(30), SEEDED_OTHER]:
        response = lookup_connector.sync_detailed(
            AGENT, client=client, body=LookupConnectorRequest(phone_number=number)
        )
        assert_error(response, 404, "PHONE_NUMBERS_NOT_FOUND")


def test_lookup_of_an_invalid_number_is_400_invalid_format(client: AuthenticatedClient) -> None:
    response = lookup_connector.sync_detailed(AGENT, client=client, body=LookupConnectorRequest(phone_number="0207946"))

    assert_error(response, 400, "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT")


# -- delete (cascade) -------------------------------------------------------------------------


def test_delete_connector_releases_exactly_its_numbers(client: AuthenticatedClient) -> None:
    _route(client, fictional(31), "conn-dev-en")
    _route(client, fictional(32), "conn-dev-es")

    response = delete_connector.sync_detailed(AGENT, "conn-dev-en", client=client)

    assert response.status_code == 200
    assert isinstance(response.parsed, DeleteConnectorResponse)
    assert response.parsed.deleted_connector == "conn-dev-en"
    assert response.parsed.deleted_phone_numbers == [SEEDED_ROUTED, fictional(31)]
    assert sorted(_numbers(client)) == [SEEDED_UNROUTED, fictional(32)]
    assert_error(get_connector.sync_detailed(AGENT, "conn-dev-en", client=client), 404, "CONNECTORS_NOT_FOUND")
    assert_error(get_phone_number.sync_detailed(AGENT, fictional(31), client=client), 404, "PHONE_NUMBERS_NOT_FOUND")


def test_delete_connector_without_numbers_reports_none(client: AuthenticatedClient) -> None:
    response = delete_connector.sync_detailed(AGENT, "conn-dev-es", client=client)

    assert isinstance(response.parsed, DeleteConnectorResponse)
    assert response.parsed.deleted_phone_numbers == []
    assert sorted(_numbers(client)) == [SEEDED_ROUTED, SEEDED_UNROUTED]


def test_delete_connector_unknown_or_of_another_project_is_404(client: AuthenticatedClient) -> None:
    for connector_id in ["conn-missing", "conn-dev2-en", "conn-other-en"]:
        assert_error(delete_connector.sync_detailed(AGENT, connector_id, client=client), 404, "CONNECTORS_NOT_FOUND")
    assert _connector(client, "conn-dev2-en", AGENT_2).connector_id == "conn-dev2-en"


# -- update -----------------------------------------------------------------------------------


def test_update_changes_given_fields_keeps_absent_ones_and_null_clears(client: AuthenticatedClient) -> None:
    update_connector.sync_detailed(
        AGENT, "conn-dev-en", client=client, body=UpdateConnectorRequest(variant_id="variant-b")
    )

    response = update_connector.sync_detailed(
        AGENT, "conn-dev-en", client=client, body=UpdateConnectorRequest(voice_name="en-GB-Neural2-C", variant_id=None)
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, Connector)
    assert response.parsed.to_dict() == {**CONN_EN, "voiceName": "en-GB-Neural2-C", "variantId": ""}
    assert _connector(client, "conn-dev-en").to_dict() == response.parsed.to_dict()


def test_update_with_empty_body_changes_nothing(client: AuthenticatedClient) -> None:
    response = update_connector.sync_detailed(AGENT, "conn-dev-en", client=client, body=UpdateConnectorRequest())

    assert response.status_code == 200
    assert isinstance(response.parsed, Connector)
    assert response.parsed.to_dict() == CONN_EN


def test_update_unknown_connector_is_404(client: AuthenticatedClient) -> None:
    response = update_connector.sync_detailed(
        AGENT, "conn-other-en", client=client, body=UpdateConnectorRequest(voice_name="en-GB-Neural2-C")
    )

    assert_error(response, 404, "CONNECTORS_NOT_FOUND")


def test_update_unknown_field_is_400_connectors_validation_failed(http: TestClient) -> None:
    response = http.patch(f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en", json={"ttsLangCode": "fr-FR"})

    assert response.status_code == 400
    assert response.json()["error_code"] == "CONNECTORS_VALIDATION_FAILED"


def test_update_project_null_is_400_projectid_cannot_be_cleared(http: TestClient) -> None:
    response = http.patch(f"/v1/agents/{AGENT}/telephony/connectors/conn-dev-en", json={"projectId": None})

    assert response.status_code == 400
    assert response.json()["error_code"] == "CONNECTORS_VALIDATION_FAILED"


def test_update_project_moves_the_connector_and_its_numbers(client: AuthenticatedClient) -> None:
    _route(client, fictional(33), "conn-dev-en")

    response = update_connector.sync_detailed(
        AGENT, "conn-dev-en", client=client, body=UpdateConnectorRequest(project_id="proj-dev-2")
    )

    assert response.status_code == 200
    assert isinstance(response.parsed, Connector)
    assert response.parsed.project_id == "proj-dev-2"
    assert_error(get_connector.sync_detailed(AGENT, "conn-dev-en", client=client), 404, "CONNECTORS_NOT_FOUND")
    assert _connector(client, "conn-dev-en", AGENT_2).project_id == "proj-dev-2"
    moved = _numbers(client, AGENT_2)
    assert sorted(moved) == [SEEDED_ROUTED, fictional(33)]
    assert {(n.project_id, n.connector_id) for n in moved.values()} == {("proj-dev-2", "conn-dev-en")}
    # What did not route to it stays.
    assert sorted(_numbers(client)) == [SEEDED_UNROUTED]


def test_update_project_outside_the_account_is_400_and_changes_nothing(client: AuthenticatedClient) -> None:
    for project in ["proj-other", "proj-missing"]:
        response = update_connector.sync_detailed(
            AGENT,
            "conn-dev-en",
            client=client,
            body=UpdateConnectorRequest(project_id=project, voice_name="en-GB-Neural2-C"),
        )
        assert_error(response, 400, "CONNECTORS_VALIDATION_FAILED")
    assert _connector(client, "conn-dev-en").to_dict() == CONN_EN


# -- batch update -----------------------------------------------------------------------------


def test_batch_update_applies_each_update_on_its_own_and_reports_each(client: AuthenticatedClient) -> None:
    body = BatchUpdateConnectorsRequest(
        updates=[
            ConnectorUpdate(connector_id="conn-dev-en", voice_name="en-GB-Neural2-C"),
            ConnectorUpdate(connector_id="conn-missing", voice_name="en-GB-Neural2-C"),
            ConnectorUpdate(connector_id="conn-dev-es", project_id="proj-other", voice_name="en-GB-Neural2-C"),
            ConnectorUpdate(connector_id="conn-other-en", voice_name="en-GB-Neural2-C"),
        ]
    )

    response = batch_update_connectors.sync_detailed(AGENT, client=client, body=body)

    assert response.status_code == 200
    assert isinstance(response.parsed, BatchUpdateConnectorsResponse)
    results = [(r.connector_id, r.success, r.error if not r.success else None) for r in response.parsed.results]
    assert results == [
        ("conn-dev-en", True, None),
        ("conn-missing", False, "CONNECTORS_NOT_FOUND"),
        ("conn-dev-es", False, "CONNECTORS_VALIDATION_FAILED"),
        ("conn-other-en", False, "CONNECTORS_NOT_FOUND"),
    ]
    assert response.parsed.results[0].data.to_dict() == {**CONN_EN, "voiceName": "en-GB-Neural2-C"}
    assert _connector(client, "conn-dev-en").voice_name == "en-GB-Neural2-C"
    assert _connector(client, "conn-dev-es").voice_name == "es-ES-Neural2-B"


def test_batch_update_with_a_connector_twice_is_400_and_applies_none(client: AuthenticatedClient) -> None:
    body = BatchUpdateConnectorsRequest(
        updates=[
            ConnectorUpdate(connector_id="conn-dev-en", voice_name="en-GB-Neural2-C"),
            ConnectorUpdate(connector_id="conn-dev-en", voice_name="Olivia"),
        ]
    )

    assert_error(
        batch_update_connectors.sync_detailed(AGENT, client=client, body=body), 400, "CONNECTORS_VALIDATION_FAILED"
    )
    assert _connector(client, "conn-dev-en").voice_name == "en-GB-Neural2-A"


def test_batch_update_moving_a_connector_moves_its_numbers(client: AuthenticatedClient) -> None:
    body = BatchUpdateConnectorsRequest(updates=[ConnectorUpdate(connector_id="conn-dev-en", project_id="proj-dev-2")])

    response = batch_update_connectors.sync_detailed(AGENT, client=client, body=body)

    assert isinstance(response.parsed, BatchUpdateConnectorsResponse)
    assert response.parsed.results[0].success is True
    assert sorted(_numbers(client, AGENT_2)) == [SEEDED_ROUTED]
