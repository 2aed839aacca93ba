"""Batch linking: link a whole file of records at once and persist the graph in bulk.

The engine's batch pipeline (prepare → block → score → cluster) decides; this
module turns clusters into persons and writes records, block keys, persons,
links, review tasks and an audit trail, one transaction per chunk of records.

Review tasks follow the same rule as registration: a record scoring at least
the review threshold against a record that ended in another person gets a
"possible-match" task (or "refused-link" when the pair cleared the link
threshold but hard evidence or NOT_SAME kept the persons apart), on the later
of the two records, as if the file had been registered in order. A record the
clustering held apart as ambiguous (its links reach persons that cannot be one,
none by `thresholds.ambiguity_margin`) carries an "ambiguous-link" task itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import compress

import numpy as np
from numpy.typing import NDArray

from mpi.domain.batch_columns import LinkColumns, RecordColumns
from mpi.domain.errors import ConflictError
from mpi.domain.persons import PERSON_ID_PREFIX
from mpi.domain.records import Record
from mpi.domain.review import REVIEW_ID_PREFIX, ReviewTask
from mpi.matching.blocking import OversizedBlock, candidate_pairs
from mpi.matching.engine import MatchEngine
from mpi.matching.features import Features, prepare
from mpi.matching.pipeline import score_in_chunks
from mpi.matching.rules import MatchingRules
from mpi.matching.split_clusters import cluster_links_split
from mpi.matching.term_frequency import TermFrequencies
from mpi.matching.weights import match_weights_to_probs, prob_to_match_weight
from mpi.services.audit import Actor, audit_entry
from mpi.services.batch_ids import sorted_ids
from mpi.services.batch_keys import BlockKeyTable, all_runs
from mpi.services.batch_persist import stage_keys, write_graph, write_persons, write_records
from mpi.services.decide import REVIEW_AMBIGUOUS, REVIEW_POSSIBLE_MATCH
from mpi.services.model import uses_term_frequencies
from mpi.store.port import BulkLoader, Store, WriteTx

REVIEW_REFUSED = "refused-link"
BATCH_RULE = "batch-link"
NEW_RULE = "new-person"


@dataclass(frozen=True, slots=True)
class BatchLinkResult:
    """What a batch link decided and wrote; `person_ids[i]` is record `keys[i]`'s person."""

    keys: tuple[str, ...]  # record keys, in input order
    person_ids: tuple[str, ...]
    persons: int
    linked_records: int  # records sharing their person with another record
    review_tasks: int
    candidate_pairs: int
    merges_refused: int
    oversized_blocks: tuple[OversizedBlock, ...]
    term_frequencies: TermFrequencies
    timings: dict[str, float] = field(default_factory=dict)


# Each record's person id, the persons' ids (sorted), review tasks by record, links and
# each chunk's extra rows.
_Bookkeeping = tuple[
    list[str],
    list[str],
    dict[int, ReviewTask],
    LinkColumns,
    Callable[[WriteTx, int, int], None],
]


@dataclass(frozen=True, slots=True)
class _Linked:
    f: Features
    labels: NDArray[np.int64]
    best_weight: NDArray[np.float64]  # best link weight per record, -inf if none
    review: list[tuple[int, list[int]]]  # (record, other records in other clusters), by record
    refused: set[int]  # records whose review includes a refused link
    ambiguous: set[int]  # records held apart: links to persons that cannot be one
    candidate_pairs: int
    merges_refused: int
    oversized: tuple[OversizedBlock, ...]
    tf: TermFrequencies


def link_records(
    store: Store,
    records: Sequence[Record] | RecordColumns,
    rules: MatchingRules,
    actor: Actor,
    at: datetime | None = None,
    on_chunk: Callable[[int], None] | None = None,
    on_written: Callable[[BatchLinkResult], None] | None = None,
    hold: list[object] | None = None,
) -> BatchLinkResult:
    """Link `records` among themselves and persist the graph into an empty store.

    Args:
        store: the store to write; it must hold no records yet.
        records: validated records with distinct keys, or their columns (a bulk read's:
            no Record is made for a store that bulk-loads); results follow their order.
        rules: matching rules (the engine's batch pipeline uses them).
        actor: who runs the batch (audited once per chunk).
        at: timestamp of every write; defaults to now.
        on_chunk: called with the number of records linked after each chunk.
        on_written: called with the result once every row is written; for a bulk store
            before its load commits and publishes (work that needs no store may run beside
            that end), so the graph is not durable yet when it is called.
        hold: a list given the batch's large intermediates (key table, links, review
            tasks) once a bulk store has them, instead of their being freed as this
            returns (~0.1 s at 1M): for a caller that exits without freeing its memory.

    A store offering `BulkLoader` gets the graph all or nothing (a crash leaves it
    empty); any other store one transaction per chunk of records.

    Raises:
        ConflictError: the store already holds records, or a record key repeats.
        StoreError: writing failed.
    """
    at = at or datetime.now(UTC)
    _check_empty(store)
    columns = records if isinstance(records, RecordColumns) else RecordColumns.of(records)
    # Only the columns are needed from here on: a caller that handed over its only
    # reference to the records lets them be freed.
    del records
    _check_unique(columns.keys)
    if not len(columns):
        return BatchLinkResult((), (), 0, 0, 0, 0, 0, (), TermFrequencies())
    timings: dict[str, float] = {}
    clock, cpu_clock = time.perf_counter(), time.process_time()
    if isinstance(store, BulkLoader):
        result = _in_bulk(store, columns, rules, actor, at, timings, on_chunk, on_written, hold)
    else:
        f = prepare(columns)
        timings["prepare"] = time.perf_counter() - clock
        # Records made a chunk at a time, as they are written.
        write_records(store, columns.as_records(), BlockKeyTable(f, rules.blocking.keys), at)
        timings["records"] = time.perf_counter() - clock - timings["prepare"]
        del columns  # the engine links without them
        result = _in_transactions(store, f, rules, actor, at, timings, on_chunk, on_written)
    timings["total"] = time.perf_counter() - clock
    timings["total cpu"] = time.process_time() - cpu_clock
    return result


def _in_bulk(
    store: BulkLoader,
    columns: RecordColumns,
    rules: MatchingRules,
    actor: Actor,
    at: datetime,
    timings: dict[str, float],
    on_chunk: Callable[[int], None] | None,
    on_written: Callable[[BatchLinkResult], None] | None,
    hold: list[object] | None,
) -> BatchLinkResult:
    """Link and write the graph in one bulk load, the block keys made beside."""
    clock = time.perf_counter()
    f = prepare(columns)  # held here only: let go before the write
    timings["prepare"] = time.perf_counter() - clock
    with store.bulk_load() as tx:
        # From here on the block keys are made in another process, beside the linking
        # (they do not depend on it), then written beside the records' inserts.
        staged = stage_keys(tx, columns, partial(all_runs, f, rules.blocking.keys))
        linked = _link(f, rules, timings)
        ids, persons, tasks, links, extra = _bookkeeping(f.keys, linked, actor, at)
        table = None if staged else BlockKeyTable(f, rules.blocking.keys)
        result = _result(f.keys, linked, ids, tasks, timings)
        mark, cpu_mark = time.perf_counter(), time.process_time()
        # The features and the linking's arrays are let go before the write's.
        del f, linked
        written = None if on_written is None else partial(on_written, result)
        write_graph(tx, columns, table, links, at, extra, on_chunk, written, persons)
    if hold is not None:
        hold += [table, links, tasks, extra]
    timings["write"] = time.perf_counter() - mark
    # CPU seconds beside the wall ones: on a shared machine they tell the work apart from
    # the waiting.
    timings["write cpu"] = time.process_time() - cpu_mark
    return result


def _in_transactions(
    store: Store,
    f: Features,
    rules: MatchingRules,
    actor: Actor,
    at: datetime,
    timings: dict[str, float],
    on_chunk: Callable[[int], None] | None,
    on_written: Callable[[BatchLinkResult], None] | None,
) -> BatchLinkResult:
    """Link, then write persons and links one transaction per chunk (the records are
    written already)."""
    linked = _link(f, rules, timings)
    ids, _, tasks, links, extra = _bookkeeping(f.keys, linked, actor, at)
    result = _result(f.keys, linked, ids, tasks, timings)
    mark, cpu_mark = time.perf_counter(), time.process_time()
    write_persons(store, links.as_links(), at, extra, on_chunk)
    if on_written:
        on_written(result)
    timings["links"] = time.perf_counter() - mark
    timings["links cpu"] = time.process_time() - cpu_mark
    return result


def _bookkeeping(keys: Sequence[str], linked: _Linked, actor: Actor, at: datetime) -> _Bookkeeping:
    ids, persons = _person_ids(linked.labels)
    tasks = _review_tasks(keys, linked, ids, at)
    links = _links(keys, linked, ids, actor, at)
    return ids, persons, tasks, links, _extra(keys, tasks, actor, at)


def _result(
    keys: tuple[str, ...],
    linked: _Linked,
    ids: list[str],
    tasks: dict[int, ReviewTask],
    timings: dict[str, float],
) -> BatchLinkResult:
    sizes = np.bincount(linked.labels)
    return BatchLinkResult(
        keys=keys,
        person_ids=tuple(ids),
        persons=len(sizes),
        linked_records=int(sizes[sizes > 1].sum()),
        review_tasks=len(tasks),
        candidate_pairs=linked.candidate_pairs,
        merges_refused=linked.merges_refused,
        oversized_blocks=linked.oversized,
        term_frequencies=linked.tf,
        timings=timings,
    )


def _check_empty(store: Store) -> None:
    with store.read() as tx:
        held = tx.stats().records
    if held:
        raise ConflictError(
            f"the store already holds {held} records; batch linking builds a graph from "
            "scratch: use an empty store, or `mpi import` to add records to this graph"
        )


def _check_unique(keys: Sequence[str]) -> None:
    if len(set(keys)) == len(keys):
        return
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ConflictError(f"record {key} appears twice in the batch")
        seen.add(key)


def _link(f: Features, rules: MatchingRules, timings: dict[str, float]) -> _Linked:
    clock = time.perf_counter()
    tf = TermFrequencies.from_features(f)
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    engine = MatchEngine(rules, tf if uses_term_frequencies(tf) else None)
    weights = score_in_chunks(engine, f, blocked.left, blocked.right)
    timings["block+score"] = time.perf_counter() - clock
    # Positions, not a mask: three boolean selections of millions of pairs cost 3x more.
    link_pairs = np.flatnonzero(weights >= prob_to_match_weight(rules.thresholds.link))
    left, right = blocked.left[link_pairs], blocked.right[link_pairs]
    link_weight = weights[link_pairs]
    clusters = cluster_links_split(
        f,
        left,
        right,
        link_weight,
        rules=rules.hard_negatives,
        ambiguity_margin=rules.thresholds.ambiguity_margin,
    )
    best = np.full(f.n, -np.inf)
    np.maximum.at(best, left, link_weight)
    np.maximum.at(best, right, link_weight)
    review, refused = _cross_cluster(blocked.left, blocked.right, weights, clusters.labels, rules)
    review = _with_ambiguous(review, clusters.review_pairs)
    timings["cluster"] = time.perf_counter() - clock - timings["block+score"]
    return _Linked(
        f,
        clusters.labels,
        best,
        review,
        refused,
        set(clusters.ambiguous),
        len(blocked),
        clusters.refused_hard_negative + clusters.refused_constraint,
        blocked.oversized,
        tf,
    )


def _cross_cluster(
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    weights: NDArray[np.float64],
    labels: NDArray[np.int64],
    rules: MatchingRules,
) -> tuple[list[tuple[int, list[int]]], set[int]]:
    # The labels are compared on the pairs above the review threshold only (a sixth of all).
    keep = np.flatnonzero(weights >= prob_to_match_weight(rules.thresholds.review))
    keep = keep[labels[left[keep]] != labels[right[keep]]]
    later = np.maximum(left[keep], right[keep])
    earlier = np.minimum(left[keep], right[keep])
    strong = weights[keep] >= prob_to_match_weight(rules.thresholds.link)
    order = np.lexsort((-weights[keep], later))
    grouped: dict[int, list[int]] = {}
    for k in order.tolist():
        grouped.setdefault(int(later[k]), []).append(int(earlier[k]))
    refused = {int(r) for r in later[strong].tolist()}
    return sorted(grouped.items()), refused


def _with_ambiguous(
    review: list[tuple[int, list[int]]], pairs: Sequence[tuple[int, int]]
) -> list[tuple[int, list[int]]]:
    """The held-apart record itself carries the review of its links (whatever the order)."""
    grouped = dict(review)
    for record, other in pairs:
        others = grouped.setdefault(record, [])
        if other not in others:
            others.append(other)
    return sorted(grouped.items())


def _person_ids(labels: NDArray[np.int64]) -> tuple[list[str], list[str]]:
    """Each record's person id, and the persons' ids in order."""
    # Fresh ids go to the persons in the ids' order: the persons' list is then in order
    # without a sort of a million records' ids (the bulk load wants it sorted).
    ids = sorted_ids(PERSON_ID_PREFIX, int(labels.max()) + 1)
    held = np.bincount(labels) > 0
    persons = ids if held.all() else list(compress(ids, held.tolist()))
    # Gathered as objects: each record gets its person's own string, in one numpy step.
    per_record: list[str] = np.array(ids, dtype=object)[labels].tolist()
    return per_record, persons


def _review_tasks(
    keys: Sequence[str],
    linked: _Linked,
    ids: Sequence[str],
    at: datetime,
) -> dict[int, ReviewTask]:
    tasks: dict[int, ReviewTask] = {}
    task_ids = sorted_ids(REVIEW_ID_PREFIX, len(linked.review))
    for (record, others), task_id in zip(linked.review, task_ids, strict=True):
        own = ids[record]
        persons = list(dict.fromkeys(ids[o] for o in others if ids[o] != own))
        kind = REVIEW_REFUSED if record in linked.refused else REVIEW_POSSIBLE_MATCH
        if record in linked.ambiguous:
            kind = REVIEW_AMBIGUOUS
        payload = _payload(keys, ids, others[:5])
        tasks[record] = ReviewTask(task_id, kind, keys[record], (own, *persons), at, payload)
    return tasks


def _payload(keys: Sequence[str], ids: Sequence[str], candidates: list[int]) -> str:
    """The task's explanation: `json.dumps({"decision": "review", "reason": "batch link",
    "candidates": [{"record": keys[o], "person": ids[o]}, ...]}, sort_keys=True)`, written
    directly: a dict per task encoded by json.dumps was a third of _review_tasks."""
    listed = ", ".join(
        f'{{"person": {_text(ids[o])}, "record": {_text(keys[o])}}}' for o in candidates
    )
    return f'{{"candidates": [{listed}], "decision": "review", "reason": "batch link"}}'


_text = json.encoder.encode_basestring_ascii  # a JSON string, as json.dumps writes it


def _links(
    keys: Sequence[str], linked: _Linked, ids: Sequence[str], actor: Actor, at: datetime
) -> LinkColumns:
    sizes = np.bincount(linked.labels, minlength=1)
    shared = sizes[linked.labels] > 1
    # A record alone in its person was not linked by a score: no probability.
    probabilities = np.where(shared, match_weights_to_probs(linked.best_weight), np.nan)
    nan = np.isnan(probabilities)
    as_objects = probabilities.astype(object)
    as_objects[nan] = None
    rules = _RULES[shared.astype(np.intp)]
    return LinkColumns(keys, ids, rules.tolist(), as_objects.tolist(), actor.name, at)


# Indexed by whether a record shares its person (numpy gathers the strings at once).
_RULES = np.array([NEW_RULE, BATCH_RULE], dtype=object)


def _extra(
    keys: Sequence[str], tasks: dict[int, ReviewTask], actor: Actor, at: datetime
) -> Callable[[WriteTx, int, int], None]:
    """Each chunk's review tasks and its audit entry."""

    def extra(tx: WriteTx, start: int, stop: int) -> None:
        chunk_tasks = [tasks[i] for i in range(start, stop) if i in tasks]
        for task in chunk_tasks:
            tx.create_review_task(task)
        detail = {
            "records": stop - start,
            "reviews": len(chunk_tasks),
            "first": keys[start],
            "last": keys[stop - 1],
        }
        tx.append_audit([audit_entry(actor, "batch.link", "batch", [], at, detail)])

    return extra
