"""Install, or check for, the outside programs the benchmarks run.

Each is pinned: wrk by the distribution's package, Prism by the lock file beside this module,
py-spy and granian by scripts/bench/requirements.txt (installed by `make bench`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "scripts" / "bench"
PRISM_SOURCE = BENCH_DIR / "prism"
PRISM_HOME = ROOT / ".bench" / "prism"


def ensure_wrk() -> Path:
    """wrk from the Debian/Ubuntu archive, installed with apt-get when it is missing and we are root."""
    found = shutil.which("wrk")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is not installed; on Debian or Ubuntu: sudo apt-get install wrk")
    return Path(found)


def wrk_version(wrk: Path) -> str:
    # wrk prints its version on any unknown option, and exits non-zero.
    result = subprocess.run([str(wrk), "-v"], capture_output=True, text=True, check=False)
    return (result.stdout or result.stderr).splitlines()[0].strip()


def ensure_prism() -> Path:
    """Prism at the version locked in scripts/bench/prism, installed by `npm ci` into .bench/prism."""
    wanted = json.loads((PRISM_SOURCE / "package.json").read_text())["dependencies"]["@stoplight/prism-cli"]
    binary = PRISM_HOME / "node_modules" / ".bin" / "prism"
    installed = PRISM_HOME / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    if not (binary.exists() and installed.exists() and json.loads(installed.read_text())["version"] == wanted):
        if shutil.which("npm") is None:
            raise SystemExit("npm is not installed; Prism needs Node.js 18 or later")
        PRISM_HOME.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(PRISM_SOURCE / name, PRISM_HOME / name)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PRISM_HOME, check=True)
    return binary


def prism_version() -> str:
    installed = PRISM_HOME / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    return str(json.loads(installed.read_text())["version"])


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()


def ensure_py_spy() -> Path:
    beside_python = Path(sys.executable).parent / "py-spy"
    found = str(beside_python) if beside_python.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("py-spy is not installed; `make bench` installs it from scripts/bench/requirements.txt")
    return Path(found)
