"""One shared sample population for the synthetic tests, generated once per test run.

A plain module rather than a conftest.py: other test folders import their conftest by name,
and a second conftest module of ours would shadow theirs.
"""

from __future__ import annotations

from functools import cache

from mpi.synthetic.generate import Population, generate


@cache
def sample_population() -> Population:
    return generate(2000, seed=7)
