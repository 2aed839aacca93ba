"""Evaluate one record against the graph: candidates by block keys, scores, NOT_SAME, decision.

Shared by registration (inside its write transaction) and resolution (read
only), so "what would happen" and "what happened" can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord
from mpi.services.decide import Decision, decide
from mpi.services.model import CandidateScore, LinkingModel
from mpi.store.port import ReadTx


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A decision with everything behind it: each candidate's score and explanation."""

    decision: Decision
    scores: tuple[CandidateScore, ...]  # best first
    oversized_keys: tuple[str, ...]

    def score_of(self, record_key: str) -> CandidateScore | None:
        return next((s for s in self.scores if s.scored.record_key == record_key), None)

    def payload(self, limit: int = 5) -> dict[str, object]:
        """A JSON-able summary for a review task: decision, then the best candidates."""
        return {
            "decision": self.decision.outcome.value,
            "reason": self.decision.reason,
            "candidates": [s.to_mapping() for s in self.scores[:limit]],
            "oversized_block_keys": list(self.oversized_keys),
        }


def evaluate(
    tx: ReadTx,
    model: LinkingModel,
    record: Record,
    block_keys: Sequence[str],
    extra: Sequence[StoredRecord] = (),
    cap: int | None = None,
) -> Evaluation:
    """Score `record` against its block candidates (plus `extra` records) and decide.

    Args:
        tx: a read (or write) transaction.
        model: blocking, scoring and thresholds.
        record: the incoming record; a stored record with the same key is ignored.
        block_keys: the record's block keys.
        extra: more records to score whatever their keys (e.g. its current person's).
        cap: the largest block searched; defaults to the model's cap.
    """
    pool = _pool(tx, model, record, block_keys, extra, cap)
    return _decided(tx, model, record, pool, model.score(record, pool.linked))


def evaluate_many(
    tx: ReadTx,
    model: LinkingModel,
    records: Sequence[Record],
    block_keys: Sequence[Sequence[str]],
    cap: int | None = None,
) -> list[Evaluation]:
    """`evaluate` of each record (block_keys[i] are records[i]'s), with the same answers;
    the records' candidates are scored together in one table (see `LinkingModel.score_many`).
    """
    pools = [_pool(tx, model, r, k, (), cap) for r, k in zip(records, block_keys, strict=True)]
    scores = model.score_many([(r, p.linked) for r, p in zip(records, pools, strict=True)])
    return [_decided(tx, model, r, p, s) for r, p, s in zip(records, pools, scores, strict=True)]


@dataclass(frozen=True, slots=True)
class _Pool:
    records: dict[str, StoredRecord]  # every record found (linked or not) and the extra ones
    linked: list[StoredRecord]  # those to score: linked, not the record itself, by key
    oversized_keys: tuple[str, ...]


def _pool(
    tx: ReadTx,
    model: LinkingModel,
    record: Record,
    block_keys: Sequence[str],
    extra: Sequence[StoredRecord],
    cap: int | None,
) -> _Pool:
    found = tx.candidates(block_keys, cap or model.candidate_cap)
    pool = {c.record.key: c.record for c in found.candidates}
    pool.update((r.key, r) for r in extra)
    linked = [r for key, r in sorted(pool.items()) if key != record.key and r.person_id]
    return _Pool(pool, linked, found.oversized_keys)


def _decided(
    tx: ReadTx,
    model: LinkingModel,
    record: Record,
    pool: _Pool,
    scores: list[CandidateScore],
) -> Evaluation:
    vetoed = _not_same_persons(tx, record.key, pool.records)
    decision = decide((s.scored for s in scores), model.thresholds, vetoed)
    hard = _cannot_link_persons(tx, model, record, decision, scores)
    if hard:
        decision = decide((s.scored for s in scores), model.thresholds, vetoed, hard)
    ranked = tuple(sorted(scores, key=lambda s: (-s.scored.probability, s.scored.record_key)))
    return Evaluation(decision, ranked, pool.oversized_keys)


def _cannot_link_persons(
    tx: ReadTx,
    model: LinkingModel,
    record: Record,
    decision: Decision,
    scores: Sequence[CandidateScore],
) -> set[str]:
    """Persons the record would be linked to that the batch clustering would keep apart.

    Blocking surfaces only the records sharing a key; a person is judged on all
    of its records, as batch clustering judges a cluster. When every record of
    the person was scored and none carries pairwise hard evidence, the
    clustering could not refuse the join, so it is not run.
    """
    linkable = {p.person_id: p.best_record_key for p in decision.persons if p.linkable}
    if not linkable:
        return set()
    flags = {s.scored.record_key: s.scored.cannot_link for s in scores}
    barred = set()
    for pid, person in tx.persons(linkable).items():
        others = [r for r in person.records if r.key != record.key]
        if all(flags.get(r.key) is False for r in others):
            continue
        if not model.joinable(record, others, linkable[pid]):
            barred.add(pid)
    return barred


def _not_same_persons(tx: ReadTx, key: str, pool: dict[str, StoredRecord]) -> set[str]:
    others = {ns.other(key) for ns in tx.not_same_pairs([key])}
    if not others:
        return set()
    missing = [k for k in others if k not in pool]
    known = {k: pool[k] for k in others if k in pool} | tx.get_records(missing)
    return {r.person_id for r in known.values() if r.person_id}
