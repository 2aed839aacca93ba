"""Resolve identity: who is this person? Ranked candidate persons, without writing anything.

Works for demographics with or without a CURP: the record is blocked, scored
and decided exactly as registration would, and the answer says what
registering it would do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mpi.domain.records import Record
from mpi.matching.explain import Explanation
from mpi.services.candidates import Evaluation, evaluate, evaluate_many
from mpi.services.decide import Band, Bar, Decision
from mpi.services.model import CandidateScore, LinkingModel
from mpi.store.port import ReadTx

QUERY_INSTITUTION = "_query"
DEFAULT_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ResolvedPerson:
    """A candidate person: how likely the query is them, and why.

    `bar` says why the person could not be linked automatically (NOT_SAME or
    cannot-link evidence), None if nothing bars it. The explanation is that of the
    person's best record, for the best few persons.
    """

    person_id: str
    probability: float
    match_weight: float
    band: Band
    bar: Bar | None
    best_record_key: str
    score: CandidateScore | None = field(default=None, repr=False, compare=False)

    @property
    def explanation(self) -> Explanation | None:
        """Per comparison: level, weight, the two values (computed when first read)."""
        return self.score.explanation if self.score is not None else None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Candidate persons, best first, and what registering the record would do."""

    candidates: tuple[ResolvedPerson, ...]
    decision: Decision
    oversized_keys: tuple[str, ...]


def query_record(**demographics: object) -> Record:
    """A Record for a query (no institution of its own); e.g. `query_record(curp=...)`."""
    return Record(QUERY_INSTITUTION, "query", **demographics)  # type: ignore[arg-type]


def resolve_identity(
    tx: ReadTx, model: LinkingModel, record: Record, limit: int = DEFAULT_LIMIT
) -> Resolution:
    """Rank the persons `record` may belong to.

    Args:
        tx: a read transaction.
        model: blocking, scoring and thresholds.
        record: validated demographics (see `query_record`).
        limit: at most this many persons are returned.
    """
    return _resolution(evaluate(tx, model, record, model.block_keys(record)), limit)


def resolve_identities(
    tx: ReadTx, model: LinkingModel, records: Sequence[Record], limits: Sequence[int]
) -> list[Resolution]:
    """`resolve_identity` of each record (at most limits[i] persons for records[i]), with
    the same answers, blocking and scoring the records together (cheaper per record)."""
    keys = model.block_keys_of_many(records)
    evaluations = evaluate_many(tx, model, records, keys)
    return [_resolution(e, n) for e, n in zip(evaluations, limits, strict=True)]


def _resolution(evaluation: Evaluation, limit: int) -> Resolution:
    people = []
    by_key = {s.scored.record_key: s for s in evaluation.scores}
    for person in evaluation.decision.persons[:limit]:
        score = by_key.get(person.best_record_key)
        people.append(
            ResolvedPerson(
                person.person_id,
                person.probability,
                person.match_weight,
                person.band,
                person.bar,
                person.best_record_key,
                score,
            )
        )
    return Resolution(tuple(people), evaluation.decision, evaluation.oversized_keys)
