"""The run as JUnit XML, for CI's test views: one failure per new finding, no more and no fewer.

Each new finding is a test case that failed, typed by its class; each finding the baseline
accepts is a skipped case that names its entry; each operation tested without a new finding is a
case that passed, and each operation not tested is skipped with the reason; the engine's errors
are errors. So the file's failure count is the summary's count of new findings, a cut-short
run's own finding included.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

from contract_tests.guard import redact
from contract_tests.report import Judged, untested_reason

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(text: str, secrets: tuple[str, ...]) -> str:
    return _NOT_XML.sub("\ufffd", redact(text, *secrets))


def write_junit(
    path: Path, judged: Judged, *, target: str, operations: Sequence[str], secrets: tuple[str, ...] = ()
) -> None:
    outcome = judged.outcome
    suite = ElementTree.Element("testsuite", name=f"conformance against {_text(target, secrets)}")
    seconds: dict[str, float] = {}
    for exchange in outcome.exchanges:
        seconds[exchange.operation] = seconds.get(exchange.operation, 0.0) + exchange.elapsed
    failing = {finding.operation for finding in outcome.new_findings}
    failures = skipped = 0
    for finding in outcome.findings:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=finding.operation or "run",
            name=_text(f"{finding.check}: {finding.kind}", secrets),
            time="0",
        )
        if finding.known is not None:
            skipped += 1
            ElementTree.SubElement(case, "skipped", message=f"known failure, baseline entry {finding.known}")
            continue
        failures += 1
        klass = judged.klass(finding)
        failure = ElementTree.SubElement(
            case, "failure", type=klass, message=_text(f"{klass}: {finding.title or finding.kind}", secrets)
        )
        failure.text = _text("\n\n".join(part for part in (finding.message, finding.curl) if part), secrets)
    for error in outcome.errors:
        case = ElementTree.SubElement(suite, "testcase", classname="run", name="error", time="0")
        ElementTree.SubElement(case, "error", message="toolkit").text = _text(error, secrets)
    for operation in operations:
        if operation in failing:
            continue
        case = ElementTree.SubElement(
            suite, "testcase", classname=operation, name=operation, time=f"{seconds.get(operation, 0.0):.3f}"
        )
        if operation not in outcome.tested_operation_ids:
            skipped += 1
            reason = outcome.not_tested.get(operation, untested_reason(outcome))
            ElementTree.SubElement(case, "skipped", message=_text(reason, secrets))
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(len(outcome.errors)))
    suite.set("skipped", str(skipped))
    suite.set("time", f"{outcome.seconds:.1f}")
    root = ElementTree.Element("testsuites", tests=suite.get("tests", "0"), failures=str(failures))
    root.append(suite)
    ElementTree.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
