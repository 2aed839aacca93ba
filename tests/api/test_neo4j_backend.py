"""The API unchanged over the Neo4j adapter (a real Bolt server: ArcadeDB, or MPI_TEST_NEO4J_*)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from mpi.api.app import create_app
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.audit import AuditQuery
from tests.api.api_client import Api

# The Bolt test server lives with the store's tests; reuse it rather than copy it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
neo4j_target: Callable[[Path], AbstractContextManager[Any]] = importlib.import_module(
    "neo4j_target"
).neo4j_target

REGISTER = """mutation($input: RecordInput!) { registerRecord(input: $input) {
  __typename ... on RegisterSuccess { personId outcome } } }"""
PERSON = """query($id: ID!) { person(id: $id) { __typename
  ... on Person { records { key } golden { curp } links { rule } } } }"""
ANA = {
    "institution": "IMSS",
    "recordId": "A1",
    "curp": "GOLA900101MDFMPN05",
    "givenNames": "ANA",
    "firstSurname": "GOMEZ",
    "secondSurname": "LOPEZ",
    "sex": "M",
    "birthDate": "1990-01-01",
}


@pytest.fixture(scope="module")
def neo4j_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with neo4j_target(tmp_path_factory.mktemp("arcadedb-api")) as target:
        database = target.new_database()
        env = {
            "MPI_NEO4J_USER": target.user,
            "MPI_NEO4J_PASSWORD": target.password,
            "MPI_NEO4J_DATABASE": database,
        }
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            services = api_services(build(Settings(store_url=target.uri)))
            token = services.keys.create("institution", "IMSS").token
            yield Api(
                create_app(services), services.linking.store, {"institution": token}, services.keys
            )
            services.close()


def test_register_then_read_a_person_over_bolt(neo4j_api: Api) -> None:
    first: Any = neo4j_api.data(REGISTER, role="institution", input=ANA)["registerRecord"]
    again = {**ANA, "institution": "IMSS", "recordId": "A2"}
    second: Any = neo4j_api.data(REGISTER, role="institution", input=again)["registerRecord"]
    assert (first["outcome"], second["outcome"]) == ("NEW", "LINKED")
    assert second["personId"] == first["personId"]
    person: Any = neo4j_api.data(PERSON, role="institution", id=first["personId"])["person"]
    assert [r["key"] for r in person["records"]] == ["IMSS:A1", "IMSS:A2"]
    assert person["golden"]["curp"] == ANA["curp"]
    with neo4j_api.store.read() as tx:
        reads = tx.audit(AuditQuery(action="read:person"), limit=10).items
    assert [e.target_ids for e in reads] == [(first["personId"],)]


def test_keys_live_in_the_neo4j_store(neo4j_api: Api) -> None:
    response = neo4j_api.request(
        "POST", json={"query": "{ __typename }"}, headers={"Authorization": "Bearer mpi_nope"}
    )
    assert response.status_code == 401
    assert [k.role for k in neo4j_api.keys.list()] == ["institution"]
