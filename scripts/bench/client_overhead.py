"""What the clients cost per call, against raw httpx, on the same mock.

Three sides make the same calls, each over its own keep-alive connection, against one mock server
pinned to the first core, from this process pinned to the second: raw httpx (send the request,
decode the JSON), the generated operation functions (`polyai_telephony.api`: also build the URL,
check the status, turn the JSON into models) and the `PolyAI` client over them (also resolve the
agent, apply the call's options and narrow the answer to its success model). The sides take turns
call by call, so a disturbance on the shared machine falls on a round, not on one side; each
overhead is the median of the rounds' differences, which a burst of noise barely moves.

    .venv/bin/python scripts/bench/client_overhead.py   # this part alone; rewrites its section of BENCHMARKS.md
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from compare import API_KEY, mock_server, seed_mock
from fictional import block_start, fictional_number, fictional_numbers
from polyai_telephony import AuthenticatedClient, PolyAI
from polyai_telephony.api.phone_numbers import (
    batch_get_phone_numbers,
    get_phone_number,
    import_phone_numbers,
    list_phone_numbers,
)
from polyai_telephony.models import BatchGetPhoneNumbersRequest, ClientEnv, ImportPhoneNumbersRequest
from report import client_section
from servers import LOADGEN_CPU
from tools import ROOT

ROUNDS = 2000
AGENT, LIST_AGENT = "agent-dev", "agent-dev-2"
# Import numbers for each side from blocks the seeding does not use.
RAW_IMPORT_BLOCK, GENERATED_IMPORT_BLOCK, SDK_IMPORT_BLOCK, IMPORT_BATCH = 5, 6, 7, 10
SIDES = ("raw_httpx", "generated", "sdk")


class ImportCounter:
    def __init__(self, block: int) -> None:
        self.next = block_start(block)

    def batch(self) -> list[str]:
        numbers = list(fictional_numbers(IMPORT_BATCH, self.next))
        self.next += IMPORT_BATCH
        return numbers


def _rounds_us(calls: tuple[Callable[[], Any], ...], rounds: int) -> list[list[float]]:
    """Microseconds of each side's call, round by round, the sides in turn within a round."""
    times: list[list[float]] = [[] for _ in calls]
    clock = time.perf_counter
    for _ in range(rounds):
        for side, call in enumerate(calls):
            started = clock()
            call()
            times[side].append((clock() - started) * 1e6)
    return times


def run(work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    affinity = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {LOADGEN_CPU})
    try:
        with mock_server(work) as mock:
            seed_mock(mock.base_url)
            return _measure(mock.base_url)
    finally:
        os.sched_setaffinity(0, affinity)


def _measure(base_url: str) -> dict[str, Any]:
    one = fictional_number(block_start(0) + 12_345)
    batch = [fictional_number(block_start(0) + index * 1000 + 7) for index in range(100)]
    path = f"/v1/agents/{AGENT}/telephony/phone-numbers"
    with (
        httpx.Client(base_url=base_url, headers={"X-API-KEY": API_KEY}) as raw,
        AuthenticatedClient(base_url=base_url, token=API_KEY, auth_header_name="X-API-KEY", prefix="") as generated,
        PolyAI(api_key=API_KEY, base_url=base_url, agent_id=AGENT) as sdk,
    ):
        return _compare(raw, generated, sdk, path, one, batch)


def _compare(
    raw: httpx.Client, generated: AuthenticatedClient, sdk: PolyAI, path: str, one: str, batch: list[str]
) -> dict[str, Any]:
    imports = {
        "raw_httpx": ImportCounter(RAW_IMPORT_BLOCK),
        "generated": ImportCounter(GENERATED_IMPORT_BLOCK),
        "sdk": ImportCounter(SDK_IMPORT_BLOCK),
    }

    def checked(response: httpx.Response, status: int) -> Any:
        assert response.status_code == status, response.text[:200]
        return response.json()

    operations: dict[str, tuple[Callable[[], Any], ...]] = {
        "get one": (
            lambda: checked(raw.get(f"{path}/{one.replace('+', '%2B')}"), 200),
            lambda: get_phone_number.sync(AGENT, one, client=generated),
            lambda: sdk.phone_numbers.get(one),
        ),
        "list (1,000 numbers)": (
            lambda: checked(raw.get(f"/v1/agents/{LIST_AGENT}/telephony/phone-numbers"), 200),
            lambda: list_phone_numbers.sync(LIST_AGENT, client=generated),
            lambda: sdk.phone_numbers.list(agent_id=LIST_AGENT),
        ),
        "batch get (100 of 100,000)": (
            lambda: checked(raw.post(f"{path}/batch", json={"phoneNumbers": batch}), 200),
            lambda: batch_get_phone_numbers.sync(
                AGENT, client=generated, body=BatchGetPhoneNumbersRequest(phone_numbers=batch)
            ),
            lambda: sdk.phone_numbers.batch_get(batch),
        ),
        "import (10 numbers a call)": (
            lambda: checked(
                raw.post(path, json={"phoneNumbers": imports["raw_httpx"].batch(), "clientEnv": "sandbox"}), 201
            ),
            lambda: import_phone_numbers.sync(
                AGENT,
                client=generated,
                body=ImportPhoneNumbersRequest(
                    phone_numbers=imports["generated"].batch(), client_env=ClientEnv.SANDBOX
                ),
            ),
            lambda: sdk.phone_numbers.import_(imports["sdk"].batch(), client_env="sandbox"),
        ),
    }
    # Every side must get what the raw side gets, or the comparison is of different work.
    for name, (_, *typed) in operations.items():
        for call in typed:
            result = call()
            assert type(result).__name__ != "Error" and result is not None, f"{name}: {result}"

    results: dict[str, Any] = {
        "rounds": ROUNDS,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average": round(os.getloadavg()[0], 2),
    }
    for name, calls in operations.items():
        calls[0]()  # the other sides are warm from the check above
        times = dict(zip(SIDES, _rounds_us(calls, ROUNDS), strict=True))
        medians = {side: statistics.median(values) for side, values in times.items()}
        figures: dict[str, float] = {f"{side}_us": round(medians[side], 1) for side in SIDES}
        for side in SIDES[1:]:
            differences = (own - base for base, own in zip(times["raw_httpx"], times[side], strict=True))
            figures[f"{side}_overhead_us"] = round(statistics.median(differences), 1)
            figures[f"{side}_ratio"] = round(medians[side] / medians["raw_httpx"], 3)
        results[name] = figures
        print(f"  {name:28} {figures}", flush=True)
    return results


def rewrite_section(results: dict[str, Any], path: Path) -> None:
    """Replace this part's section of BENCHMARKS.md, leaving the other parts' figures as they are."""
    text = path.read_text()
    section = "\n".join(client_section(results))
    pattern = re.compile(r"^## The [^\n]*client[^\n]*cost per call\n.*?(?=^## )", re.DOTALL | re.MULTILINE)
    if not pattern.search(text):
        raise SystemExit(f"{path.name} has no client section to replace; run scripts/bench/run.py")
    path.write_text(pattern.sub(lambda _: section + "\n", text, count=1))


def main() -> int:
    results_dir = ROOT / "reports" / "bench"
    client = run(results_dir / "client")
    results_file = results_dir / "results.json"
    if results_file.exists():
        results = json.loads(results_file.read_text())
        results["client"] = client
        results_file.write_text(json.dumps(results, indent=2) + "\n")
    else:
        (results_dir / "client.json").write_text(json.dumps(client, indent=2) + "\n")
    rewrite_section(client, ROOT / "BENCHMARKS.md")
    print("report: BENCHMARKS.md (client section)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
