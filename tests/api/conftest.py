"""Fixtures for the API tests; the helpers live in api_client.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.api_client import Api, make_api, seed


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from make_api(tmp_path)


@pytest.fixture
def persons(api: Api) -> dict[str, str]:
    return seed(api.store)
