"""CPU per `resolveIdentity` request, in-process: the ASGI app called directly, no network.

Loads (or reuses) a SQLite store of N synthetic persons as benchmarks/api_load.py does
(same generator seed, same queries: stored records' demographics, limit 5), then answers
R requests from `--concurrency` clients on one event loop through the whole stack
(Starlette, auth, strawberry, the audit batcher: `--layer api`), or by calling
`LinkingService.resolve` (`--layer service`; with `--concurrency N`, `resolve_many` of N).
Prints CPU time per request (time.process_time) beside wall time and the load average, for
each of `--rounds` rounds; `--profile FILE` writes a cProfile of the last round.

    .venv/bin/python benchmarks/resolve_cpu.py --persons 100000 --store /tmp/d1_100k.db
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api_inprocess import call
from api_load import RESOLVE, identity_input
from api_population import load_population, population_records
from mpi.api.app import create_app
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.records import Record
from mpi.services.api_keys import ApiKeys
from mpi.services.linking import LinkingService
from mpi.services.resolve import query_record

SEED = 11  # load_population's default: the records regenerate identically


def queries(records: list[Record], count: int) -> list[Record]:
    """The records api_load's resolveIdentity sends, in its order."""
    rng = random.Random(5)
    picks = [rng.randrange(len(records)) for _ in range(1 << 16)]
    return [records[picks[n % len(picks)]] for n in range(count)]


def as_query(r: Record) -> Record:
    fields = ("curp", "given_names", "first_surname", "second_surname", "sex", "birth_date")
    return query_record(**{k: getattr(r, k) for k in (*fields, "birth_state")})


class AsgiCaller:
    """POST /graphql to an ASGI app without a server, one request at a time."""

    def __init__(self, app: Callable[..., Any], token: str) -> None:
        self._app = app
        self._token = token.encode()

    async def post(self, body: bytes) -> dict[str, Any]:
        _, response = await call(self._app, self._token, body)
        answer: dict[str, Any] = json.loads(response)
        return answer


def run_api(
    url: str, picked: list[Record], rounds: int, profile: Path | None, concurrency: int
) -> None:
    keys = ApiKeys.open(url)
    token = keys.create("admin").token
    keys.close()
    app = create_app(api_services(build(Settings(store_url=url))))
    caller = AsgiCaller(app, token)
    bodies = [
        json.dumps({"query": RESOLVE, "variables": {"input": identity_input(r)}}).encode()
        for r in picked
    ]

    async def client(mine: list[bytes]) -> None:
        for body in mine:
            answer = await caller.post(body)
            assert answer["data"]["resolveIdentity"]["__typename"] == "IdentityResolution"

    async def one_round() -> None:
        # `concurrency` clients, each sending its share of the bodies one after another.
        await asyncio.gather(*(client(bodies[c::concurrency]) for c in range(concurrency)))

    async def main() -> None:
        await caller.post(bodies[0])
        for r in range(rounds):
            prof = cProfile.Profile() if profile and r == rounds - 1 else None
            wall, cpu = time.perf_counter(), time.process_time()
            if prof is not None:
                prof.enable()
            await one_round()
            if prof is not None:
                prof.disable()
                prof.dump_stats(profile)
            layer = f"api x{concurrency}"
            _print(layer, len(bodies), time.perf_counter() - wall, time.process_time() - cpu)

    asyncio.run(main())


def run_service(
    url: str, picked: list[Record], rounds: int, profile: Path | None, concurrency: int
) -> None:
    services = build(Settings(store_url=url))
    queries_ = [as_query(r) for r in picked]
    try:
        services.linking.resolve(queries_[0], 5)
        for r in range(rounds):
            prof = cProfile.Profile() if profile and r == rounds - 1 else None
            t = _timed(prof, lambda: _resolve_all(services.linking, queries_, concurrency))
            _print(f"service x{concurrency}", len(queries_), *t)
            if prof is not None and profile is not None:
                prof.dump_stats(profile)
    finally:
        services.close()


def _resolve_all(linking: LinkingService, queries_: list[Record], batch: int) -> None:
    if batch == 1:
        for q in queries_:
            linking.resolve(q, 5)
        return
    for start in range(0, len(queries_), batch):
        part = queries_[start : start + batch]
        linking.resolve_many(part, [5] * len(part))


def _timed(prof: cProfile.Profile | None, work: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    if prof is not None:
        prof.enable()
    work()
    if prof is not None:
        prof.disable()
    return time.perf_counter() - wall, time.process_time() - cpu


def _print(layer: str, n: int, wall: float, cpu: float) -> None:
    figures = {
        "layer": layer,
        "requests": n,
        "cpu_ms_per_request": round(cpu / n * 1000, 3),
        "wall_ms_per_request": round(wall / n * 1000, 3),
        "load": round(os.getloadavg()[0], 1),
    }
    print(json.dumps(figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--store", type=Path, required=True, help="reused if it exists")
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--layer", choices=["api", "service"], default="api")
    parser.add_argument("--profile", type=Path, help="cProfile of the last round here")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="api: concurrent clients; service: records per resolve_many call (1: resolve)",
    )
    args = parser.parse_args()
    url = f"sqlite:///{args.store}"
    if args.store.exists():
        records = population_records(args.persons, SEED)
    else:
        records = load_population(url, args.persons, SEED).records
    picked = queries(records, args.requests)
    run = run_api if args.layer == "api" else run_service
    run(url, picked, args.rounds, args.profile, args.concurrency)


if __name__ == "__main__":
    main()
