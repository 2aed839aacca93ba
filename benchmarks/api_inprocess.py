"""CPU per GraphQL request in-process: the ASGI app called directly, no network, no client.

Uses the store that `api_load.py --store-dir DIR` keeps (loading it first when DIR is
empty), builds the app one `mpi serve` worker builds, and sends the load benchmark's
`person` query (or a trivial `{ __typename }`) through the whole stack: auth, body limit,
strawberry, the store read, the golden view and the audit. Requests go one at a time, or
`--concurrency` at once on the event loop (the audit's group commit then shares commits).
Prints CPU (process time) and wall time per request, best of `--rounds`.

    .venv/bin/python benchmarks/api_inprocess.py --store-dir /tmp/mpi-100k --persons 100000
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message

from api_load import PERSON, prepared_population
from mpi.api.app import create_app
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.services.api_keys import ApiKeys

TYPENAME = "{ __typename }"


async def call(app: ASGIApp, token: bytes, body: bytes) -> tuple[int, bytes]:
    """One POST /graphql through the ASGI app; the status and the response body."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", b"Bearer " + token),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def bodies(query: str, person_ids: list[str], n: int) -> list[bytes]:
    rng = random.Random(5)
    if query != PERSON:
        return [json.dumps({"query": query}).encode()] * n
    return [
        json.dumps({"query": PERSON, "variables": {"id": rng.choice(person_ids)}}).encode()
        for _ in range(n)
    ]


async def run(app: ASGIApp, token: bytes, payloads: list[bytes], concurrency: int) -> None:
    queue = iter(payloads)

    async def worker() -> None:
        for body in queue:
            status, content = await call(app, token, body)
            if status != 200 or b'"errors"' in content:
                raise RuntimeError(f"bad answer {status}: {content[:300]!r}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def timed(go: Callable[[], None]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    go()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store-dir", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--query", choices=["person", "typename"], default="person")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of one round here")
    args = parser.parse_args()
    url = f"sqlite:///{args.store_dir / 'mpi.db'}"
    loaded = prepared_population(args.store_dir, url, args.persons)
    keys = ApiKeys.open(url)
    token = keys.create("admin").token.encode()
    keys.close()
    app = create_app(api_services(build(Settings(store_url=url))))
    query = PERSON if args.query == "person" else TYPENAME
    persons = sorted(set(loaded.person_ids))
    loop = asyncio.new_event_loop()

    payloads = bodies(query, persons, args.requests)

    def once() -> None:
        loop.run_until_complete(run(app, token, payloads, args.concurrency))

    once()  # warm-up: caches, first reads
    results = [timed(once) for _ in range(args.rounds)]
    cpu, wall = min(results)
    per = 1000 / args.requests
    print(
        json.dumps(
            {
                "query": args.query,
                "concurrency": args.concurrency,
                "requests": args.requests,
                "cpu_ms_per_request": round(cpu * per, 4),
                "wall_ms_per_request": round(wall * per, 4),
                "all_cpu_ms": [round(c * per, 4) for c, _ in results],
                "load_average": round(os.getloadavg()[0], 2),
            }
        )
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(once)
        profiler.dump_stats(args.profile)
        pstats.Stats(str(args.profile)).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
