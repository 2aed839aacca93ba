from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mpi.api.app import create_app
from mpi.api.audit import WITHHELD, AuditBatcher, ReadLog, Reads
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.audit import AuditQuery
from mpi.domain.errors import StoreError
from mpi.services.audit import Actor
from mpi.services.queries import IdentityReads, ReadEvent
from tests.api.api_client import Api, seed

ACTOR = Actor("key:K1", "steward")
PERSON = "query($id: ID!) { person(id: $id) { ... on Person { id } } }"


def test_a_read_log_groups_ids_by_operation_in_first_seen_order() -> None:
    log = ReadLog()
    log.add("person", "person", ["P2", "P1"])
    log.add("person", "person", ["P1", "P3"])
    log.add("record", "record", [])
    assert log.events() == [ReadEvent("person", "person", ("P2", "P1", "P3"))]


def test_reads_finishing_together_are_written_in_one_transaction() -> None:
    writes: list[Sequence[Reads]] = []
    batcher = AuditBatcher(writes.append)

    async def five_requests() -> None:
        events = [ReadEvent("person", "person", ("P1",))]
        await asyncio.gather(*(batcher.submit(ACTOR, events) for _ in range(5)))

    asyncio.run(five_requests())
    assert [len(batch) for batch in writes] == [5]


def test_a_failed_write_fails_every_request_of_the_batch() -> None:
    def broken(reads: Sequence[Reads]) -> None:
        raise StoreError("disk full")

    batcher = AuditBatcher(broken)

    async def two_requests() -> list[BaseException | None]:
        events = [ReadEvent("person", "person", ("P1",))]
        results = await asyncio.gather(
            *(batcher.submit(ACTOR, events) for _ in range(2)), return_exceptions=True
        )
        return list(results)

    results = asyncio.run(two_requests())
    assert all(isinstance(r, StoreError) for r in results)


def test_concurrent_api_reads_are_each_audited(api: Api, persons: dict[str, str]) -> None:
    import httpx

    async def many() -> None:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mpi") as client:
            await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        json={"query": PERSON, "variables": {"id": pid}},
                        headers=api.auth("issuer"),
                    )
                    for pid in [persons["ana"], persons["luis"]] * 4
                )
            )

    asyncio.run(many())
    with api.store.read() as tx:
        entries = tx.audit(AuditQuery(action="read:person"), limit=50).items
    assert len(entries) == 8
    assert sorted(e.target_ids[0] for e in entries) == sorted([persons["ana"], persons["luis"]] * 4)


class UnwritableAudit(IdentityReads):
    """The real read service, except that its audit log cannot be written."""

    def record_reads_of_many(self, reads: Sequence[tuple[Actor, Sequence[ReadEvent]]]) -> None:
        raise StoreError("audit log unavailable")


def test_personal_data_is_withheld_when_its_read_cannot_be_audited(tmp_path: Path) -> None:
    services = api_services(build(Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}")))
    broken = replace(services, reads=UnwritableAudit(services.linking.store))
    api = Api(
        create_app(broken),
        services.linking.store,
        {"admin": services.keys.create("admin").token},
        services.keys,
    )
    pid = seed(api.store)["ana"]
    body = api.post(PERSON, id=pid)
    services.close()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == [WITHHELD]
    assert pid not in str(body)
