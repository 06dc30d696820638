"""Lint what no other linter checks in the contract: its links, and the request fields the mock's rules read.

    python scripts/lint_contract.py [SPEC]      (default: openapi.yaml)

Every OpenAPI link must lead to an operation, with parameters and body fields it takes and runtime
expressions the source operation can fill (`telephony_contract.links`); and the mock must start on
the contract, which checks among other things that every field a rule reads exists
(`telephony-mock/telephony_mock/_reads.py`). Prints every problem and exits 1, or exits 0 when there is none.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from telephony_contract import SPEC_PATH, load_document
from telephony_contract.links import check_links
from telephony_mock import SpecError, create_app


def problems(spec: Path) -> list[str]:
    found = [f"link: {problem}" for problem in check_links(load_document(spec))]
    try:
        app = create_app(spec_path=spec)
    except SpecError as exc:
        found.append(f"mock start-up: {exc}")
    else:
        app.state.mock.store.close()
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("spec", nargs="?", type=Path, default=SPEC_PATH, help="the contract (default: openapi.yaml)")
    spec = parser.parse_args(argv).spec
    found = problems(spec)
    for problem in found:
        print(f"{spec}: {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"{spec}: every link leads somewhere and every field a mock rule reads exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
