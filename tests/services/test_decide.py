from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from mpi.bootstrap import Services
from mpi.domain.records import Record
from mpi.identity.curp import complete_curp, derive_root
from mpi.services.decide import (
    REVIEW_AMBIGUOUS,
    REVIEW_POSSIBLE_MATCH,
    Band,
    Bar,
    Outcome,
    ScoredCandidate,
    Thresholds,
    decide,
    rank_persons,
)
from tests.services.both_ways import link_both_ways

T = Thresholds(link=0.95, review=0.5)


def sc(key: str, person: str, p: float) -> ScoredCandidate:
    return ScoredCandidate(key, person, p, 0.0)


@pytest.mark.parametrize(
    ("probability", "band"),
    [(0.95, Band.LINK), (0.9499, Band.REVIEW), (0.5, Band.REVIEW), (0.49, Band.NON_MATCH)],
)
def test_bands_include_their_lower_threshold(probability: float, band: Band) -> None:
    assert T.band(probability) is band


def test_no_candidates_gives_a_new_person() -> None:
    decision = decide([], T)
    assert (decision.outcome, decision.person_id, decision.review_kind) == (Outcome.NEW, None, None)


def test_one_person_above_the_link_threshold_is_linked() -> None:
    decision = decide([sc("A:1", "P1", 0.99), sc("A:2", "P2", 0.7)], T)
    assert decision.outcome is Outcome.LINKED
    assert decision.person_id == "P1"


def test_a_persons_evidence_is_its_best_record() -> None:
    decision = decide([sc("A:1", "P1", 0.6), sc("A:2", "P1", 0.97)], T)
    assert decision.person_id == "P1"
    assert decision.persons[0].best_record_key == "A:2"


def test_two_persons_above_the_link_threshold_go_to_review_never_merged() -> None:
    decision = decide([sc("A:1", "P1", 0.99), sc("B:1", "P2", 0.98)], T)
    assert decision.outcome is Outcome.REVIEW
    assert decision.person_id is None
    assert decision.review_kind == REVIEW_AMBIGUOUS
    assert decision.review_person_ids == ("P1", "P2")


def test_a_candidate_in_the_review_band_gives_a_new_person_and_a_review() -> None:
    decision = decide([sc("A:1", "P1", 0.8), sc("A:2", "P2", 0.1)], T)
    assert decision.outcome is Outcome.REVIEW
    assert decision.review_kind == REVIEW_POSSIBLE_MATCH
    assert decision.review_person_ids == ("P1",)


def test_not_same_person_is_neither_linked_nor_reviewed() -> None:
    decision = decide([sc("A:1", "P1", 0.999)], T, not_same_persons=["P1"])
    assert decision.outcome is Outcome.NEW
    assert decision.persons[0].bar is Bar.NOT_SAME


def test_not_same_on_one_person_leaves_the_other_linkable() -> None:
    decision = decide([sc("A:1", "P1", 0.999), sc("B:1", "P2", 0.97)], T, not_same_persons=["P1"])
    assert (decision.outcome, decision.person_id) == (Outcome.LINKED, "P2")


def test_a_person_with_cannot_link_evidence_is_not_linked_but_reviewed() -> None:
    scores = [sc("A:1", "P1", 0.999), sc("A:2", "P1", 0.2)]
    decision = decide(scores, T, cannot_link_persons=["P1"])
    assert decision.outcome is Outcome.REVIEW
    assert decision.review_person_ids == ("P1",)
    assert decision.persons[0].bar is Bar.CANNOT_LINK


@pytest.mark.parametrize(
    ("rival_probability", "outcome"), [(0.999, Outcome.REVIEW), (0.6, Outcome.LINKED)]
)
def test_a_barred_key_holder_whose_namesake_the_record_may_be_still_rivals_the_link(
    rival_probability: float, outcome: Outcome
) -> None:
    scores = [sc("A:1", "P1", 0.999), sc("B:1", "P2", rival_probability)]
    decision = decide(scores, T, cannot_link_persons=["P2"], rival_persons=["P2"])
    assert decision.outcome is outcome
    if outcome is Outcome.REVIEW:
        assert decision.review_kind == REVIEW_AMBIGUOUS
        assert decision.review_person_ids == ("P1", "P2")


def test_a_dominant_person_is_linked_and_the_others_go_to_review() -> None:
    scores = [
        ScoredCandidate("A:1", "P1", 0.9999, 30.0),
        ScoredCandidate("B:1", "P2", 0.96, 5.0),
    ]
    decision = decide(scores, T)
    assert (decision.outcome, decision.person_id) == (Outcome.LINKED, "P1")
    assert decision.review_kind == REVIEW_AMBIGUOUS
    assert decision.review_person_ids == ("P2",)


def test_close_persons_above_the_link_threshold_are_not_linked() -> None:
    scores = [ScoredCandidate("A:1", "P1", 0.999, 12.0), ScoredCandidate("B:1", "P2", 0.99, 9.0)]
    decision = decide(scores, T)
    assert (decision.outcome, decision.person_id) == (Outcome.REVIEW, None)


@pytest.mark.parametrize(
    ("margin", "outcome"), [(3.0, Outcome.LINKED), (3.01, Outcome.REVIEW), (10.0, Outcome.REVIEW)]
)
def test_the_rules_ambiguity_margin_decides_how_clear_a_best_link_must_be(
    margin: float, outcome: Outcome
) -> None:
    scores = [ScoredCandidate("A:1", "P1", 0.999, 12.0), ScoredCandidate("B:1", "P2", 0.99, 9.0)]
    thresholds = Thresholds(link=0.95, review=0.5, ambiguity_margin=margin)
    assert decide(scores, thresholds).outcome is outcome


def test_persons_are_ranked_best_first_with_ties_by_id() -> None:
    ranked = rank_persons([sc("A:1", "P2", 0.7), sc("A:2", "P1", 0.7), sc("A:3", "P3", 0.9)], T)
    assert [p.person_id for p in ranked] == ["P3", "P1", "P2"]


# A person holding a later homoclave of a root (RENAPO gave the root to a namesake first),
# and records with that name and birth date but no CURP.
_BORN = date(1985, 3, 14)
_KEY = complete_curp(derive_root("ROSA ELENA", "PEREZ", "SOLIS", _BORN, "M", "JC"), "1")
_HOLDER = Record(
    "IMSS", "H1", curp=_KEY, given_names="ROSA ELENA", first_surname="PEREZ",
    second_surname="SOLIS", sex="M", birth_date=_BORN, birth_state="JC",
    postal_code="44100", phone="3312345678",
)  # fmt: skip
# RENAPO's first key of that root: a namesake living elsewhere.
_FIRST = replace(
    _HOLDER, institution="ISSSTE", record_id="F1", curp=complete_curp(_KEY[:16], "0"),
    postal_code="83000", phone="6622223333",
)  # fmt: skip
_NAMESAKE_CASES = [
    # (what, the record without CURP, whether it joins the key's holder)
    ("another home: review", replace(_HOLDER, institution="SSA", record_id="X1", curp=None,
                                     postal_code="06000", phone="5587654321"), False),
    ("the holder's phone: linked", replace(_HOLDER, institution="SSA", record_id="X2",
                                           curp=None, postal_code="06000"), True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "record", "joins"), _NAMESAKE_CASES, ids=[c[0] for c in _NAMESAKE_CASES]
)
def test_online_and_batch_agree_on_a_record_without_curp_next_to_a_later_homoclave(
    tmp_path: Path, services: Services, what: str, record: Record, joins: bool
) -> None:
    both = link_both_ways(tmp_path, services, [_HOLDER, record])
    batch, outcomes = both.batch, both.outcomes
    assert batch == both.online
    assert (batch[record.key] == {_HOLDER.key, record.key}) is joins
    assert outcomes[1] is (Outcome.LINKED if joins else Outcome.REVIEW)


_BOTH_KEYS_CASES = [
    # (what, the record without CURP, the key of the person it must join, or None)
    ("neither home: review", replace(_HOLDER, institution="SSA", record_id="Y1", curp=None,
                                     postal_code="06000", phone="5587654321"), None),
    ("the first key's home: linked", replace(_HOLDER, institution="SSA", record_id="Y2",
                                             curp=None, postal_code="83000",
                                             phone="6622223333"), _FIRST.key),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "record", "joins"), _BOTH_KEYS_CASES, ids=[c[0] for c in _BOTH_KEYS_CASES]
)
def test_online_and_batch_agree_on_a_record_without_curp_between_both_keys_of_a_root(
    tmp_path: Path, services: Services, what: str, record: Record, joins: str | None
) -> None:
    _assert_kept_apart_and_joined(tmp_path, services, (_HOLDER, _FIRST), record, joins)


def _assert_kept_apart_and_joined(
    tmp_path: Path,
    services: Services,
    pair: tuple[Record, Record],
    record: Record,
    joins: str | None,
) -> None:
    """Batch and online agree: `pair` stays two persons, and `record`, registered last,
    joins the record keyed `joins` — or, when None, is a person of its own with a review."""
    both = link_both_ways(tmp_path, services, [*pair, record])
    batch, outcomes = both.batch, both.outcomes
    assert batch == both.online
    assert batch[pair[0].key] != batch[pair[1].key]
    if joins is None:
        assert batch[record.key] == {record.key}
        assert outcomes[2] is Outcome.REVIEW
    else:
        assert batch[record.key] == {record.key, joins}
        assert outcomes[2] is Outcome.LINKED


# A twin named plain MARIA holds her own key (letters M, R: RENAPO skips MARIA only in a
# compound name); her sister MARIA ELENA's records carry no CURP, at the same home.
_MARIA = replace(
    _HOLDER, record_id="M1", given_names="MARIA",
    curp=complete_curp(derive_root("MARIA", "PEREZ", "SOLIS", _BORN, "M", "JC"), "0"),
)  # fmt: skip
_SHORT_NAME_CASES = [
    # (what, the record without CURP, whether it joins the key's holder)
    ("a longer name: a twin", replace(_MARIA, institution="SSA", record_id="Z1", curp=None,
                                      given_names="MARIA ELENA"), False),
    ("the same name: linked", replace(_MARIA, institution="SSA", record_id="Z2", curp=None),
     True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "record", "joins"), _SHORT_NAME_CASES, ids=[c[0] for c in _SHORT_NAME_CASES]
)
def test_online_and_batch_agree_on_a_longer_name_next_to_a_plain_marias_key(
    tmp_path: Path, services: Services, what: str, record: Record, joins: bool
) -> None:
    both = link_both_ways(tmp_path, services, [_MARIA, record])
    batch, outcomes = both.batch, both.outcomes
    assert batch == both.online
    assert (batch[record.key] == {_MARIA.key, record.key}) is joins
    assert outcomes[1] is (Outcome.LINKED if joins else Outcome.REVIEW)


def test_a_linkable_person_sharing_the_records_home_stops_a_dominant_link() -> None:
    scores = [
        ScoredCandidate("A:1", "P1", 0.9999, 30.0),
        ScoredCandidate("B:1", "P2", 0.96, 5.0),
    ]
    decision = decide(scores, T, home_rivals=["P2"])
    assert (decision.outcome, decision.person_id) == (Outcome.REVIEW, None)
    assert decision.review_kind == REVIEW_AMBIGUOUS
    assert decision.review_person_ids == ("P1", "P2")


# The first key's holder lives elsewhere; the later key's holder, recorded as plain ROSA
# without second surname, shares a phone with a record without CURP that scores 13 bits
# better with the first key's holder: its home speaks for the later key's.
_ROSA = replace(
    _HOLDER, record_id="H2", given_names="ROSA", second_surname=None, birth_state=None
)  # fmt: skip
_AWAY = replace(_FIRST, nss="12345678903")
_HOME_RIVAL_CASES = [
    # (what, the record without CURP, the key of the person it must join, or None)
    ("the rival's phone: review", replace(_AWAY, institution="SSA", record_id="W1", curp=None,
                                          postal_code=None, phone=_HOLDER.phone, nss=None),
     None),
    ("the best's home too: linked", replace(_AWAY, institution="SSA", record_id="W2",
                                            curp=None, phone=_HOLDER.phone, nss=None),
     _AWAY.key),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "record", "joins"), _HOME_RIVAL_CASES, ids=[c[0] for c in _HOME_RIVAL_CASES]
)
def test_online_and_batch_agree_on_a_record_at_the_home_of_a_weaker_rival(
    tmp_path: Path, services: Services, what: str, record: Record, joins: str | None
) -> None:
    _assert_kept_apart_and_joined(tmp_path, services, (_ROSA, _AWAY), record, joins)
