"""Store benchmark: bulk upsert throughput and candidate lookup latency at several sizes.

For each size N it builds a fresh store of N synthetic records (five block keys each,
one new person and one HAS_RECORD link per record, one write transaction per batch)
and reports:
- bulk records/s (store time only; generating the synthetic rows is not counted),
- candidate lookup latency p50 / p99 over random stored records' block keys, each
  lookup in its own read transaction, as the linking service does it,
- search latency (CPU ms p50 / p99): search by CURP and by first surname + birth date of
  random stored records, each in its own read transaction,
- database size per record (SQLite: file + WAL after a checkpoint).

With --bulk-load the same rows go through the store's bulk loader instead (the path of
`mpi link` into an empty store): all batches in one transaction, records inserted linked.

    .venv/bin/python benchmarks/store_bench.py --adapter sqlite --sizes 1000,100000,1000000
    .venv/bin/python benchmarks/store_bench.py --adapter sqlite --bulk-load --sizes 1000,100000
    .venv/bin/python benchmarks/store_bench.py --adapter neo4j --sizes 1000,100000
    .venv/bin/python benchmarks/store_bench.py --adapter neo4j --url bolt://127.0.0.1:7687 ...

Without --url, --adapter neo4j starts a throwaway ArcadeDB Bolt server (the one the
tests use, JVM heap --heap) with a fresh database per size. With --url it reads
MPI_NEO4J_USER / MPI_NEO4J_PASSWORD / MPI_NEO4J_DATABASE and expects an empty database.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite
from mpi.store import open_store
from mpi.store.port import BulkLoader, Store

AT = datetime(2026, 1, 1, tzinfo=UTC)
SURNAMES = [f"APELLIDO{n:03d}" for n in range(300)]
GIVEN = [f"NOMBRE{n:03d}" for n in range(150)]
STATES = ["AS", "BC", "CH", "DF", "GR", "JC", "MC", "MN", "NL", "OC", "PL", "VZ", "YN", "ZS"]
INSTITUTIONS = ["IMSS", "ISSSTE", "IMSSB", "PEMEX", "SEDENA", "SEMAR"]
CAP = 500
Opener = Callable[[int], Store]  # a fresh, empty store for a benchmark of this size


@dataclass(frozen=True)
class Result:
    size: int
    records_per_s: float
    records_per_cpu_s: float
    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float
    curp_ms: tuple[float, float]  # search by CURP, CPU p50 / p99
    name_dob_ms: tuple[float, float]  # search by first surname + birth date, CPU p50 / p99
    bytes_per_record: float | None


def synthetic(n: int, rng: random.Random) -> RecordWrite:
    """Record number n with five block keys shaped like the linker's (CURP, root, names+dates)."""
    surname, given, state = rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(STATES)
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(30000))
    curp = f"{surname[:2]}{given[:2]}{born:%y%m%d}{rng.choice('HM')}{state}{n % 17576:05d}"[:18]
    nss = f"{n:011d}"
    rec = Record(
        rng.choice(INSTITUTIONS),
        f"R{n}",
        curp=curp,
        given_names=given,
        first_surname=surname,
        second_surname=rng.choice(SURNAMES),
        sex=curp[10],
        birth_date=born,
        birth_state=state,
        postal_code=f"{rng.randrange(100000):05d}",
        nss=nss,
    )
    keys = (
        f"curp:{curp}",
        f"root:{curp[:16]}",
        f"sdob:{surname}:{born.isoformat()}",
        f"gys:{given}:{born.year}:{state}",
        f"nss:{nss}",
    )
    return RecordWrite(rec, keys)


def batches(size: int, batch: int, rng: random.Random) -> Iterator[list[RecordWrite]]:
    for start in range(0, size, batch):
        yield [synthetic(n, rng) for n in range(start, min(size, start + batch))]


def load(
    store: Store, size: int, batch: int, rng: random.Random
) -> tuple[float, float, list[RecordWrite]]:
    """Write every batch; returns store wall and CPU seconds and a sample of rows for lookups."""
    spent, cpu, sample = 0.0, 0.0, []
    for rows in batches(size, batch, rng):
        persons = [Person(f"P{r.record.key}", PersonStatus.ACTIVE, AT) for r in rows]
        links = [Link(r.record.key, f"P{r.record.key}", AT, "bench", "new", None) for r in rows]
        started, cpu_started = time.perf_counter(), time.process_time()
        with store.write() as tx:
            tx.upsert_records(rows, AT)
            tx.create_persons(persons)
            tx.link_many(links)
        spent += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        sample += rng.sample(rows, min(len(rows), 50))
    return spent, cpu, sample


def bulk_load(
    store: Store, size: int, batch: int, rng: random.Random
) -> tuple[float, float, list[RecordWrite]]:
    """As `load`, through the bulk loader of an empty store (`mpi link`'s path): every batch
    in the one bulk transaction, each record inserted already linked; the time includes
    building the deferred indexes and publishing the file."""
    if not isinstance(store, BulkLoader):
        raise SystemExit("--bulk-load needs a store with a bulk loader (SQLite)")
    making, making_cpu, sample = 0.0, 0.0, []  # time spent generating rows, not counted
    started, cpu_started = time.perf_counter(), time.process_time()
    with store.bulk_load() as tx:
        made = batches(size, batch, rng)
        while True:
            wall_mark, cpu_mark = time.perf_counter(), time.process_time()
            rows = next(made, None)
            if rows is None:
                break
            persons = [Person(f"P{r.record.key}", PersonStatus.ACTIVE, AT) for r in rows]
            links = [Link(p.id[1:], p.id, AT, "bench", "new", None) for p in persons]
            sample += rng.sample(rows, min(len(rows), 50))
            making += time.perf_counter() - wall_mark
            making_cpu += time.process_time() - cpu_mark
            tx.create_persons(persons)
            tx.insert_linked_records(rows, links, AT)
    spent = time.perf_counter() - started - making
    cpu = time.process_time() - cpu_started - making_cpu
    return spent, cpu, sample


def lookups(
    store: Store, sample: list[RecordWrite], count: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per lookup (CPU time shows the cost without scheduling noise)."""
    wall, cpu = [], []
    for _ in range(count):
        keys = rng.choice(sample).block_keys
        started, cpu_started = time.perf_counter(), time.process_time()
        with store.read() as tx:
            found = tx.candidates(keys, CAP)
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert found.candidates, "a stored record must find at least itself"
    return sorted(wall), sorted(cpu)


def searches(
    store: Store, sample: list[RecordWrite], count: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """CPU milliseconds per search by CURP and per search by first surname + birth date."""
    by_curp, by_name = [], []
    for _ in range(count):
        record = rng.choice(sample).record
        assert record.curp is not None and record.first_surname is not None
        assert record.birth_date is not None
        started = time.process_time()
        with store.read() as tx:
            found = tx.search_by_curp(record.curp)
        by_curp.append((time.process_time() - started) * 1000)
        assert record.key in {r.record.key for r in found}, "search by CURP must find it"
        started = time.process_time()
        with store.read() as tx:
            tx.search_by_name_dob(record.first_surname, record.birth_date)
        by_name.append((time.process_time() - started) * 1000)
    return sorted(by_curp), sorted(by_name)


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def sqlite_bytes(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def run_size(
    args: argparse.Namespace, size: int, workdir: Path, opener: Opener | None = None
) -> Result:
    rng = random.Random(size)
    path = workdir / f"bench-{size}.db"
    url = f"sqlite:///{path}" if args.adapter == "sqlite" else args.url
    store = opener(size) if opener is not None else open_store(url)
    try:
        fill = bulk_load if args.bulk_load else load
        spent, cpu, sample = fill(store, size, args.batch, rng)
        wall, cpu_ms = lookups(store, sample, args.lookups, rng)
        by_curp, by_name = searches(store, sample, args.lookups, rng)
    finally:
        store.close()
    per_record = sqlite_bytes(path) / size if args.adapter == "sqlite" else None
    return Result(
        size,
        size / spent,
        size / cpu,
        percentile(wall, 0.5),
        percentile(wall, 0.99),
        percentile(cpu_ms, 0.5),
        percentile(cpu_ms, 0.99),
        (percentile(by_curp, 0.5), percentile(by_curp, 0.99)),
        (percentile(by_name, 0.5), percentile(by_name, 0.99)),
        per_record,
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adapter", choices=["sqlite", "neo4j"], default="sqlite")
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--batch", type=int, default=50_000, help="records per transaction")
    parser.add_argument("--lookups", type=int, default=5000)
    parser.add_argument(
        "--bulk-load",
        action="store_true",
        help="fill each store through its bulk loader (empty store, one transaction)",
    )
    parser.add_argument("--url", help="store URL for --adapter neo4j (default: start ArcadeDB)")
    parser.add_argument("--heap", default="4g", help="JVM heap of the ArcadeDB started")
    parser.add_argument("--dir", type=Path, help="where SQLite files go (default: a temp dir)")
    return parser.parse_args(argv)


@contextmanager
def bolt_opener(args: argparse.Namespace, workdir: Path) -> Iterator[Opener | None]:
    """A fresh store per size on a throwaway ArcadeDB, for --adapter neo4j without --url."""
    if args.adapter != "neo4j" or args.url:
        yield None
        return
    from _arcadedb_bench import arcadedb_stores

    with arcadedb_stores(workdir, args.heap) as opener:
        yield opener


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    print(
        "| records | bulk records/s (wall) | bulk records/CPU-s | lookup p50 / p99 ms (wall) "
        "| lookup p50 / p99 ms (CPU) | search CURP p50 / p99 ms (CPU) "
        "| search name+date p50 / p99 ms (CPU) | bytes/record | store CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with (
        tempfile.TemporaryDirectory(dir=args.dir) as tmp,
        bolt_opener(args, Path(tmp)) as opener,
    ):
        for size in (int(s) for s in args.sizes.split(",")):
            r = run_size(args, size, Path(tmp), opener)
            per = "n/a" if r.bytes_per_record is None else f"{r.bytes_per_record:,.0f}"
            print(
                f"| {r.size:,} | {r.records_per_s:,.0f} | {r.records_per_cpu_s:,.0f} "
                f"| {r.p50_ms:.3f} / {r.p99_ms:.3f} | {r.cpu_p50_ms:.3f} / {r.cpu_p99_ms:.3f} "
                f"| {r.curp_ms[0]:.3f} / {r.curp_ms[1]:.3f} "
                f"| {r.name_dob_ms[0]:.3f} / {r.name_dob_ms[1]:.3f} "
                f"| {per} | {r.size / r.records_per_cpu_s:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
