"""Contract: search by exact CURP, and by first surname + birth date in pages."""

from __future__ import annotations

from datetime import date

import pytest

from mpi.domain.errors import ValidationError
from mpi.store.port import Store
from tests.store.contract_data import record, seed, write

DOB = date(1990, 5, 17)


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
