from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.records import Record
from mpi.evaluation import evaluate
from mpi.evaluation.evidence import against_evidence, record_evidence
from mpi.identity.curp import complete_curp, derive_root

BORN = date(1985, 3, 14)
ROOT = derive_root("ROSA", "PEREZ", "SOLIS", BORN, "M", "JC")
KEY_0, KEY_1 = complete_curp(ROOT, "0"), complete_curp(ROOT, "1")
PLACEHOLDER = "XXXX999999XXXXXX99"
TRUTH = {"IMSS:1": "A", "IMSS:2": "B", "IMSS:3": "B"}


def _record(record_id: str, curp: str | None, born: date | None = BORN) -> Record:
    return Record("IMSS", record_id, curp=curp, given_names="ROSA", birth_date=born)


@pytest.mark.parametrize(
    ("what", "a", "b", "against"),
    [
        ("two valid keys of one root", _record("1", KEY_0), _record("2", KEY_1), True),
        ("one key and no CURP", _record("1", KEY_0), _record("2", None), False),
        ("one key and a placeholder", _record("1", KEY_0), _record("2", PLACEHOLDER), False),
        ("one key on both", _record("1", KEY_0), _record("2", KEY_0), False),
        ("born 30 years apart", _record("1", None), _record("2", None, date(2015, 1, 1)), True),
        ("born 11 years apart", _record("1", None), _record("2", None, date(1996, 1, 1)), False),
        ("one without a date", _record("1", None), _record("2", None, None), False),
        ("a placeholder date", _record("1", None), _record("2", None, date(1900, 1, 1)), False),
    ],
)
def test_a_merge_is_against_evidence_when_the_merged_cluster_says_two_people(
    what: str, a: Record, b: Record, against: bool
) -> None:
    predicted = {"IMSS:1": "X", "IMSS:2": "X", "IMSS:3": "Y"}
    evidence = record_evidence([a, b, _record("3", None)])
    assert against_evidence(TRUTH, predicted, [("A", "B")], evidence) == int(against)


def test_evidence_in_a_record_outside_the_merged_cluster_does_not_count() -> None:
    # B's own key is in another cluster; in the merged one B shows no CURP.
    records = [_record("1", KEY_0), _record("2", None), _record("3", KEY_1)]
    predicted = {"IMSS:1": "X", "IMSS:2": "X", "IMSS:3": "Y"}
    assert against_evidence(TRUTH, predicted, [("A", "B")], record_evidence(records)) == 0


def test_evaluate_splits_false_merges_only_when_given_the_records() -> None:
    records = [_record("1", KEY_0), _record("2", KEY_1), _record("3", None)]
    predicted = {"IMSS:1": "X", "IMSS:2": "X", "IMSS:3": "X"}
    pairs = [("A", "B", "homonym_same_root")]
    without = evaluate(TRUTH, predicted, pairs).hard_negatives[0]
    given = evaluate(TRUTH, predicted, pairs, records).hard_negatives[0]
    assert (without.false_merges, without.against_evidence) == (1, None)
    assert (given.false_merges, given.against_evidence) == (1, 1)
    assert given.examples == (("A", "B"),)
