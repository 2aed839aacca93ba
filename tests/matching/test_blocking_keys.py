from __future__ import annotations

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
