"""Contract: search by exact CURP, and by first surname + birth date in pages."""

from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.errors import ValidationError
from mpi.store.port import Store
from tests.store.contract_data import at, record, seed, write

DOB = date(1990, 5, 17)
LATER = at(1)


def test_search_by_curp_finds_every_record_with_it_in_key_order(store: Store) -> None:
    curp = "PRUE900517MDFXXX07"
    seed(
        store,
        write(record(2, institution="ISSSTE", curp=curp)),
        write(record(1, institution="IMSS", curp=curp)),
        write(record(3)),
    )
    with store.read() as tx:
        found = tx.search_by_curp(curp)
        assert tx.search_by_curp("PRUE000000HDFXXX00") == ()
    assert [r.key for r in found] == ["IMSS:R1", "ISSSTE:R2"]


@pytest.fixture
def namesakes(store: Store) -> Store:
    seed(
        store,
        *(write(record(n, first_surname="PRUEBA", birth_date=DOB)) for n in range(1, 6)),
        write(record(6, first_surname="PRUEBA", birth_date=DOB, given_names="LUZ")),
        write(record(7, first_surname="OTRO", birth_date=DOB)),
        write(record(8, first_surname="PRUEBA", birth_date=date(1990, 5, 18))),
    )
    return store


def test_name_and_birth_date_match_exactly(namesakes: Store) -> None:
    with namesakes.read() as tx:
        everyone = tx.search_by_name_dob("PRUEBA", DOB, limit=100)
        luz = tx.search_by_name_dob("PRUEBA", DOB, given_names="LUZ")
    assert [r.key for r in everyone.items] == [f"IMSS:R{n}" for n in range(1, 7)]
    assert [r.key for r in luz.items] == ["IMSS:R6"]


def test_name_search_pages_with_a_cursor_until_the_last_page(namesakes: Store) -> None:
    keys: list[str] = []
    cursor: str | None = None
    pages = 0
    with namesakes.read() as tx:
        while True:
            page = tx.search_by_name_dob("PRUEBA", DOB, given_names="ANA", limit=2, after=cursor)
            keys += [r.key for r in page.items]
            pages += 1
            if (cursor := page.next_cursor) is None:
                break
    assert keys == [f"IMSS:R{n}" for n in range(1, 6)]
    assert pages == 3


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_a_page_size_out_of_range_is_refused(store: Store, limit: int) -> None:
    with pytest.raises(ValidationError) as raised, store.read() as tx:
        tx.search_by_name_dob("PRUEBA", DOB, limit=limit)
    assert raised.value.problems[0].field == "limit"


PLACEHOLDER = "XEXX010101HNEXXXA4"  # the generic CURP of foreigners: shared by strangers


def test_search_by_curp_finds_records_whatever_block_keys_they_carry(store: Store) -> None:
    seed(
        store,
        write(record(1, curp=PLACEHOLDER)),  # no block keys at all
        write(record(2, curp=PLACEHOLDER), f"curp:{PLACEHOLDER}", "other:2"),
        write(record(3, curp=PLACEHOLDER), "curp:SOMETHINGELSE"),
        write(record(4, curp="xexx010101hnexxxa4"), f"curp:{PLACEHOLDER}"),  # case differs
        write(record(5, curp=None), f"curp:{PLACEHOLDER}"),
    )
    with store.read() as tx:
        found = tx.search_by_curp(PLACEHOLDER)
        lower = tx.search_by_curp("xexx010101hnexxxa4")
        candidates = tx.candidates([f"curp:{PLACEHOLDER}"], cap=10)
    assert [r.key for r in found] == ["IMSS:R1", "IMSS:R2", "IMSS:R3"]
    assert [r.key for r in lower] == ["IMSS:R4"]
    # A search never changes which records carry a block key.
    assert [c.record.key for c in candidates.candidates] == ["IMSS:R2", "IMSS:R4", "IMSS:R5"]


def test_an_empty_curp_is_searched_exactly_like_any_other(store: Store) -> None:
    seed(store, write(record(1, curp="")), write(record(2), "curp:"))
    with store.read() as tx:
        assert [r.key for r in tx.search_by_curp("")] == ["IMSS:R1"]


def test_searches_follow_a_record_whose_values_and_keys_change(store: Store) -> None:
    old, new = "PRUE900517MDFXXX07", "PRUE900517MDFXXX08"
    seed(store, write(record(1, curp=old, first_surname="ANTES", birth_date=DOB), f"curp:{old}"))
    seed(
        store,
        write(record(1, curp=new, first_surname="DESPUES", birth_date=DOB), "k:1"),
        when=LATER,
    )
    with store.read() as tx:
        assert tx.search_by_curp(old) == ()
        assert [r.key for r in tx.search_by_curp(new)] == ["IMSS:R1"]
        assert tx.search_by_name_dob("ANTES", DOB).items == ()
        assert [r.key for r in tx.search_by_name_dob("DESPUES", DOB).items] == ["IMSS:R1"]
    # Only the block keys change: the record is still found by its CURP.
    seed(
        store,
        write(record(1, curp=new, first_surname="DESPUES", birth_date=DOB), f"curp:{new}"),
        when=LATER,
    )
    seed(
        store,
        write(record(1, curp=new, first_surname="DESPUES", birth_date=DOB)),
        when=LATER,
    )
    with store.read() as tx:
        assert [r.key for r in tx.search_by_curp(new)] == ["IMSS:R1"]
        assert tx.stats().block_keys == 0


def test_records_missing_a_searched_value_are_never_found(store: Store) -> None:
    seed(
        store,
        write(record(1, curp=None, first_surname=None)),
        write(record(2, birth_date=None)),
        write(record(3, first_surname="PRUEBA", birth_date=DOB, curp=None)),
    )
    with store.read() as tx:
        assert [r.key for r in tx.search_by_name_dob("PRUEBA", DOB).items] == ["IMSS:R3"]
        assert tx.search_by_curp("None") == ()


def test_a_search_follows_a_changed_value_when_the_block_keys_stay_the_same(
    store: Store,
) -> None:
    later = date(1990, 5, 18)
    seed(store, write(record(1, curp="PRUE900517MDFXXX07", birth_date=DOB), "k:1"))
    seed(store, write(record(1, curp="PRUE900517MDFXXX09", birth_date=later), "k:1"), when=LATER)
    with store.read() as tx:
        assert tx.search_by_curp("PRUE900517MDFXXX07") == ()
        assert tx.search_by_name_dob("PRUEBA", DOB).items == ()
        assert [r.key for r in tx.search_by_curp("PRUE900517MDFXXX09")] == ["IMSS:R1"]
        assert [r.key for r in tx.search_by_name_dob("PRUEBA", later).items] == ["IMSS:R1"]
