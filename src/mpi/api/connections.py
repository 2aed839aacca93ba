"""Relay-style connection for person search: edges with cursors, and page info."""

from __future__ import annotations

import strawberry

from mpi.api.types import Person


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A person found by a search, and which of its records matched.")
class PersonEdge:
    cursor: str
    node: Person
    matched_record_keys: list[str]


@strawberry.type
class PersonConnection:
    edges: list[PersonEdge]
    page_info: PageInfo
