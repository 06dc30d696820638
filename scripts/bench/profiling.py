"""Where the mock's time goes under load: py-spy samples the server while wrk drives one operation.

py-spy reads the server's stacks from outside the process, so the server runs unmodified. The
collapsed stacks (one line per distinct stack, with its sample count) are kept, with an SVG
flame graph, and summarised here as the functions holding the most samples on their own (self)
and with what they call (inclusive).
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from compare import API_KEY, FIRST_IMPORT_BLOCK, BenchOperation, mock_server, operations, seed_mock, wrk_arguments
from loadgen import LoadSettings, run_wrk
from tools import ensure_py_spy

FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^:]+)(?::\d+)?\)$")


def _short(frame: str) -> str:
    """`function (path/to/module.py:12)` -> `module.py:function`."""
    match = FRAME.match(frame)
    if match is None:
        return frame
    return f"{Path(match['file']).name}:{match['function']}"


def summarise(collapsed: Path, top: int = 15) -> dict[str, Any]:
    self_samples: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = [_short(frame) for frame in stack.split(";")]
        # py-spy puts the thread first; the interpreter's idle wait is in the event loop's select.
        total += count
        self_samples[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count

    def share(frame: str) -> float:
        return round(100 * inclusive[frame] / total, 1)

    return {
        "samples": total,
        # The mock's own stages (everything between the ASGI entry and the send), and within
        # them the encoding of the answer.
        "mock_stages": share("app.py:TelephonyMock._answer"),
        "encoding": share("_errors.py:json_answer"),
        "self": [(name, round(100 * count / total, 1)) for name, count in self_samples.most_common(top)],
        "inclusive": [(name, round(100 * count / total, 1)) for name, count in inclusive.most_common(top * 2)],
    }


def profile_operation(wrk: Path, op: BenchOperation, settings: LoadSettings, work: Path) -> dict[str, Any]:
    py_spy = ensure_py_spy()
    slug = op.name.split(" (")[0].replace(" ", "-")
    collapsed = work / f"{slug}.collapsed.txt"
    with mock_server(work) as mock:
        seed_mock(mock.base_url)
        duration = max(3, round(settings.duration_s))

        def record(output: Path, fmt: str) -> subprocess.CompletedProcess[bytes]:
            return subprocess.run(
                [
                    *(str(py_spy), "record", "--pid", str(mock.process.pid), "--duration", str(duration)),
                    *("--rate", "200", "--format", fmt, "--output", str(output), "--nonblocking"),
                ],
                capture_output=True,
                check=True,
            )

        # Sample while wrk keeps the server busy; the load run lasts a little longer than the sampling.
        load_settings = LoadSettings(settings.connections, duration + 2, warmup_s=0)
        sampler = threading.Thread(target=record, args=(collapsed, "raw"))
        sampler.start()
        run_wrk(wrk, mock, wrk_arguments(op, work, FIRST_IMPORT_BLOCK), load_settings, api_key=API_KEY)
        sampler.join()
        # The flame graph is for reading, from a second, identical run.
        flame = threading.Thread(target=record, args=(work / f"{slug}.svg", "flamegraph"))
        flame.start()
        run_wrk(wrk, mock, wrk_arguments(op, work, FIRST_IMPORT_BLOCK + 1), load_settings, api_key=API_KEY)
        flame.join()
    return {"operation": op.name, "collapsed": str(collapsed), **summarise(collapsed)}


def run(wrk: Path, settings: LoadSettings, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    ops = {op.name: op for op in operations()}
    names = ("get one", "list (1,000 numbers)", "import (10 numbers a call)")
    return {name: profile_operation(wrk, ops[name], settings, work) for name in names}
