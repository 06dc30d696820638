"""How fast `make fidelity` compares a deep night's recording: exchanges per second.

A recording of `EXCHANGES` exchanges is generated from the mock itself, in-process, with the mix
of a night (imports, reads one by one and in batches, lookups, reassignments, releases, and the
errors each can answer), and written as the nightly run writes it (contract_tests/recording.py).
Two figures come from the same run: the whole comparison (read the HAR, seed, replay against a
fresh mock, compare every pair), and, as its reference, the replay alone, so the ratio says what
the comparing costs on top of answering the requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

EXCHANGES = 30_000
# The goal: a deep night's recording compared in under two minutes.
GOAL_SECONDS = 120.0
AGENT, KEY = "agent-dev", "polyai-mock-dev-key"


def _requests(cycle: int) -> list[tuple[str, str, str, Any]]:
    """One cycle of a night's requests around one fictional number of its own."""
    number = f"+4477009{cycle % 1000:05d}"
    encoded = number.replace("+", "%2B")
    base = f"/v1/agents/{AGENT}/telephony"
    return [
        ("POST", f"{base}/phone-numbers", "", {"phoneNumbers": [number], "clientEnv": "sandbox"}),
        ("POST", f"{base}/phone-numbers", "", {"phoneNumbers": [number], "clientEnv": "sandbox"}),  # 409
        ("GET", f"{base}/phone-numbers/{encoded}", "", None),
        ("POST", f"{base}/phone-numbers/batch", "", {"phoneNumbers": [number, "+442079460999"]}),
        ("PATCH", f"{base}/phone-numbers/{encoded}", "", {"connectorId": "conn-dev-en"}),
        ("POST", f"{base}/connectors/lookup", "", {"phoneNumber": number}),
        ("GET", f"{base}/connectors/conn-dev-es", "", None),
        ("GET", f"{base}/phone-numbers/%2B4420794", "", None),  # 400
        ("DELETE", f"{base}/phone-numbers/{encoded}", "", None),
        ("GET", f"{base}/phone-numbers/{encoded}", "", None),  # 404
    ]


def generate(path: Path, exchanges: int = EXCHANGES) -> int:
    from contract_tests import recording, replay
    from telephony_mock import create_app

    recorder = recording.Recorder(path, run_keys=[KEY], comment="generated for scripts/bench/fidelity_speed.py")
    app = recording.RecordingApp(create_app(), recorder, "http://127.0.0.1:8000")

    async def send_all() -> None:
        # A night starts by reading the agent's connectors, which the replay's seed is made of.
        await replay.send_to(
            app, "GET", f"/v1/agents/{AGENT}/telephony/connectors", "", [(b"x-api-key", KEY.encode())], b""
        )
        cycle = 0
        while recorder.count < exchanges:
            for method, route, query, body in _requests(cycle):
                raw = json.dumps(body).encode() if body is not None else b""
                headers = [(b"x-api-key", KEY.encode()), (b"content-type", b"application/json")]
                headers += [(b"content-length", str(len(raw)).encode())] if raw else []
                await replay.send_to(app, method, route, query, headers, raw)
                if recorder.count >= exchanges:
                    return
            cycle += 1

    asyncio.run(send_all())
    recorder.close()
    return recorder.count


def run(work: Path) -> dict[str, Any]:
    try:
        from contract_tests import fidelity, recording, replay
    except ImportError as error:
        return {"skipped": f"the contract suite cannot be imported ({error})"}
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    path = work / "night.har"
    count = generate(path)

    started = time.perf_counter()
    exchanges = recording.read(path).exchanges
    replay.replay(exchanges)
    replay_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = fidelity.compare(recording.read(path))
    compare_seconds = time.perf_counter() - started
    if result.score != 1.0:
        raise RuntimeError(f"the mock's own recording scored {result.score}; the benchmark compares a faithful night")
    return {
        "exchanges": count,
        "megabytes": round(path.stat().st_size / 1e6, 1),
        "replay_seconds": round(replay_seconds, 2),
        "compare_seconds": round(compare_seconds, 2),
        "replay_per_second": round(count / replay_seconds),
        "compare_per_second": round(count / compare_seconds),
        "goal_seconds": GOAL_SECONDS,
        "date": date,
        "load_average": round(load, 2),
    }
