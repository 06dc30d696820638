"""The connector invariants under random sequences of operations (Hypothesis state machine).

After every step, for each agent: a listed number routes only to a connector the same agent
lists (same project), lookup of a routed number finds exactly that connector, no number is
held by two agents, and a deleted connector's report names exactly the numbers routed to it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from mock_support import AGENT, AGENT_2, SEEDED_ROUTED, SEEDED_UNROUTED, fictional, http_client

from telephony_mock import PolyAIMock

AGENTS = [AGENT, AGENT_2]
NUMBERS = [fictional(i) for i in range(8)]
CONNECTORS = ["conn-dev-en", "conn-dev-es", "conn-dev2-en", "conn-other-en", "conn-missing"]
PROJECTS = ["proj-dev", "proj-dev-2", "proj-other"]

agents = st.sampled_from(AGENTS)
numbers = st.sampled_from(NUMBERS)
connectors = st.sampled_from(CONNECTORS)


class ConnectorInvariants(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.mock = PolyAIMock(validate_responses=True, auto_advance=False)
        self.http = http_client(self.mock.starlette_app).__enter__()

    def teardown(self) -> None:
        self.http.__exit__(None, None, None)
        self.mock.close()

    def base(self, agent: str) -> str:
        return f"/v1/agents/{agent}/telephony"

    def numbers_of(self, agent: str) -> list[dict[str, Any]]:
        response = self.http.get(f"{self.base(agent)}/phone-numbers")
        assert response.status_code == 200
        return list(response.json()["phoneNumbers"])

    def connectors_of(self, agent: str) -> dict[str, dict[str, Any]]:
        response = self.http.get(f"{self.base(agent)}/connectors")
        assert response.status_code == 200
        return {c["connectorId"]: c for c in response.json()["connectors"]}

    @rule(agent=agents, batch=st.lists(numbers, min_size=1, max_size=3, unique=True))
    def import_numbers(self, agent: str, batch: list[str]) -> None:
        held_anywhere = {n["number"] for a in AGENTS for n in self.numbers_of(a)} | {SEEDED_ROUTED, SEEDED_UNROUTED}
        response = self.http.post(f"{self.base(agent)}/phone-numbers", json={"phoneNumbers": batch})
        assert response.status_code == (409 if held_anywhere & set(batch) else 201)

    @rule(agent=agents, number=numbers, connector=connectors)
    def reassign(self, agent: str, number: str, connector: str) -> None:
        held = any(n["number"] == number for n in self.numbers_of(agent))
        visible = connector in self.connectors_of(agent)
        response = self.http.patch(f"{self.base(agent)}/phone-numbers/{number}", json={"connectorId": connector})
        if not held:
            assert response.json()["error_code"] == "PHONE_NUMBERS_NOT_FOUND"
        elif not visible:
            assert response.json()["error_code"] == "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST"
        else:
            assert response.status_code == 200
            assert response.json()["connectorId"] == connector

    @rule(agent=agents, connector=connectors)
    def delete_connector(self, agent: str, connector: str) -> None:
        routed = sorted(n["number"] for n in self.numbers_of(agent) if n.get("connectorId") == connector)
        visible = connector in self.connectors_of(agent)
        response = self.http.delete(f"{self.base(agent)}/connectors/{connector}")
        if visible:
            assert response.status_code == 200
            assert response.json() == {"deletedConnector": connector, "deletedPhoneNumbers": routed}
        else:
            assert response.status_code == 404
            assert response.json()["error_code"] == "CONNECTORS_NOT_FOUND"

    @rule(agent=agents, connector=connectors, project=st.sampled_from(PROJECTS), batch=st.booleans())
    def move_connector(self, agent: str, connector: str, project: str, batch: bool) -> None:
        visible = connector in self.connectors_of(agent)
        routed = {n["number"] for n in self.numbers_of(agent) if n.get("connectorId") == connector}
        if batch:
            body = {"updates": [{"connectorId": connector, "projectId": project}]}
            result = self.http.patch(f"{self.base(agent)}/connectors/batch", json=body).json()["results"][0]
            ok, code = result["success"], result.get("error")
        else:
            response = self.http.patch(f"{self.base(agent)}/connectors/{connector}", json={"projectId": project})
            ok, code = response.status_code == 200, response.json().get("error_code")
        if not visible:
            assert (ok, code) == (False, "CONNECTORS_NOT_FOUND")
        elif project == "proj-other":
            assert (ok, code) == (False, "CONNECTORS_VALIDATION_FAILED")
        else:
            assert ok
            target = AGENTS[["proj-dev", "proj-dev-2"].index(project)]
            assert connector in self.connectors_of(target)
            moved = {n["number"] for n in self.numbers_of(target) if n.get("connectorId") == connector}
            assert moved == routed

    @rule(agent=agents, number=numbers)
    def delete_number(self, agent: str, number: str) -> None:
        held = any(n["number"] == number for n in self.numbers_of(agent))
        response = self.http.delete(f"{self.base(agent)}/phone-numbers/{number}")
        assert response.status_code == (200 if held else 404)

    @invariant()
    def numbers_route_only_to_connectors_of_their_project(self) -> None:
        seen: set[str] = set()
        for agent in AGENTS:
            own = self.connectors_of(agent)
            for number in self.numbers_of(agent):
                assert number["number"] not in seen
                seen.add(number["number"])
                if "connectorId" in number:
                    assert number["connectorId"] in own
                    assert own[number["connectorId"]]["projectId"] == number["projectId"]
                    found = self.http.post(
                        f"{self.base(agent)}/connectors/lookup", json={"phoneNumber": number["number"]}
                    )
                    assert found.status_code == 200
                    assert found.json()["connectorId"] == number["connectorId"]


ConnectorInvariants.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_connector_invariants_hold_under_random_operations = ConnectorInvariants.TestCase
