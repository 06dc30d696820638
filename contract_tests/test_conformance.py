"""The CI conformance run, as a test: `make conformance`'s run against the mock must pass.

It is the same call `scripts/conformance.py` makes, so the reports it leaves under reports/ are
the ones CI uploads.
"""

from __future__ import annotations

from contract_tests import runner
from contract_tests.conformance import conduct

MIN_CASES = 2000
MIN_STATEFUL_CASES = 500
# The sequence across both resources: import a number, route it to a connector, look the
# connector up from the number, delete the connector (its checks then find the number gone).
CROSS_RESOURCE_LINKS = (
    "importPhoneNumber -> reassignPhoneNumber",
    "reassignPhoneNumber -> lookupConnector",
    "reassignPhoneNumber -> deleteConnector",
)


def _operation_count() -> int:
    import yaml

    spec = yaml.safe_load(runner.SPEC.read_text(encoding="utf-8"))
    methods = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
    return sum(1 for item in spec["paths"].values() for method in item if method in methods)


def test_mock_conforms_under_the_ci_profile() -> None:
    run = conduct("mock", profile="ci", command="pytest contract_tests/test_conformance.py")
    outcome = run.outcome

    assert outcome.passed, run.summary.read_text(encoding="utf-8")
    assert outcome.phases == dict.fromkeys(runner.TESTING_PHASES, "success")
    assert len(outcome.tested_operations) == _operation_count() == 15
    assert outcome.cases >= MIN_CASES
    assert outcome.stateful_cases >= MIN_STATEFUL_CASES
    walked = {link: outcome.stateful_links[link] for link in CROSS_RESOURCE_LINKS}
    assert all(walked.values()), walked
