"""The SQLite store's own search-key rows: searches served from the block-key index."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from mpi.domain.persons import Link, Person, PersonStatus
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_search_keys import CURP
from tests.store.contract_data import record, seed, write
from tests.store.test_sqlite_key_hash import COLLIDING

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DOB = date(1990, 5, 17)
# Two CURPs whose "curp:" keys share a hash.
A, B = (key.removeprefix(CURP) for key in COLLIDING)


def _own_rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM block_keys WHERE key_hash < 0").fetchone()[0])
    finally:
        conn.close()


def test_a_curp_whose_key_collides_finds_only_its_own_records(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    seed(store, write(record(1, curp=A), f"curp:{A}"), write(record(2, curp=B)))
    with store.read() as tx:
        assert [r.key for r in tx.search_by_curp(A)] == ["IMSS:R1"]
        assert [r.key for r in tx.search_by_curp(B)] == ["IMSS:R2"]
    store.close()


def test_a_record_carrying_its_curp_key_gets_no_second_row_for_it(tmp_path: Path) -> None:
    path = tmp_path / "mpi.db"
    store = open_sqlite_store(path)
    seed(
        store,
        write(record(1, curp="PRUE900517MDFXXX01"), "curp:PRUE900517MDFXXX01"),
        write(record(2, curp="PRUE900517MDFXXX02")),
        write(record(3, curp=None, birth_date=None)),
    )
    store.close()
    # 1 and 2 a name + date row each; 2 a CURP row of its own; 3 none.
    assert _own_rows(path) == 3


def test_a_bulk_loaded_store_is_searched_like_one_written_record_by_record(
    tmp_path: Path,
) -> None:
    curps = {n: f"PRUE900517MDFXXX{n % 3:02d}" for n in range(1, 10)}
    writes = [
        write(
            record(n, curp=curps[n], first_surname=f"S{n % 2}", birth_date=DOB),
            *([f"curp:{curps[n]}"] if n % 2 else []),
            f"k:{n % 4}",
        )
        for n in range(1, 10)
    ]
    bulk, upserted = open_sqlite_store(tmp_path / "bulk.db"), open_sqlite_store(tmp_path / "u.db")
    with bulk.bulk_load() as tx:
        tx.create_persons([Person("P1", PersonStatus.ACTIVE, T0)])
        links = [Link(w.record.key, "P1", T0, "test", "batch-link", 0.9) for w in writes]
        tx.insert_linked_records(writes, links, T0)
    seed(upserted, *writes)
    for curp in sorted(set(curps.values())):
        with bulk.read() as b, upserted.read() as u:
            assert [r.key for r in b.search_by_curp(curp)] == [
                r.key for r in u.search_by_curp(curp)
            ]
            assert len(b.search_by_curp(curp)) == 3
    for surname in ("S0", "S1"):
        with bulk.read() as b, upserted.read() as u:
            found = [r.key for r in b.search_by_name_dob(surname, DOB).items]
            assert found == [r.key for r in u.search_by_name_dob(surname, DOB).items]
            assert len(found) in (4, 5)
    with bulk.read() as b, upserted.read() as u:
        assert b.stats().block_keys == u.stats().block_keys == 7  # 3 curp:, 4 k:
    bulk.close()
    upserted.close()
    assert _own_rows(tmp_path / "bulk.db") == _own_rows(tmp_path / "u.db") == 9 + 4
