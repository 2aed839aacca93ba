"""The store port: a unit of work over the identity graph (DESIGN.md §2).

Every adapter (SQLite, Neo4j) implements these Protocols and passes the one
contract suite in tests/store/. Rules that hold for every adapter:

- Timestamps go in and come out as timezone-aware datetimes (returned in UTC);
  a naive datetime is a ValidationError.
- Ids of persons, review tasks, encounters, credentials and audit entries are
  chosen by the caller (use `mpi.domain.ids.new_id`); merge ids by the store.
- Reads return None / an empty result for what does not exist; writes about
  something that does not exist raise NotFoundError; writes that contradict
  what is stored raise ConflictError; a store that cannot be opened or
  reached raises StoreError. No other exception escapes an adapter on purpose.
- NOT_SAME constraints are recorded and returned, not enforced on link():
  deciding is the linking service's job (it reads `not_same_pairs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from mpi.domain.audit import AuditEntry, AuditQuery
from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.candidates import CandidateSet
from mpi.domain.coverage import Coverage
from mpi.domain.credentials import Credential
from mpi.domain.encounters import Encounter
from mpi.domain.merges import MergeEvent
from mpi.domain.not_same import NotSame
from mpi.domain.pages import Page
from mpi.domain.persons import Link, Person, PersonWithRecords
from mpi.domain.records import Record
from mpi.domain.review import ReviewStatus, ReviewTask
from mpi.domain.store_stats import StoreStats
from mpi.domain.stored_records import BlockKeyRuns, RecordWrite, StoredRecord, UpsertOutcome

DEFAULT_PAGE_SIZE = 50


class ReadTx(Protocol):
    """Reads inside one transaction: a consistent snapshot."""

    def get_record(self, key: str) -> StoredRecord | None:
        """The record with key `institution:record_id`, or None."""
        ...

    def get_records(self, keys: Iterable[str]) -> dict[str, StoredRecord]:
        """The records that exist among `keys`, by key (missing keys are absent)."""
        ...

    def person(self, person_id: str) -> PersonWithRecords | None:
        """A person (active or merged) with its records and links, or None."""
        ...

    def persons(self, person_ids: Iterable[str]) -> dict[str, PersonWithRecords]:
        """Bulk `person` for DataLoaders: the persons that exist among `person_ids`, by id."""
        ...

    def candidates(self, block_keys: Iterable[str], cap: int) -> CandidateSet:
        """Records sharing any of `block_keys`, skipping blocks holding more than `cap` records.

        Args:
            block_keys: the query record's block keys.
            cap: the largest block still searched; larger blocks are reported in
                `CandidateSet.oversized_keys` and contribute no candidates.
        """
        ...

    def not_same_pairs(self, record_keys: Iterable[str]) -> tuple[NotSame, ...]:
        """Every NOT_SAME constraint touching any of `record_keys`, ordered by (a_key, b_key)."""
        ...

    def search_by_curp(self, curp: str) -> tuple[StoredRecord, ...]:
        """Records whose stored CURP equals `curp` exactly, ordered by record key."""
        ...

    def search_by_name_dob(
        self,
        first_surname: str,
        birth_date: date,
        given_names: str | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[StoredRecord]:
        """Records with exactly this first surname and birth date (and given names, if given).

        Values are compared as stored: pass them in the normalisation the records
        were stored in. Ordered by record key; `after` is a cursor from a previous page.
        """
        ...

    def review_task(self, task_id: str) -> ReviewTask | None:
        """One review task, or None."""
        ...

    def review_tasks(
        self,
        status: ReviewStatus | None = None,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[ReviewTask]:
        """Review tasks with `status` (any if None), oldest first (by id)."""
        ...

    def merge_event(self, merge_id: str) -> MergeEvent | None:
        """One merge, or None."""
        ...

    def merge_events(self, person_id: str) -> tuple[MergeEvent, ...]:
        """Merges in which `person_id` survived or was absorbed, oldest first."""
        ...

    def audit(
        self,
        query: AuditQuery,
        limit: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Page[AuditEntry]:
        """Audit entries matching every filter in `query`, in id (append) order."""
        ...

    def coverage_of(self, person_id: str) -> tuple[Coverage, ...]:
        """Coverage attached to the person's records, by (record_key, institution, kind, from)."""
        ...

    def encounters_of(self, person_id: str) -> tuple[Encounter, ...]:
        """Encounters attached to the person's records, by (occurred_on, id)."""
        ...

    def credential_of(self, person_id: str) -> Credential | None:
        """The person's active credential, or None."""
        ...

    def credential(self, credential_id: str) -> Credential | None:
        """A credential by id, whatever its status, or None."""
        ...

    def stats(self) -> StoreStats:
        """Counts of everything stored."""
        ...


class WriteTx(ReadTx, Protocol):
    """Reads and writes inside one atomic transaction: all of it commits, or none of it."""

    def lock(self, keys: Iterable[str]) -> None:
        """Serialise concurrent decisions about these block keys / CURPs until commit.

        Call it before `candidates` when deciding whether to create a person, so
        that two writers registering the same person cannot both decide "new".
        """
        ...

    def upsert_records(self, rows: Sequence[RecordWrite], at: datetime) -> list[UpsertOutcome]:
        """Insert or update records by key, replacing each record's block keys.

        Unchanged content keeps its version and `received_at`; changed content
        gets version + 1 and `received_at = at`. Links are untouched. A key
        repeated within `rows` is applied in order. Outcomes follow `rows`.
        """
        ...

    def create_person(self, person_id: str, at: datetime) -> Person:
        """A new active person. ConflictError if the id exists."""
        ...

    def create_persons(self, persons: Sequence[Person]) -> None:
        """Bulk `create_person` (statuses must be active). ConflictError on any existing id."""
        ...

    def link(self, link: Link) -> None:
        """Link an unlinked record to an active person.

        Re-linking to the same person changes nothing. NotFoundError for an unknown
        record or person; ConflictError if the person is merged or the record is
        linked to another person (use `move`).
        """
        ...

    def link_many(self, links: Sequence[Link]) -> None:
        """Bulk `link`, same rules, one transaction."""
        ...

    def unlink(self, record_key: str) -> Link | None:
        """Remove the record's link; returns it, or None if there was none.

        NotFoundError for an unknown record.
        """
        ...

    def move(self, link: Link) -> Link | None:
        """Link the record to `link.person_id` whatever it was linked to; returns the old link.

        NotFoundError for an unknown record or person; ConflictError if the person is merged.
        """
        ...

    def merge_persons(
        self, survivor_id: str, absorbed_id: str, by: str, reason: str, at: datetime
    ) -> MergeEvent:
        """Move every record of `absorbed_id` to `survivor_id` and mark it merged into it.

        Moved links get `by`, rule "merge", `at` and keep their probability.
        NotFoundError for an unknown person; ConflictError if they are the same
        person or either is not active.
        """
        ...

    def undo_merge(self, merge_id: str, by: str, at: datetime) -> MergeEvent:
        """Reactivate the absorbed person and restore its links exactly as before the merge.

        ConflictError if the merge was undone already, or if the survivor is no
        longer active or no longer holds every moved record.
        """
        ...

    def add_not_same(self, a_key: str, b_key: str, by: str, reason: str, at: datetime) -> NotSame:
        """Record that two records are different persons; returns the stored constraint.

        Adding an existing pair (in either order) returns the first one unchanged.
        NotFoundError for an unknown record; ConflictError if a_key == b_key.
        """
        ...

    def create_review_task(self, task: ReviewTask) -> None:
        """Queue an open task. ConflictError if the id exists or the task is not open."""
        ...

    def decide_review_task(
        self, task_id: str, decision: str, by: str, reason: str, at: datetime
    ) -> ReviewTask:
        """Close an open task with a decision. NotFoundError; ConflictError if decided."""
        ...

    def add_coverage(self, coverage: Sequence[Coverage]) -> None:
        """Attach coverage to records (upsert by identity). NotFoundError for a missing record."""
        ...

    def add_encounters(self, encounters: Sequence[Encounter]) -> None:
        """Attach encounters to records. NotFoundError for a missing record; ConflictError
        for an existing id."""
        ...

    def issue_credential(self, credential: Credential) -> None:
        """Store an active credential. NotFoundError for an unknown person; ConflictError if
        the person is not active, already holds an active credential, or the id exists."""
        ...

    def revoke_credential(self, credential_id: str, at: datetime) -> Credential:
        """Revoke an active credential. NotFoundError; ConflictError if already revoked."""
        ...

    def append_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries to the audit log (there is no way to change or remove them).
        ConflictError for an existing id."""
        ...


class Store(Protocol):
    """An opened store. Thread-safe: each thread may hold its own transactions."""

    def read(self) -> AbstractContextManager[ReadTx]:
        """A read transaction (a consistent snapshot)."""
        ...

    def write(self) -> AbstractContextManager[WriteTx]:
        """A write transaction: commits on clean exit, rolls back if the block raises."""
        ...

    def close(self) -> None:
        """Release connections / the driver. The store is unusable afterwards."""
        ...


class BulkWriteTx(WriteTx, Protocol):
    """The one transaction of a bulk load: every write of WriteTx, plus linked inserts."""

    def insert_linked_records(
        self, rows: Sequence[RecordWrite], links: Sequence[Link], at: datetime
    ) -> None:
        """Insert new records with their block keys, each already linked: `links[i]` is
        `rows[i]`'s (its person must exist). ConflictError for a key that exists."""
        ...

    def insert_linked_runs(
        self,
        records: Sequence[Record],
        keys: BlockKeyRuns,
        links: Sequence[Link],
        at: datetime,
    ) -> None:
        """`insert_linked_records` with the block keys in columns: `records[i]` holds
        run i of `keys` (a million records' keys without a string per record and key)."""
        ...

    def create_person_ids(self, ids: Sequence[str], at: datetime) -> None:
        """`create_persons` of new active persons with these distinct ids, created `at`."""
        ...

    def insert_linked_columns(
        self,
        records: RecordColumns,
        links: LinkColumns,
        rows: Sequence[int],
        keys: BlockKeyRuns | None,
        at: datetime,
    ) -> None:
        """`insert_linked_runs` of the records `rows` of `records` (in that order),
        received `at`, row i of `records` linked as row i of `links`; run i of `keys`
        belongs to records row `rows[i]` (None for records whose keys were staged). No
        object is made per record."""
        ...

    def stage_block_keys(
        self, records: RecordColumns, rows: Sequence[int], keys: Callable[[], BlockKeyRuns]
    ) -> None:
        """Before any insert: make the block keys of records[rows] beside whatever the
        caller does next, e.g. in another process: `keys()` gives their runs (run i for
        records row `rows[i]`); the store may call it in a forked child, so it must only
        read what the caller holds. The `insert_linked_columns` calls that follow must
        insert exactly records[rows] in this order, and need no keys."""
        ...


@runtime_checkable
class ImmediateWriter(Protocol):
    """An optional capability of a Store: a write transaction only if it can start at once.

    For callers that must never wait for another writer, such as an event loop writing
    the audit of a read (the API falls back to a worker thread when the store is busy or
    lacks this capability). SQLite offers it; a networked store would block on I/O anyway.
    """

    def write_if_free(self) -> AbstractContextManager[WriteTx | None]:
        """`write()` if no other writer (thread or process) holds the store right now;
        otherwise None at once, and nothing was started."""
        ...


@runtime_checkable
class BulkLoader(Protocol):
    """An optional capability of a Store: build a whole graph into it while it is empty.

    Adapters that can do this much faster than transaction by transaction implement
    it (SQLite: a side file renamed into place); batch linking uses it when the store
    offers it and writes ordinary transactions otherwise (Neo4j).
    """

    def bulk_load(self) -> AbstractContextManager[BulkWriteTx]:
        """One write transaction building the store's whole graph, all or nothing.

        Nothing is visible until the block exits cleanly; if it raises, or the process
        dies, the store is left as it was. No other connection to the store may be
        open meanwhile (in this process or another).

        Raises:
            ConflictError: the store holds records (before the load, or when publishing).
        """
        ...
