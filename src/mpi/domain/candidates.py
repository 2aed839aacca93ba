"""Candidate records found through shared block keys."""

from __future__ import annotations

from dataclasses import dataclass

from mpi.domain.stored_records import StoredRecord


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored record sharing at least one block key with the query."""

    record: StoredRecord
    matched_keys: tuple[str, ...]  # sorted

    @property
    def person_id(self) -> str | None:
        return self.record.person_id


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """Candidates ordered by record key, plus the block keys skipped for being too large.

    A block with more records than the cap is left out whole and named in
    `oversized_keys` (sorted), never silently truncated.
    """

    candidates: tuple[Candidate, ...]
    oversized_keys: tuple[str, ...]
