"""Helpers for API tests: an API over a real SQLite store in a temp dir, a key per role,
and a few linked persons."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from mpi.api.app import create_app
from mpi.api.limits import Limits
from mpi.api.wiring import api_services
from mpi.bootstrap import build
from mpi.config import Settings
from mpi.domain.persons import Link
from mpi.domain.records import Record
from mpi.domain.stored_records import RecordWrite
from mpi.services.api_keys import ApiKeys
from mpi.store.port import Store

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
# Synthetic people only (no real CURPs).
ANA = (
    Record("IMSS", "A1", "GOLA900101MDFMPN05", "ANA", "GOMEZ", "LOPEZ", "M", date(1990, 1, 1)),
    Record("ISSSTE", "77", None, "ANA", "GOMEZ", "LOPEZ", "M", date(1990, 1, 1), "DF"),
)
LUIS = (Record("IMSS", "B2", None, "LUIS", "PEREZ", "RUIZ", "H", date(1985, 6, 30)),)
ROLES = ("institution", "steward", "issuer", "admin")


@dataclass
class Api:
    app: Starlette
    store: Store
    tokens: dict[str, str]  # role -> token; "institution" is an IMSS key
    keys: ApiKeys

    def request(self, method: str, path: str = "/graphql", **kwargs: Any) -> httpx.Response:
        """One HTTP request through the ASGI app (no server, no lifespan)."""

        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mpi") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def post(self, query: str, role: str | None = "admin", **variables: object) -> dict[str, Any]:
        response = self.request(
            "POST",
            json={"query": query, "variables": variables},
            headers=self.auth(role) if role else {},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, role: str = "admin", **variables: object) -> dict[str, Any]:
        body = self.post(query, role, **variables)
        assert "errors" not in body, body
        data = body["data"]
        assert isinstance(data, dict)
        return data


def seed(store: Store) -> dict[str, str]:
    """Link ANA's records to one person and LUIS's to another; returns name -> person id."""
    persons = {"ana": "P0ANA", "luis": "P0LUIS"}
    with store.write() as tx:
        for name, records in (("ana", ANA), ("luis", LUIS)):
            tx.upsert_records([RecordWrite(r, ()) for r in records], T0)
            tx.create_person(persons[name], T0)
            for r in records:
                tx.link(Link(r.key, persons[name], T0, "linker", "fs-link", 0.99))
    return persons


def make_api(tmp_path: Path, limits: Limits | None = None) -> Iterator[Api]:
    services = api_services(build(Settings(store_url=f"sqlite:///{tmp_path / 'mpi.db'}")))
    keys = services.keys
    tokens = {
        role: keys.create(role, "IMSS" if role == "institution" else None).token for role in ROLES
    }
    yield Api(create_app(services, limits), services.linking.store, tokens, keys)
    services.close()
