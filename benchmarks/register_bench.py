"""Incremental registration and resolution latency against a store that already holds a graph.

    .venv/bin/python benchmarks/register_bench.py RECORDS.csv [--samples 2000]
        [--adapter sqlite|neo4j] [--base DB] [--workdir DIR] [--heap 4g]

sqlite: the graph of RECORDS.csv is built once with batch linking into --base (reused when it
exists, e.g. the store `mpi link` or link_bench.py left behind), copied to a scratch file, and
the use cases are timed in-process on the copy. neo4j: an ArcadeDB Bolt server is started (the
tests' server), the graph is batch-linked into a fresh database, then the same is timed.

Resolution time includes the per-field explanation of the best candidate person (the
others' explanations are computed only when read). Queries are made from the file itself,
so they hit realistic blocks: half are new records of persons already in the graph (another
institution, a typo or a missing CURP), half are records of persons the graph does not hold
(a population generated with another seed). Each sample is resolved (no write), then
registered (one transaction); the first 50 of each are warm-up.
Prints p50 / p90 / p99 / max in milliseconds, and the decisions taken.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mpi.bootstrap import Services, build
from mpi.config import Settings
from mpi.domain.records import Record
from mpi.io.records_file import read_records
from mpi.rules_file import default_rules
from mpi.services.audit import Actor
from mpi.services.batch_link import link_records
from mpi.services.model import term_frequencies_state
from mpi.store import open_store
from mpi.store.model_state import TERM_FREQUENCIES, open_model_state
from mpi.store.model_state_sqlite import SqliteModelState
from mpi.synthetic.generate import generate

HERE = Path(__file__).resolve().parent
WARM_UP = 50
ACTOR = Actor("register-bench", "admin", purpose="benchmark")


def main() -> None:
    args = _parser().parse_args()
    records = [r for r in read_records(args.records) if isinstance(r, Record)]
    print(f"file: {args.records} ({len(records):,} records)", flush=True)
    queries = list(_queries(records, args.samples, random.Random(args.seed)))
    with _services(args, records) as services:
        _measure(services, queries)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--adapter", choices=["sqlite", "neo4j"], default="sqlite")
    parser.add_argument("--base", type=Path, help="SQLite store holding the file's graph")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--heap", default="4g", help="ArcadeDB JVM heap")
    parser.add_argument("--seed", type=int, default=7)
    return parser


def _queries(records: list[Record], samples: int, rng: random.Random) -> Iterator[Record]:
    known = rng.sample(records, samples // 2)
    strangers = list(generate(max(samples, 100), seed=rng.randrange(10**6) + 1000).records())
    for i, (old, new) in enumerate(zip(known, rng.sample(strangers, samples // 2), strict=True)):
        yield _variant(old, f"K{i}", rng)
        yield replace(new, institution="BENCH", record_id=f"N{i}")


def _variant(record: Record, record_id: str, rng: random.Random) -> Record:
    """The same person as seen by another institution: sometimes no CURP, sometimes a typo."""
    changed = replace(record, institution="BENCH", record_id=record_id)
    roll = rng.random()
    if roll < 0.3:
        return replace(changed, curp=None)
    if roll < 0.5 and changed.birth_date is not None:
        return replace(changed, curp=None, birth_date=changed.birth_date + timedelta(days=1))
    if roll < 0.6 and changed.given_names:
        return replace(changed, given_names=changed.given_names[:-1])
    return changed


class _services:
    def __init__(self, args: argparse.Namespace, records: list[Record]) -> None:
        self.args, self.records = args, records
        self.cleanup: list[Callable[[], None]] = []

    def __enter__(self) -> Services:
        workdir = Path(self.args.workdir or tempfile.mkdtemp(prefix="register-bench-"))
        workdir.mkdir(parents=True, exist_ok=True)
        if self.args.adapter == "sqlite":
            return self._sqlite(workdir)
        return self._neo4j(workdir)

    def __exit__(self, *exc: object) -> None:
        for step in reversed(self.cleanup):
            step()

    def _sqlite(self, workdir: Path) -> Services:
        base = self.args.base or workdir / "base.db"
        if not base.exists():
            _load(f"sqlite:///{base}", self.records)
        copy = workdir / "scratch.db"
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{base}{suffix}").exists():
                shutil.copyfile(f"{base}{suffix}", f"{copy}{suffix}")
        started = time.perf_counter()
        services = build(Settings(store_url=f"sqlite:///{copy}", actor=ACTOR.name))
        print(
            f"start-up (open store, load rules and term frequencies): "
            f"{time.perf_counter() - started:.2f} s",
            flush=True,
        )
        self.cleanup.append(services.close)
        return services

    def _neo4j(self, workdir: Path) -> Services:
        sys.path.insert(0, str(HERE))
        from _arcadedb_bench import arcadedb_stores

        context = arcadedb_stores(workdir, self.args.heap)
        open_for = context.__enter__()
        self.cleanup.append(lambda: _exit(context))
        store = open_for(len(self.records))
        state = SqliteModelState(workdir / "model_state.db")
        started = time.perf_counter()
        result = link_records(store, self.records, default_rules(), ACTOR)
        print(
            f"batch-linked into ArcadeDB over Bolt in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        state.save(TERM_FREQUENCIES, term_frequencies_state(result.term_frequencies), _now())
        services = build(Settings(store_url="bolt://arcadedb"), store=store, model_state=state)
        self.cleanup.append(services.close)
        return services


def _exit(context: AbstractContextManager[object]) -> None:
    context.__exit__(None, None, None)


def _now() -> datetime:
    return datetime.now(UTC)


def _load(url: str, records: list[Record]) -> None:
    """Batch-link the file into an empty store and keep its term frequencies (as mpi link)."""
    print(f"building the base graph in {url} (batch link) …", flush=True)
    started = time.perf_counter()
    store = open_store(url)
    try:
        result = link_records(store, records, default_rules(), ACTOR)
    finally:
        store.close()
    state = open_model_state(url)
    try:
        state.save(TERM_FREQUENCIES, term_frequencies_state(result.term_frequencies), _now())
    finally:
        state.close()
    print(f"  done in {time.perf_counter() - started:.1f} s ({result.persons:,} persons)")


def _measure(services: Services, queries: list[Record]) -> None:
    timings: dict[str, list[tuple[float, float]]] = {"resolve": [], "register": []}
    outcomes: Counter[str] = Counter()
    for record in queries:
        with _timed(timings["resolve"]):
            found = services.linking.resolve(record).candidates
            if found:  # a front desk reads why the best candidate matched
                assert found[0].explanation is not None
        with _timed(timings["register"]):
            outcomes[services.linking.register(record, ACTOR).outcome.value] += 1
    with services.store.read() as tx:
        held = tx.stats().records
    print(f"store now holds {held:,} records; {len(queries)} queries, {WARM_UP} warm-up each")
    for name, pairs in timings.items():
        _print(f"{name} (wall)", [wall for wall, _ in pairs[WARM_UP:]])
        _print(f"{name} (CPU) ", [cpu for _, cpu in pairs[WARM_UP:]])
    print("decisions: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


@contextmanager
def _timed(into: list[tuple[float, float]]) -> Iterator[None]:
    """Wall and CPU milliseconds of the block (CPU: this process only, so not the time
    spent waiting for a core on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))


def _print(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100)
    print(
        f"{name}: p50 {q[49]:.2f} ms, p90 {q[89]:.2f} ms, p99 {q[98]:.2f} ms, "
        f"max {ordered[-1]:.2f} ms (n={len(ordered)})"
    )


if __name__ == "__main__":
    main()
