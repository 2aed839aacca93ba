"""Child processes for the SQLite reliability tests: `python sqlite_workers.py JOB ARGS…`.

Jobs:
- `upsert DB WORKER ROUNDS`: upsert the same record key ROUNDS times with content
  that alternates between the workers; prints one JSON outcome per line.
- `register DB WORKER CURPS`: for each CURP, register this worker's record the way
  the linking service does (upsert, lock the CURP block, read candidates, link to
  the person found or create one); prints "done".
- `import DB BATCHES SIZE [PAUSE_AT]`: a resumable bulk import, one transaction per
  batch; prints "committed N" after each commit. With PAUSE_AT it prints "paused N"
  in the middle of batch PAUSE_AT and waits on stdin, inside the open transaction.

Every child waits for a file DB + ".go" to exist before starting, so that workers
started one after the other really run at the same time.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mpi.domain.persons import Link, Person, PersonStatus
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite
from mpi.store.port import Store, WriteTx
from mpi.store.sqlite import open_sqlite_store

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
KEYS_PER_RECORD = 5


def wait_for_go(db: Path) -> None:
    go = Path(str(db) + ".go")
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.005)


def upsert(store: Store, worker: str, rounds: int) -> None:
    for n in range(rounds):
        phone = f"55{worker}{n % 2:07d}"
        rec = Record("IMSS", "SHARED", curp="PRUE800101HDFXXX01", phone=phone)
        with store.write() as tx:
            (outcome,) = tx.upsert_records([RecordWrite(rec, ("curp:SHARED",))], AT)
        print(json.dumps([outcome.change.value, outcome.version]), flush=True)


def register(store: Store, worker: str, curps: int) -> None:
    for n in range(curps):
        curp = f"PRUE{n:06d}HDFXXX01"
        rec = Record(f"INST{worker}", f"R{n}", curp=curp, first_surname="PRUEBA")
        block = f"curp:{curp}"
        with store.write() as tx:
            tx.upsert_records([RecordWrite(rec, (block,))], AT)
            tx.lock([block])
            _link_or_create(tx, rec.key, block, f"P{worker}-{n}")
    print("done", flush=True)


def _link_or_create(tx: WriteTx, key: str, block: str, new_person: str) -> None:
    found = tx.candidates([block], cap=100).candidates
    persons = sorted({c.person_id for c in found if c.person_id and c.record.key != key})
    person_id = persons[0] if persons else tx.create_person(new_person, AT).id
    tx.link(Link(key, person_id, AT, "linker", "curp-exact", 1.0))


def batch_rows(batch: int, size: int) -> list[RecordWrite]:
    """Batch number `batch` of the synthetic import: records with five block keys each."""
    rows = []
    for n in range(batch * size, (batch + 1) * size):
        rec = Record(
            "IMSS",
            f"R{n}",
            curp=f"PRUE{n:06d}HDFXXX01",
            given_names="ANA",
            first_surname=f"PRUEBA{n % 97}",
            birth_date=date(1950, 1, 1) + timedelta(days=n % 20000),
        )
        keys = (f"curp:{n}", f"root:{n // 2}", f"sn:{n % 97}:{n % 500}", f"gn:{n % 1000}", f"y:{n}")
        rows.append(RecordWrite(rec, keys))
    return rows


def import_batches(store: Store, batches: int, size: int, pause_at: int | None) -> None:
    for batch in range(batches):
        rows = batch_rows(batch, size)
        with store.write() as tx:
            tx.upsert_records(rows, AT)
            if batch == pause_at:
                print(f"paused {batch}", flush=True)
                sys.stdin.readline()
            _link_unlinked(tx, rows)
        print(f"committed {batch}", flush=True)


def _link_unlinked(tx: WriteTx, rows: Sequence[RecordWrite]) -> None:
    # Resuming re-runs batches: only records without a person get one.
    stored = tx.get_records(row.record.key for row in rows)
    todo = [key for key, rec in stored.items() if rec.person_id is None]
    tx.create_persons([Person(f"P-{key}", PersonStatus.ACTIVE, AT) for key in todo])
    tx.link_many([Link(key, f"P-{key}", AT, "import", "new-person", None) for key in todo])


def main(argv: Sequence[str]) -> None:
    job, db = argv[0], Path(argv[1])
    store = open_sqlite_store(db)
    wait_for_go(db)
    if job == "upsert":
        upsert(store, argv[2], int(argv[3]))
    elif job == "register":
        register(store, argv[2], int(argv[3]))
    else:
        pause = int(argv[4]) if len(argv) > 4 else None
        import_batches(store, int(argv[2]), int(argv[3]), pause)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
