from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mpi.domain.key_texts import KeyTexts
from mpi.matching._encode import object_array
from mpi.matching.blocking_keys import BLOCK_KEYS, _date_texts, block_keys, emissions
from mpi.matching.features import format_date, prepare
from mpi.rules_file import default_rules
from mpi.services.batch_keys import (
    BlockKeyTable,
    _Column,
    _packed,
    _ranks,
    _text_codes,
    all_runs,
)
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


def test_all_runs_are_every_records_runs_in_order(tmp_path: Path) -> None:
    records = read_valid(population_file(tmp_path, 60, seed=5))
    f = prepare(records)
    table = BlockKeyTable(f, BLOCK_KEYS)
    every = all_runs(f, BLOCK_KEYS)
    in_order = table.runs(np.arange(f.n, dtype=np.intp))
    assert list(every.keys) == list(in_order.keys)
    assert list(every.starts) == list(in_order.starts)
    assert list(every.key_ids) == list(in_order.key_ids)


def _columns(*parts: list[str]) -> list[_Column]:
    """Columns of one key per position: key k's parts are parts[0][k], parts[1][k], ..."""
    return [(object_array(texts), np.arange(len(texts), dtype=np.intp)) for texts in parts]


@pytest.mark.parametrize(
    ("firsts", "lasts"),
    [
        (["AB", "A", "A", "B", "", "AB", "A"], ["1", "2", "1", "0", "9", "1", "10"]),
        # A bar in a part but the last: the keys are sorted as strings; two keys of
        # different parts can then be the same text.
        (["A|B", "A", "A|", "AB", "A", "B", "A"], ["1", "B|1", "1", "0", "9", "1", ""]),
    ],
)
def test_key_codes_are_equal_and_ordered_as_the_keys_texts(
    firsts: list[str], lasts: list[str]
) -> None:
    codes = _text_codes(_columns(firsts, lasts)).tolist()
    texts = [f"{a}|{b}" for a, b in zip(firsts, lasts, strict=True)]
    pairs = [(i, j) for i in range(len(texts)) for j in range(len(texts))]
    assert [codes[i] < codes[j] for i, j in pairs] == [texts[i] < texts[j] for i, j in pairs]
    assert [codes[i] == codes[j] for i, j in pairs] == [texts[i] == texts[j] for i, j in pairs]


def test_packed_keys_are_one_blob_of_the_keys_texts() -> None:
    packed = _packed("k:", _columns(["A", "BÑ", "C"], ["1", "2", "3"], ["x", "y", "z"]))
    assert isinstance(packed, KeyTexts)
    assert list(packed) == ["k:A|1|x", "k:BÑ|2|y", "k:C|3|z"]
    assert _packed("k:", _columns([])) == []


@pytest.mark.parametrize("held", ["X\x1fY", "X\ud800"])
def test_keys_a_blob_cannot_hold_stay_strings(held: str) -> None:
    packed = _packed("k:", _columns(["A", held, "B"], ["1", "2", "3"]))
    assert packed == ["k:A|1", f"k:{held}|2", "k:B|3"]


def test_parts_texts_at_once_are_their_texts_one_by_one(tmp_path: Path) -> None:
    f = prepare(read_valid(population_file(tmp_path, 150, seed=5)))
    checked = 0
    for kind in BLOCK_KEYS:
        for parts in emissions(f, kind):
            present = np.flatnonzero(np.logical_and.reduce([part.ids >= 0 for part in parts]))
            rows = present[::-1]  # any order
            for part in parts:
                if part.texts is not None:
                    assert part.texts(rows) == [part.text(i) for i in rows.tolist()]
                    checked += 1
    assert checked >= 5


def test_dates_at_once_are_formatted_as_one_by_one() -> None:
    numbers = np.array([20240131, 19000101, 99991231, -1, 123456789], dtype=np.int32)
    assert _date_texts(numbers[:3]) == ["2024-01-31", "1900-01-01", "9999-12-31"]
    assert _date_texts(numbers) == [format_date(int(n)) or "" for n in numbers.tolist()]
    assert _date_texts(numbers[:0]) == []


def test_ranks_are_each_values_rank_among_the_distinct_values() -> None:
    rng = np.random.default_rng(3)
    for values in (
        rng.integers(0, 50, 300),  # dense: a table
        rng.integers(-(10**12), 10**12, 300),  # sparse: a sort
        rng.integers(0, 4, 300) * (1 << 61),  # too wide for an index beside: np.unique
        np.zeros(0, dtype=np.int64),
    ):
        expected = np.unique(values, return_inverse=True)[1]
        assert _ranks(values.astype(np.int64)).tolist() == expected.tolist()
