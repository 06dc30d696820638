"""BENCHMARKS.md from reports/bench/results.json: every figure comes from the results file."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

GOAL_PRISM_RATIO = 3.0
GOAL_CEILING_SHARE = 0.80
GOAL_OPERATION = "get one"
# Operations whose answers or requests carry many numbers, and their goal against Prism.
GOAL_BODY_OPERATIONS = ("list", "batch get")
GOAL_BODY_PRISM_RATIO = 2.0
STACK_NAMES = {
    "default": "uvicorn with httptools and uvloop (as the mock ships)",
    "h11": "uvicorn with h11 and asyncio (the fallback without wheels)",
    "granian": "granian (ASGI, uvloop)",
}


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
        f"| Python | {env['python']} |",
        f"| server stacks | {', '.join(f'{name} {version}' for name, version in env['stack'].items())} |",
        f"| Node.js, Prism | {env['node']}, @stoplight/prism-cli {env['prism']} |",
        f"| load generator | {env['wrk']} |",
        f"| load average at start | {', '.join(str(v) for v in env['load_average'])} |",
        f"| date | {env['date']} |",
        "",
    ]


def _ratio_row(name: str, mock: dict[str, Any], prism: dict[str, Any], ceiling: dict[str, Any]) -> str:
    return (
        f"| {name} | {_rps(mock['throughput_rps'])} | {_rps(prism['throughput_rps'])} "
        f"| {_rps(ceiling['throughput_rps'])} "
        f"| {mock['throughput_rps'] / prism['throughput_rps']:.2f}x "
        f"| {mock['throughput_rps'] / ceiling['throughput_rps']:.0%} "
        f"| {_ms(mock['p50_ms'])} / {_ms(mock['p99_ms'])} | {_ms(prism['p50_ms'])} / {_ms(prism['p99_ms'])} "
        f"| {_ms(ceiling['p50_ms'])} / {_ms(ceiling['p99_ms'])} |"
    )


def _spread(results: dict[str, Any], reference: str, name: str) -> str:
    """The per-round ratios of the mock to `reference` on `name`: their range and median."""
    mock = [figures["throughput_rps"] for figures in results["mock"][name]["rounds"]]
    other = [figures["throughput_rps"] for figures in results[reference][name]["rounds"]]
    ratios = [m / o for m, o in zip(mock, other, strict=True)]
    if reference == "ceiling":
        return f"{min(ratios):.0%} to {max(ratios):.0%} (median {statistics.median(ratios):.0%})"
    return f"{min(ratios):.2f}x to {max(ratios):.2f}x (median {statistics.median(ratios):.2f}x)"


def _compare(results: dict[str, Any]) -> list[str]:
    settings = results["settings"]
    header = [
        "| operation | mock req/s | Prism req/s | ceiling req/s | mock / Prism | mock / ceiling "
        "| mock p50 / p99 | Prism p50 / p99 | ceiling p50 / p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines = [
        "## The mock against Prism and the ceiling",
        "",
        f"wrk, 1 thread and {settings['connections']} connections, pinned to core 1; the server under test "
        f"alone on core 0. Each run lasts {settings['duration_s']:.0f} s after a {settings['warmup_s']:.0f} s "
        f"warm-up. The servers take turns, interleaved over {settings['rounds']} rounds, and each figure comes "
        "from the server's best round: on a shared machine other work can only take time from a server, "
        "never give it any, so the least-disturbed round is the closest to what it can do (every round is "
        "in the results file). Throughput in requests per second, latency in milliseconds. Every answer "
        "was a 2xx; a single error fails the run.",
        "",
        *header,
    ]
    for name in results["operations"]:
        lines.append(_ratio_row(name, results["mock"][name], results["prism"][name], results["ceiling"][name]))

    def rps(target: str, name: str) -> float:
        return float(results[target][name]["throughput_rps"])

    goal_prism = rps("mock", GOAL_OPERATION) / rps("prism", GOAL_OPERATION)
    goal_ceiling = rps("mock", GOAL_OPERATION) / rps("ceiling", GOAL_OPERATION)
    body_goals = [
        f"{name}: {rps('mock', name) / rps('prism', name):.2f}x, "
        f"{_verdict(rps('mock', name) / rps('prism', name) >= GOAL_BODY_PRISM_RATIO)}"
        for name in results["operations"]
        if name.startswith(GOAL_BODY_OPERATIONS)
    ]
    lines += [
        "",
        f"**Goals.** On {GOAL_OPERATION}, at least {GOAL_PRISM_RATIO:.0f}x Prism: {goal_prism:.2f}x, "
        f"{_verdict(goal_prism >= GOAL_PRISM_RATIO)}; and at least {GOAL_CEILING_SHARE:.0%} of the same stack's "
        f"ceiling: {goal_ceiling:.0%}, {_verdict(goal_ceiling >= GOAL_CEILING_SHARE)}. At least "
        f"{GOAL_BODY_PRISM_RATIO:.0f}x Prism on " + "; ".join(body_goals) + ".",
        "",
        f"How far one run's ratio can be trusted: round by round, the mock answered {GOAL_OPERATION} at "
        + _spread(results, "ceiling", GOAL_OPERATION)
        + " of the ceiling of the same round, and at "
        + _spread(results, "prism", GOAL_OPERATION)
        + " Prism's speed. Each round runs the servers one after another within about a minute, so "
        "what moves between rounds is the machine, not the servers.",
        "",
    ]
    others = [stack for stack in ("h11", "granian") if f"mock_{stack}" in results]
    if others:
        lines += [
            "The read operations on the other server stacks, interleaved with the runs above (Prism's "
            "figures are the same as there); each stack's ceiling is the same bare app on that stack.",
            "",
            "| stack | operation | mock req/s | ceiling req/s | mock / Prism | mock / ceiling "
            "| mock p50 / p99 | ceiling p50 / p99 |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for stack in others:
            for name, mock in results[f"mock_{stack}"].items():
                ceiling = results[f"ceiling_{stack}"][name]
                lines.append(
                    f"| {stack} | {name} | {_rps(mock['throughput_rps'])} | {_rps(ceiling['throughput_rps'])} "
                    f"| {mock['throughput_rps'] / rps('prism', name):.2f}x "
                    f"| {mock['throughput_rps'] / ceiling['throughput_rps']:.0%} "
                    f"| {_ms(mock['p50_ms'])} / {_ms(mock['p99_ms'])} "
                    f"| {_ms(ceiling['p50_ms'])} / {_ms(ceiling['p99_ms'])} |"
                )
        lines.append("")
    if "refusals" in results:
        probes = list(next(iter(results["refusals"].values())))
        lines += [
            "What each stack answers to a request its parser must refuse (the mock on it; "
            "`scripts/bench/refusals.py`):",
            "",
            "| stack | " + " | ".join(probes) + " |",
            "|---|" + "---|" * len(probes),
        ]
        for server, answers in results["refusals"].items():
            stack = server.removeprefix("mock_") if server != "mock" else "default"
            cells = [
                f"{answers[probe]['status']}, "
                + ("the envelope" if answers[probe]["envelope"] else "**not the envelope**")
                for probe in probes
            ]
            lines.append(f"| {STACK_NAMES[stack]} | " + " | ".join(cells) + " |")
        lines.append("")

    targets = [
        target for target in results if target.startswith(("mock", "prism", "ceiling")) and target != "mock_data"
    ]
    wrk_cpu = max(figures["client_cpu"] for target in targets for figures in results[target].values())
    sizes = results["response_bytes"]
    lines += [
        f"The client was never the limit: wrk used at most {wrk_cpu:.0%} of its core in any reported run "
        "(its CPU time and the server's are recorded per round in the results file).",
        "",
        "What each server does for these requests:",
        "",
        "- **mock**: checks the key and the agent, validates the path, query and body against the "
        "contract, runs the rule against the store and serialises the answer. It holds "
        f"{results['mock_data'].get('agent-dev-2', 0):,} numbers in the listed project and "
        f"{results['mock_data'].get('agent-dev', 0):,} in the one fetched from. Answers: "
        + ", ".join(f"{name} {size:,} bytes" for name, size in sizes.items())
        + ".",
        "- **Prism** (`prism mock`, static mode, log level `error`): validates the request against the same "
        "`openapi.yaml` and answers with the spec's example, whatever was asked: one number, a list of "
        "two, a batch with one found. It keeps no state, so for list and batch get it does far less than "
        "the mock, and those two rows compare unequal work.",
        "- **ceiling**: a bare Starlette app on the same server and settings that reads the request body "
        "and replays, byte for byte, the answer the mock gave, on the server's stock protocol. It bounds "
        "what any app on this stack can do.",
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
        "| operation | samples | the mock's own stages (`TelephonyMock._answer`, inclusive) "
        "| of which encoding the answer (`json_answer`) | top functions by own time |",
        "|---|---:|---:|---:|---|",
    ]
    for name, profile in results.items():
        top = ", ".join(f"`{frame}` {share}%" for frame, share in profile["self"][:4])
        lines.append(
            f"| {name} | {profile['samples']:,} | {profile['mock_stages']}% | {profile['encoding']}% | {top} |"
        )
    lines += [
        "",
        "Everything outside the mock's own stages is the server stack: uvicorn's protocol callbacks, "
        "the event loop and its transport, and Starlette's entry into the app; the ceiling pays the "
        "same. httptools parses and uvloop sends in C, which py-spy (without `--native`) counts "
        "against the Python frame that called them.",
        "",
        "The profile found the list's encoding to fix, twice: with the standard `json` module it took "
        "78% of the server's time on a list of 1,000 numbers, and with orjson, which writes the same "
        "bytes, still 19%. The store now keeps each number's encoding, made when the number is written, "
        "and a list is put together from those pieces (`orjson.Fragment`); the rows above are after "
        "both changes, and the memory it costs is in the scale section.",
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
        "afterwards). The three store sizes take turns batch by batch, so background work on the "
        "machine falls on all of them alike. *In-process* runs the operation's rule against the store "
        "through the store interface, without HTTP; *HTTP* is the whole request to a mock server "
        "(memory store, one server per size), validation of the 1,000 numbers and serialisation included.",
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


# What the PolyAI client may cost on one small read, as a multiple of raw httpx (issue 13).
SDK_TARGET_RATIO = 1.10


def small_under_big_section(results: dict[str, Any]) -> list[str]:
    pieces, whole = results["in pieces"], results["in one piece"]

    def row(name: str, figures: dict[str, Any]) -> str:
        alone, under = figures["alone"], figures["under_lists"]
        return (
            f"| {name} | {_ms(alone['p50_ms'])} / {_ms(alone['p99_ms'])} | "
            f"{_ms(under['p50_ms'])} / {_ms(under['p99_ms'])} | {figures['list_rps']:.1f} |"
        )

    return [
        f"## A small read under big lists: a get of one number while {results['listers']} clients list "
        f"{results['list_size']:,}",
        "",
        "The mock (memory store, default stack, first core) holds 100,000 numbers in one project; wrk "
        f"lists them all over {results['listers']} connections for {results['list_seconds']:.0f} s (about 9 MB "
        "an answer) while a client on the second core gets one number every 10 ms. Long lists go out in "
        "pieces of 2,000 with the event loop free between them; the reference is the same mock sending "
        "every list in one piece (`scripts/bench/serve.py --one-piece-lists`). Best of "
        f"{len(pieces['rounds'])} rounds by list throughput; every round in `results.json`. The machine's "
        f"load average when the run began: {results['load_average']:.1f} on {results['cores']} cores.",
        "",
        "| lists sent | get one alone, p50 / p99 (ms) | get one under the lists, p50 / p99 (ms) | lists a second |",
        "|---|---:|---:|---:|",
        row("in pieces (the mock)", pieces),
        row("in one piece (reference)", whole),
        "",
        f"Lists a second in pieces against in one piece: {results['list_rps_ratio']:.2f}x "
        f"(goal: no more than a 10 % drop, {_verdict(results['list_rps_ratio'] >= 0.9)}); a get under the "
        f"lists, p99 {_ms(pieces['under_lists']['p99_ms'])} ms (goal: under 20 ms, "
        f"{_verdict(pieces['under_lists']['p99_ms'] < 20)}).",
        "",
    ]


def workers_section(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Workers: one SQLite state served by 1 and 2 processes",
        "",
        f"`telephony-mock --workers N --state FILE` with {results['store_size']:,} numbers seeded, the "
        "servers unpinned (two workers need both cores) and wrk pinned to the second core, so with two "
        "workers it shares a core with one of them. Best of "
        f"{results['settings']['rounds']} interleaved rounds of {results['settings']['duration_s']:.0f} s; "
        f"the machine's load average when the run began: {results['load_average']:.1f} on "
        f"{results['cores']} cores.",
        "",
        "| operation | 1 worker (req/s) | 2 workers (req/s) | speed-up | p99 (ms), 1 / 2 workers |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in results["operations"]:
        one, two = results["1"][name], results["2"][name]
        lines.append(
            f"| {name} | {_rps(one['throughput_rps'])} | {_rps(two['throughput_rps'])} | "
            f"{results['speedup'][name]:.2f}x | {_ms(one['p99_ms'])} / {_ms(two['p99_ms'])} |"
        )
    lines += [
        "",
        f"Goal: at least 1.7x with 2 workers: {_verdict(min(results['speedup'].values()) >= 1.7)}. "
        + " ".join(
            f"{name}: the servers used {results['1'][name]['server_cpu']:.0%} and "
            f"{results['2'][name]['server_cpu']:.0%} of a core, wrk {results['1'][name]['client_cpu']:.0%} and "
            f"{results['2'][name]['client_cpu']:.0%}."
            for name in results["operations"]
        )
        + " A get is CPU work, and a second worker adds a core less what wrk takes of it. An import is one "
        "SQLite write transaction that commits with `synchronous=FULL` before it is answered, and SQLite "
        "admits one writer at a time (the workers queue for it on a lock of the file, so the next starts "
        "the moment a commit ends), so imports are bound by the disk's flushes more than by a core.",
        "",
    ]
    return lines


def _client_run(results: dict[str, Any]) -> list[str]:
    if "date" not in results:
        return []
    return [
        f"Measured {results['date']}, with a one-minute load average of {results['load_average']} on the "
        "machine as it began; the times move with the load, the ratios much less.",
        "",
    ]


# The test kit's goals: a fixture's set-up and tear-down per test, and an in-process get against
# the same get over loopback HTTP.
KIT_FIXTURE_TARGET_MS = 5.0
KIT_GET_TARGET_RATIO = 0.5


def kit_section(results: dict[str, Any]) -> list[str]:
    fixture, per_test, get = results["fixture"], results["pytest"], results["get"]
    fixture_verdict = "within" if fixture["median_ms"] <= KIT_FIXTURE_TARGET_MS else "over"
    get_verdict = "within" if get["ratio"] <= KIT_GET_TARGET_RATIO else "over"
    return [
        "## The test kit",
        "",
        "What the mock's pytest plugin costs a user's suite (`scripts/bench/kit.py`). Measured "
        f"{results['date']}, with a one-minute load average of {results['load_average']} as it began.",
        "",
        "| figure | value | reference in the same run | goal |",
        "|---|---:|---|---|",
        f"| `polyai_mock` + `polyai_client` set-up and tear-down, per test | {fixture['median_ms']:.2f} ms "
        f"(p90 {fixture['p90_ms']:.2f}) | — | ≤ {KIT_FIXTURE_TARGET_MS:g} ms: {fixture_verdict} |",
        f"| the same, as pytest sees it (runs of {per_test['tests']} and {2 * per_test['tests']} tests "
        f"asking for it: the cost of one more) | {per_test['per_test_ms']:.2f} ms | as many bare tests | — |",
        f"| `PolyAI.phone_numbers.get` through the in-process sync transport | {get['in_process_us']:,.0f} µs "
        f"| {get['loopback_us']:,.0f} µs over loopback HTTP to `telephony-mock`: {get['ratio']:.2f} times "
        f"| ≤ {KIT_GET_TARGET_RATIO:.2f} times: {get_verdict} |",
        "",
        "The fixture cycle is a fresh `PolyAIMock` (the contract is compiled once per process, the "
        "default config read once), its `PolyAI`, and closing both; the median of "
        f"{fixture['rounds']} cycles after a first one. The two gets take turns call by call, "
        f"{get['rounds']:,} rounds, this process on one core and the served mock on the other; the "
        "ratio is of the medians.",
        "",
    ]


def client_section(results: dict[str, Any]) -> list[str]:
    lines = [
        "## The clients' cost per call",
        "",
        "The same calls over one keep-alive connection each to the same mock server (core 0), from a "
        "process on core 1: raw `httpx.Client` (request, then `response.json()`), the generated operation "
        "functions of `polyai_telephony.api` (URL building, the status check, parsing into its models), and "
        "the `PolyAI` client over them (also the agent, the call's options and the success model). The "
        f"three sides take turns call by call, {results['rounds']:,} rounds per operation; times are "
        "medians, and an overhead is the median of each round's difference from raw httpx.",
        "",
        *_client_run(results),
        "| operation | raw httpx µs/call | generated µs/call | `PolyAI` µs/call | generated overhead µs "
        "| `PolyAI` overhead µs | generated / raw | `PolyAI` / raw |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, figures in results.items():
        if not isinstance(figures, dict):
            continue
        lines.append(
            f"| {name} | {figures['raw_httpx_us']:,.0f} | {figures['generated_us']:,.0f} | {figures['sdk_us']:,.0f} "
            f"| {figures['generated_overhead_us']:,.0f} | {figures['sdk_overhead_us']:,.0f} "
            f"| {figures['generated_ratio']:.2f} | {figures['sdk_ratio']:.2f} |"
        )
    one = results.get("get one")
    if one is not None:
        verdict = "within" if one["sdk_ratio"] <= SDK_TARGET_RATIO else "over"
        lines += [
            "",
            f"On get one, `PolyAI` costs {one['sdk_ratio']:.2f} times raw httpx, {verdict} the target of "
            f"{SDK_TARGET_RATIO:.2f}. Neither client builds tenacity's retry machinery unless the first "
            "attempt calls for a retry. The raw side joins its path onto the client's `base_url`, as most "
            "httpx code does; `PolyAI` sends an absolute URL, which httpx builds faster, and on a small "
            "answer that saving is about the size of the client's own work, hence an overhead near zero.",
        ]
    listed = results.get("list (1,000 numbers)")
    if listed is not None:
        lines += [
            "",
            "The overhead grows with the answer: on the list it is "
            f"{listed['sdk_overhead_us'] / 1000:.1f} µs per number for `PolyAI`, mostly the building of one "
            "`PhoneNumber` model from its JSON.",
        ]
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

    def rate(name: str) -> float:
        return float(results[name]["cases"] / results[name]["seconds"])

    for name in ("in_process", "http"):
        figures = results[name]
        lines.append(
            f"| {name.replace('_', '-')} | {figures['cases']:,} | {figures['seconds']:.1f} "
            f"| {figures['cases'] / figures['seconds']:.0f} |"
        )
    lines += [
        "",
        f"The CI profile, as `make conformance` runs it (in-process): {results['ci_profile_seconds']:.1f} s. "
        f"Over HTTP the suite runs at {rate('http') / rate('in_process'):.0%} of its in-process rate: most of "
        "a case's time is Schemathesis generating and checking it, not the mock answering.",
        "",
    ]
    return lines


def fidelity_section(results: dict[str, Any] | None) -> list[str]:
    lines = ["## Fidelity comparison", ""]
    if not results or "skipped" in results:
        reason = (results or {}).get("skipped", "not measured in this run")
        return [*lines, f"Not measured: {reason}.", ""]
    seconds, goal = results["compare_seconds"], results["goal_seconds"]
    lines += [
        f"`make fidelity` on a recording of a deep night: {results['exchanges']:,} exchanges "
        f"({results['megabytes']:.1f} MB of HAR), generated from the mock with a night's mix of imports, reads, "
        "batches, lookups, reassignments, releases and their errors (`scripts/bench/fidelity_speed.py`). "
        f"Measured {results['date']}, load average {results['load_average']:.2f} on the 2 cores at the start.",
        "",
        "| stage | seconds | exchanges per second |",
        "|---|---:|---:|",
        f"| replay alone (reference): read the HAR, seed, every request answered by a fresh in-process mock "
        f"| {results['replay_seconds']:.1f} | {results['replay_per_second']:,} |",
        f"| the whole comparison: read the HAR, seed, replay, compare every pair, group the findings "
        f"| {seconds:.1f} | {results['compare_per_second']:,} |",
        "",
        f"**Goal**: under {goal:.0f} s for about 30,000 exchanges: {seconds:.1f} s, {_verdict(seconds < goal)}. "
        f"Comparing costs {results['compare_seconds'] / results['replay_seconds'] - 1:.0%} on top of the replay "
        "that it cannot do without.",
        "",
    ]
    return lines


def _standing(compare: dict[str, Any], profile: dict[str, Any], scale: dict[str, Any] | None) -> list[str]:
    def rps(target: str, name: str = GOAL_OPERATION) -> float:
        return float(compare[target][name]["throughput_rps"])

    lines = [
        "## Where the mock stands, and what limits it",
        "",
        f"- **{GOAL_OPERATION}, against the ceiling**: {rps('mock') / rps('ceiling'):.0%} of a bare app on the "
        f"same stack (goal {GOAL_CEILING_SHARE:.0%}). The mock's own stages are "
        f"{profile[GOAL_OPERATION]['mock_stages']}% of the server's time; the rest is the server stack, "
        "which the ceiling pays too.",
        f"- **{GOAL_OPERATION}, against Prism**: {rps('mock') / rps('prism'):.2f}x (goal {GOAL_PRISM_RATIO:.0f}x); "
        f"the ceiling on the same stack is {rps('ceiling') / rps('prism'):.2f}x Prism.",
    ]
    if "mock_h11" in compare:
        lines.append(
            f"- **The server stack is the lever**: on uvicorn's pure-Python parser, h11, with asyncio, the mock "
            f"answers {rps('mock_h11'):,.0f} requests a second on {GOAL_OPERATION}, "
            f"{rps('mock_h11') / rps('prism'):.2f}x Prism, against {rps('mock') / rps('prism'):.2f}x on "
            f"httptools and uvloop; the ceiling on h11 is {rps('ceiling_h11') / rps('prism'):.2f}x Prism, so on "
            "h11 even a bare app has little room above the goal. The mock therefore ships on httptools and "
            "uvloop, where their wheels exist, and falls back to h11 elsewhere (uvloop has no Windows build)."
        )
    if "mock_granian" in compare:
        lines.append(
            f"- **granian**: the mock answers {rps('mock_granian'):,.0f} requests a second on {GOAL_OPERATION} "
            f"there, {rps('mock_granian') / rps('mock'):.2f}x its speed on the default stack. granian hands an "
            "unknown method to the app, but answers a request it cannot parse itself, outside the envelope, "
            "and offers no hook to change that (the table above); uvicorn's protocol classes can be "
            "subclassed, which is how the mock answers every refusal in the envelope "
            "(`telephony_mock/_server.py`)."
        )
    lines += [
        "- **Bodies of many numbers**: batch get and import validate every number against the E.164 "
        "pattern and the batch limits before the rule runs, and a list serialises every record; these "
        "are the mock's own costs beyond the stack (see the ceiling column). They follow the size of "
        "the batch; the store's size adds only cache misses (the scale table).",
        "- **One process, one core**: the mock serves from one event loop; a second core helps only the "
        "client or another process.",
    ]
    if scale is not None:
        largest = str(scale["sizes"][-1])
        sqlite = scale["in_process"]["sqlite"][largest]["batch_delete"]["median_ms"]
        memory = scale["in_process"]["memory"][largest]["batch_delete"]["median_ms"]
        lines.append(
            f"- **Durable state costs writes**: with `--state` every write commits and syncs before the answer; "
            f"a batch delete of {scale['batch']:,} in a store of {int(largest):,} takes {_ms(sqlite)} ms in "
            f"SQLite against {_ms(memory)} ms in memory."
        )
    lines.append("")
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
        "store, what the clients add per call, and how fast the contract suite runs.",
        "",
        f"Reproduce with `{env['command']}` (about 25 minutes; it installs wrk with apt-get and Prism "
        "with npm into `.bench/` when they are missing). One part: `.venv/bin/python scripts/bench/run.py "
        "--only compare` (or profile, scale, small-under-big, workers, client, conformance, kit, fidelity). "
        "Raw figures, every round included: `reports/bench/results.json`.",
        "",
        *_environment(env),
    ]
    if "compare" in results:
        lines += _compare(results["compare"])
    if "profile" in results:
        lines += _profile(results["profile"])
    if "scale" in results:
        lines += _scale(results["scale"])
    if "small_under_big" in results:
        lines += small_under_big_section(results["small_under_big"])
    if "workers" in results:
        lines += workers_section(results["workers"])
    if "client" in results:
        lines += client_section(results["client"])
    if "kit" in results:
        lines += kit_section(results["kit"])
    lines += _conformance(results.get("conformance"))
    lines += fidelity_section(results.get("fidelity"))
    if "compare" in results and "profile" in results:
        lines += _standing(results["compare"], results["profile"], results.get("scale"))
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
