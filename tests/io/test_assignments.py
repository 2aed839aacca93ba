from __future__ import annotations

from pathlib import Path

import pytest

from mpi.domain.errors import ValidationError
from mpi.io import assignments
from mpi.io.assignments import (
    AssignmentsBeside,
    read_assignments,
    write_assignment_columns,
    write_assignments,
)


def test_assignments_round_trip_through_a_file(tmp_path: Path) -> None:
    assignments = {"IMSS:1": "P1", "SSA-JC:a.b": "P1", "ISSSTE:9": "P2"}
    assert write_assignments(tmp_path / "truth.csv", assignments) == 3
    assert read_assignments(tmp_path / "truth.csv") == assignments


def test_a_cluster_id_column_is_accepted_in_place_of_person_id(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("\ufeffrecord_id,institution,cluster_id\n1,IMSS,c7\n", encoding="utf-8")
    assert read_assignments(path) == {"IMSS:1": "c7"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("institution,record_id\nIMSS,1\n", "line 1: header must have"),
        ("institution,record_id,person_id\nIMSS,1\n", "line 2: wrong number of values"),
        ("institution,record_id,person_id\nIMSS,1,\n", "line 2: has an empty value"),
        ("institution,record_id,person_id\nIMSS,1,P\nIMSS,1,Q\n", "line 3: IMSS:1 appears twice"),
    ],
)
def test_a_malformed_assignment_file_is_refused_naming_the_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        read_assignments(path)


@pytest.mark.parametrize(
    "keys",
    [
        [],
        ["IMSS:1", "SSA-JC:a.b", "ISSSTE:9"],
        ["IMSS:1", "IMSS:a,b"],  # a comma: quoted
        ['IMSS:say "x"', "IMSS:2"],  # a quote: quoted
        ["IMSS:1:2", "IMSS"],  # two colons, none: split at the first, as a row
        ["IMSS:1", "IMSS:line\nbreak"],
    ],
)
def test_assignment_columns_are_written_as_write_assignments_writes_the_pairs(
    tmp_path: Path, keys: list[str]
) -> None:
    ids = [f"P{i % 2}" for i in range(len(keys))]
    assert write_assignment_columns(tmp_path / "columns.csv", keys, ids) == len(keys)
    write_assignments(tmp_path / "pairs.csv", zip(keys, ids, strict=True))
    assert (tmp_path / "columns.csv").read_bytes() == (tmp_path / "pairs.csv").read_bytes()


def test_assignment_columns_are_written_a_slice_at_a_time_with_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = ["IMSS:1", "IMSS:a,b", "SSA:2", "SSA:3", "ISSSTE:x:y", "IMSS:9", "IMSS:10"]
    ids = [f"P{i % 3}" for i in range(len(keys))]
    monkeypatch.setattr(assignments, "SLICE_ROWS", 2)
    assert write_assignment_columns(tmp_path / "columns.csv", keys, ids) == len(keys)
    write_assignments(tmp_path / "pairs.csv", zip(keys, ids, strict=True))
    assert (tmp_path / "columns.csv").read_bytes() == (tmp_path / "pairs.csv").read_bytes()
    assert read_assignments(tmp_path / "columns.csv") == dict(zip(keys, ids, strict=True))


def test_assignment_columns_of_different_lengths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2 record keys given with 1 ids"):
        write_assignment_columns(tmp_path / "a.csv", ["IMSS:1", "IMSS:2"], ["P1"])


KEYS, IDS = ["IMSS:1", "IMSS:2", "ISSSTE:7"], ["P1", "P1", "P2"]


def test_an_assignment_file_written_beside_takes_its_name_only_when_published(
    tmp_path: Path,
) -> None:
    out = tmp_path / "links.csv"
    beside = AssignmentsBeside(out)
    beside.start(KEYS, IDS)
    assert not out.exists()
    assert beside.publish(KEYS, IDS) == 3
    write_assignment_columns(tmp_path / "direct.csv", KEYS, IDS)
    assert out.read_bytes() == (tmp_path / "direct.csv").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["direct.csv", "links.csv"]


def test_a_partial_file_left_by_a_killed_run_is_overwritten(tmp_path: Path) -> None:
    beside = AssignmentsBeside(tmp_path / "links.csv")
    beside.partial.write_text("IMSS,0,P0\n" * 10, encoding="utf-8")
    beside.start(KEYS, IDS)
    beside.publish(KEYS, IDS)
    assert read_assignments(tmp_path / "links.csv") == dict(zip(KEYS, IDS, strict=True))
    assert not beside.partial.exists()


def test_an_assignment_file_never_started_is_written_when_published(tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    assert AssignmentsBeside(out).publish(KEYS, IDS) == 3
    assert read_assignments(out) == dict(zip(KEYS, IDS, strict=True))


def test_a_discarded_assignment_file_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "links.csv"
    out.write_text("an earlier run's file\n", encoding="utf-8")
    beside = AssignmentsBeside(out)
    beside.start(KEYS, IDS)
    beside.discard()
    assert out.read_text(encoding="utf-8") == "an earlier run's file\n"
    assert [p.name for p in tmp_path.iterdir()] == ["links.csv"]


def test_an_error_while_writing_beside_is_raised_when_published_and_leaves_no_file(
    tmp_path: Path,
) -> None:
    beside = AssignmentsBeside(tmp_path / "links.csv")
    beside.start(KEYS, IDS[:2])
    with pytest.raises(ValueError, match="3 record keys given with 2 ids"):
        beside.publish(KEYS, IDS[:2])
    assert list(tmp_path.iterdir()) == []


def test_an_assignment_file_is_written_beside_once(tmp_path: Path) -> None:
    beside = AssignmentsBeside(tmp_path / "links.csv")
    beside.start(KEYS, IDS)
    with pytest.raises(RuntimeError, match="already being written"):
        beside.start(KEYS, IDS)
    beside.discard()
