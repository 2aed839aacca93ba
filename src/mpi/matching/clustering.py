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
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mpi.matching._cluster_pairs import DIFFERENT, HOMONYM, NAMES, FlaggedPairs, pair_flags
from mpi.matching._cluster_rules import (
    birth_states,
    cluster_rules_may_object,
    clusters_object,
    household_keys,
)
from mpi.matching._homonym import reissued_curps
from mpi.matching._twins import TwinsTest
from mpi.matching.ambiguity import ambiguous_records
from mpi.matching.blocking import pairs_within_blocks
from mpi.matching.features import Features
from mpi.matching.hard_negatives import (
    GENERATION_YEARS,
    HARD_NEGATIVE_RULES,
    cannot_link,
)

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


@dataclass(slots=True)
class _Summary:
    """What a cluster holds that hard negative rules can object to, kept for cheap tests."""

    members: list[int]
    curps: set[int]  # ids of valid CURPs
    first_year: int  # recorded birth years, for the generation rule
    last_year: int
    givens: set[int]  # given-name ids, for the twins rule
    states: set[str]  # birth states recorded or in valid CURPs, for the elsewhere rule
    households: set[tuple[str, int]]  # NSS, phone and postal codes, for the elsewhere rule
    # The list and sets are a single record's, shared with every other summary of it: the
    # first absorb replaces them rather than growing them.
    shared: bool = False

    def absorb(self, other: _Summary) -> None:
        if self.shared:
            self.members = [*self.members, *other.members]
            self.states = self.states | other.states
            self.households = self.households | other.households
            self.curps = self.curps | other.curps
            self.givens = self.givens | other.givens
            self.shared = False
        else:
            self.members.extend(other.members)
            self.states |= other.states
            self.households |= other.households
            self.curps |= other.curps
            self.givens |= other.givens
        self.first_year = min(self.first_year, other.first_year)
        self.last_year = max(self.last_year, other.last_year)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What every agglomeration of one batch reads besides the links."""

    f: Features
    rules: tuple[str, ...]
    flagged: FlaggedPairs  # flagged pairs within the dirty components checked pairwise
    unchecked: frozenset[int]  # records of the dirty components too big for that
    twins: TwinsTest
    # Each record's own summary, made once and shared (see _Summary.shared).
    singles: dict[int, _Summary] = field(default_factory=dict)

    def single(self, i: int) -> _Summary:
        """A new summary of record i alone."""
        s = self.singles.get(i)
        if s is None:
            f = self.f
            curp = int(f.curp.column.ids[i])
            year = int(f.birth_date[i]) // 10000 if f.birth_date[i] >= 0 else None
            s = self.singles[i] = _Summary(
                [i],
                {curp} if f.curp.valid[i] else set(),
                year if year is not None else 1 << 30,
                year if year is not None else -(1 << 30),
                {int(f.text["given_names"].ids[i])},
                birth_states(f, i),
                household_keys(f, i),
            )
        return _Summary(
            s.members, s.curps, s.first_year, s.last_year, s.givens, s.states, s.households, True
        )


class _Agglomeration:
    def __init__(
        self,
        evidence: _Evidence,
        not_same: Iterable[tuple[int, int]],
        held_apart: Iterable[int] = (),
    ) -> None:
        f = self.f = evidence.f
        self.evidence = evidence
        self.held_apart = set(held_apart)
        self.rules: Sequence[str] = evidence.rules
        self.parent = list(range(f.n))
        self.summaries: dict[int, _Summary] = {}
        self.forbidden: dict[int, set[int]] = {}
        for a, b in not_same:
            self.forbidden.setdefault(a, set()).add(b)
            self.forbidden.setdefault(b, set()).add(a)
        self.refused_hard = 0
        self.refused_constraint = 0
        self.applied = 0
        # Verdicts on two clusters, by (root, size) of each: clusters only grow and an
        # absorbed root never is one again, so a root and its size name one set of records.
        # Several links between the same two clusters are then judged once.
        self.verdicts: dict[tuple[int, int, int, int], bool] = {}

    def summary(self, root: int) -> _Summary:
        found = self.summaries.get(root)
        if found is None:
            found = self.single(root)
            self.summaries[root] = found
        return found

    def single(self, i: int) -> _Summary:
        """The summary of record i alone."""
        return self.evidence.single(i)

    def can_join(self, i: int, root: int) -> bool:
        """Whether record i could join the cluster `root` (it may already be in it)."""
        if self.find(i) == root:
            return True
        return not self._hard_negative_between(self.single(i), self.summary(root), root)

    def apart(self, ra: int, rb: int) -> bool:
        """Whether two clusters hold evidence of two different people."""
        return self._violates_constraint(ra, rb) or self._clusters_apart(ra, rb)

    def _clusters_apart(self, ra: int, rb: int) -> bool:
        sa, sb = self.summary(ra), self.summary(rb)
        if (ra, len(sa.members)) > (rb, len(sb.members)):
            ra, rb, sa, sb = rb, ra, sb, sa
        key = (ra, len(sa.members), rb, len(sb.members))
        found = self.verdicts.get(key)
        if found is None:
            if len(sa.members) > len(sb.members):  # scan the smaller side's pairs
                found = self._hard_negative_between(sb, sa, ra)
            else:
                found = self._hard_negative_between(sa, sb, rb)
            self.verdicts[key] = found
        return found

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def merge(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if a in self.held_apart or b in self.held_apart:
            return False
        if self._violates_constraint(ra, rb):
            self.refused_constraint += 1
            return False
        if self._clusters_apart(ra, rb):
            self.refused_hard += 1
            return False
        sa, sb = self.summary(ra), self.summary(rb)
        if len(sa.members) < len(sb.members):
            ra, rb, sa, sb = rb, ra, sb, sa
        self.applied += 1
        self.parent[rb] = ra
        sa.absorb(sb)
        del self.summaries[rb]
        moved = self.forbidden.pop(rb, None)
        if moved:
            self.forbidden.setdefault(ra, set()).update(moved)
        return True

    def _violates_constraint(self, ra: int, rb: int) -> bool:
        if not self.forbidden:
            return False
        # The relation is symmetric, so scanning the smaller non-empty side is enough.
        pairs = ((self.forbidden.get(ra), rb), (self.forbidden.get(rb), ra))
        sides = [(s, other) for s, other in pairs if s]
        if not sides:
            return False
        records, other = min(sides, key=lambda side: len(side[0]))
        return any(self.find(x) == other for x in records)

    def _hard_negative_between(self, sa: _Summary, sb: _Summary, rb: int) -> bool:
        """Whether `sa` (any records) and the cluster `sb` rooted at `rb` are two people.

        Symmetric; `sa` is the side whose flagged pairs are scanned (the smaller one)."""
        if clusters_object(self.f, sa, sb, self.rules):
            return True
        # Only two distinct valid CURPs or a generation-wide span of birth years can
        # trigger a pairwise rule, only several given names the twins rule.
        several_curps = len(sa.curps | sb.curps) > 1
        span = max(sa.last_year, sb.last_year) - min(sa.first_year, sb.first_year)
        pairwise = several_curps or span >= GENERATION_YEARS
        twins = len(sa.givens | sb.givens) > 1 and "twins" in self.rules
        if not pairwise and not twins:
            return False
        crossing = self._crossing(sa, sb, rb)
        members = [*sa.members, *sb.members]
        if pairwise:
            if any(bits & DIFFERENT for _, _, bits in crossing):
                return True
            hit = [(a, b) for a, b, bits in crossing if bits & HOMONYM]
            if hit and not self._reissue(hit, members):
                return True
        if twins:
            named = [(a, b) for a, b, bits in crossing if bits & NAMES]
            if named:
                left, right = np.array(named, dtype=np.intp).T
                return self.evidence.twins.between(left, right, members)
        return False

    def _crossing(self, sa: _Summary, sb: _Summary, rb: int) -> list[tuple[int, int, int]]:
        # (a in sa, b in sb, flags) of every flagged pair between the two sides.
        if sa.members[0] in self.evidence.unchecked:  # flags of the whole cross product
            left = np.repeat(np.array(sa.members, dtype=np.intp), len(sb.members))
            right = np.tile(np.array(sb.members, dtype=np.intp), len(sa.members))
            flags = pair_flags(self.f, left, right, self.rules)
            keep = np.flatnonzero(flags)
            return list(
                zip(left[keep].tolist(), right[keep].tolist(), flags[keep].tolist(), strict=True)
            )
        flagged, find = self.evidence.flagged, self.find
        return [(a, b, bits) for a in sa.members for b, bits in flagged.of(a) if find(b) == rb]

    def _reissue(self, hit: list[tuple[int, int]], members: list[int]) -> bool:
        # Every objection is only "same root, another homoclave" between CURPs that records
        # of the merged cluster already show to be one person's reissue (a shared household
        # key and one name): the person moved since, so later records share nothing.
        if "reissue" not in self.rules:
            return False
        left, right = np.array(hit, dtype=np.intp).T
        return reissued_curps(self.f, left, right, np.array(members, dtype=np.intp))

    def counts(self) -> tuple[int, int, int]:
        """Links applied, refused for hard negative evidence, refused for a constraint."""
        return self.applied, self.refused_hard, self.refused_constraint


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
) -> tuple[NDArray[np.int64], _Evidence]:
    """Components holding a pair that must not be linked (or too big to check pairwise),
    and the evidence their agglomeration reads."""
    sizes = np.bincount(components, minlength=f.n)
    checked = np.where(sizes[components] <= MAX_CHECKED_COMPONENT, components, -1)
    chunks, _ = pairs_within_blocks(checked.reshape(1, -1), f.n)
    pairs = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    left, right = (side.astype(np.intp) for side in np.divmod(pairs, f.n))
    # The same CURP on both records exempts a pair from every rule of cannot_link.
    curp = f.curp.column.ids
    bad = cluster_rules_may_object(f, left, right, rules)
    other = np.flatnonzero((curp[left] != curp[right]) | (curp[left] < 0))
    bad[other] |= cannot_link(f, left[other], right[other], rules)
    big = sizes[components] > MAX_CHECKED_COMPONENT
    dirty = set(components[left[bad]].tolist())
    dirty |= set(components[big].tolist())
    dirty |= {int(components[a]) for a, b in not_same if components[a] == components[b]}
    dirty_ids = np.array(sorted(dirty), dtype=np.int64)
    inside = np.isin(components[left], dirty_ids)
    flagged = FlaggedPairs(f, left[inside], right[inside], rules)
    evidence = _Evidence(
        f,
        tuple(rules),
        flagged,
        frozenset(np.flatnonzero(big).tolist()),
        TwinsTest(f),
    )
    # The twins test caches its name test by name ids: fill it vectorised.
    evidence.twins.seed(*flagged.named())
    return dirty_ids, evidence


def cluster_links(
    f: Features,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    match_weight: NDArray[np.float64],
    not_same: Iterable[tuple[int, int]] = (),
    rules: Sequence[str] = HARD_NEGATIVE_RULES,
    ambiguity_margin: float | None = None,
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
    """
    constraints = list(not_same)
    components = connected_components(f.n, left, right)
    dirty, evidence = _dirty_components(f, components, constraints, rules)
    in_dirty = np.isin(components[left], dirty)
    order = np.flatnonzero(in_dirty)[np.argsort(-match_weight[in_dirty], kind="stable")]
    links = left[order], right[order]
    agglomeration = _agglomerate(evidence, *links, constraints)
    review: dict[int, list[int]] = {}
    if ambiguity_margin is not None:
        review = ambiguous_records(
            agglomeration, *links, match_weight[order], f.curp.valid, ambiguity_margin
        )
    labels = components.copy()
    touched = np.flatnonzero(np.isin(components, dirty))
    labels[touched] = [agglomeration.find(i) for i in touched.tolist()]
    counts = np.array(agglomeration.counts())
    if review:
        # Components are agglomerated independently: only those holding a record held
        # apart are agglomerated again, and their first counts replaced.
        held = np.array(sorted(review), dtype=np.intp)
        again = np.isin(components[links[0]], components[held])
        subset = links[0][again], links[1][again]
        first = _agglomerate(evidence, *subset, constraints)
        second = _agglomerate(evidence, *subset, constraints, review)
        counts += np.array(second.counts()) - np.array(first.counts())
        redone = np.flatnonzero(np.isin(components, components[held]))
        labels[redone] = [second.find(i) for i in redone.tolist()]
    _, dense = np.unique(labels, return_inverse=True)
    applied, refused_hard, refused_constraint = counts.tolist()
    return Clusters(
        dense.astype(np.int64),
        int((~in_dirty).sum()) + applied,
        refused_hard,
        refused_constraint,
        tuple(sorted(review)),
        tuple((x, p) for x in sorted(review) for p in review[x]),
    )


def _agglomerate(
    evidence: _Evidence,
    left: NDArray[np.intp],
    right: NDArray[np.intp],
    not_same: Iterable[tuple[int, int]],
    held_apart: Iterable[int] = (),
) -> _Agglomeration:
    agglomeration = _Agglomeration(evidence, not_same, held_apart)
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        agglomeration.merge(a, b)
    return agglomeration
