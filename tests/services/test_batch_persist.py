from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import StoreError
from mpi.domain.records import Record
from mpi.matching.features import prepare
from mpi.rules_file import default_rules
from mpi.services import batch_persist
from mpi.services.batch_keys import BlockKeyTable
from mpi.services.batch_persist import stage_keys, write_graph
from mpi.store.port import WriteTx
from mpi.store.sqlite import SqliteStore, open_sqlite_store
from mpi.store.sqlite_bulk import loading_path
from mpi.store.sqlite_bulk_texts import JOINED_RUNS
from tests.services.people import juan, rosa

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def load_graph(
    store: SqliteStore,
    records: RecordColumns,
    table: BlockKeyTable,
    links: LinkColumns,
    at: datetime,
    extra: Callable[[WriteTx, int, int], None],
    on_written: Callable[[], None] | None = None,
    persons: Sequence[str] | None = None,
) -> None:
    """What a batch link does with a bulk store once it has its key table."""
    with store.bulk_load() as tx:
        staged = stage_keys(tx, records, partial(table.runs, np.arange(len(records))))
        write_graph(
            tx, records, None if staged else table, links, at, extra, None, on_written, persons
        )


def _links(records: list[Record]) -> LinkColumns:
    keys = [r.key for r in records]
    ids = [f"P{i}" for i in range(len(records))]
    return LinkColumns(keys, ids, ["batch-link"] * len(keys), [0.9] * len(keys), "test", T0)


def _load(store: SqliteStore, records: list[Record], fail: bool = False) -> None:
    links = _links(records)

    def extra(tx: WriteTx, start: int, stop: int) -> None:
        if fail:
            raise StoreError("disk on fire")

    table = BlockKeyTable(prepare(records), default_rules().blocking.keys)
    load_graph(store, RecordColumns.of(records), table, links, T0, extra)


def test_a_bulk_load_writes_each_record_already_linked_with_its_block_keys(
    tmp_path: Path,
) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    records = [juan("IMSS", "1"), rosa("IMSS", "2")]
    try:
        _load(store, records)
        with store.read() as tx:
            stored = tx.get_records(["IMSS:1", "IMSS:2"])
            found = tx.candidates([f"curp:{records[0].curp}"], 10).candidates
        assert {k: r.person_id for k, r in stored.items()} == {"IMSS:1": "P0", "IMSS:2": "P1"}
        assert [c.record.key for c in found] == ["IMSS:1"]
    finally:
        store.close()
    assert not loading_path(tmp_path / "mpi.db").exists()


def test_a_failed_bulk_load_leaves_the_store_empty_and_no_side_file(tmp_path: Path) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    try:
        with pytest.raises(StoreError, match="disk on fire"):
            _load(store, [juan("IMSS", "1")], fail=True)
        with store.read() as tx:
            assert tx.stats().records == 0
        _load(store, [juan("IMSS", "1")])
        with store.read() as tx:
            assert tx.stats().records == 1
    finally:
        store.close()
    assert not loading_path(tmp_path / "mpi.db").exists()


def test_on_written_is_called_once_every_row_is_given_but_before_the_load_lands(
    tmp_path: Path,
) -> None:
    store = open_sqlite_store(tmp_path / "mpi.db")
    records = [juan("IMSS", "1"), rosa("IMSS", "2")]
    seen: list[tuple[int, bool, list[tuple[int, int]]]] = []
    ranges: list[tuple[int, int]] = []

    def extra(tx: WriteTx, start: int, stop: int) -> None:
        ranges.append((start, stop))

    def written() -> None:
        with store.read() as tx:
            held = tx.stats().records
        seen.append((held, loading_path(tmp_path / "mpi.db").exists(), list(ranges)))

    table = BlockKeyTable(prepare(records), default_rules().blocking.keys)
    try:
        load_graph(store, RecordColumns.of(records), table, _links(records), T0, extra, written)
        with store.read() as tx:
            assert tx.stats().records == 2
    finally:
        store.close()
    assert seen == [(0, True, [(0, 2)])]


def test_a_bulk_load_given_its_persons_writes_the_graph_it_makes_without_them(
    tmp_path: Path,
) -> None:
    records = [juan("IMSS", "9"), rosa("IMSS", "1"), juan("ISSSTE", "5")]
    keys = [r.key for r in records]
    links = LinkColumns(keys, ["P2", "P1", "P2"], ["batch-link"] * 3, [0.9] * 3, "test", T0)
    graphs = []
    for name, persons in (("made.db", None), ("given.db", ["P1", "P2"])):
        store = open_sqlite_store(tmp_path / name)
        table = BlockKeyTable(prepare(records), default_rules().blocking.keys)
        try:
            load_graph(
                store, RecordColumns.of(records), table, links, T0, _no_extra, persons=persons
            )
        finally:
            store.close()
        graphs.append(_graph(tmp_path / name))
    assert graphs[0] == graphs[1]
    assert graphs[0][2] == [("P1", "active"), ("P2", "active")]


def _no_extra(tx: WriteTx, start: int, stop: int) -> None:
    pass


def test_a_bulk_load_numbers_records_in_batch_order_and_extra_sees_input_ranges(
    tmp_path: Path,
) -> None:
    path = tmp_path / "mpi.db"
    store = open_sqlite_store(path)
    records = [juan("IMSS", "9"), rosa("IMSS", "1"), juan("ISSSTE", "5"), rosa("IMSS", "4")]
    links = _links(records)
    ranges: list[tuple[int, int]] = []

    def extra(tx: WriteTx, start: int, stop: int) -> None:
        ranges.append((start, stop))

    table = BlockKeyTable(prepare(records), default_rules().blocking.keys)
    try:
        load_graph(store, RecordColumns.of(records), table, links, T0, extra)
        with store.read() as tx:
            stored = tx.get_records([r.key for r in records])
            found = tx.candidates([f"curp:{records[1].curp}"], 10).candidates
    finally:
        store.close()
    assert ranges == [(0, 4)]
    assert {k: r.person_id for k, r in stored.items()} == dict(
        zip(links.record_keys, links.person_ids, strict=True)
    )
    assert sorted(c.record.key for c in found) == ["IMSS:1", "IMSS:4"]
    conn = sqlite3.connect(path)
    try:
        by_rid = [row[0] for row in conn.execute("SELECT key FROM records ORDER BY rid")]
    finally:
        conn.close()
    assert by_rid == [r.key for r in records]


def _graph(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(sql).fetchall()
            for sql in (
                "SELECT * FROM block_keys",
                "SELECT rid, key, block_keys, person_id, link_rule FROM records ORDER BY rid",
                "SELECT id, status FROM persons ORDER BY id",
            )
        )
    finally:
        conn.close()


@pytest.mark.parametrize("fail", [False, True])
def test_a_load_with_its_block_keys_made_in_a_child_writes_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail: bool
) -> None:
    records = [
        (juan if i % 2 else rosa)("IMSS" if i % 3 else "ISSSTE", str(i), postal_code=f"{i:05d}")
        for i in range(40)
    ]
    graphs = []
    monkeypatch.setattr("mpi.services.batch_persist.BESIDE_MIN", 0)
    # Several chunks, each one slice of texts the child joins (taken if ready in time).
    monkeypatch.setattr("mpi.services.batch_persist.CHUNK", 10)
    monkeypatch.setattr("mpi.store.sqlite_bulk_texts.JOINED_RUNS", 10)
    for workers in ("1", "2"):
        monkeypatch.setenv("MPI_WORKERS", workers)
        path = tmp_path / f"w{workers}.db"
        store = open_sqlite_store(path)
        try:
            if fail:
                with pytest.raises(StoreError, match="disk on fire"):
                    _load(store, records, fail=True)
            else:
                _load(store, records)
        finally:
            store.close()
        graphs.append(_graph(path))
        # Neither the side file nor the child's staging file is left behind.
        assert not [p.name for p in tmp_path.iterdir() if ".loading" in p.name]
    assert len(graphs[0][0]) > 40 or fail
    assert graphs[0] == graphs[1]


def test_each_chunk_the_loader_inserts_is_one_slice_of_texts_the_staging_child_joins() -> None:
    assert batch_persist.CHUNK == JOINED_RUNS
