from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from mpi.api.app import create_app
from mpi.api.audit import RETRY_DELAYS, WITHHELD, AuditBatcher, ReadLog, Reads
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.audit import AuditQuery
from mpi.domain.errors import StoreError
from mpi.services.audit import Actor
from mpi.services.queries import IdentityReads, ReadEvent
from mpi.store.sqlite import SqliteStore
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


class LoopWrites:
    """A `write_now` that is refused `busy` times, then commits (records) each batch."""

    def __init__(self, busy: int = 0) -> None:
        self.busy = busy
        self.attempts = 0
        self.batches: list[Sequence[Reads]] = []

    def __call__(self, reads: Sequence[Reads]) -> bool:
        self.attempts += 1
        if self.attempts <= self.busy:
            return False
        self.batches.append(list(reads))
        return True


def five_reads(batcher: AuditBatcher) -> None:
    async def five_requests() -> None:
        events = [ReadEvent("person", "person", ("P1",))]
        await asyncio.gather(*(batcher.submit(ACTOR, events) for _ in range(5)))

    asyncio.run(five_requests())


def test_reads_are_written_on_the_event_loop_when_the_store_is_free() -> None:
    in_thread: list[Sequence[Reads]] = []
    on_loop = LoopWrites()
    five_reads(AuditBatcher(in_thread.append, on_loop))
    assert [len(batch) for batch in on_loop.batches] == [5]
    assert in_thread == []


def test_a_store_busy_for_a_moment_is_tried_again_on_the_loop() -> None:
    in_thread: list[Sequence[Reads]] = []
    on_loop = LoopWrites(busy=2)
    five_reads(AuditBatcher(in_thread.append, on_loop))
    assert [len(batch) for batch in on_loop.batches] == [5]
    assert in_thread == []


def test_a_store_that_stays_busy_gets_the_batch_written_by_a_thread() -> None:
    in_thread: list[Sequence[Reads]] = []
    on_loop = LoopWrites(busy=len(RETRY_DELAYS))
    five_reads(AuditBatcher(in_thread.append, on_loop))
    assert on_loop.batches == []
    assert [len(batch) for batch in in_thread] == [5]


def served_reads(batcher: AuditBatcher, others_executing: int) -> None:
    """Five requests that read, while `others_executing` more are being served."""

    async def one_read() -> None:
        with batcher.serving():
            await batcher.submit(ACTOR, [ReadEvent("person", "person", ("P1",))])

    async def requests() -> None:
        with ExitStack() as others:
            for _ in range(others_executing):
                others.enter_context(batcher.serving())
            await asyncio.gather(*(one_read() for _ in range(5)))

    asyncio.run(requests())


def test_when_every_request_served_waits_for_the_audit_it_is_written_on_the_loop() -> None:
    in_thread: list[Sequence[Reads]] = []
    on_loop = LoopWrites()
    served_reads(AuditBatcher(in_thread.append, on_loop), others_executing=0)
    assert [len(batch) for batch in on_loop.batches] == [5]
    assert in_thread == []


def test_while_other_requests_execute_the_audit_is_written_by_a_thread() -> None:
    in_thread: list[Sequence[Reads]] = []
    on_loop = LoopWrites()
    served_reads(AuditBatcher(in_thread.append, on_loop), others_executing=1)
    assert on_loop.attempts == 0
    assert [len(batch) for batch in in_thread] == [5]


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


def test_every_person_served_has_its_audit_entry_while_another_writer_competes(
    api: Api, persons: dict[str, str]
) -> None:
    import httpx

    assert isinstance(api.store, SqliteStore)
    path = api.store.path
    stop = threading.Event()

    def compete() -> None:
        # Another process's writer, taking the write lock again and again: the audit is
        # written on the loop, after a retry, or by a thread, depending on the moment.
        other = sqlite3.connect(path, isolation_level=None)
        while not stop.is_set():
            other.execute("BEGIN IMMEDIATE")
            time.sleep(0.002)
            other.rollback()
            time.sleep(0.001)
        other.close()

    async def many() -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mpi") as client:
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/graphql",
                        json={"query": PERSON, "variables": {"id": pid}},
                        headers=api.auth("issuer"),
                    )
                    for pid in [persons["ana"], persons["luis"], "P0NONE"] * 30
                )
            )
        return [r.json() for r in responses]

    competitor = threading.Thread(target=compete)
    competitor.start()
    try:
        bodies = asyncio.run(many())
    finally:
        stop.set()
        competitor.join()
    served = [b["data"]["person"]["id"] for b in bodies if b["data"]["person"]]
    assert len(served) == 60  # the 30 unknown ids are NotFound: nothing shown, no entry
    with api.store.read() as tx:
        entries = tx.audit(AuditQuery(action="read:person"), limit=200).items
    assert sorted(e.target_ids[0] for e in entries) == sorted(served)
    assert {(e.role, e.target_kind, len(e.target_ids)) for e in entries} == {
        ("issuer", "person", 1)
    }


class UnwritableAudit(IdentityReads):
    """The real read service, except that its audit log cannot be written."""

    def record_reads_of_many(self, reads: Sequence[tuple[Actor, Sequence[ReadEvent]]]) -> None:
        raise StoreError("audit log unavailable")

    def record_reads_now(self, reads: Sequence[tuple[Actor, Sequence[ReadEvent]]]) -> bool:
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
