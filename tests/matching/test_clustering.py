from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from mpi.matching import _cluster_agglomeration, _cluster_pairs, clustering
from mpi.matching.blocking import candidate_pairs
from mpi.matching.clustering import cluster_links
from mpi.matching.engine import MatchEngine
from mpi.matching.features import Features, prepare
from mpi.matching.rules import MatchingRules
from mpi.matching.weights import prob_to_match_weight
from mpi.rules_file import default_rules
from mpi.synthetic.generate import generate
from tests.matching.conftest import BASE, MakeRecord


def _links(pairs: list[tuple[int, int, float]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left = np.array([a for a, _, _ in pairs], dtype=np.intp)
    right = np.array([b for _, b, _ in pairs], dtype=np.intp)
    return left, right, np.array([w for _, _, w in pairs])


def test_links_are_applied_transitively(make_record: MakeRecord) -> None:
    f = prepare([make_record(), make_record(), make_record(curp=None)])
    clusters = cluster_links(f, *_links([(0, 1, 20.0), (1, 2, 10.0)]))
    assert clusters.labels.tolist() == [0, 0, 0]
    assert clusters.count == 1


def test_a_record_without_curp_cannot_chain_two_different_people(
    make_record: MakeRecord,
) -> None:
    # Parent and child: valid CURPs with different roots and different birth dates. A third
    # record without CURP or birth date links to both.
    parent = make_record(curp="PESJ581102HJCRLN06", given_names="JUAN", sex="H",
                         birth_date=date(1958, 11, 2))  # fmt: skip
    child = make_record(curp="PESJ850314HJCRLN05", given_names="JUAN", sex="H")
    bridge = make_record(curp=None, given_names="JUAN", sex="H", birth_date=None)
    f = prepare([parent, child, bridge])
    clusters = cluster_links(f, *_links([(0, 2, 15.0), (1, 2, 12.0)]))
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]
    assert labels[2] == labels[0]  # the stronger link wins
    assert clusters.refused_hard_negative == 1


def test_twins_are_kept_apart_even_through_records_without_curp(
    make_record: MakeRecord,
) -> None:
    blanca = make_record(curp=None, given_names="BLANCA")
    florencia = make_record(curp=None, given_names="FLORENCIA")
    f = prepare([blanca, florencia])
    assert cluster_links(f, *_links([(0, 1, 30.0)])).labels.tolist() == [0, 1]


def test_a_compound_name_bridges_its_two_short_forms(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="JUAN CARLOS"),
        make_record(curp=None, given_names="JUAN"),
        make_record(curp=None, given_names="CARLOS"),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (0, 2, 25.0)]))
    assert clusters.count == 1


def test_not_same_constraints_are_respected(make_record: MakeRecord) -> None:
    f = prepare([make_record(), make_record(), make_record()])
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (1, 2, 20.0)]), not_same=[(0, 2)])
    assert clusters.labels[0] == clusters.labels[1] != clusters.labels[2]
    assert clusters.refused_constraint == 1


def test_alike_names_of_twins_do_not_bridge_them(make_record: MakeRecord) -> None:
    f = prepare([
        make_record(curp=None, given_names="ALEJANDRA", sex="M"),
        make_record(curp=None, given_names="ALEJANDRA", sex="M"),
        make_record(curp=None, given_names="ALEJANDRO", sex="H"),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (1, 2, 20.0)]))
    assert clusters.labels.tolist() == [0, 0, 1]


# Two namesakes (same name, sex and birth date; valid CURPs of different roots, born in
# two states) and a third record with that name and birth date but no CURP.
NAMESAKE_A = {"curp": "VIOM680923MJCLCR06", "birth_state": "JC"}
NAMESAKE_B = {"curp": "VIOM680923MSRLCR00", "birth_state": "SR", "phone": "6622223333"}
NAMESAKE = {"given_names": "MARTHA ALICIA", "first_surname": "VILLASEÑOR",
            "second_surname": "OCHOA", "birth_date": date(1968, 9, 23)}  # fmt: skip

AMBIGUITY_CASES = [
    # (what, weight to A, weight to B, margin, record 2 ends with: "A" / "B" / "alone")
    ("equal links to two namesakes go to review", 18.4, 18.4, 10.0, "alone"),
    ("a link short of the margin goes to review", 23.5, 14.0, 10.0, "alone"),
    ("a clear best link still links", 23.5, 7.6, 10.0, "A"),
    ("the runner-up may be the first link seen", 7.6, 23.5, 10.0, "B"),
    ("without a margin the stronger link wins", 18.5, 18.4, None, "A"),
]


@pytest.mark.parametrize(
    ("what", "to_a", "to_b", "margin", "ends"), AMBIGUITY_CASES, ids=[c[0] for c in AMBIGUITY_CASES]
)
def test_a_record_without_curp_between_two_namesakes(
    make_record: MakeRecord, what: str, to_a: float, to_b: float, margin: float | None, ends: str
) -> None:
    a = make_record(**NAMESAKE, **NAMESAKE_A)
    b = make_record(**NAMESAKE, **NAMESAKE_B)
    x = make_record(**NAMESAKE, curp=None, birth_state=None, postal_code=None, phone=None,
                    nss=None)  # fmt: skip
    f = prepare([a, b, x])
    clusters = cluster_links(f, *_links([(0, 2, to_a), (1, 2, to_b)]), ambiguity_margin=margin)
    labels = clusters.labels.tolist()
    assert labels[0] != labels[1]
    expected = {"A": labels[0], "B": labels[1]}.get(ends)
    if expected is None:
        assert labels[2] not in (labels[0], labels[1])
        assert clusters.ambiguous == (2,)
        best, runner_up = (0, 1) if to_a >= to_b else (1, 0)
        assert clusters.review_pairs == ((2, best), (2, runner_up))
    else:
        assert labels[2] == expected
        assert clusters.ambiguous == ()
        assert clusters.review_pairs == ()


def test_links_to_two_clusters_of_one_person_are_not_ambiguous(make_record: MakeRecord) -> None:
    # Same CURP on both sides: nothing says two people, so the record joins them.
    a = make_record(**NAMESAKE, **NAMESAKE_A)
    a2 = make_record(**NAMESAKE, **NAMESAKE_A, phone="5500000000")
    x = make_record(**NAMESAKE, curp=None, birth_state=None, phone=None, nss=None)
    f = prepare([a, a2, x])
    clusters = cluster_links(f, *_links([(0, 2, 18.4), (1, 2, 18.4)]), ambiguity_margin=10.0)
    assert clusters.labels.tolist() == [0, 0, 0]
    assert clusters.ambiguous == ()


def test_a_record_with_a_valid_curp_is_judged_by_its_curp_not_the_margin(
    make_record: MakeRecord,
) -> None:
    a = make_record(**NAMESAKE, **NAMESAKE_A)
    b = make_record(**NAMESAKE, **NAMESAKE_B)
    own = make_record(**NAMESAKE, **NAMESAKE_A, phone=None)
    f = prepare([a, b, own])
    clusters = cluster_links(f, *_links([(0, 2, 30.0), (1, 2, 25.0)]), ambiguity_margin=10.0)
    labels = clusters.labels.tolist()
    assert labels[2] == labels[0] != labels[1]
    assert clusters.ambiguous == ()


def test_a_reissued_curp_joins_the_records_of_a_person_who_moved_since(
    make_record: MakeRecord,
) -> None:
    # Old and new CURP (same root, another homoclave) once shared an address; later records
    # under the new key share nothing with the one under the old key.
    moved = {"postal_code": "06600", "phone": "5598765432", "nss": None}
    f = prepare([
        make_record(curp="PESG850314MJCRLD18"),
        make_record(),
        make_record(**moved),
        make_record(**moved),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (2, 3, 30.0), (0, 2, 25.0)]))
    assert clusters.count == 1


def test_same_root_twins_are_not_taken_for_a_reissue_of_one_curp(
    make_record: MakeRecord,
) -> None:
    # Twins JOSE LUIS and LUIS MANUEL share a root, a home and a word of their names; only
    # one of LUIS MANUEL's records shares JOSE LUIS's address.
    elsewhere = {"postal_code": "06600", "phone": "5598765432", "nss": None}
    f = prepare([
        make_record(given_names="LUIS MANUEL", sex="H", curp="PESL850314HJCRSN03"),
        make_record(given_names="JOSE LUIS", sex="H", curp="PESL850314HJCRSN11", **elsewhere),
        make_record(given_names="LUIS MANUEL", sex="H", curp="PESL850314HJCRSN03", **elsewhere),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 2, 30.0), (1, 2, 25.0)]))
    assert clusters.labels.tolist() == [0, 1, 0]


def test_names_recorded_under_one_valid_curp_are_one_persons_names(
    make_record: MakeRecord,
) -> None:
    # MARIA DE LOS ANGELES recorded as MARIA and as ANGELES under her one CURP.
    f = prepare([
        make_record(given_names="MARIA"),
        make_record(given_names="ANGELES"),
        make_record(given_names="ANGELES", curp=None),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (1, 2, 25.0)]))
    assert clusters.count == 1


ANOTHER_HOME = {"postal_code": "68000", "phone": "9511234567", "nss": None}


@pytest.mark.parametrize(
    ("what", "changes", "joins"),
    [
        ("another home", ANOTHER_HOME, False),
        ("the same phone", {**ANOTHER_HOME, "phone": BASE.phone}, True),
        ("no home recorded", {"postal_code": None, "phone": None, "nss": None}, False),
        ("the CURP holder's state", {**ANOTHER_HOME, "birth_state": "JC"}, True),
    ],
)
def test_a_namesake_without_curp_born_in_another_state_is_not_merged(
    make_record: MakeRecord, what: str, changes: dict[str, Any], joins: bool
) -> None:
    # Same name, sex and birth date, no CURP, born in Oaxaca as recorded; the CURP holder's
    # record and CURP say Jalisco. A wrong state is met by a shared phone or address; with
    # no home recorded the state is the only evidence.
    f = prepare([make_record(), make_record(**{"curp": None, "birth_state": "OC", **changes})])
    clusters = cluster_links(f, *_links([(0, 1, 15.0)]))
    assert (clusters.count == 1) is joins


@pytest.mark.parametrize(
    ("what", "changes", "joins"),
    [
        ("another phone", {"phone": "3398765432"}, False),
        ("the same phone", {}, True),
        ("no phone", {"phone": None}, True),
        ("no phone, born elsewhere", {"phone": None, "birth_state": "MN"}, False),
        ("a birth date", {"phone": "3398765432", "birth_date": BASE.birth_date}, True),
    ],
)
def test_a_record_without_birth_date_or_curp_and_another_phone_is_not_merged(
    make_record: MakeRecord, what: str, changes: dict[str, Any], joins: bool
) -> None:
    # A junior named after his father, at his father's address, with his own phone or
    # born elsewhere: no birth date and no CURP say which of the two he is.
    dateless = {"curp": None, "birth_date": None, "nss": None, **changes}
    f = prepare([make_record(), make_record(**dateless)])
    clusters = cluster_links(f, *_links([(0, 1, 12.0)]))
    assert (clusters.count == 1) is joins


def test_the_curp_says_where_its_holder_was_born_when_the_record_does_not(
    make_record: MakeRecord,
) -> None:
    holder = make_record(birth_state=None)  # the CURP still says Jalisco
    namesake = make_record(curp=None, birth_state="OC", **ANOTHER_HOME)
    f = prepare([holder, namesake])
    assert cluster_links(f, *_links([(0, 1, 15.0)])).count == 2


def test_a_newborn_of_the_other_sex_is_kept_apart_from_the_named_twin(
    make_record: MakeRecord,
) -> None:
    f = prepare([
        make_record(curp=None),
        make_record(curp=None),
        make_record(curp=None, given_names="RECIEN NACIDO", sex="H"),
    ])  # fmt: skip
    clusters = cluster_links(f, *_links([(0, 1, 30.0), (1, 2, 20.0)]))
    assert clusters.labels.tolist() == [0, 0, 1]


@pytest.fixture(scope="module")
def population_links() -> tuple[Features, np.ndarray, np.ndarray, np.ndarray]:
    # Seed 12 holds review pairs, and merges only a flagged pair of a later member refuses.
    rules = default_rules()
    f = prepare(list(generate(600, seed=12).records()))
    blocked = candidate_pairs(f, rules.blocking.keys, rules.blocking.max_block_size)
    weights = MatchEngine(rules).score_pairs(f, blocked.left, blocked.right).match_weight
    link = weights >= prob_to_match_weight(0.5)  # more links: more to refuse and review
    return f, blocked.left[link], blocked.right[link], weights[link]


def test_flagged_pairs_give_the_clusters_of_testing_every_pair_at_each_merge(
    population_links: tuple[Features, np.ndarray, np.ndarray, np.ndarray],
    rules: MatchingRules,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The driver evaluates the pairwise rules once per batch and, at a merge, only looks at
    # the flagged pairs that cross it. Testing the whole cross product of the two clusters
    # at every merge (every component agglomerated, every pair handed to the twins test)
    # must give the same clusters, refusals and review pairs.
    args = (*population_links, [(0, 1)], rules.hard_negatives, 2.0)
    fast = cluster_links(*args)
    flags = _cluster_pairs.pair_flags
    monkeypatch.setattr(clustering, "MAX_CHECKED_COMPONENT", 0)
    monkeypatch.setattr(
        _cluster_agglomeration,
        "pair_flags",
        lambda *a: flags(*a) | np.uint8(_cluster_pairs.NAMES),
    )
    every = cluster_links(*args)
    assert fast.refused_hard_negative > 0 and fast.review_pairs
    assert _partition(fast.labels) == _partition(every.labels)
    assert (fast.refused_hard_negative, fast.refused_constraint) == (
        every.refused_hard_negative,
        every.refused_constraint,
    )
    assert (fast.ambiguous, fast.review_pairs) == (every.ambiguous, every.review_pairs)


def _partition(labels: np.ndarray) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}
