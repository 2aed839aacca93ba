from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from mpi.matching.blocking_keys import BLOCK_KEYS, block_keys
from mpi.matching.features import prepare
from mpi.rules_file import default_rules
from mpi.services import batch_keys
from mpi.services.batch_keys import BlockKeyTable, table_beside
from tests.services.people import population_file, read_valid


def test_chunked_block_keys_are_the_strings_the_service_path_computes(tmp_path: Path) -> None:
    records = read_valid(population_file(tmp_path, 150, seed=5))
    kinds = default_rules().blocking.keys
    f = prepare(records)
    table = BlockKeyTable(f, kinds)
    chunked = table.keys(0, 100) + table.keys(100, f.n)
    assert chunked == [block_keys(f, i, kinds) for i in range(f.n)]
    one_by_one = [block_keys(prepare([r]), 0, kinds) for r in records[:40]]
    assert chunked[:40] == one_by_one


@pytest.mark.parametrize("every_kind", [False, True])
def test_block_key_runs_hold_each_records_keys_in_text_order_and_distinct(
    tmp_path: Path, every_kind: bool
) -> None:
    records = read_valid(population_file(tmp_path, 150, seed=5))
    kinds = BLOCK_KEYS if every_kind else default_rules().blocking.keys
    table = BlockKeyTable(prepare(records), kinds)
    every = table.keys(0, 150)
    rows = np.array([129, *range(30, 129)], dtype=np.intp)  # any selection, in any order
    runs = table.runs(rows)
    assert len(runs.keys) == len(set(runs.keys))
    held = [
        tuple(runs.keys[k] for k in runs.key_ids[runs.starts[i] : runs.starts[i + 1]])
        for i in range(100)
    ]
    assert held == [tuple(sorted(every[row])) for row in rows.tolist()]


def test_block_key_runs_of_no_kinds_are_empty(tmp_path: Path) -> None:
    records = read_valid(population_file(tmp_path, 10, seed=5))
    table = BlockKeyTable(prepare(records), ())
    runs = table.runs(np.arange(4, dtype=np.intp))
    assert table.keys(0, 3) == [(), (), ()]
    assert (list(runs.keys), list(runs.starts), list(runs.key_ids)) == ([], [0] * 5, [])


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_table_made_beside_other_work_is_the_table_made_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    records = read_valid(population_file(tmp_path, 150, seed=5))
    f = prepare(records)
    monkeypatch.setenv("MPI_WORKERS", workers)
    monkeypatch.setattr(batch_keys, "_FORK_MIN", 0)  # a forked child even for 150 records
    alone = BlockKeyTable(f, BLOCK_KEYS)
    beside, done = table_beside(f, BLOCK_KEYS, lambda: os.getpid())
    assert done == os.getpid()
    assert list(beside.texts) == list(alone.texts)
    assert beside.keys(0, f.n) == alone.keys(0, f.n)
    rows = np.arange(f.n, dtype=np.intp)[::-1]
    assert list(beside.runs(rows).key_ids) == list(alone.runs(rows).key_ids)


def test_a_kind_whose_texts_hold_the_shipping_separator_crosses_as_a_list() -> None:
    numbers = [np.array([0, -1, 1], dtype=np.int32)]
    made: dict[str, batch_keys.KindKeys] = {
        "a": (["a:x\x00y", "a:z"], numbers),
        "b": (["b:1", "b:2"], numbers),
        "c": ([], []),
    }
    _, landed = batch_keys._land(batch_keys._ship((None, made)))
    assert {kind: list(texts) for kind, (texts, _) in landed.items()} == {
        kind: texts for kind, (texts, _) in made.items()
    }
    assert [a.tolist() for _, arrays in landed.values() for a in arrays] == [[0, -1, 1]] * 2
