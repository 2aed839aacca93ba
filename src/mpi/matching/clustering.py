"""From scored pairs to persons: constrained agglomeration instead of connected components.

Links (pairs at or above the link threshold) are applied strongest first with union-find.
A merge is refused when the two clusters would then hold a pair that must not be linked:
hard negative evidence (hard_negatives.cannot_link: different valid CURPs with different
birth dates, homonyms, a generation apart, twins) between ANY of their members, compared or
not, or a NOT_SAME constraint. So a record with a missing CURP cannot chain two clearly
different people. Some rules read whole clusters (rules file names in brackets): a cluster
without any valid CURP born only in states the other never shows and sharing no home with
it [elsewhere]; one without any birth date and with other phones [dateless]; two same-root
CURPs that the cluster's records show to be one person's reissue [reissue] excuse the
homonym rule; names are bridged by a record holding both, by one valid CURP, or by CURP
letters (matching/_name_bridges.py).

Ambiguity (with an `ambiguity_margin`): a record whose links reach two clusters that cannot
be one person (a CURP-less record of one of two namesakes) is not linked automatically
unless its best link beats the best link into the other cluster by the margin. The
clusters are first formed without any ambiguity test; each record is then judged against
the clusters its partners ended in, and the agglomeration is run again with the ambiguous
records held apart (their merges refused), so they never reach a cluster at all and
cannot bridge one either. Their links are returned as review pairs.

Speed: only components of the link graph holding a pair some rule may object to are
agglomerated; the pairwise rules are evaluated once for all pairs within them
(matching/_cluster_pairs.py), so a merge only scans the flagged pairs crossing it, and a
verdict on two clusters is not asked again while neither grows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mpi.matching._cluster_agglomeration import NOTHING, Agglomeration, Evidence
from mpi.matching._cluster_pairs import FlaggedPairs
from mpi.matching._cluster_rules import cluster_rules_may_object
from mpi.matching._twins import TwinsTest
from mpi.matching.ambiguity import ambiguous_records
from mpi.matching.blocking import pairs_within_blocks
from mpi.matching.features import Features
from mpi.matching.hard_negatives import HARD_NEGATIVE_RULES, cannot_link

# Components up to this size are checked pair by pair; bigger ones are agglomerated.
MAX_CHECKED_COMPONENT = 200


@dataclass(frozen=True, slots=True)
class Clusters:
    """labels[i] is record i's cluster (dense ids from 0)."""

    labels: NDArray[np.int64]
    links_applied: int
    refused_hard_negative: int
    refused_constraint: int
    # Records held apart as ambiguous, and their (record, candidate) pairs for review.
    ambiguous: tuple[int, ...] = ()
    review_pairs: tuple[tuple[int, int], ...] = ()

    @property
    def count(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def connected_components(
    n: int, left: NDArray[np.intp], right: NDArray[np.intp]
) -> NDArray[np.int64]:
    """Smallest record index of each record's component, by vectorised label propagation."""
    labels = np.arange(n, dtype=np.int64)
    while True:
        before = labels.copy()
        np.minimum.at(labels, left, labels[right])
        np.minimum.at(labels, right, labels[left])
        while not np.array_equal(labels, labels[labels]):  # pointer jumping
            labels = labels[labels]
        if np.array_equal(labels, before):
            return labels


def _dirty_components(
    f: Features,
    components: NDArray[np.int64],
    not_same: list[tuple[int, int]],
    rules: Sequence[str],
) -> tuple[NDArray[np.int64], Evidence]:
    """Components holding a pair that must not be linked (or too big to check pairwise),
    and the evidence their agglomeration reads."""
    sizes = np.bincount(components, minlength=f.n)
    size = sizes[components]
    # Records alone make no pair: leaving them out spares sorting them.
    checked = np.where((size >= 2) & (size <= MAX_CHECKED_COMPONENT), components, -1)
    chunks, _ = pairs_within_blocks(checked.reshape(1, -1), f.n)
    pairs = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    left, right = (side.astype(np.intp) for side in np.divmod(pairs, f.n))
    # The same CURP on both records exempts a pair from every rule of cannot_link.
    curp = f.curp.column.ids
    bad = cluster_rules_may_object(f, left, right, rules)
    other = np.flatnonzero((curp[left] != curp[right]) | (curp[left] < 0))
    twins = TwinsTest(f)
    bad[other] |= cannot_link(f, left[other], right[other], rules, twins.letters)
    big = size > MAX_CHECKED_COMPONENT
    dirty = set(components[left[bad]].tolist())
    dirty |= set(components[big].tolist())
    dirty |= {int(components[a]) for a, b in not_same if components[a] == components[b]}
    dirty_ids = np.array(sorted(dirty), dtype=np.int64)
    inside = _members(f.n, dirty_ids)[components[left]]
    flagged = FlaggedPairs(f, left[inside], right[inside], rules, twins.letters)
    evidence = Evidence(
        f,
        tuple(rules),
        flagged,
        frozenset(np.flatnonzero(big).tolist()),
        twins,
    )
    return dirty_ids, evidence


def cluster_links(
    f: Features,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    match_weight: NDArray[np.float64],
    not_same: Iterable[tuple[int, int]] = (),
    rules: Sequence[str] = HARD_NEGATIVE_RULES,
    ambiguity_margin: float | None = None,
    components: NDArray[np.int64] | None = None,
) -> Clusters:
    """Cluster records by applying the given links strongest first, refusing forbidden merges.

    Components of the link graph without any forbidden pair are taken whole (the greedy
    agglomeration would apply every link in them); only the others are agglomerated.

    Args:
        f: features of all records.
        left, right, match_weight: the links (pairs already at or above the link threshold).
        not_same: record pairs a steward declared to be different people.
        rules: the hard negative rules that apply (MatchingRules.hard_negatives).
        ambiguity_margin: bits by which a record's best link must beat its best link into
            a cluster that cannot join the first; None links without that test.
        components: connected_components(f.n, left, right), when the caller has it.
    """
    constraints = list(not_same)
    if components is None:
        components = connected_components(f.n, left, right)
    dirty, evidence = _dirty_components(f, components, constraints, rules)
    is_dirty = _members(f.n, dirty)
    in_dirty = is_dirty[components[left]]
    order = np.flatnonzero(in_dirty)[np.argsort(-match_weight[in_dirty], kind="stable")]
    links = left[order], right[order]
    agglomeration, outcomes = _agglomerate(evidence, *links, constraints)
    review: dict[int, list[int]] = {}
    if ambiguity_margin is not None:
        review = ambiguous_records(
            agglomeration, *links, match_weight[order], f.curp.valid, ambiguity_margin
        )
    labels = components.copy()
    touched = np.flatnonzero(is_dirty[components])
    labels[touched] = [agglomeration.find(i) for i in touched.tolist()]
    counts = np.array(agglomeration.counts())
    if review:
        # Components are agglomerated independently: only those holding a record held
        # apart are agglomerated again, and their first counts replaced.
        held = np.array(sorted(review), dtype=np.intp)
        is_held = _members(f.n, components[held])
        again = is_held[components[links[0]]]
        subset = links[0][again], links[1][again]
        second, _ = _agglomerate(evidence, *subset, constraints, review)
        first = np.bincount(outcomes[again], minlength=NOTHING + 1)[:NOTHING]
        counts += np.array(second.counts()) - first
        redone = np.flatnonzero(is_held[components])
        labels[redone] = [second.find(i) for i in redone.tolist()]
    applied, refused_hard, refused_constraint = counts.tolist()
    return Clusters(
        _dense(labels),
        int((~in_dirty).sum()) + applied,
        refused_hard,
        refused_constraint,
        tuple(sorted(review)),
        tuple((x, p) for x in sorted(review) for p in review[x]),
    )


def _agglomerate(
    evidence: Evidence,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    not_same: Iterable[tuple[int, int]],
    held_apart: Iterable[int] = (),
) -> tuple[Agglomeration, NDArray[np.intp]]:
    """The agglomeration after applying the links in order, and what each link did."""
    agglomeration = Agglomeration(evidence, not_same, held_apart)
    merge = agglomeration.merge
    outcomes = [merge(a, b) for a, b in zip(left.tolist(), right.tolist(), strict=True)]
    return agglomeration, np.array(outcomes, dtype=np.intp)


def _members(n: int, ids: NDArray[np.int64]) -> NDArray[np.bool_]:
    # Per record index: whether it is one of `ids` (a lookup table, not a sort as in isin).
    out = np.zeros(n, dtype=np.bool_)
    out[ids] = True
    return out


def _dense(labels: NDArray[np.int64]) -> NDArray[np.int64]:
    # np.unique(labels, return_inverse=True)[1] for labels that are record indices: the
    # rank of each label among those present, by a running count instead of a sort.
    present = _members(len(labels), labels)
    return (np.cumsum(present) - 1)[labels]
