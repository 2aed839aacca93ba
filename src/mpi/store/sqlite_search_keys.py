"""Search keys: block-key rows the store writes itself, to serve its two searches.

Search by CURP and by first surname + birth date used to have an index each on
`records`; both grew in random order with every batch of new records (at a million
records they were half the cost of inserting one). Instead the searches read rows of
the block-key index the store keeps anyway:

- by CURP, the row of the key `curp:<curp>`: the very key the linker's `curp` kind
  gives a record whose CURP is usable, so for most records a row that exists already.
  A record whose keys lack it (no usable CURP, another model, no keys) gets a row of
  its own under the key's negated hash (`-1 - hash`);
- by name and date, a row of its own under the negated hash of
  `sn_dob:<first surname>|<birth date>`.

Hashes of the caller's keys are never negative (mpi.store.sqlite_key_hash), so the
store's own rows are never counted as blocks nor found by a candidate lookup. A search
reads the rows of both hashes and filters the records exactly in SQL, so a hash
collision neither adds nor loses a result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Container, Sequence

import numpy as np
from numpy.typing import NDArray

from mpi.domain.records import Record
from mpi.store.sqlite_codec import KEY_SEPARATOR
from mpi.store.sqlite_key_hash import key_hash, key_hashes

CURP = "curp:"
NAME_DOB = "sn_dob:"
_FUNCTION = "mpi_key_hash"


def own(hashed: int) -> int:
    """The hash of a store's own row for a key of this hash (negative)."""
    return -1 - hashed


def curp_hashes(curp: str) -> tuple[int, int]:
    """The block-key hashes a record with this CURP is found under (one of the two)."""
    hashed = key_hash(CURP + curp)
    return hashed, own(hashed)


def name_dob_hash(first_surname: str, birth_date: str) -> int:
    """`birth_date` as stored (YYYY-MM-DD)."""
    return own(key_hash(f"{NAME_DOB}{first_surname}|{birth_date}"))


def own_rows(
    curp: str | None, first_surname: str | None, birth_date: str | None, keys: Container[str]
) -> list[int]:
    """The hashes of the rows the store adds for a record with these stored values and
    block `keys` (none for a missing value: a search never matches NULL)."""
    hashes = []
    if curp is not None and CURP + curp not in keys:
        hashes.append(own(key_hash(CURP + curp)))
    if first_surname is not None and birth_date is not None:
        hashes.append(name_dob_hash(first_surname, birth_date))
    return hashes


def own_columns(
    records: Sequence[Record], birth_dates: Sequence[str | None], keys: Sequence[Container[str]]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """`own_rows` of many records at once (stored birth dates, block keys of each) as
    (hashes, record positions), positions ascending within each kind of row."""
    curps = [
        (i, CURP + r.curp)
        for i, r in enumerate(records)
        if r.curp is not None and CURP + r.curp not in keys[i]
    ]
    names = [
        (i, f"{NAME_DOB}{r.first_surname}|{day}")
        for i, (r, day) in enumerate(zip(records, birth_dates, strict=True))
        if r.first_surname is not None and day is not None
    ]
    rows = curps + names
    hashes = np.asarray(key_hashes(text for _, text in rows), dtype=np.int64)
    positions = np.fromiter((i for i, _ in rows), dtype=np.int64, count=len(rows))
    return -1 - hashes, positions


def add_search_keys(conn: sqlite3.Connection) -> None:
    """Add the search-key rows of every record of the database on `conn`.

    For a migrated file (records.block_keys holding each record's keys): one pass in
    index order, in the open transaction. (A bulk load adds them with its held block
    keys: mpi.store.sqlite_bulk_keys.)
    """
    conn.create_function(_FUNCTION, 1, key_hash, deterministic=True)
    sep = f"char({ord(KEY_SEPARATOR)})"
    try:
        conn.execute(
            f"""INSERT OR IGNORE INTO block_keys (key_hash, rid)
            SELECT h, rid FROM (
                SELECT -1 - {_FUNCTION}('{CURP}' || curp) AS h, rid FROM records
                WHERE curp IS NOT NULL AND (instr(curp, {sep}) > 0
                OR instr({sep} || block_keys || {sep}, {sep} || '{CURP}' || curp || {sep}) = 0)
                UNION ALL
                SELECT -1 - {_FUNCTION}('{NAME_DOB}' || first_surname || '|' || birth_date), rid
                FROM records WHERE first_surname IS NOT NULL AND birth_date IS NOT NULL
            ) ORDER BY h, rid"""
        )
    finally:
        conn.create_function(_FUNCTION, 1, None)
