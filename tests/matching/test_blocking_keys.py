from __future__ import annotations

from datetime import date

from mpi.matching.blocking import block_keys_for
from mpi.matching.blocking_keys import BLOCK_KEYS, KEY_FIELDS
from mpi.matching.features import NAME_FIELDS, PLAIN_FIELDS
from tests.matching.conftest import MakeRecord


def test_given_name_and_surname_in_each_others_field_share_a_name_pair_key(
    make_record: MakeRecord,
) -> None:
    a = make_record(curp=None, given_names="ANIKA", first_surname="SPICER", second_surname=None)
    b = make_record(curp=None, given_names="SPICER", first_surname="ANIKA", second_surname=None)
    c = make_record(curp=None, given_names="ANIKA", first_surname="SMITH", second_surname=None)
    kinds = ("name_pair",)
    assert block_keys_for(a, kinds) == block_keys_for(b, kinds) == ("name_pair:ANIKA|SPISER",)
    assert not set(block_keys_for(a, kinds)) & set(block_keys_for(c, kinds))


def test_every_key_kind_names_the_record_fields_it_reads() -> None:
    fields = {*PLAIN_FIELDS, *NAME_FIELDS, "curp", "birth_date"}
    assert set(KEY_FIELDS) == set(BLOCK_KEYS)
    for kind, read in KEY_FIELDS.items():
        assert read and read <= fields, kind


def test_dated_records_under_one_surname_pair_at_one_postal_code_share_a_key(
    make_record: MakeRecord,
) -> None:
    kinds = ("surnames_postal_code",)
    # A nickname and a date typo: no name or date key is left in common.
    a = make_record(
        curp=None, given_names="VERONICA", first_surname="MONTEZ", second_surname="PAEZ"
    )
    b = make_record(
        curp=None,
        given_names="VERO",
        first_surname="PAEZ",  # swapped surnames still share it
        second_surname="MONTEZ",
        birth_date=date(1985, 3, 15),
    )
    assert block_keys_for(a, kinds) == block_keys_for(b, kinds)
    assert block_keys_for(a, kinds)[0].startswith("surnames_postal_code:")
    elsewhere = make_record(
        curp=None, given_names="VERONICA", first_surname="MONTEZ", second_surname="PAEZ",
        postal_code="44200",
    )  # fmt: skip
    assert not set(block_keys_for(a, kinds)) & set(block_keys_for(elsewhere, kinds))


def test_a_record_without_a_birth_date_has_no_surnames_postal_code_key(
    make_record: MakeRecord,
) -> None:
    undated = make_record(curp=None, birth_date=None)
    placeholder = make_record(curp=None, birth_date=date(1900, 1, 1))
    assert block_keys_for(undated, ("surnames_postal_code",)) == ()
    assert block_keys_for(placeholder, ("surnames_postal_code",)) == ()
