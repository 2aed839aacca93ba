"""Read-only use cases behind the GraphQL API: persons, records, person search, and the audit
of every read of personal data.

Reads of personal data are audited (DESIGN.md §5): `record_reads` appends one entry per
operation naming every person or record the caller was shown; the API calls it once per
request, before the response leaves the server.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mpi.domain.audit import AuditEntry
from mpi.domain.persons import PersonWithRecords
from mpi.domain.stored_records import StoredRecord
from mpi.services.audit import Actor, audit_entry
from mpi.services.golden import GoldenView, golden_view
from mpi.services.model import CandidateScore, LinkingModel
from mpi.services.person_search import PersonSearch, SearchPage, search_persons
from mpi.store.port import ImmediateWriter, Store


@dataclass(frozen=True, slots=True)
class ReadEvent:
    """Personal data shown to a caller: by which operation, of which persons or records."""

    operation: str
    target_kind: str  # "person" or "record"
    target_ids: tuple[str, ...]


class IdentityReads:
    """Read use cases over the store; each call is one read transaction."""

    def __init__(
        self,
        store: Store,
        trusted_institutions: Sequence[str] = (),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._store = store
        # Checked once: a runtime protocol check costs more than the write it guards.
        self._immediate = store if isinstance(store, ImmediateWriter) else None
        self._trusted = tuple(trusted_institutions)
        self._clock = clock or (lambda: datetime.now(UTC))

    def persons(self, person_ids: Sequence[str]) -> dict[str, PersonWithRecords]:
        """The persons that exist among `person_ids`, in one store call."""
        with self._store.read() as tx:
            return tx.persons(person_ids)

    def golden(self, person: PersonWithRecords) -> GoldenView:
        return golden_view(person.person.id, person.records, self._trusted)

    def record(self, key: str) -> StoredRecord | None:
        with self._store.read() as tx:
            return tx.get_record(key)

    def search(self, criteria: PersonSearch, first: int, after: str | None) -> SearchPage:
        """One page of persons matching `criteria` (see `person_search.search_persons`)."""
        with self._store.read() as tx:
            return search_persons(tx, criteria, first, after)

    def record_reads(self, actor: Actor, events: Sequence[ReadEvent]) -> None:
        """Append one audit entry per read of personal data, all in one transaction."""
        self.record_reads_of_many([(actor, events)])

    def record_reads_of_many(self, reads: Sequence[tuple[Actor, Sequence[ReadEvent]]]) -> None:
        """`record_reads` for several callers at once: one transaction (a group commit)."""
        entries = self._entries(reads)
        if entries:
            with self._store.write() as tx:
                tx.append_audit(entries)

    def record_reads_now(self, reads: Sequence[tuple[Actor, Sequence[ReadEvent]]]) -> bool:
        """`record_reads_of_many` if the store can write at once, without waiting for
        another writer; False (nothing written) if it cannot (see `ImmediateWriter`)."""
        if self._immediate is None:
            return False
        entries = self._entries(reads)
        if not entries:
            return True
        with self._immediate.write_if_free() as tx:
            if tx is None:
                return False
            tx.append_audit(entries)
        return True

    def _entries(self, reads: Sequence[tuple[Actor, Sequence[ReadEvent]]]) -> list[AuditEntry]:
        at = self._clock()
        return [
            audit_entry(actor, f"read:{e.operation}", e.target_kind, e.target_ids, at)
            for actor, events in reads
            for e in events
            if e.target_ids
        ]


def link_evidence(
    model: LinkingModel, person: PersonWithRecords, record_key: str
) -> CandidateScore | None:
    """Why `record_key` sits with `person`: it scored, now, against the person's other
    records, best first (None for a person's only record)."""
    own = next((r for r in person.records if r.key == record_key), None)
    others = [r for r in person.records if r.key != record_key and r.person_id]
    if own is None or not others:
        return None
    return model.score(own.record, others)[0]
