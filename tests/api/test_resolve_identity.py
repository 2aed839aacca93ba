from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mpi.api.app import create_app
from mpi.api.context import ApiServices
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.errors import StoreError
from mpi.domain.records import Record
from mpi.services.batch_link import link_records
from mpi.services.resolve import Resolution
from tests.services.people import CLERK, population_file, read_valid

RESOLVE = """
query($input: IdentityInput!, $limit: Int!) { resolveIdentity(input: $input, limit: $limit) {
  __typename
  ... on IdentityResolution {
    candidates { personId probability matchWeight band bar bestRecordKey
                 explanation { comparison level weight } }
    wouldDo { outcome personId reason }
  }
} }"""


@dataclass
class Served:
    app: Starlette
    services: ApiServices
    token: str
    sample: list[Record]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """The API over ~130 records of 60 synthetic persons, batch-linked."""
    sample = read_valid(population_file(tmp_path / "population", 60, seed=4))
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}")
    linker = build(settings)
    link_records(linker.store, sample, linker.rules, CLERK)
    linker.close()
    services = api_services(build(settings))
    token = services.keys.create("admin").token
    yield Served(create_app(services), services, token, sample)
    services.close()


def _input(record: Record, k: int) -> dict[str, Any]:
    born = record.birth_date.isoformat() if record.birth_date and k % 4 else None
    return {
        "curp": record.curp if k % 3 else None,
        "givenNames": record.given_names,
        "firstSurname": record.first_surname,
        "secondSurname": record.second_surname,
        "sex": record.sex,
        "birthDate": born,
    }


async def _ask(served: Served, inputs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """All the queries at once, as concurrent requests on one event loop."""
    transport = httpx.ASGITransport(app=served.app)
    headers = {"Authorization": f"Bearer {served.token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://mpi") as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/graphql",
                    json={"query": RESOLVE, "variables": {"input": i, "limit": 1 + k % 4}},
                    headers=headers,
                )
                for k, i in enumerate(inputs)
            )
        )
    answers = []
    for response in responses:
        body = response.json()
        assert "errors" not in body, body
        answers.append(body["data"]["resolveIdentity"])
    return answers


def _spy_on_batches(served: Served, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    linking = served.services.linking
    resolve_many = linking.resolve_many

    def spy(records: Sequence[Record], limits: Sequence[int]) -> list[Resolution]:
        sizes.append(len(records))
        return resolve_many(records, limits)

    monkeypatch.setattr(linking, "resolve_many", spy)
    return sizes


def test_concurrent_resolutions_are_answered_together_as_each_alone(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = [_input(r, k) for k, r in enumerate(served.sample[:24])]
    alone = [asyncio.run(_ask(served, [i]))[0] for i in inputs]
    sizes = _spy_on_batches(served, monkeypatch)
    together = asyncio.run(_ask(served, inputs))
    assert together == alone
    assert max(sizes) > 1 and sum(sizes) == len(inputs)
    assert {a["wouldDo"]["outcome"] for a in alone} >= {"LINKED"}
    assert sum(bool(a["candidates"]) for a in alone) > len(alone) // 2


def test_a_failing_batch_answers_each_resolution_alone(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = [_input(r, k) for k, r in enumerate(served.sample[:6])]
    expected = asyncio.run(_ask(served, inputs))

    def broken(records: Sequence[Record], limits: Sequence[int]) -> list[Resolution]:
        raise StoreError("the batch read failed")

    monkeypatch.setattr(served.services.linking, "resolve_many", broken)
    assert asyncio.run(_ask(served, inputs)) == expected


def test_resolving_keeps_no_service_alive(tmp_path: Path) -> None:
    services = api_services(build(Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}")))
    token = services.keys.create("admin").token
    app = create_app(services)
    served = Served(app, services, token, [])
    asyncio.run(_ask(served, [{"firstSurname": "GOMEZ"}]))
    alive = weakref.ref(services.linking)
    services.close()
    del served, app, services
    gc.collect()
    assert alive() is None
