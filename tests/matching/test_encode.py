from __future__ import annotations

import numpy as np
import pytest

from mpi.matching._encode import (
    Vocabulary,
    dense_ranks,
    encode_mapped,
    first_positions,
    unique_ints,
)


@pytest.mark.parametrize("size", [0, 1, 2, 7, 1000])
def test_sorting_helpers_agree_with_np_unique(size: int) -> None:
    values = np.random.default_rng(size).integers(-3, 40, size).astype(np.int64)
    unique, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    assert np.array_equal(unique_ints(values), unique)
    assert np.array_equal(first_positions(values), first)
    assert np.array_equal(dense_ranks(values), inverse)


@pytest.mark.parametrize("repeats", [1, 20])
def test_mapping_distinct_values_gives_the_ids_of_mapping_every_value(repeats: int) -> None:
    column = ["b", None, "a", "b", "c", "a", None] * repeats
    source = Vocabulary()
    ids = source.encode(column)
    shared = Vocabulary()
    shared.encode(["X"])
    calls: list[str] = []

    def upper_or_none(value: str) -> str | None:
        calls.append(value)
        return None if value == "c" else value.upper()

    expected = Vocabulary()
    expected.encode(["X"])
    want = expected.encode([None if v is None else upper_or_none(v) for v in column])
    calls.clear()
    assert encode_mapped(upper_or_none, ids, source, shared).tolist() == want.tolist()
    assert shared.values == expected.values
    if repeats > 1:
        assert sorted(calls) == ["a", "b", "c"]


def _encoded_one_by_one(columns: list[list[str | None]]) -> tuple[list[list[int]], list[str]]:
    table: dict[str, int] = {}
    out = [[-1 if v is None else table.setdefault(v, len(table)) for v in c] for c in columns]
    return out, list(table)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_encoding_gives_ids_in_order_of_first_appearance_across_calls(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pool: list[str | None] = [None, *(f"v{i}" for i in range(30))]
    columns = [[pool[k] for k in rng.integers(0, len(pool), size)] for size in (0, 50, 1, 80)]
    vocab = Vocabulary()
    got = [vocab.encode(column).tolist() for column in columns]
    want, values = _encoded_one_by_one(columns)
    assert got == want
    assert vocab.values == values
    assert vocab.ids == {v: i for i, v in enumerate(values)}
    assert vocab.id_of("new") == len(values) and vocab.value(len(values)) == "new"


def test_a_vocabulary_of_distinct_values_numbers_them_in_order() -> None:
    vocab = Vocabulary.of_distinct(["b", "a", "c"])
    assert vocab.ids == {"b": 0, "a": 1, "c": 2}
    assert vocab.encode(["c", None, "d", "b"]).tolist() == [2, -1, 3, 0]
    assert vocab.values == ["b", "a", "c", "d"]


@pytest.mark.parametrize(
    ("seen_first", "column"),
    [
        ([], ["a", "b", "a", None, "c"]),  # ids in order of appearance: 0, 1, 0, 2
        (["a", "b", "c"], ["c", "a", "b", "a"]),  # ids 2, 0, 1, 0
        (["a", "b"], ["b", None, "b"]),  # one id, not 0
        ([], [None, None]),
        ([], []),
    ],
)
def test_mapping_a_column_gives_the_ids_of_encoding_the_mapped_values(
    seen_first: list[str | None], column: list[str | None]
) -> None:
    source = Vocabulary()
    source.encode(seen_first)
    ids = source.encode(column)
    got, want = Vocabulary(), Vocabulary()
    mapped = encode_mapped(str.upper, ids, source, got)
    assert mapped.tolist() == want.encode([v and v.upper() for v in column]).tolist()
    assert got.values == want.values
