"""The linking decision: from scored candidates to link, new person or review (DESIGN.md §3).

A pure function, so that registration, resolution and the tests share one
reading of the thresholds:

- candidates are grouped by the person holding them; a person's evidence is
  its best-scoring record;
- a person is *barred* from an automatic link when a steward said NOT_SAME
  about one of its records (then it is not even offered for review), or when
  the batch clustering's rules would refuse to join the incoming record to
  the person's records (hard cannot-link evidence against any of them; then
  it can at most be reviewed) — see `LinkingModel.joinable`;
- exactly one unbarred person at or above the link threshold -> link to it;
- two or more -> an "ambiguous-link" review task, and never a merge of those
  persons: the record joins the best person only when its evidence dominates
  every other's by the rules' `thresholds.ambiguity_margin` bits of match
  weight (by default `DOMINANCE_BITS`, a thousandfold likelihood ratio; e.g.
  an exact CURP against a sibling sharing a household phone), otherwise it
  gets a new person of its own — batch clustering holds such a record apart
  by the same margin (`mpi.matching.clustering`);
- otherwise any person at or above the review threshold -> a new person and a
  "possible-match" review task; else a new person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    LINKED = "linked"  # joined an existing person
    NEW = "new"  # a new person, nobody close
    REVIEW = "review"  # a new person plus a review task
    UNCHANGED = "unchanged"  # the same content sent again: its link stands, nothing re-decided


class Band(StrEnum):
    LINK = "link"
    REVIEW = "review"
    NON_MATCH = "non_match"


class Bar(StrEnum):
    NOT_SAME = "not-same"
    CANNOT_LINK = "cannot-link"


REVIEW_POSSIBLE_MATCH = "possible-match"
REVIEW_AMBIGUOUS = "ambiguous-link"
DOMINANCE_BITS = 10.0


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Probabilities: `link` >= `review`; `ambiguity_margin` in match-weight bits."""

    link: float
    review: float
    ambiguity_margin: float = DOMINANCE_BITS

    def band(self, probability: float) -> Band:
        if probability >= self.link:
            return Band.LINK
        return Band.REVIEW if probability >= self.review else Band.NON_MATCH


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    """One stored record scored against the incoming one."""

    record_key: str
    person_id: str
    probability: float
    match_weight: float
    cannot_link: bool = False  # hard evidence against this pair (shown; persons are barred
    # through `cannot_link_persons`, judged on all their records)


@dataclass(frozen=True, slots=True)
class PersonEvidence:
    """What speaks for one candidate person: its best record and whether it is barred."""

    person_id: str
    probability: float
    match_weight: float
    best_record_key: str
    band: Band
    bar: Bar | None = None

    @property
    def linkable(self) -> bool:
        return self.bar is None and self.band is Band.LINK


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do with an incoming record, and the evidence behind it.

    `person_id` is the person to link to when `outcome` is LINKED, else None;
    `review_kind` is set when a review task must be queued (also next to a link
    that dominated other candidates), naming `review_person_ids` (best first);
    `persons` ranks every candidate person, best first.
    """

    outcome: Outcome
    person_id: str | None
    review_kind: str | None
    review_person_ids: tuple[str, ...]
    persons: tuple[PersonEvidence, ...]
    reason: str


def decide(
    scores: Iterable[ScoredCandidate],
    thresholds: Thresholds,
    not_same_persons: Iterable[str] = (),
    cannot_link_persons: Iterable[str] = (),
    rival_persons: Iterable[str] = (),
    home_rivals: Iterable[str] = (),
) -> Decision:
    """Decide link / new / review for one incoming record.

    Args:
        scores: the incoming record scored against each candidate record.
        thresholds: link and review probabilities.
        not_same_persons: persons holding a record a steward declared NOT_SAME
            as the incoming record; they are never linked nor reviewed.
        cannot_link_persons: persons the incoming record must not join
            automatically (hard evidence against their records).
        rival_persons: persons among `cannot_link_persons` the record may still
            belong to (a key holder whose namesake it may be, see
            `LinkingModel.namesake_rival`): next to them no link is automatic.
        home_rivals: linkable persons that share a home with the record (without a
            valid CURP) where the best person's key holders do not: a margin does not
            make the best one clear (batch: `mpi.matching.ambiguity`).
    """
    persons = rank_persons(scores, thresholds, not_same_persons, cannot_link_persons)
    linkable = [p for p in persons if p.linkable]
    rivals = set(rival_persons)
    held = [p for p in persons if p.person_id in rivals and p.band is Band.LINK]
    if linkable and held:
        ids = tuple(p.person_id for p in [*linkable, *held])
        reason = f"may belong to {', '.join(ids)}: a namesake's key holder among them"
        return Decision(Outcome.REVIEW, None, REVIEW_AMBIGUOUS, ids, persons, reason)
    if len(linkable) == 1:
        best = linkable[0]
        reason = f"p={best.probability:.4f} >= link threshold for {best.person_id}"
        return Decision(Outcome.LINKED, best.person_id, None, (), persons, reason)
    if len(linkable) > 1:
        homes = set(home_rivals)
        if any(p.person_id in homes for p in linkable):
            ids = tuple(p.person_id for p in linkable)
            reason = f"may belong to {', '.join(ids)}: shares a home with a rival, not the best"
            return Decision(Outcome.REVIEW, None, REVIEW_AMBIGUOUS, ids, persons, reason)
        return _ambiguous(linkable, persons, thresholds.ambiguity_margin)
    reviewable = [p for p in persons if p.bar is not Bar.NOT_SAME and p.band is not Band.NON_MATCH]
    if reviewable:
        ids = tuple(p.person_id for p in reviewable)
        reason = f"best p={reviewable[0].probability:.4f} is in the review band"
        return Decision(Outcome.REVIEW, None, REVIEW_POSSIBLE_MATCH, ids, persons, reason)
    return Decision(Outcome.NEW, None, None, (), persons, "no candidate reaches the review band")


def _ambiguous(
    linkable: list[PersonEvidence], persons: tuple[PersonEvidence, ...], margin_bits: float
) -> Decision:
    ids = tuple(p.person_id for p in linkable)
    best, runner_up = sorted(linkable, key=lambda p: -p.match_weight)[:2]
    margin = best.match_weight - runner_up.match_weight
    listing = ", ".join(ids)
    if margin >= margin_bits:
        others = tuple(i for i in ids if i != best.person_id)
        reason = (
            f"clears the link threshold for {len(ids)} persons ({listing}); "
            f"{best.person_id} dominates by {margin:.1f} bits: linked, others to review"
        )
        return Decision(Outcome.LINKED, best.person_id, REVIEW_AMBIGUOUS, others, persons, reason)
    reason = f"clears the link threshold for {len(ids)} persons: {listing}"
    return Decision(Outcome.REVIEW, None, REVIEW_AMBIGUOUS, ids, persons, reason)


def rank_persons(
    scores: Iterable[ScoredCandidate],
    thresholds: Thresholds,
    not_same_persons: Iterable[str] = (),
    cannot_link_persons: Iterable[str] = (),
) -> tuple[PersonEvidence, ...]:
    """Group scores by person: best record per person, barred ones marked, best first."""
    by_person: dict[str, list[ScoredCandidate]] = {}
    for score in scores:
        by_person.setdefault(score.person_id, []).append(score)
    vetoed = set(not_same_persons)
    hard = set(cannot_link_persons)
    ranked = [_evidence(pid, group, thresholds, vetoed, hard) for pid, group in by_person.items()]
    ranked.sort(key=lambda p: (-p.probability, p.person_id))
    return tuple(ranked)


def _evidence(
    person_id: str,
    group: Sequence[ScoredCandidate],
    thresholds: Thresholds,
    vetoed: set[str],
    hard: set[str],
) -> PersonEvidence:
    best = min(group, key=lambda s: (-s.probability, s.record_key))
    bar = None
    if person_id in vetoed:
        bar = Bar.NOT_SAME
    elif person_id in hard:
        bar = Bar.CANNOT_LINK
    band = thresholds.band(best.probability)
    return PersonEvidence(
        person_id, best.probability, best.match_weight, best.record_key, band, bar
    )
