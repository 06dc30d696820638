"""The parts under wrk: the mock against Prism and the ceiling, its profile, a small read under big
lists, and one SQLite state served by one worker and by two.

The mock holds 100,000 numbers of block 0 in one project to fetch from and 1,000 of block 1 in
another to list; an import sends numbers never sent before, from a fresh block for every mock run.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from . import harness as h

STORE, LISTED = "agent-dev", "agent-dev-2"
SAMPLE_IMPORT_BLOCK = 2  # the import whose answer the ceiling replays
OTHER_STACKS, OTHER_STACK_OPERATIONS = ("h11", "granian"), ("get one", "batch get")
REFUSALS = {
    "unknown method": b"CONNECT-ME %s HTTP/1.1\r\nHost: bench\r\nX-API-KEY: %s\r\n\r\n",
    "unreadable request line": b"NOT HTTP AT ALL\r\n\r\n",
}


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    imports: bool = False  # a fresh batch of 10 numbers in every request, made by wrk

    def wrk_args(self, work: Path, block: int) -> list[str]:
        if self.imports:
            return ["import", self.path, h.BLOCKS[block], "0", "10"]
        if self.body is None:
            return ["fixed", self.method, self.path]
        body = work / f"{self.name.split(' (')[0].replace(' ', '-')}.json"
        body.write_text(json.dumps(self.body))
        return ["fixed", self.method, self.path, str(body)]


def get_one(index: int) -> Operation:
    return Operation("get one", "GET", f"{h.numbers_path(STORE)}/{h.number(0, index).replace('+', '%2B')}")


BATCH_NUMBERS = [h.number(0, index * 1000 + 7) for index in range(100)]  # spread over the store
OPERATIONS = [
    get_one(12_345),
    Operation("list (1,000 numbers)", "GET", h.numbers_path(LISTED)),
    Operation("batch get (100 of 100,000)", "POST", f"{h.numbers_path(STORE)}/batch", {"phoneNumbers": BATCH_NUMBERS}),
    Operation("import (10 numbers a call)", "POST", h.numbers_path(STORE), imports=True),
]


def seeded(server: h.Server, store: int = 100_000, listed: int = 1_000) -> dict[str, int]:
    with server.client() as client:
        h.seed(client, LISTED, 1, listed)
        h.seed(client, STORE, 0, store)
        return {agent: len(client.get(h.numbers_path(agent)).json()["phoneNumbers"]) for agent in (LISTED, STORE)}


def capture(server: h.Server, ops: list[Operation], path: Path) -> dict[str, int]:
    """The mock's answer to each operation, for the ceiling to replay; returns their sizes."""
    answers, sizes = {}, {}
    with server.client() as client:
        for op in ops:
            sample = {"phoneNumbers": h.numbers(SAMPLE_IMPORT_BLOCK, 10), "clientEnv": "sandbox"}
            response = client.request(op.method, op.path, json=sample if op.imports else op.body)
            if not response.is_success:
                raise RuntimeError(f"{op.name}: the mock answered {response.status_code}: {response.text[:300]}")
            answers[f"{op.method} {op.path}"] = {"status": response.status_code, "body": response.text}
            sizes[op.name] = len(response.content)
    path.write_text(json.dumps(answers))
    return sizes


def refusals(server: h.Server) -> dict[str, Any]:
    """What the stack answers to requests its parser must refuse, and whether that is the envelope."""
    answers = {}
    for name, raw in REFUSALS.items():
        with socket.create_connection(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])), timeout=10) as sock:
            sock.sendall(raw % (h.numbers_path(STORE).encode(), h.API_KEY.encode()) if b"%s" in raw else raw)
            response = http.client.HTTPResponse(sock)
            response.begin()
            body = response.read()
        envelope = body.startswith(b"{") and json.loads(body).get("success") is False
        answers[name] = {"status": response.status, "envelope": envelope, "body": body[:200].decode("latin-1")}
    return answers


def fresh_blocks() -> Iterator[int]:
    for block in itertools.count(3):
        if block >= len(h.BLOCKS):
            raise RuntimeError("no fresh block of numbers left for another import run; use fewer rounds")
        yield block


def wrk_turn(server: h.Server, op: Operation, work: Path, blocks: Iterator[int], seconds: float) -> dict[str, Any]:
    """A measured wrk run after a warm-up; a mock, which keeps what it imports, gets fresh numbers."""
    fresh = op.imports and server.name.startswith(("mock", "workers"))
    args, warmup = (op.wrk_args(work, next(blocks) if fresh else SAMPLE_IMPORT_BLOCK) for _ in range(2))
    figures = h.run_wrk(server, args, seconds, warmup=warmup)
    print(f"  {server.name:16} {op.name:28} {figures['throughput_rps']:8.0f} req/s  p99 {figures['p99_ms']:.2f} ms")
    return figures


def compare(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    """Mock, Prism and ceiling on the stack the mock ships with; the reads also on h11 and granian."""
    answers = {"BENCH_ANSWERS": str(work / "ceiling-answers.json")}
    results: dict[str, Any] = {
        "settings": {"connections": 16, "seconds": seconds, "rounds": rounds},
        "operations": [op.name for op in OPERATIONS],
    }
    with ExitStack() as stack:
        mock = stack.enter_context(h.serve("mock", h.mock_command("--http", "httptools"), work))
        results["mock_data"] = seeded(mock)
        results["response_bytes"] = capture(mock, OPERATIONS, work / "ceiling-answers.json")
        prism = [h.tool("prism"), "mock", "--host", "127.0.0.1", "--verboseLevel", "error", "openapi.yaml", "--port"]
        servers = [mock, stack.enter_context(h.serve("prism", prism, work))]
        servers.append(stack.enter_context(h.serve("ceiling", h.app_command("ceiling", "default"), work, env=answers)))
        for other in OTHER_STACKS:
            command = h.mock_command("--http", "h11") if other == "h11" else h.app_command("mock", other)
            servers.append(stack.enter_context(h.serve(f"mock_{other}", command, work)))
            seeded(servers[-1])
            ceiling = h.app_command("ceiling", other)
            servers.append(stack.enter_context(h.serve(f"ceiling_{other}", ceiling, work, env=answers)))
        results["refusals"] = {server.name: refusals(server) for server in servers if server.name.startswith("mock")}
        blocks = fresh_blocks()
        for op in OPERATIONS:
            taking_part = [s for s in servers if "_" not in s.name or op.name.startswith(OTHER_STACK_OPERATIONS)]
            for name, runs in h.interleave(
                rounds, {s.name: partial(wrk_turn, s, op, work, blocks, seconds) for s in taking_part}
            ).items():
                results.setdefault(name, {})[op.name] = h.best(runs)
    results["wrk_cpu"] = max(
        run["client_cpu"] for s in servers for figures in results[s.name].values() for run in figures["rounds"]
    )
    return results


# The mock's own stages (everything between its ASGI entry and the send), and the encoding of the
# answer within them; a profile that never sees one (a renamed function) fails rather than shows 0%.
MOCK_STAGES, ENCODING = "app.py:TelephonyMock._answer", "_errors.py:json_answer"
FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^:]+)(?::\d+)?\)$")


def summarise(collapsed: str) -> dict[str, Any]:
    """Own and inclusive shares of py-spy's collapsed stacks, with frames named `module.py:function`."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f"{Path(m['file']).name}:{m['function']}" if (m := FRAME.match(f)) else f for f in stack.split(";")]
        own[frames[-1]] += int(count)
        inclusive.update(dict.fromkeys(frames, int(count)))
    total = sum(own.values())
    if not inclusive[MOCK_STAGES] or not inclusive[ENCODING]:
        raise RuntimeError(f"the profile never saw {MOCK_STAGES} or {ENCODING}; update load.MOCK_STAGES")
    return {
        "samples": total,
        "mock_stages": round(100 * inclusive[MOCK_STAGES] / total, 1),
        "encoding": round(100 * inclusive[ENCODING] / total, 1),
        "self": [(name, round(100 * count / total, 1)) for name, count in own.most_common(15)],
    }


def profile(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    """py-spy samples the served mock from outside while wrk drives it; a second run draws a flame graph."""
    results, blocks, sampled = {}, fresh_blocks(), max(3, round(seconds))
    for op in (OPERATIONS[0], OPERATIONS[1], OPERATIONS[3]):
        slug = op.name.split(" (")[0].replace(" ", "-")
        with h.serve("mock-profiled", h.mock_command(), work) as mock, ThreadPoolExecutor(1) as sampler:
            seeded(mock)
            for fmt, output in (("raw", f"{slug}.collapsed.txt"), ("flamegraph", f"{slug}.svg")):
                record = f"record --pid {mock.process.pid} --duration {sampled} --rate 200 --nonblocking --format {fmt}"
                py_spy = [
                    str(Path(sys.executable).with_name("py-spy")),
                    *record.split(),
                    "--output",
                    str(work / output),
                ]
                sampling = sampler.submit(subprocess.run, py_spy, check=True, capture_output=True)
                h.run_wrk(mock, op.wrk_args(work, next(blocks)), sampled + 2)
                sampling.result()
        results[op.name] = summarise((work / f"{slug}.collapsed.txt").read_text())
    return results


def small_under_big(work: Path, _: float, rounds: int, lists: int = 100_000, seconds: float = 10.0) -> dict[str, Any]:
    """A get of one number alone and while wrk lists 100,000 over 4 connections: the mock, which sends
    long lists in pieces, against the ceiling replaying the same answers, each in one piece."""
    rounds = min(2, rounds)
    results: dict[str, Any] = {**h.stamp(), "list_size": lists, "listers": 4, "list_seconds": seconds, "rounds": rounds}
    get, listed = get_one(1), Operation("list", "GET", h.numbers_path(LISTED))
    with ExitStack() as stack, h.on_client_core():
        mock = stack.enter_context(h.serve("mock", h.mock_command(), work))
        seeded(mock, store=1_000, listed=lists)
        capture(mock, [get, listed], work / "answers.json")
        answers = {"BENCH_ANSWERS": str(work / "answers.json")}
        ceiling = stack.enter_context(h.serve("ceiling", h.app_command("ceiling", "default"), work, env=answers))

        def gets(server: h.Server, seconds: float) -> dict[str, float]:
            samples, until = [], time.monotonic() + seconds
            with server.client() as client:
                while time.monotonic() < until:
                    samples.append(h.timed_us(partial(client.get, get.path))() / 1000)
                    time.sleep(0.01)
            return {"p50_ms": round(h.percentile(samples, 0.5), 2), "p99_ms": round(h.percentile(samples, 0.99), 2)}

        def turn(server: h.Server) -> dict[str, Any]:
            alone = gets(server, 3)
            with ThreadPoolExecutor(1) as lister:
                listing = lister.submit(h.run_wrk, server, listed.wrk_args(work, 0), seconds, connections=4)
                time.sleep(0.5)  # let the lists get going
                under, figures = gets(server, seconds - 1), listing.result()
            print(f"  {server.name:8} alone {alone}  under lists {under}  lists/s {figures['throughput_rps']}")
            return {"alone": alone, "under_lists": under, "list_rps": figures["throughput_rps"]}

        for name, runs in h.interleave(
            rounds, {"in pieces": partial(turn, mock), "ceiling": partial(turn, ceiling)}
        ).items():
            results[name] = h.best(runs, "list_rps")
    results["list_rps_ratio"] = round(results["in pieces"]["list_rps"] / results["ceiling"]["list_rps"], 3)
    return results


def workers(work: Path, seconds: float, rounds: int) -> dict[str, Any]:
    """`telephony-mock --workers N --state FILE` unpinned (two workers need both cores), 10,000 numbers."""
    ops, seconds, rounds = [get_one(1_234), OPERATIONS[-1]], min(5, seconds), min(3, rounds)
    results: dict[str, Any] = {**h.stamp(), "settings": {"seconds": seconds, "rounds": rounds}, "store_size": 10_000}
    with ExitStack() as stack:
        folder, servers = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=work))), {}
        for count in ("1", "2"):
            command = h.mock_command("--workers", count, "--state", str(folder / f"{count}.sqlite3"))
            servers[count] = stack.enter_context(h.serve(f"workers={count}", command, work, cpu=None))
            seeded(servers[count], store=10_000, listed=0)
        blocks = {count: fresh_blocks() for count in servers}  # each server has a state of its own
        for op in ops:
            turns = {
                count: partial(wrk_turn, server, op, work, blocks[count], seconds) for count, server in servers.items()
            }
            for count, runs in h.interleave(rounds, turns).items():
                results.setdefault(count, {})[op.name] = h.best(runs)
    results["speedup"] = {
        op.name: round(results["2"][op.name]["throughput_rps"] / results["1"][op.name]["throughput_rps"], 2)
        for op in ops
    }
    return results
