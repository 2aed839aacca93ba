"""Child processes for the Bolt adapter's reliability tests: `python neo4j_workers.py JOB GO ARGS…`.

The store comes from $MPI_TEST_WORKER_URI / _USER / _PASSWORD / _DATABASE. Jobs as in
sqlite_workers.py (`upsert WORKER ROUNDS`, `register WORKER CURPS`, `import BATCHES
SIZE [PAUSE_AT]`); each waits for the file GO to exist before starting.

`upsert` and `register` write through `Neo4jStore.run_write`, which replays a
transaction that lost a race: on ArcadeDB (optimistic concurrency) the later of two
clashing commits fails, where Neo4j would have made it wait for the lock.
`register-uow` does the same through the port's `store.write()` block, retrying the
use case when the store reports a ConflictError, as a service would.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from mpi.domain.errors import ConflictError
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite, UpsertOutcome
from mpi.store.neo4j import Neo4jStore, Neo4jWriteTx, open_neo4j_store
from tests.store.sqlite_workers import AT, _link_or_create, import_batches

ENV_PREFIX = "MPI_TEST_WORKER_"
_USE_CASE_ATTEMPTS = 20


def wait_for(go: Path) -> None:
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.005)


def upsert(store: Neo4jStore, worker: str, rounds: int) -> None:
    for n in range(rounds):
        phone = f"55{worker}{n % 2:07d}"
        rec = Record("IMSS", "SHARED", curp="PRUE800101HDFXXX01", phone=phone)

        def work(tx: Neo4jWriteTx, rec: Record = rec) -> UpsertOutcome:
            (outcome,) = tx.upsert_records([RecordWrite(rec, ("curp:SHARED",))], AT)
            return outcome

        outcome = store.run_write(work)
        print(json.dumps([outcome.change.value, outcome.version]), flush=True)


def register(store: Neo4jStore, worker: str, curps: int) -> None:
    for n in range(curps):
        curp = f"PRUE{n:06d}HDFXXX01"
        rec = Record(f"INST{worker}", f"R{n}", curp=curp, first_surname="PRUEBA")
        block = f"curp:{curp}"

        def work(tx: Neo4jWriteTx, rec: Record = rec, block: str = block, n: int = n) -> None:
            tx.upsert_records([RecordWrite(rec, (block,))], AT)
            tx.lock([block])
            _link_or_create(tx, rec.key, block, f"P{worker}-{n}")

        store.run_write(work)
    print("done", flush=True)


def register_uow(store: Neo4jStore, worker: str, curps: int) -> None:
    retries = 0
    for n in range(curps):
        curp = f"PRUE{n:06d}HDFXXX01"
        rec = Record(f"INST{worker}", f"R{n}", curp=curp, first_surname="PRUEBA")
        block = f"curp:{curp}"
        for _ in range(_USE_CASE_ATTEMPTS):
            try:
                with store.write() as tx:
                    tx.upsert_records([RecordWrite(rec, (block,))], AT)
                    tx.lock([block])
                    _link_or_create(tx, rec.key, block, f"P{worker}-{n}")
                break
            except ConflictError:
                retries += 1
        else:
            raise SystemExit(f"gave up on {curp} after {_USE_CASE_ATTEMPTS} attempts")
    print(f"done {retries}", flush=True)


def main(argv: Sequence[str]) -> None:
    job, go = argv[0], Path(argv[1])
    store = open_neo4j_store(
        os.environ[ENV_PREFIX + "URI"],
        user=os.environ[ENV_PREFIX + "USER"],
        password=os.environ[ENV_PREFIX + "PASSWORD"],
        database=os.environ[ENV_PREFIX + "DATABASE"],
    )
    wait_for(go)
    if job == "upsert":
        upsert(store, argv[2], int(argv[3]))
    elif job == "register":
        register(store, argv[2], int(argv[3]))
    elif job == "register-uow":
        register_uow(store, argv[2], int(argv[3]))
    else:
        pause = int(argv[4]) if len(argv) > 4 else None
        import_batches(store, int(argv[2]), int(argv[3]), pause)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
