from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpi.domain.errors import ValidationError
from mpi.domain.records import RECORD_FIELDS, Record
from mpi.identity.record_rules import MAX_FIELD_LENGTH, parse_record, record_key_of

TODAY = date(2026, 11, 21)


def row(**fields: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {"institution": "IMSS", "record_id": "R-1"}
    base.update(fields)
    return base


def rules_broken(raw: dict[str, str | None]) -> set[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        parse_record(raw, today=TODAY)
    return {(p.field, p.rule) for p in info.value.problems}


def test_a_full_row_becomes_a_record_with_normalised_values() -> None:
    record = parse_record(
        row(
            curp=" gohm800101hdfrrn03 ",
            given_names=" María Guadalupe ",
            first_surname="GÓMEZ",
            second_surname="X",
            sex="mujer",
            birth_date="1980-01-01",
            birth_state="Jalisco",
            postal_code="01000",
            phone="+52 55-1234-5678",
            nss="1234-567-8901",
        ),
        today=TODAY,
    )
    assert record == Record(
        institution="IMSS",
        record_id="R-1",
        curp="GOHM800101HDFRRN03",
        given_names="María Guadalupe",
        first_surname="GÓMEZ",
        second_surname="X",
        sex="M",
        birth_date=date(1980, 1, 1),
        birth_state="JC",
        postal_code="01000",
        phone="5512345678",
        nss="12345678901",
    )


def test_blank_fields_are_missing_and_unknown_keys_are_ignored() -> None:
    record = parse_record(row(curp="", given_names="   ", colour="blue"), today=TODAY)
    assert record == Record(institution="IMSS", record_id="R-1")


@pytest.mark.parametrize(
    ("fields", "kept"),
    [
        ({"curp": "XEXX010101HNEXXXA4"}, ("curp", "XEXX010101HNEXXXA4")),
        ({"curp": "GOHM800101HDFRRN0"}, ("curp", "GOHM800101HDFRRN0")),
        ({"curp": "GOHM800101HDFRRN09"}, ("curp", "GOHM800101HDFRRN09")),
        ({"birth_date": "1900-01-01"}, ("birth_date", date(1900, 1, 1))),
        ({"birth_date": "1899-12-31"}, ("birth_date", date(1899, 12, 31))),
        ({"nss": "12345678900"}, ("nss", "12345678900")),
        ({"birth_state": "ne"}, ("birth_state", "NE")),
        ({"given_names": "ANA\u00a0MARÍA"}, ("given_names", "ANA\u00a0MARÍA")),
        ({"sex": "x"}, ("sex", "X")),
        ({"phone": "5512345678"}, ("phone", "5512345678")),
        ({"phone": "525512345678"}, ("phone", "5512345678")),
        ({"birth_date": "2026-11-21"}, ("birth_date", TODAY)),
    ],
)
def test_weak_but_plausible_values_are_kept(
    fields: dict[str, str], kept: tuple[str, object]
) -> None:
    record = parse_record(row(**fields), today=TODAY)
    assert getattr(record, kept[0]) == kept[1]


@pytest.mark.parametrize(
    ("fields", "broken"),
    [
        ({"institution": None}, ("institution", "required")),
        ({"record_id": " "}, ("record_id", "required")),
        ({"record_id": "a/b"}, ("record_id", "safe_key")),
        ({"institution": "I" * 65}, ("institution", "safe_key")),
        ({"given_names": "A" * (MAX_FIELD_LENGTH + 1)}, ("given_names", "max_length")),
        ({"first_surname": "LOPEZ\x00"}, ("first_surname", "control_characters")),
        ({"given_names": "ANA\nMARIA"}, ("given_names", "control_characters")),
        ({"given_names": "ANA\u200bMARIA"}, ("given_names", "control_characters")),
        ({"given_names": "ANA\ue000"}, ("given_names", "control_characters")),
        ({"phone": "55\x7f12345678"}, ("phone", "control_characters")),
        ({"sex": "Q"}, ("sex", "sex")),
        ({"birth_date": "01/02/1980"}, ("birth_date", "format")),
        ({"birth_date": "1980-02-30"}, ("birth_date", "date")),
        ({"birth_date": "2026-11-22"}, ("birth_date", "future_date")),
        ({"birth_date": "1815-01-01"}, ("birth_date", "too_old")),
        ({"birth_state": "ZZ"}, ("birth_state", "state_code")),
        ({"postal_code": "1000"}, ("postal_code", "postal_code")),
        ({"postal_code": "0100A"}, ("postal_code", "postal_code")),
        ({"phone": "12345"}, ("phone", "phone")),
        ({"phone": "55 1234 567X"}, ("phone", "phone")),
        ({"nss": "1234567890"}, ("nss", "nss")),
        ({"nss": "1234567890A"}, ("nss", "nss")),
        ({"curp": "GOHM800101HDFRRN031"}, ("curp", "curp_length")),
        ({"curp": "GOHM-800101"}, ("curp", "curp_characters")),
        ({"curp": "GOHM 800101"}, ("curp", "curp_characters")),
    ],
)
def test_each_broken_rule_is_named_with_its_field(
    fields: dict[str, str | None], broken: tuple[str, str]
) -> None:
    assert rules_broken(row(**fields)) == {broken}


def test_every_problem_of_a_row_is_reported_at_once() -> None:
    broken = rules_broken({"sex": "Q", "postal_code": "1", "birth_date": "ayer"})
    assert broken == {
        ("institution", "required"),
        ("record_id", "required"),
        ("sex", "sex"),
        ("postal_code", "postal_code"),
        ("birth_date", "format"),
    }


def test_record_key_is_known_only_when_both_parts_are_safe() -> None:
    assert record_key_of({"institution": " IMSS ", "record_id": "7"}) == "IMSS:7"
    assert record_key_of({"institution": "IMSS", "record_id": "a b"}) is None
    assert record_key_of({"record_id": "7"}) is None


@given(
    st.dictionaries(
        st.sampled_from((*RECORD_FIELDS, "colour")),
        st.one_of(st.none(), st.text(max_size=40), st.from_regex(r"[0-9 +-]{0,14}")),
    )
)
def test_any_row_either_parses_or_names_every_problem(raw: dict[str, str | None]) -> None:
    try:
        record = parse_record(raw, today=TODAY)
    except ValidationError as exc:
        assert all(p.field in RECORD_FIELDS and p.rule for p in exc.problems)
    else:
        assert record.institution == (raw.get("institution") or "").strip()
        assert record.record_id == (raw.get("record_id") or "").strip()
