from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError, ValidationError
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store.sqlite import open_sqlite_store
from mpi.store.sqlite_bulk_columns import joined_keys, search_rows, taker
from mpi.store.sqlite_key_hash import key_hash
from mpi.store.sqlite_search_keys import own_rows

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RECORDS = [
    Record("IMSS", "2", curp="GALJ800101HDFRPN09", first_surname="GARCIA"),
    Record("IMSS", "1", first_surname="LOPEZ", birth_date=date(1990, 5, 1)),
    Record("IMSS", "3", curp="XEXX010101HNEXXXA4", first_surname="", birth_date=date(2001, 1, 1)),
]


def test_each_records_keys_are_joined_by_the_separator_in_text_order() -> None:
    keys = BlockKeyRuns.of([("b:1", "a:1"), (), ("c:é",), ("d:x|y", "a:1")])
    assert joined_keys(keys) == ["a:1\x1fb:1", "", "c:é", "a:1\x1fd:x|y"]


def test_search_rows_are_the_rows_the_store_adds_for_one_record() -> None:
    columns = RecordColumns.of(RECORDS)
    rids = np.array([10, 11, 12], dtype=np.int64)
    births = [None, "1990-05-01", "2001-01-01"]
    (curp_hashes, curp_rids), (own_hashes, own_rids) = search_rows(columns, [0, 1, 2], rids, births)
    # Candidates: every CURP, an own row unless the record holds its `curp:` key.
    assert curp_rids.tolist() == [10, 12]
    assert curp_hashes.tolist() == [key_hash(f"curp:{RECORDS[i].curp}") for i in (0, 2)]
    expected = {
        rid: own_rows(None, r.first_surname, r.birth_date.isoformat() if r.birth_date else None, ())
        for rid, r in zip((10, 11, 12), RECORDS, strict=True)
    }
    got: dict[int, list[int]] = {10: [], 11: [], 12: []}
    for h, rid in zip(own_hashes.tolist(), own_rids.tolist(), strict=True):
        got[rid].append(h)
    assert got == expected


def _links(records: list[Record], persons: list[str]) -> LinkColumns:
    n = len(records)
    return LinkColumns([r.key for r in records], persons, ["batch-link"] * n, [0.5] * n, "t", T0)


def test_a_columns_load_finds_records_by_block_key_and_by_curp(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    keys = BlockKeyRuns.of([("curp:GALJ800101HDFRPN09", "x:1"), ("x:1",), ()])
    try:
        with store.bulk_load() as tx:
            tx.create_person_ids(["P1", "P2"], T0)
            links = _links(RECORDS, ["P1", "P2", "P2"])
            tx.insert_linked_columns(RecordColumns.of(RECORDS), links, [0, 1, 2], keys, T0)
        with store.read() as tx:
            block = sorted(c.record.key for c in tx.candidates(["x:1"], 10).candidates)
            by_curp = [r.key for r in tx.search_by_curp("XEXX010101HNEXXXA4")]
            by_own_key = [r.key for r in tx.search_by_curp("GALJ800101HDFRPN09")]
            stored = tx.get_records(["IMSS:3"])["IMSS:3"]
    finally:
        store.close()
    assert block == ["IMSS:1", "IMSS:2"]
    assert (by_curp, by_own_key) == (["IMSS:3"], ["IMSS:2"])
    assert (stored.person_id, stored.version, stored.record) == ("P2", 1, RECORDS[2])
    conn = sqlite3.connect(tmp_path / "mpi.db")
    try:
        own = conn.execute("SELECT count(*) FROM block_keys WHERE key_hash < 0").fetchone()[0]
    finally:
        conn.close()
    # IMSS:3's CURP (no `curp:` key) and the two records with surname and date.
    assert own == 3


@pytest.mark.parametrize(
    ("persons", "error"),
    [(["P1"], ConflictError), (["P1", "P2"], None)],
)
def test_a_link_to_a_person_not_created_is_refused(
    tmp_path: Path, persons: list[str], error: type[Exception] | None
) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    keys = BlockKeyRuns.of([(), (), ()])
    try:
        with store.bulk_load() as tx:
            tx.create_person_ids(persons, T0)
            links = _links(RECORDS, ["P1", "P2", "P1"])
            if error is None:
                tx.insert_linked_columns(RecordColumns.of(RECORDS), links, [0, 1, 2], keys, T0)
            else:
                with pytest.raises(error, match="P2"):
                    two = BlockKeyRuns.of([(), ()])
                    tx.insert_linked_columns(RecordColumns.of(RECORDS), links, [2, 1], two, T0)
    finally:
        store.close()


def test_bad_columns_are_refused_naming_the_field(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    bad = RecordColumns.of([Record("IMSS", "")])
    try:
        with pytest.raises(ValidationError, match="record_id"), store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            links = _links([Record("IMSS", "")], ["P1"])
            tx.insert_linked_columns(bad, links, [0], BlockKeyRuns.of([()]), T0)
        with pytest.raises(ValidationError), store.bulk_load() as tx:
            tx.create_person_ids(["P1"], T0)
            keys = BlockKeyRuns.of([("k:\x1f",)])
            tx.insert_linked_columns(
                RecordColumns.of(RECORDS[:1]), _links(RECORDS[:1], ["P1"]), [0], keys, T0
            )
        with pytest.raises(ConflictError), store.bulk_load() as tx:
            tx.create_person_ids(["P1", "P1"], T0)
    finally:
        store.close()


@pytest.mark.parametrize("rows", [[3, 4, 5], [5, 3, 4], [3, 5, 4, 6], [7], []])
def test_a_chunks_values_are_the_columns_values_at_its_rows_in_order(rows: list[int]) -> None:
    column = [f"v{i}" for i in range(10)]
    assert taker(rows)(column) == [column[i] for i in rows]
    assert taker(rows)(tuple(column)) == [column[i] for i in rows]


def test_a_range_of_rows_is_a_window_on_the_column_itself_and_other_rows_a_list() -> None:
    column = ["a", "b", "c", "d"]
    assert taker([1, 2, 3]).window(column) == (column, 1)
    assert taker([1, 2, 3]).window(column)[0] is column
    assert taker([2, 0]).window(column) == (["c", "a"], 0)
    assert taker([1, 1, 3]).window(column) == (["b", "b", "d"], 0)


def test_each_row_stores_its_own_values_and_the_calls_shared_ones(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    later = datetime(2026, 3, 2, tzinfo=UTC)
    keys = RecordColumns.of(RECORDS).keys
    links = LinkColumns(keys, ["P1", "P2", "P1"], ["a", "b", "c"], [0.5, None, 0.25], "o'x", later)
    try:
        with store.bulk_load() as tx:
            tx.create_person_ids(["P2", "P1"], T0)
            tx.insert_linked_columns(RecordColumns.of(RECORDS), links, [1, 2], _runs(2), T0)
            tx.insert_linked_columns(RecordColumns.of(RECORDS), links, [0], _runs(1), T0)
    finally:
        store.close()
    conn = sqlite3.connect(tmp_path / "mpi.db")
    try:
        stored = conn.execute(
            "SELECT rid, key, birth_date, person_id, link_rule, link_probability, linked_by, "
            "substr(received_at, 1, 10), substr(linked_at, 1, 10), version FROM records"
        ).fetchall()
        persons = conn.execute("SELECT id, status, substr(created_at, 1, 10) FROM persons")
        made = persons.fetchall()
    finally:
        conn.close()
    assert stored == [
        (1, "IMSS:1", "1990-05-01", "P2", "b", None, "o'x", "2026-03-01", "2026-03-02", 1),
        (2, "IMSS:3", "2001-01-01", "P1", "c", 0.25, "o'x", "2026-03-01", "2026-03-02", 1),
        (3, "IMSS:2", None, "P1", "a", 0.5, "o'x", "2026-03-01", "2026-03-02", 1),
    ]
    assert sorted(made) == [("P1", "active", "2026-03-01"), ("P2", "active", "2026-03-01")]


def _runs(count: int) -> BlockKeyRuns:
    return BlockKeyRuns.of([("x:1",)] * count)
