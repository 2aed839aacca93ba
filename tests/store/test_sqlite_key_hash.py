"""Block-key hashes: one function for single keys and batches, in range, well spread."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpi.store.sqlite_key_hash import MODULUS, key_hash, key_hashes

# Two real keys with one hash (found by solving for the second key's last bytes); the
# reads tests use them to show what a collision does.
COLLIDING = ("curp:A", "curp:425:CV2W702GHW")


@given(st.lists(st.text()))
def test_a_batch_hashes_each_key_as_a_single_key_does(keys: list[str]) -> None:
    assert key_hashes(keys) == [key_hash(key) for key in keys]


@given(st.text())
def test_a_hash_fits_a_signed_64_bit_integer(key: str) -> None:
    assert 0 <= key_hash(key) < MODULUS < 2**63


def test_the_colliding_pair_collides() -> None:
    assert key_hash(COLLIDING[0]) == key_hash(COLLIDING[1])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Modulo 2**63 - 25 these collide (256**8 is 50 there): why MODULUS is no such prime.
        ("d0000000A", "20000000B"),
        ("sdob:APELLIDO001:1950-01-01", "sdob:APELLIDO001:1950-01-02"),
        ("gys:NOMBRE001:1950:DF", "gys:NOMBRE001:1951:DF"),
        ("nss:00000000123", "nss:00000000132"),
        ("a", "b"),
    ],
)
def test_keys_that_differ_slightly_hash_apart(a: str, b: str) -> None:
    assert key_hash(a) != key_hash(b)


def test_a_hundred_thousand_keys_shaped_like_the_linkers_do_not_collide() -> None:
    keys = [
        f"{kind}:{n:07d}:{n % 97:02d}:{state}"
        for n in range(20_000)
        for kind, state in (("curp", "DF"), ("root", "JC"), ("sdob", "NL"), ("gys", "OC"))
    ] + [f"nss:{n:011d}" for n in range(20_000)]
    assert len(set(key_hashes(keys))) == len(keys)
