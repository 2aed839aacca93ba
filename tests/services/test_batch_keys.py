from __future__ import annotations

from pathlib import Path

from mpi.matching.blocking_keys import block_keys
from mpi.matching.features import prepare
from mpi.rules_file import default_rules
from mpi.services.batch_keys import BlockKeyTable
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
