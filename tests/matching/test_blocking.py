from __future__ import annotations

import itertools

import numpy as np
import pytest

from mpi.matching import blocking
from mpi.matching.blocking import block_keys_for, candidate_pairs
from mpi.matching.blocking_keys import BLOCK_KEYS, block_keys
from mpi.matching.features import prepare
from tests.matching.conftest import Labelled, MakeRecord


def test_candidate_pairs_are_exactly_the_pairs_sharing_a_string_key(labelled: Labelled) -> None:
    records = labelled.records[:300]
    f = prepare(records)
    keys = [set(block_keys(f, i, BLOCK_KEYS)) for i in range(f.n)]
    expected = {(i, j) for i, j in itertools.combinations(range(f.n), 2) if keys[i] & keys[j]}
    found = candidate_pairs(f, BLOCK_KEYS, max_block_size=10_000)
    assert set(zip(found.left.tolist(), found.right.tolist(), strict=True)) == expected
    assert len(expected) == len(found)  # each pair once, however many keys it shares


def test_swapped_surnames_share_a_surname_and_date_key(make_record: MakeRecord) -> None:
    a = make_record(curp=None)
    b = make_record(curp=None, first_surname="SOLIS", second_surname="PEREZ")
    shared = set(block_keys_for(a)) & set(block_keys_for(b))
    assert any(key.startswith("surname_birth_date:") for key in shared)
    assert any(key.startswith("full_name:") for key in shared)


def test_keys_are_prefixed_by_kind_and_skip_missing_parts(make_record: MakeRecord) -> None:
    keys = block_keys_for(make_record(curp=None, nss=None, phone=None))
    kinds = {key.split(":", 1)[0] for key in keys}
    assert "curp" not in kinds and "nss" not in kinds and "phone" not in kinds
    assert "surname_birth_date:PERES|1985-03-14" in keys


def test_oversized_blocks_are_skipped_and_reported(make_record: MakeRecord) -> None:
    crowd = [make_record(curp="XEXX010101HNEXXXA4", nss="11111111111") for _ in range(12)]
    f = prepare(crowd)
    found = candidate_pairs(f, ["nss"], max_block_size=5)
    assert len(found) == 0
    assert [(b.kind, b.key, b.size) for b in found.oversized] == [("nss", "nss:11111111111", 12)]


def test_no_record_is_paired_with_itself(make_record: MakeRecord) -> None:
    f = prepare([make_record(second_surname="PEREZ"), make_record(second_surname="PEREZ")])
    found = candidate_pairs(f, BLOCK_KEYS, 100)
    assert np.all(found.left < found.right)
    assert len(found) == 1


def test_key_kinds_split_over_two_processes_give_the_pairs_of_one(
    labelled: Labelled, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = prepare(labelled.records)
    one = candidate_pairs(f, BLOCK_KEYS, max_block_size=4)
    monkeypatch.setattr(blocking, "PARALLEL_RECORDS", 10)
    for workers in ("1", "2"):  # two groups of kinds, in one process or two
        monkeypatch.setenv("MPI_WORKERS", workers)
        two = candidate_pairs(f, BLOCK_KEYS, max_block_size=4)
        assert np.array_equal(two.left, one.left) and np.array_equal(two.right, one.right)
        assert two.oversized == one.oversized and two.pairs_per_key == one.pairs_per_key
    assert len({b.kind for b in one.oversized}) > 1  # the reports' order is tested too


def test_no_kinds_give_no_pairs_however_many_records(
    labelled: Labelled, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blocking, "PARALLEL_RECORDS", 10)
    found = candidate_pairs(prepare(labelled.records[:50]), [], max_block_size=10)
    assert len(found) == 0 and found.pairs_per_key == {} and found.oversized == ()
