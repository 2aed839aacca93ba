from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mpi.bootstrap import Services, build
from mpi.config import Settings


def sqlite_settings(tmp_path: Path) -> Settings:
    return Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}", actor="test")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    """Use cases over a fresh, real SQLite store in a temporary directory."""
    built = build(sqlite_settings(tmp_path))
    yield built
    built.close()
