"""A Neo4j driver of its own for a side store (API keys, model state), set up like open_store."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TypeVar

import neo4j

from mpi.store.urls import neo4j_settings

T = TypeVar("T")


def with_own_driver(
    url: str, environ: Mapping[str, str] | None, build: Callable[[neo4j.Driver, str], T]
) -> T:
    """`build(driver, database)` over a new driver, which is closed again if `build` fails."""
    user, password, database = neo4j_settings(os.environ if environ is None else environ)
    driver = neo4j.GraphDatabase.driver(url, auth=(user, password))
    try:
        return build(driver, database)
    except Exception:
        driver.close()
        raise
