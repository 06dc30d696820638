"""BENCHMARKS.md from reports/bench/results.json: every figure comes from the results file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

GOAL_PRISM_RATIO = 3.0
GOAL_CEILING_SHARE = 0.70
GOAL_OPERATION = "get one"


def _rps(value: float) -> str:
    return f"{value:,.0f}"


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _environment(env: dict[str, Any]) -> list[str]:
    return [
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {env['cpu']} (`/proc/cpuinfo`) |",
        f"| cores | {env['cores']} (`nproc`) |",
        f"| memory | {env['memory_gib']} GiB (`free`) |",
        f"| system | {env['os']}, kernel {env['kernel']} |",
        f"| Python | {env['python']} (uvicorn with its default pure-Python HTTP parser, h11) |",
        f"| Node.js, Prism | {env['node']}, @stoplight/prism-cli {env['prism']} |",
        f"| load generator | {env['wrk']} |",
        f"| load average at start | {', '.join(str(v) for v in env['load_average'])} |",
        f"| date | {env['date']} |",
        "",
    ]


def _compare(results: dict[str, Any]) -> list[str]:
    settings = results["settings"]
    lines = [
        "## The mock against Prism and the ceiling",
        "",
        f"wrk, 1 thread and {settings['connections']} connections, pinned to core 1; the server under test "
        f"alone on core 0. Each run lasts {settings['duration_s']:.0f} s after a {settings['warmup_s']:.0f} s "
        f"warm-up; the three servers take turns, interleaved over {settings['rounds']} rounds, and each "
        "figure is the median of the rounds. Throughput in requests per second, latency in milliseconds. "
        "Every answer was a 2xx; a single error fails the run.",
        "",
        "| operation | mock req/s | Prism req/s | ceiling req/s | mock / Prism | mock / ceiling "
        "| mock p50 / p99 | Prism p50 / p99 | ceiling p50 / p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in results["operations"]:
        mock, prism, ceiling = results["mock"][name], results["prism"][name], results["ceiling"][name]
        lines.append(
            f"| {name} | {_rps(mock['throughput_rps'])} | {_rps(prism['throughput_rps'])} "
            f"| {_rps(ceiling['throughput_rps'])} "
            f"| {mock['throughput_rps'] / prism['throughput_rps']:.2f}x "
            f"| {mock['throughput_rps'] / ceiling['throughput_rps']:.0%} "
            f"| {_ms(mock['p50_ms'])} / {_ms(mock['p99_ms'])} | {_ms(prism['p50_ms'])} / {_ms(prism['p99_ms'])} "
            f"| {_ms(ceiling['p50_ms'])} / {_ms(ceiling['p99_ms'])} |"
        )
    goal = results["mock"][GOAL_OPERATION]["throughput_rps"]
    prism_ratio = goal / results["prism"][GOAL_OPERATION]["throughput_rps"]
    ceiling_share = goal / results["ceiling"][GOAL_OPERATION]["throughput_rps"]
    wrk_cpu = max(
        results[target][name]["client_cpu"] for target in ("mock", "prism", "ceiling") for name in results["operations"]
    )
    sizes = results["response_bytes"]
    lines += [
        "",
        f"Goals on {GOAL_OPERATION}: at least {GOAL_PRISM_RATIO:.0f}x Prism — {prism_ratio:.2f}x, "
        f"{_verdict(prism_ratio >= GOAL_PRISM_RATIO)}; at least {GOAL_CEILING_SHARE:.0%} of the ceiling — "
        f"{ceiling_share:.0%}, {_verdict(ceiling_share >= GOAL_CEILING_SHARE)}.",
        "",
        f"The client was never the limit: wrk used at most {wrk_cpu:.0%} of its core in any run, while the "
        "server under test kept its own core busy (both recorded per round in the results file).",
        "",
        "What each server does for these requests:",
        "",
        f"- **mock**: checks the key and the agent, validates the path, query and body against the "
        f"contract, runs the rule against the store and serialises the answer. It holds "
        f"{results['mock_data'].get('agent-dev-2', 0):,} numbers in the listed project and "
        f"{results['mock_data'].get('agent-dev', 0):,} in the one fetched from. Answers: "
        + ", ".join(f"{name} {size:,} bytes" for name, size in sizes.items())
        + ".",
        "- **Prism** (`prism mock`, static mode, log level `error`): validates the request against the same "
        "`openapi.yaml` and answers with the spec's example, whatever was asked: one number, a list of "
        "two, a batch with one found. It keeps no state, so for list and batch get it does far less than "
        "the mock, and those two rows compare unequal work.",
        "- **ceiling**: a bare Starlette app on the same uvicorn settings that reads the request body and "
        "replays, byte for byte, the answer the mock gave. It bounds what any app on this stack can do.",
        "",
    ]
    return lines


def _profile(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Where the mock's time goes",
        "",
        "py-spy (sampling at 200 Hz from outside the process) on the mock under the same wrk load. "
        "Shares are of all samples of the server process; *inclusive* counts a function with "
        "everything it calls. The collapsed stacks and a flame graph per operation are in "
        "`reports/bench/profile/`.",
        "",
        "| operation | samples | the mock's own stages (`TelephonyMock._answer`, inclusive) | JSON encoding "
        "| top functions by own time |",
        "|---|---:|---:|---:|---|",
    ]
    for name, profile in results.items():
        inclusive = dict(profile["inclusive"])
        mock_share = inclusive.get("app.py:TelephonyMock._answer", 0.0)
        encoding = inclusive.get("encoder.py:JSONEncoder.encode", 0.0)
        top = ", ".join(f"`{frame}` {share}%" for frame, share in profile["self"][:4])
        lines.append(f"| {name} | {profile['samples']:,} | {mock_share}% | {encoding}% | {top} |")
    lines += [
        "",
        "Everything outside the mock's own stages is the server stack: uvicorn's h11 protocol "
        "(parsing the request, building the response), asyncio's transport (one `send` system "
        "call for the head and one for the body of every answer), and Starlette's entry into the app. "
        "The ceiling pays the same.",
        "",
    ]
    return lines


def _scale(results: dict[str, Any]) -> list[str]:
    sizes = [str(size) for size in results["sizes"]]
    batch = results["batch"]
    lines = [
        "## Scale: a batch of 1,000 against stores of 10k, 100k and 1M numbers",
        "",
        f"Median time of one batch of {batch:,} numbers drawn at random over the whole store "
        "(milliseconds; 30 batch gets and 10 batch deletes per cell, each delete's numbers put back "
        "afterwards). *In-process* runs the operation's rule against the store through the store "
        "interface, without HTTP; *HTTP* is the whole request to the mock server (memory store), "
        "validation of the 1,000 numbers and serialisation included.",
        "",
        "| store size | memory: get | memory: delete | SQLite: get | SQLite: delete | HTTP: get | HTTP: delete |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    memory, sqlite, http = results["in_process"]["memory"], results["in_process"]["sqlite"], results["http"]
    for size in sizes:
        cells = [
            memory[size]["batch_get"],
            memory[size]["batch_delete"],
            sqlite[size]["batch_get"],
            sqlite[size]["batch_delete"],
            http[size]["batch_get"],
            http[size]["batch_delete"],
        ]
        lines.append(f"| {int(size):,} | " + " | ".join(_ms(cell["median_ms"]) for cell in cells) + " |")
    first, last = sizes[0], sizes[-1]

    def growth(table: dict[str, Any], op: str) -> str:
        return f"{table[last][op]['median_ms'] / table[first][op]['median_ms']:.1f}x"

    lines.append(
        f"| growth, {int(first):,} to {int(last):,} | {growth(memory, 'batch_get')} | {growth(memory, 'batch_delete')} "
        f"| {growth(sqlite, 'batch_get')} | {growth(sqlite, 'batch_delete')} | {growth(http, 'batch_get')} "
        f"| {growth(http, 'batch_delete')} |"
    )
    lines += [
        "",
        f"The store grows {int(last) // int(first)}x; a batch's time grows by the factors in the last row. "
        "Lookups are by key (a dict, or SQLite's primary-key and project indexes), so no operation scans "
        "the store; what growth there is comes from memory and pages: random keys in a larger store miss "
        "the CPU caches more often, and in SQLite a batch delete dirties one B-tree page per number in "
        "the table and in each index once the store spans more pages than the batch has numbers, "
        "every one of them written to the WAL and synced at commit (`synchronous=FULL`).",
        "",
        "Memory per stored number:",
        "",
        f"- {results['tracemalloc_bytes_per_number']:.0f} bytes allocated by Python per number in the memory "
        "store (tracemalloc, 100,000 numbers: the record and the two indexes' entries);",
        f"- {results['http']['rss_bytes_per_number']:.0f} bytes of resident memory per number in the mock "
        f"server (RSS before and after seeding {int(last):,} numbers through the admin endpoint);",
        f"- {results['sqlite_file_bytes_per_number']:.0f} bytes per number on disk with `--state` "
        f"(the SQLite file and its WAL at {int(last):,} numbers).",
        "",
    ]
    return lines


def _client(results: dict[str, Any]) -> list[str]:
    lines = [
        "## The generated client's cost per call",
        "",
        "The same calls, one at a time over one keep-alive connection to the same mock server (core 0), "
        "from a process on core 1: raw `httpx.Client` (request, then `response.json()`) against the "
        "generated `polyai_telephony` (URL building, the status check, parsing into its models). "
        f"{results['rounds']} alternating rounds of {results['calls_per_round']} calls; the best round "
        "of each side, as `timeit` reports, since anything else on the machine only adds time.",
        "",
        "| operation | raw httpx µs/call | generated µs/call | overhead µs/call | generated / raw |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, figures in results.items():
        if not isinstance(figures, dict):
            continue
        lines.append(
            f"| {name} | {figures['raw_httpx_us']:,.0f} | {figures['generated_us']:,.0f} "
            f"| {figures['overhead_us']:,.0f} | {figures['ratio']:.2f} |"
        )
    lines.append("")
    return lines


def _conformance(results: dict[str, Any] | None) -> list[str]:
    lines = ["## Conformance throughput", ""]
    if not results or "skipped" in results:
        reason = (results or {}).get("skipped", "not measured in this run")
        return [*lines, f"Not measured: {reason}.", ""]
    lines += [
        "The contract suite (`contract_tests/`, the CI profile of `schemathesis.toml`) run by its own runner "
        "against the mock, in-process through ASGI and over HTTP to the mock server on loopback.",
        "",
        "| where | cases | seconds | cases per second |",
        "|---|---:|---:|---:|",
    ]
    for name in ("in_process", "http"):
        figures = results[name]
        lines.append(
            f"| {name.replace('_', '-')} | {figures['cases']:,} | {figures['seconds']:.1f} "
            f"| {figures['cases'] / figures['seconds']:.0f} |"
        )
    lines += ["", f"`make conformance` (the CI profile, end to end): {results['ci_profile_seconds']:.1f} s.", ""]
    return lines


def write(results: dict[str, Any], path: Path) -> None:
    env = results["environment"]
    lines = [
        "# Benchmarks",
        "",
        "<!-- Written by scripts/bench/run.py from reports/bench/results.json; rerun it rather than edit. -->",
        "",
        "How fast the mock is, how it compares with Stoplight Prism (what users would otherwise reach "
        "for) and with a bare app on the same server stack, how its batch operations scale with the "
        "store, what the generated client adds per call, and how fast the contract suite runs.",
        "",
        f"Reproduce with `{env['command']}` (about ten minutes; it installs wrk with apt-get and Prism "
        "with npm into `.bench/` when they are missing). One part: `.venv/bin/python scripts/bench/run.py "
        "--only compare` (or profile, scale, client, conformance). Raw figures, every round included: "
        "`reports/bench/results.json`.",
        "",
        *_environment(env),
    ]
    if "compare" in results:
        lines += _compare(results["compare"])
    if "profile" in results:
        lines += _profile(results["profile"])
    if "scale" in results:
        lines += _scale(results["scale"])
    if "client" in results:
        lines += _client(results["client"])
    lines += _conformance(results.get("conformance"))
    lines += [
        "## Reliability",
        "",
        "Not timings but the harness in `tests/reliability/`: its short variants run with `make test`, "
        "the long ones with `make reliability` (8 writers x 1,000 mixed operations on shared numbers "
        "checked against a sequential model; at least 10,000 negative and malformed requests with no "
        "5xx; SIGKILL during writes with `--state`, six times over).",
        "",
    ]
    path.write_text("\n".join(lines))
