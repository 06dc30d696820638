"""The machine the figures come from, as /proc, nproc and free describe it."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    free = subprocess.run(["free", "--bytes"], capture_output=True, text=True, check=True).stdout
    total = next(line.split()[1] for line in free.splitlines() if line.startswith("Mem:"))
    return round(int(total) / 2**30, 1)


def describe() -> dict[str, object]:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    return {
        "cpu": _cpu_model(),
        "cores": int(nproc),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "os": _os_name(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def _os_name() -> str:
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    return platform.system()


def server_stack() -> dict[str, str]:
    """Versions of the servers and parsers the benchmark runs on (granian only when installed)."""
    versions = {}
    for package in ("uvicorn", "httptools", "uvloop", "h11", "granian"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return versions
