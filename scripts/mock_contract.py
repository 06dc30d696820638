"""Keep the contract inside the mock's package identical to openapi.yaml, byte for byte.

    python scripts/mock_contract.py write   # copy openapi.yaml into telephony-mock/ (make generate)
    python scripts/mock_contract.py check   # fail naming the file when the copy differs (make check-generated)

telephony-mock/ is installed and vendored on its own, so it carries the contract it compiles
(`telephony_contract/openapi.yaml`, read through importlib.resources); the copy is never edited.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
COPY = ROOT / "telephony-mock" / "telephony_contract" / "openapi.yaml"


def write(spec: Path = SPEC, copy: Path = COPY) -> None:
    copy.write_bytes(spec.read_bytes())


def check(spec: Path = SPEC, copy: Path = COPY) -> str | None:
    """None when the copy is the contract's bytes, else what is wrong."""
    if not copy.is_file():
        return f"{copy.relative_to(ROOT)} is missing"
    if copy.read_bytes() != spec.read_bytes():
        return f"{copy.relative_to(ROOT)} differs from openapi.yaml"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["write", "check"])
    args = parser.parse_args()
    if args.command == "write":
        write()
        print(f"wrote {COPY.relative_to(ROOT)}")
        return 0
    problem = check()
    if problem:
        print(f"{problem}; run `make generate` and commit the result.")
        return 1
    print(f"{COPY.relative_to(ROOT)} matches openapi.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
