"""A nightly run fails only on new drift, and the baseline remembers a finding by what it means.

Known failures pass until their entry expires; and because a finding's identity is (check,
operation, kind), editing the checks' source (comment lines, code moved) keeps it known.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from schemathesis.core.failures import CustomFailure

from contract_tests import broken_mocks, runner
from contract_tests.baseline import Baseline
from contract_tests.conformance import conduct
from contract_tests.schemathesis_boundary import failure_kind
from contract_tests.target import mock_credentials, serve
from telephony_mock import create_app

AGENT, KEY = mock_credentials(runner.load_settings())
# The drift to accept: the connector list comes back as text/plain; a short fuzzing run sees it.
SHORT_RUN = {
    "generation": {"max-examples": 3},
    "phases": {name: {"enabled": False} for name in ("examples", "coverage", "stateful")},
}


def test_known_failures_pass_until_they_expire(tmp_path: Path) -> None:
    known = tmp_path / "known-failures.json"
    drifted = broken_mocks.Broken(create_app(admin=True), broken_mocks.connectors_as_text)

    with serve(drifted) as url:
        environ = {"POLYAI_BASE_URL": url, "POLYAI_API_KEY": KEY, "POLYAI_AGENT_ID": AGENT}

        def nightly(name: str, accept_days: int | None = None) -> runner.Outcome:
            run = conduct(
                "real",
                environ=environ,
                report_dir=tmp_path / name,
                baseline_path=known,
                overrides=SHORT_RUN,
                accept_days=accept_days,
            )
            return run.outcome

        first = nightly("first", accept_days=30)
        second = nightly("second")
        baseline = Baseline.load(known)
        for index, entry in enumerate(baseline.entries):
            baseline.entries[index] = type(entry)(
                entry.check, entry.operation, entry.kind, "2000-01-01", entry.accepted
            )
        baseline.save(known)
        third = nightly("third")

    accepted = len(Baseline.load(known).entries)
    # Accepting happens before the summary is written: the first run already passes, and says why.
    assert first.passed and accepted > 0
    first_summary = next((tmp_path / "first").glob("conformance-real-*.md")).read_text(encoding="utf-8")
    assert f"PASS ({accepted} failures accepted into the baseline)" in first_summary
    assert second.passed
    assert {finding.check for finding in second.findings if finding.known} == {"content_type_conformance"}
    assert third.failed_checks == {"content_type_conformance"}
    assert [entry.check for entry in third.expired_baseline] == ["content_type_conformance"] * accepted
    summary = next((tmp_path / "third").glob("conformance-real-*.md")).read_text(encoding="utf-8")
    assert "## Expired baseline entries" in summary


# Run in a process of its own against a copy of the package, so the copy's checks are the ones
# registered: a mock that forgets imports trips the custom import check in the examples phase.
_DRIVER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import contract_tests
    from contract_tests import broken_mocks, hooks
    from contract_tests.conformance import conduct
    from telephony_mock import create_app

    assert Path(contract_tests.__file__).resolve().is_relative_to(Path.cwd().resolve()), contract_tests.__file__
    app = broken_mocks.Broken(create_app(admin=True), hooks.forgets_imports)
    budget = {
        "generation": {"max-examples": 2, "no-shrink": True},
        "phases": {name: {"enabled": False} for name in ("coverage", "fuzzing", "stateful")},
    }
    run = conduct("mock", mock_app=app, report_dir=Path(sys.argv[1]), overrides=budget)
    print(json.dumps([list(finding.identity) for finding in run.outcome.findings]))
    """
)


def _identities(package_root: Path, reports: Path) -> list[list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(reports)],
        cwd=package_root,
        env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    identities: list[list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return identities


def _copy_project(into: Path) -> Path:
    into.mkdir()
    for name in ("openapi.yaml", "schemathesis.toml"):
        shutil.copy(runner.ROOT / name, into / name)
    package = runner.ROOT / "contract_tests"
    shutil.copytree(package, into / "contract_tests", ignore=shutil.ignore_patterns("__pycache__"))
    return into


def _edit_checks(hooks: Path) -> None:
    """Edits that keep every check's meaning: comment lines on top, and a helper moved to the end."""
    source = hooks.read_text(encoding="utf-8")
    found = re.search(r"^def _\w+\(", source, re.MULTILINE)
    assert found is not None, "the checks' module has no private helper left to move"
    helper_start = found.start()
    helper_end = source.index("\n\n\n", helper_start)
    helper = source[helper_start:helper_end]
    source = source[:helper_start] + source[helper_end + 3 :] + "\n\n" + helper + "\n"
    comments = "".join(f"# A comment line, {n} of 7, that moves every line below it.\n" for n in range(7))
    hooks.write_text(comments + source, encoding="utf-8")


def test_finding_identity_survives_edits_of_the_checks(tmp_path: Path) -> None:
    before = _identities(_copy_project(tmp_path / "before"), tmp_path / "reports-before")
    edited = _copy_project(tmp_path / "after")
    _edit_checks(edited / "contract_tests" / "hooks.py")
    after = _identities(edited, tmp_path / "reports-after")

    ours_before = sorted(map(tuple, before))
    ours_after = sorted(map(tuple, after))
    custom = [ours for ours in ours_before if ours[0] == "import_then_get_returns_number_and_client_env"]
    assert custom, ours_before
    assert ours_after == ours_before


def test_a_bare_assertion_keeps_its_kind_wherever_it_is_raised() -> None:
    # A check that raises a plain AssertionError (a hook added without a kind of its own) is still
    # identified by its first line with the values masked, never by where it was raised.
    def first() -> AssertionError:
        try:
            raise AssertionError("GET +441234 after its import answered 404, expected 200")
        except AssertionError as error:
            return error

    def second() -> AssertionError:
        try:
            raise AssertionError("GET +449999 after its import answered 404, expected 200")
        except AssertionError as error:
            return error

    failures = [
        CustomFailure(operation="POST /x", title="Custom check failed: `c`", message=str(error), exception=error)
        for error in (first(), second())
    ]

    assert failures[0].origin != failures[1].origin
    assert (
        str(failure_kind(failures[0]))
        == str(failure_kind(failures[1]))
        == "GET … after its import answered …, expected …"
    )
