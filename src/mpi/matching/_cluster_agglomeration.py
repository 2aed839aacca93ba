"""The greedy agglomeration of one batch's dirty components (clustering.py drives it).

Clusters grow by union-find as links are applied strongest first; a merge is refused when a
cluster rule objects to the two clusters' summaries, or a pairwise rule to a pair of records
across them (looked up among the pairs flagged once per batch, matching/_cluster_pairs.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mpi.matching._cluster_pairs import (
    DIFFERENT,
    HOMONYM,
    REISSUE,
    SUSPECT,
    TWINS,
    FlaggedPairs,
    pair_flags,
)
from mpi.matching._cluster_rules import birth_states, clusters_object, household_keys
from mpi.matching._homonym import reissue_shown
from mpi.matching._level_tests import Index
from mpi.matching._twins import TwinsTest
from mpi.matching.features import Features
from mpi.matching.hard_negatives import GENERATION_YEARS

# What a link did (Agglomeration.merge); counts() counts the first three.
APPLIED, REFUSED_HARD, REFUSED_CONSTRAINT, NOTHING = range(4)


@dataclass(slots=True)
class Summary:
    """What a cluster holds that hard negative rules can object to, kept for cheap tests."""

    members: list[int]
    curps: set[int]  # ids of valid CURPs
    first_year: int  # recorded birth years, for the generation rule
    last_year: int
    givens: set[int]  # given-name ids, for the twins rule
    states: set[str]  # birth states recorded or in valid CURPs, for the elsewhere rule
    households: set[tuple[str, int]]  # NSS, phone and postal codes, for the elsewhere rule
    stated_households: set[tuple[str, int]]  # ... of its records showing a birth state
    # The list and sets are a single record's, shared with every other summary of it: the
    # first absorb replaces them rather than growing them.
    shared: bool = False

    def absorb(self, other: Summary) -> None:
        if self.shared:
            self.members = [*self.members, *other.members]
            self.states = self.states | other.states
            self.households = self.households | other.households
            self.stated_households = self.stated_households | other.stated_households
            self.curps = self.curps | other.curps
            self.givens = self.givens | other.givens
            self.shared = False
        else:
            self.members.extend(other.members)
            self.states |= other.states
            self.households |= other.households
            self.stated_households |= other.stated_households
            self.curps |= other.curps
            self.givens |= other.givens
        self.first_year = min(self.first_year, other.first_year)
        self.last_year = max(self.last_year, other.last_year)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What every agglomeration of one batch reads besides the links."""

    f: Features
    rules: tuple[str, ...]
    flagged: FlaggedPairs  # flagged pairs within the dirty components checked pairwise
    unchecked: frozenset[int]  # records of the dirty components too big for that
    twins: TwinsTest
    # Each record's own summary, made once and shared (see Summary.shared).
    singles: dict[int, Summary] = field(default_factory=dict)

    def single(self, i: int) -> Summary:
        """A new summary of record i alone."""
        s = self.singles.get(i)
        if s is None:
            f = self.f
            curp = int(f.curp.column.ids[i])
            year = int(f.birth_date[i]) // 10000 if f.birth_date[i] >= 0 else None
            homes, states = household_keys(f, i), birth_states(f, i)
            s = self.singles[i] = Summary(
                [i],
                {curp} if f.curp.valid[i] else set(),
                year if year is not None else 1 << 30,
                year if year is not None else -(1 << 30),
                {int(f.text["given_names"].ids[i])},
                states,
                homes,
                homes if states else set(),
            )
        return Summary(
            s.members,
            s.curps,
            s.first_year,
            s.last_year,
            s.givens,
            s.states,
            s.households,
            s.stated_households,
            True,
        )


class Agglomeration:
    """Clusters of one batch being formed: merge links one by one, ask what they hold."""

    def __init__(
        self,
        evidence: Evidence,
        not_same: Iterable[tuple[int, int]],
        held_apart: Iterable[int] = (),
    ) -> None:
        f = self.f = evidence.f
        self.evidence = evidence
        self.held_apart = set(held_apart)
        self.rules: Sequence[str] = evidence.rules
        self.parent = list(range(f.n))
        self.summaries: dict[int, Summary] = {}
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

    def summary(self, root: int) -> Summary:
        found = self.summaries.get(root)
        if found is None:
            found = self.single(root)
            self.summaries[root] = found
        return found

    def single(self, i: int) -> Summary:
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

    def merge(self, a: int, b: int) -> int:
        """Apply the link (a, b): APPLIED, REFUSED_HARD, REFUSED_CONSTRAINT or NOTHING."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return NOTHING
        if a in self.held_apart or b in self.held_apart:
            return NOTHING
        if self._violates_constraint(ra, rb):
            self.refused_constraint += 1
            return REFUSED_CONSTRAINT
        if self._clusters_apart(ra, rb):
            self.refused_hard += 1
            return REFUSED_HARD
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
        return APPLIED

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

    def _hard_negative_between(self, sa: Summary, sb: Summary, rb: int) -> bool:
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
        checked = sa.members[0] not in self.evidence.unchecked
        crossing = self._crossing(sa, sb, rb, checked)
        members = [*sa.members, *sb.members]
        if pairwise:
            if any(bits & DIFFERENT for _, _, bits in crossing):
                return True
            hit = [(a, b, bits) for a, b, bits in crossing if bits & HOMONYM]
            if hit and not self._reissue(hit, members, checked):
                return True
        if twins:
            if any(bits & TWINS for _, _, bits in crossing):
                return True
            suspects = [(a, b) for a, b, bits in crossing if bits & SUSPECT]
            return bool(suspects) and self.evidence.twins.unbridged(suspects, members)
        return False

    def _crossing(
        self, sa: Summary, sb: Summary, rb: int, checked: bool
    ) -> list[tuple[int, int, int]]:
        # (a in sa, b in sb, flags) of every flagged pair between the two sides.
        if not checked:  # flags of the whole cross product
            left = np.repeat(np.array(sa.members, dtype=np.intp), len(sb.members))
            right = np.tile(np.array(sb.members, dtype=np.intp), len(sa.members))
            flags = pair_flags(self.f, left, right, self.rules, self.evidence.twins.letters)
            keep = np.flatnonzero(flags)
            return list(
                zip(left[keep].tolist(), right[keep].tolist(), flags[keep].tolist(), strict=True)
            )
        flagged, find = self.evidence.flagged, self.find
        return [(a, b, bits) for a in sa.members for b, bits in flagged.of(a) if find(b) == rb]

    def _reissue(self, hit: list[tuple[int, int, int]], members: list[int], checked: bool) -> bool:
        # Every objection is only "same root, another homoclave" between CURPs that records
        # of the merged cluster already show to be one person's reissue (a shared household
        # key and one name): the person moved since, so later records share nothing.
        # (_homonym.reissued_curps, its per-pair part read from the flags.)
        if "reissue" not in self.rules or not all(bits & REISSUE for _, _, bits in hit):
            return False
        left, right = np.array([(a, b) for a, b, _ in hit], dtype=np.intp).T
        # Within a component checked pairwise every pair's homonym verdict is flagged already.
        homonyms = self._flagged_homonyms if checked else None
        return reissue_shown(self.f, left, right, members, homonyms)

    def _flagged_homonyms(self, left: Index, right: Index) -> NDArray[np.bool_]:
        between = self.evidence.flagged.between
        pairs = zip(left.tolist(), right.tolist(), strict=True)
        return np.array([bool(between(a, b) & HOMONYM) for a, b in pairs], dtype=np.bool_)

    def counts(self) -> tuple[int, int, int]:
        """Links applied, refused for hard negative evidence, refused for a constraint."""
        return self.applied, self.refused_hard, self.refused_constraint
