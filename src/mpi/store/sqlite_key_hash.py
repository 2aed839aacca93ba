"""Block keys as 63-bit integers: the key of the SQLite block index.

A million records carry five million block keys; as text (20 to 30 bytes each) their index
is the largest B-tree of the store and every batch of upserts rewrites most of its
pages. As integers the index is about half the size and the batch sorts them as ints.

The hash is the key's UTF-8 bytes read as one little-endian integer, modulo a prime
below 2**63 (so it fits SQLite's signed INTEGER). The prime is deliberately not close
to a power of two: for such primes 256**k is a small number for some small k, which
makes keys that differ in two bytes k apart collide. CPython does the whole
computation in C (about 0.15 µs per key).

Hashes can collide: then a block's rows include another key's records. Readers
therefore check each candidate's stored key text (records.block_keys), so a collision
can only cost work, never add or lose a candidate.
"""

from __future__ import annotations

from collections.abc import Iterable

# The first prime above the leading 63 bits of the fraction of sqrt(2).
MODULUS = 7_640_891_576_956_012_829


def key_hash(key: str) -> int:
    """The block key's hash, in [0, MODULUS)."""
    return int.from_bytes(key.encode(), "little") % MODULUS


def key_hashes(keys: Iterable[str]) -> list[int]:
    """`key_hash` of each key, in order."""
    from_bytes, m = int.from_bytes, MODULUS
    return [from_bytes(key.encode(), "little") % m for key in keys]


def byte_key_hashes(keys: Iterable[bytes]) -> list[int]:
    """`key_hash` of each key given as its UTF-8 bytes, in order."""
    from_bytes, m = int.from_bytes, MODULUS
    return [from_bytes(key, "little") % m for key in keys]
