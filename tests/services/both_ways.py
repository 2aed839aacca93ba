"""Link the same records in batch and one by one online, for tests that they agree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mpi.bootstrap import Services, build
from mpi.domain.records import Record
from mpi.services.batch_link import link_records
from mpi.services.decide import Outcome
from tests.services.conftest import sqlite_settings
from tests.services.people import CLERK, partition


@dataclass(frozen=True)
class BothWays:
    """Who ends with whom after batch linking and after online registration."""

    batch: dict[str, frozenset[str]]
    online: dict[str, frozenset[str]]
    outcomes: list[Outcome]  # of each online registration, in order


def link_both_ways(tmp_path: Path, services: Services, records: Sequence[Record]) -> BothWays:
    """Batch-link `records` into `services`' store and register them online into a fresh
    SQLite store under tmp_path/online."""
    keys = [r.key for r in records]
    link_records(services.store, records, services.rules, CLERK)
    batch = partition(services.store, keys)
    (tmp_path / "online").mkdir()
    online_services = build(sqlite_settings(tmp_path / "online"))
    try:
        outcomes = [online_services.linking.register(r, CLERK).outcome for r in records]
        online = partition(online_services.store, keys)
    finally:
        online_services.close()
    return BothWays(batch, online, outcomes)
