from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from mpi.domain.records import Record
from mpi.domain.stored_records import StoredRecord
from mpi.identity.curp import complete_curp
from mpi.services.golden import golden_view

T0 = datetime(2026, 1, 1, tzinfo=UTC)
# Synthetic CURPs built from made-up roots, with a correct check digit.
CURP_A = complete_curp("GAHJ900101HDFRRN", "0")
CURP_B = complete_curp("GAHJ900101HDFRRX", "0")


def stored(institution: str, rid: str, minutes: int = 0, **fields: object) -> StoredRecord:
    record = Record(institution, rid, **fields)  # type: ignore[arg-type]
    return StoredRecord(record, 1, T0 + timedelta(minutes=minutes), "P1")


def test_valid_curp_from_the_most_trusted_institution_survives() -> None:
    records = [
        stored("CLINIC", "1", curp=CURP_B),
        stored("CLINIC", "2", curp=CURP_B),
        stored("IMSS", "9", curp=CURP_A),
    ]
    view = golden_view("P1", records, trusted_institutions=["RENAPO", "IMSS"])
    assert view.value("curp") == CURP_A
    assert view.fields[0].sources == ("IMSS:9",)
    assert view.fields[0].rule == "trusted-valid-curp"


def test_placeholder_and_invalid_curps_never_survive() -> None:
    records = [
        stored("IMSS", "1", curp="XEXX010101HNEXXXA4"),
        stored("IMSS", "2", curp="GAHJ900101HDFRRN99"),
    ]
    assert golden_view("P1", records, ["IMSS"]).value("curp") is None


def test_without_trust_ranking_the_most_frequent_valid_curp_survives() -> None:
    records = [
        stored("X", "1", curp=CURP_B),
        stored("Y", "2", curp=CURP_A),
        stored("Z", "3", curp=CURP_A),
    ]
    assert golden_view("P1", records).value("curp") == CURP_A


def test_most_frequent_value_wins_over_a_more_recent_one() -> None:
    records = [
        stored("A", "1", 0, given_names="JUAN"),
        stored("A", "2", 1, given_names="JUAN"),
        stored("A", "3", 9, given_names="JUAN CARLOS"),
    ]
    field = golden_view("P1", records).fields[1]
    assert (field.value, field.rule, field.sources) == ("JUAN", "most-frequent", ("A:1", "A:2"))


def test_a_tie_goes_to_the_most_recently_received_value() -> None:
    records = [stored("A", "1", 0, phone="5512345678"), stored("B", "1", 5, phone="5587654321")]
    field = next(f for f in golden_view("P1", records).fields if f.name == "phone")
    assert (field.value, field.rule) == ("5587654321", "most-recent")


def test_missing_values_do_not_vote() -> None:
    records = [stored("A", "1", birth_date=date(1990, 1, 1)), stored("B", "1")]
    assert golden_view("P1", records).value("birth_date") == date(1990, 1, 1)


def test_golden_view_as_record_carries_the_person_id() -> None:
    view = golden_view("P1", [stored("A", "1", first_surname="GARCIA")])
    assert view.as_record().record_id == "P1"
    assert view.as_record().first_surname == "GARCIA"
    assert view.record_keys == ("A:1",)
