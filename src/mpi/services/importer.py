"""Import a stream of records: register each one, keep going past bad rows, count outcomes.

Term frequencies for an import come from the whole file, counted up front in
a first streaming pass (as batch linking counts them), and are added to the
counts already kept with the model. Each record is then registered in its own
transaction with those counts held fixed, so:

- the decisions do not depend on the order in which a value first appears;
- an interrupted import (Ctrl-C, SIGKILL) re-run from the start uses exactly
  the same counts — the counts are saved only when an import completes — and
  every record it already committed comes back "unchanged", so the re-run
  ends with the same graph as an uninterrupted run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from mpi.domain.errors import ConflictError, MpiError, Problem, ValidationError
from mpi.domain.records import Record
from mpi.matching.features import prepare
from mpi.matching.term_frequency import TermFrequencies
from mpi.services.audit import Actor
from mpi.services.decide import Outcome
from mpi.services.linking import LinkingService

COUNT_CHUNK = 20_000


@dataclass(frozen=True, slots=True)
class Rejection:
    """A row that was not imported: where it is and every problem with it."""

    line: int | None
    record_key: str | None
    problems: tuple[Problem, ...]


@dataclass(slots=True)
class ImportSummary:
    """Counts of what an import did; `reasons` counts rejections by "field: rule"."""

    linked: int = 0
    new: int = 0
    review: int = 0
    unchanged: int = 0
    moved: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def rows(self) -> int:
        return self.linked + self.new + self.review + self.unchanged + self.rejected

    def count(self, outcome: Outcome) -> None:
        name = outcome.value
        setattr(self, name, getattr(self, name) + 1)

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        self.reasons.update(f"{p.field}: {p.rule}" for p in rejection.problems)


def count_terms(records: Iterable[Record]) -> tuple[TermFrequencies, int]:
    """Term frequencies of `records`, streamed in chunks; also returns how many were counted."""
    counts = TermFrequencies()
    total = 0
    iterator = iter(records)
    while chunk := list(islice(iterator, COUNT_CHUNK)):
        counts.add_features(prepare(chunk))
        total += len(chunk)
    return counts, total


def import_records(
    linking: LinkingService,
    rows: Iterable[Record | Rejection],
    actor: Actor,
    on_rejected: Callable[[Rejection], None] | None = None,
    on_row: Callable[[], None] | None = None,
) -> ImportSummary:
    """Register every record of `rows`, one transaction each, rejecting bad rows and going on.

    Call `hold_counts` first (the CLI does) so that term frequencies cover the file.

    Args:
        linking: the linking service (store + model).
        rows: records and already-rejected rows, in file order.
        actor: who imports (audited on every write).
        on_rejected: called with each rejected row (e.g. to write the rejected-rows file).
        on_row: called after each row (e.g. to advance a progress bar).
    """
    summary = ImportSummary()
    for row in rows:
        if isinstance(row, Record):
            _register_one(linking, row, actor, summary, on_rejected)
        else:
            summary.reject(row)
            if on_rejected:
                on_rejected(row)
        if on_row:
            on_row()
    return summary


def _register_one(
    linking: LinkingService,
    record: Record,
    actor: Actor,
    summary: ImportSummary,
    on_rejected: Callable[[Rejection], None] | None,
) -> None:
    try:
        result = linking.register(record, actor)
    except (ValidationError, ConflictError) as exc:  # this record; a StoreError stops the import
        rejection = Rejection(None, record.key, _problems(exc))
        summary.reject(rejection)
        if on_rejected:
            on_rejected(rejection)
        return
    summary.count(result.outcome)
    summary.moved += result.moved_from is not None


def _problems(exc: MpiError) -> tuple[Problem, ...]:
    if isinstance(exc, ValidationError):
        return exc.problems
    return (Problem("record", type(exc).__name__, str(exc)),)


def hold_counts(linking: LinkingService, file_counts: TermFrequencies) -> None:
    """Add a file's term frequencies to the model and hold them fixed during its import."""
    linking.model.add_counts(file_counts)
    linking.model.counting = False


def release_counts(linking: LinkingService, completed: bool) -> None:
    """After an import: save the counts if it completed, and resume counting new records."""
    linking.model.counting = True
    if completed:
        linking.save_model()
    else:
        linking.model.changes = 0  # the held counts must not be saved by an interrupted run
