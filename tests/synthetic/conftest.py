from __future__ import annotations

import pytest

from mpi.synthetic.generate import Population, generate

SAMPLE_PERSONS = 2000


@pytest.fixture(scope="session")
def population() -> Population:
    return generate(SAMPLE_PERSONS, seed=7)
