"""Register one record: validate, block, score, decide and persist in one transaction.

The whole decision happens inside the store's write transaction, after
`lock(block keys)`: two clients registering the same person at the same
moment are serialised, and the second one finds the first one's record.

Re-sending a record with the same content changes nothing (its link stands);
a changed record is re-evaluated against its current person's other records
and its block candidates, and moved (audited) when it no longer belongs.
Links made by a steward are never moved automatically: a changed record that
disputes one goes to review instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mpi.domain.ids import new_id
from mpi.domain.persons import PERSON_ID_PREFIX, Link, PersonWithRecords
from mpi.domain.records import Record
from mpi.domain.review import REVIEW_ID_PREFIX, ReviewTask
from mpi.domain.stored_records import RecordWrite, StoredRecord, UpsertChange
from mpi.services.audit import Actor, audit_entry
from mpi.services.candidates import Evaluation, evaluate
from mpi.services.decide import Decision, Outcome
from mpi.services.golden import GoldenView, golden_view
from mpi.services.model import LinkingModel
from mpi.store.port import WriteTx

# Link rules that record a human decision; the linker never overrides them.
MANUAL_RULES = frozenset({"steward", "merge", "split", "manual"})
FS_RULE = "fs-link"
NEW_RULE = "new-person"
REVIEW_DISPUTED = "disputed-link"


@dataclass(frozen=True, slots=True)
class Registration:
    """What registering one record did.

    `outcome` is UNCHANGED when the same content was sent again (nothing
    re-decided); `decision` is then None. `moved_from` names the person a
    changed record left; `review_task_id` the review task queued, if any.
    """

    record_key: str
    person_id: str
    outcome: Outcome
    change: UpsertChange
    decision: Decision | None
    evaluation: Evaluation | None
    moved_from: str | None
    review_task_id: str | None
    golden: GoldenView


@dataclass(frozen=True, slots=True)
class _Plan:
    person_id: str
    create_person: bool
    link: bool  # write a link (new or moved)
    moved_from: str | None
    review_kind: str | None
    review_person_ids: tuple[str, ...]
    rule: str
    probability: float | None


def register_record(
    tx: WriteTx,
    model: LinkingModel,
    record: Record,
    actor: Actor,
    at: datetime | None = None,
    trusted_institutions: Sequence[str] = (),
) -> Registration:
    """Register `record` inside the open write transaction `tx`.

    Args:
        tx: the write transaction; the caller commits it.
        model: blocking, scoring and thresholds.
        record: an already validated record (see `mpi.identity.record_rules.parse_record`).
        actor: who registers it (audited).
        at: the registration time; defaults to now.
        trusted_institutions: survivorship ranking for the returned golden view.
    """
    at = at or datetime.now(UTC)
    keys = model.block_keys(record)
    tx.lock(keys)
    before = tx.get_record(record.key)
    [upsert] = tx.upsert_records([RecordWrite(record, keys)], at)
    if upsert.change is UpsertChange.UNCHANGED and before and before.person_id:
        return _unchanged(tx, record, before.person_id, actor, at, trusted_institutions)
    current = tx.person(before.person_id) if before and before.person_id else None
    evaluation = evaluate(tx, model, record, keys, _others(current, record.key))
    plan = _plan(evaluation.decision, current, record.key)
    review_id = _apply(tx, record, plan, evaluation, actor, at)
    model.observe(before.record if before else None, record)
    _audit_registration(tx, record, upsert.change, plan, evaluation.decision, actor, at)
    return Registration(
        record.key,
        plan.person_id,
        evaluation.decision.outcome,
        upsert.change,
        evaluation.decision,
        evaluation,
        plan.moved_from,
        review_id,
        person_golden(tx, plan.person_id, trusted_institutions),
    )


def person_golden(tx: WriteTx, person_id: str, trusted: Sequence[str]) -> GoldenView:
    found = tx.person(person_id)
    records = found.records if found else ()
    return golden_view(person_id, records, trusted)


def _unchanged(
    tx: WriteTx,
    record: Record,
    person_id: str,
    actor: Actor,
    at: datetime,
    trusted: Sequence[str],
) -> Registration:
    detail = {"change": "unchanged", "person": person_id}
    tx.append_audit([audit_entry(actor, "record.register", "record", [record.key], at, detail)])
    golden = person_golden(tx, person_id, trusted)
    return Registration(
        record.key,
        person_id,
        Outcome.UNCHANGED,
        UpsertChange.UNCHANGED,
        None,
        None,
        None,
        None,
        golden,
    )


def _others(current: PersonWithRecords | None, own_key: str) -> tuple[StoredRecord, ...]:
    if current is None:
        return ()
    return tuple(r for r in current.records if r.key != own_key)


def _plan(decision: Decision, current: PersonWithRecords | None, own_key: str) -> _Plan:
    if current is None:
        return _plan_fresh(decision)
    others = _others(current, own_key)
    cid = current.person.id
    if _is_manual(current, own_key):
        disputed = decision.outcome is not Outcome.LINKED or decision.person_id != cid
        kind = REVIEW_DISPUTED if disputed else None
        return _Plan(cid, False, False, None, kind, _ids(decision) if disputed else (), "", None)
    if decision.outcome is Outcome.LINKED and decision.person_id == cid:
        kind, ids = decision.review_kind, _ids(decision)
        return _Plan(cid, False, False, None, kind, ids, FS_RULE, _best(decision))
    stays = not others or (decision.outcome is Outcome.REVIEW and cid in _ids(decision))
    if stays and decision.outcome is not Outcome.LINKED:
        return _Plan(cid, False, False, None, decision.review_kind, _ids(decision), "", None)
    fresh = _plan_fresh(decision)
    return _Plan(
        fresh.person_id,
        fresh.create_person,
        True,
        cid,
        fresh.review_kind,
        fresh.review_person_ids,
        fresh.rule,
        fresh.probability,
    )


def _plan_fresh(decision: Decision) -> _Plan:
    if decision.outcome is Outcome.LINKED and decision.person_id is not None:
        kind, ids = decision.review_kind, _ids(decision)
        return _Plan(decision.person_id, False, True, None, kind, ids, FS_RULE, _best(decision))
    pid = new_id(PERSON_ID_PREFIX)
    return _Plan(pid, True, True, None, decision.review_kind, _ids(decision), NEW_RULE, None)


def _ids(decision: Decision) -> tuple[str, ...]:
    return decision.review_person_ids


def _best(decision: Decision) -> float | None:
    chosen = (p for p in decision.persons if p.person_id == decision.person_id)
    return next((p.probability for p in chosen), None)


def _is_manual(current: PersonWithRecords, own_key: str) -> bool:
    return any(link.record_key == own_key and link.rule in MANUAL_RULES for link in current.links)


def _apply(
    tx: WriteTx, record: Record, plan: _Plan, evaluation: Evaluation, actor: Actor, at: datetime
) -> str | None:
    if plan.create_person:
        tx.create_person(plan.person_id, at)
        tx.append_audit([audit_entry(actor, "person.create", "person", [plan.person_id], at)])
    if plan.link:
        link = Link(record.key, plan.person_id, at, actor.name, plan.rule, plan.probability)
        if plan.moved_from is None:
            tx.link(link)
        else:
            tx.move(link)
            detail = {"from": plan.moved_from, "to": plan.person_id, "why": "record changed"}
            tx.append_audit([audit_entry(actor, "record.move", "record", [record.key], at, detail)])
            _retire_if_empty(tx, plan.moved_from, plan.person_id, actor, at)
    if plan.review_kind is None:
        return None
    return _queue_review(tx, record, plan, evaluation, actor, at)


def _retire_if_empty(tx: WriteTx, person_id: str, into: str, actor: Actor, at: datetime) -> None:
    """A person left without records is merged into the person its last record joined.

    Nothing moves, but the old id now resolves to the new person (and the merge can be
    undone like any other), instead of lingering as an empty active identity.
    """
    left = tx.person(person_id)
    if left is None or left.records:
        return
    reason = "its only record was re-registered and now belongs to this person"
    event = tx.merge_persons(into, person_id, actor.name, reason, at)
    detail = {"survivor": into, "absorbed": person_id, "merge": event.id, "why": reason}
    tx.append_audit([audit_entry(actor, "person.merge", "person", [into, person_id], at, detail)])


def _queue_review(
    tx: WriteTx, record: Record, plan: _Plan, evaluation: Evaluation, actor: Actor, at: datetime
) -> str:
    assert plan.review_kind is not None
    persons = (plan.person_id, *(p for p in plan.review_person_ids if p != plan.person_id))
    task = ReviewTask(
        id=new_id(REVIEW_ID_PREFIX),
        kind=plan.review_kind,
        record_key=record.key,
        person_ids=persons,
        created_at=at,
        payload=json.dumps(evaluation.payload(), sort_keys=True, ensure_ascii=False),
    )
    tx.create_review_task(task)
    detail = {"kind": task.kind, "record": record.key, "persons": list(persons)}
    tx.append_audit([audit_entry(actor, "review.create", "review-task", [task.id], at, detail)])
    return task.id


def _audit_registration(
    tx: WriteTx,
    record: Record,
    change: UpsertChange,
    plan: _Plan,
    decision: Decision,
    actor: Actor,
    at: datetime,
) -> None:
    detail: Mapping[str, object] = {
        "change": change.value,
        "outcome": decision.outcome.value,
        "person": plan.person_id,
        "rule": plan.rule,
        "probability": plan.probability,
        "reason": decision.reason,
    }
    tx.append_audit([audit_entry(actor, "record.register", "record", [record.key], at, detail)])
