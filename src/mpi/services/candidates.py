"""Evaluate one record against the graph: candidates by block keys, scores, NOT_SAME, decision.

Shared by registration (inside its write transaction) and resolution (read
only), so "what would happen" and "what happened" can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, pairwise

from mpi.domain.persons import PersonWithRecords
from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord
from mpi.identity.curp import validate
from mpi.matching.ambiguity import home_speaks_for_rival
from mpi.matching.features import prepare
from mpi.services.decide import Band, Decision, Outcome, decide
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
    return evaluate_many(tx, model, [record], [block_keys], cap, [extra])[0]


def evaluate_many(
    tx: ReadTx,
    model: LinkingModel,
    records: Sequence[Record],
    block_keys: Sequence[Sequence[str]],
    cap: int | None = None,
    extras: Sequence[Sequence[StoredRecord]] | None = None,
) -> list[Evaluation]:
    """`evaluate` of each record (block_keys[i] and extras[i] are records[i]'s), with the
    same answers; the records share each store lookup and one scoring table (see
    `LinkingModel.score_many`), which costs less than evaluating them one by one.
    """
    pools = _pools(tx, model, records, block_keys, cap, extras or [()] * len(records))
    scores = model.score_many([(r, p.linked) for r, p in zip(records, pools, strict=True)])
    vetoed = _not_same_persons(tx, [r.key for r in records], pools)
    decisions = [
        decide((s.scored for s in group), model.thresholds, veto)
        for group, veto in zip(scores, vetoed, strict=True)
    ]
    linkable = {p.person_id for d in decisions for p in d.persons if p.linkable}
    persons = tx.persons(sorted(linkable)) if linkable else {}
    out = []
    for record, pool, group, veto, decision in zip(
        records, pools, scores, vetoed, decisions, strict=True
    ):
        hard = _cannot_link_persons(model, record, decision, group, persons)
        rivals: set[str] = set()
        if hard:
            decision = decide((s.scored for s in group), model.thresholds, veto, hard)
            rivals = _namesake_rivals(model, record, decision, hard, persons)
            if rivals:
                scored = (s.scored for s in group)
                decision = decide(scored, model.thresholds, veto, hard, rivals)
        homes = _home_rivals(record, decision, persons)
        if homes:
            scored = (s.scored for s in group)
            decision = decide(scored, model.thresholds, veto, hard, rivals, homes)
        ranked = tuple(sorted(group, key=lambda s: (-s.scored.probability, s.scored.record_key)))
        out.append(Evaluation(decision, ranked, pool.oversized_keys))
    return out


@dataclass(frozen=True, slots=True)
class _Pool:
    records: dict[str, StoredRecord]  # every record found (linked or not) and the extra ones
    linked: list[StoredRecord]  # those to score: linked, not the record itself, by key
    oversized_keys: tuple[str, ...]


def _pools(
    tx: ReadTx,
    model: LinkingModel,
    records: Sequence[Record],
    block_keys: Sequence[Sequence[str]],
    cap: int | None,
    extras: Sequence[Sequence[StoredRecord]],
) -> list[_Pool]:
    # One lookup for all the records' keys: each block is capped on its own, so a record's
    # share of the answer (the candidates matching one of its keys) is its own lookup's.
    wanted = sorted({key for keys in block_keys for key in keys})
    found = tx.candidates(wanted, cap or model.candidate_cap)
    oversized = set(found.oversized_keys)
    out = []
    for record, keys, extra in zip(records, block_keys, extras, strict=True):
        mine = set(keys)
        pool = {
            c.record.key: c.record for c in found.candidates if mine.intersection(c.matched_keys)
        }
        pool.update((r.key, r) for r in extra)
        linked = [r for key, r in sorted(pool.items()) if key != record.key and r.person_id]
        out.append(_Pool(pool, linked, tuple(sorted(mine & oversized))))
    return out


def _cannot_link_persons(
    model: LinkingModel,
    record: Record,
    decision: Decision,
    scores: Sequence[CandidateScore],
    persons: Mapping[str, PersonWithRecords],
) -> set[str]:
    """Persons the record would be linked to that the batch clustering would keep apart.

    Blocking surfaces only the records sharing a key; a person is judged on all
    of its records (`persons` holds every linkable person), as batch clustering
    judges a cluster. When every record of the person was scored and none
    carries pairwise hard evidence nor a pair a cluster rule may start from
    (homoclave, elsewhere, dateless), the clustering could not refuse the join,
    so it is not run.
    """
    linkable = {p.person_id: p.best_record_key for p in decision.persons if p.linkable}
    flags = {s.scored.record_key: s.scored.cannot_link or s.cluster_rule_may_object for s in scores}
    barred = set()
    for pid, best_key in linkable.items():
        person = persons.get(pid)
        if person is None:
            continue
        others = [r for r in person.records if r.key != record.key]
        if all(flags.get(r.key) is False for r in others):
            continue
        if not model.joinable(record, others, best_key):
            barred.add(pid)
    return barred


def _namesake_rivals(
    model: LinkingModel,
    record: Record,
    decision: Decision,
    barred: set[str],
    persons: Mapping[str, PersonWithRecords],
) -> set[str]:
    """Barred persons that still rival the one the record would be linked to (batch
    clustering holds such a record apart: mpi.matching.ambiguity)."""
    best = persons.get(decision.person_id or "")
    if decision.outcome is not Outcome.LINKED or best is None:
        return set()
    return {
        p.person_id
        for p in decision.persons
        if p.person_id in barred
        and p.band is Band.LINK
        and p.person_id in persons
        and model.namesake_rival(record, persons[p.person_id].records, best.records)
    }


def _home_rivals(
    record: Record, decision: Decision, persons: Mapping[str, PersonWithRecords]
) -> set[str]:
    """Linkable persons whose home speaks for them against the person the record (without
    a valid CURP) would be linked to: batch clustering holds such a record apart whatever
    the margin (`mpi.matching.ambiguity.home_speaks_for_rival`)."""
    best = decision.person_id
    if decision.outcome is not Outcome.LINKED or best is None or best not in persons:
        return set()
    others = [
        p.person_id
        for p in decision.persons
        if p.linkable and p.person_id != best and p.person_id in persons
    ]
    if not others or validate(record.curp or "").valid:
        return set()
    groups = [
        [s.record for s in persons[p].records if s.key != record.key] for p in [best, *others]
    ]
    f = prepare([record, *chain.from_iterable(groups)])
    # Row 0 is the record, then each person's records in turn.
    bounds = list(accumulate(map(len, groups), initial=1))
    rows = [range(start, stop) for start, stop in pairwise(bounds)]
    return {
        p
        for p, theirs in zip(others, rows[1:], strict=True)
        if home_speaks_for_rival(f, 0, rows[0], theirs)
    }


def _not_same_persons(tx: ReadTx, keys: Sequence[str], pools: Sequence[_Pool]) -> list[set[str]]:
    """For each record key, the persons holding a record declared NOT_SAME as it."""
    pairs = tx.not_same_pairs(sorted(set(keys)))
    others = [{ns.other(key) for ns in pairs if key in (ns.a_key, ns.b_key)} for key in keys]
    # The records outside every pool, read in one store call for all the keys.
    asked = zip(others, pools, strict=True)
    missing = sorted({k for mine, pool in asked for k in mine if k not in pool.records})
    fetched = tx.get_records(missing) if missing else {}
    out: list[set[str]] = []
    for mine, pool in zip(others, pools, strict=True):
        known = [pool.records.get(k) or fetched.get(k) for k in mine]
        out.append({r.person_id for r in known if r is not None and r.person_id})
    return out
