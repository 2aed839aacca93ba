from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mpi.domain.errors import ConflictError, ValidationError
from mpi.domain.key_texts import KeyTexts
from mpi.domain.persons import Link
from mpi.domain.records import Record
from mpi.domain.stored_records import BlockKeyRuns
from mpi.store.sqlite_bulk_rows import check, check_keys, runs_of, select_runs

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RECORDS = [
    Record("IMSS", "2", given_names="ANA", birth_date=date(1990, 5, 1)),
    Record("IMSS", "1", given_names="LUIS"),
]
LINKS = [Link(r.key, "P1", T0, "test", "batch-link", 0.5) for r in RECORDS]
KEYS = BlockKeyRuns.of([("b:1", "a:1"), ("a:1",)])


def test_selected_runs_hold_the_keys_of_the_rows_chosen_in_their_order() -> None:
    keys = BlockKeyRuns.of([("a:1", "b:1"), (), ("c:1",), ("a:1", "c:1")])
    picked = select_runs(keys, [3, 1, 0])
    starts = list(picked.starts)
    held = [[picked.keys[k] for k in picked.key_ids[starts[i] : starts[i + 1]]] for i in range(3)]
    assert picked.keys is keys.keys
    assert held == [["a:1", "c:1"], [], ["a:1", "b:1"]]


def test_key_texts_are_checked_only_when_asked() -> None:
    bad = BlockKeyRuns(["k:\x1f"], [0, 1, 1], [0])
    with pytest.raises(ValidationError):
        check(RECORDS, bad, LINKS)
    assert check(RECORDS, bad, LINKS, with_keys=False) == ["IMSS:2", "IMSS:1"]


def test_a_link_given_for_another_record_is_refused() -> None:
    links = [LINKS[1], LINKS[0]]
    with pytest.raises(ConflictError, match="link of 'IMSS:1' given for 'IMSS:2'"):
        check(RECORDS, KEYS, links)


def test_a_record_without_a_record_id_is_refused_naming_the_field() -> None:
    records = [RECORDS[0], Record("IMSS", "")]
    links = [LINKS[0], Link("IMSS:", "P1", T0, "test", "batch-link", 0.5)]
    with pytest.raises(ValidationError, match="record_id"):
        check(records, KEYS, links)


@pytest.mark.parametrize(
    "rows",
    [[("b", "a", "b"), (), ("c", "a")], [], [(), ()], [("k:1",)] * 3],
)
def test_runs_of_many_records_are_the_runs_record_by_record(rows: list[tuple[str, ...]]) -> None:
    fast, plain = runs_of(rows), BlockKeyRuns.of(rows)
    assert (list(fast.keys), list(fast.starts), list(fast.key_ids)) == (
        list(plain.keys),
        list(plain.starts),
        list(plain.key_ids),
    )


@pytest.mark.parametrize("bad", ["", "a\x1fb"])
def test_a_bad_key_held_as_utf8_is_refused_like_one_held_as_a_string(bad: str) -> None:
    record = Record("IMSS", "0001")
    held = KeyTexts()
    held.add(["k:1"])
    held.add_encoded(f"k:2|k:3|{bad}|k:4".encode(), "|", 4)
    for keys in (held, ["k:1", "k:2", "k:3", bad, "k:4"]):
        with pytest.raises(ValidationError):
            check_keys(keys, record)


def test_good_keys_held_as_utf8_pass_and_stay_undecoded() -> None:
    held = KeyTexts()
    held.add_encoded("k:2|ñ:3".encode(), "|", 2)
    check_keys(held, Record("IMSS", "0001"))
    assert held._decoded is None
