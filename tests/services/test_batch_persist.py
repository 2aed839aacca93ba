from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mpi.domain.errors import StoreError
from mpi.domain.ids import new_id
from mpi.matching.features import prepare
from mpi.rules_file import default_rules
from mpi.services.batch_persist import RecordWriter, person_ids
from mpi.store import open_store
from mpi.store.port import Store
from tests.services.people import juan, rosa

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_bulk_person_ids_have_new_ids_layout_and_are_unique() -> None:
    ids = person_ids("P", 5000)
    assert len(set(ids)) == 5000
    shape = re.compile(r"P[0-9A-HJKMNP-TV-Z]{26}")
    assert all(shape.fullmatch(i) for i in ids)
    assert ids[0][:11] <= new_id("P")[:11]


def test_records_are_written_by_a_child_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mpi.db'}"
    records = [juan("IMSS", "1"), rosa("IMSS", "2")]
    kinds = default_rules().blocking.keys
    writer = RecordWriter(lambda: open_store(url), records, prepare(records), kinds, T0)
    assert writer.wait() >= 0.0
    store = open_store(url)
    try:
        with store.read() as tx:
            assert sorted(tx.get_records(["IMSS:1", "IMSS:2"])) == ["IMSS:1", "IMSS:2"]
            assert tx.candidates([f"curp:{records[0].curp}"], 10).candidates
    finally:
        store.close()


def test_a_failing_record_writer_raises_in_the_parent(tmp_path: Path) -> None:
    def broken() -> Store:
        raise StoreError("disk on fire")

    records = [juan("IMSS", "1")]
    writer = RecordWriter(broken, records, prepare(records), default_rules().blocking.keys, T0)
    with pytest.raises(StoreError, match="disk on fire"):
        writer.wait()
