from __future__ import annotations

from mpi.domain.stored_records import BlockKeyRuns


def test_block_key_runs_of_per_record_keys_share_one_sorted_key_list() -> None:
    runs = BlockKeyRuns.of([("b", "a", "b"), (), ("c", "a")])
    assert list(runs.keys) == ["a", "b", "c"]
    assert list(runs.starts) == [0, 2, 2, 4]
    assert list(runs.key_ids) == [0, 1, 0, 2]
