"""Time name normalisation and the phonetic key per call, on synthetic es_MX names.

Run: .venv/bin/python benchmarks/names_speed.py

The phonetic key caches each word's code. "every word a cache miss" empties that cache before
each call (the clearing is timed too, so the figure is an upper bound); "warm" keeps it, as a
batch over names with common words sees it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from faker import Faker

from mpi.identity import phonetic
from mpi.identity.names import given_name_tokens, normalize_name, surname_key
from mpi.identity.phonetic import phonetic_key

NAMES = 20_000
PASSES = 5


def synthetic_names(count: int) -> list[str]:
    fake = Faker("es_MX")
    fake.seed_instance(20261121)
    return [fake.name() for _ in range(count)]


def per_call_us(
    function: Callable[[str], object], names: list[str], before: Callable[[], None]
) -> float:
    best = float("inf")
    for _ in range(PASSES):
        before()
        start = time.perf_counter()
        for name in names:
            function(name)
        best = min(best, time.perf_counter() - start)
    return best / len(names) * 1e6


def uncached_key(name: str) -> str:
    phonetic._word_key.cache_clear()
    return phonetic_key(name)


def main() -> None:
    names = synthetic_names(NAMES)
    nothing: Callable[[], None] = lambda: None  # noqa: E731
    rows = [
        ("normalize_name", per_call_us(normalize_name, names, nothing)),
        ("given_name_tokens", per_call_us(given_name_tokens, names, nothing)),
        ("surname_key", per_call_us(surname_key, names, nothing)),
        ("phonetic_key (every word a cache miss)", per_call_us(uncached_key, names, nothing)),
        ("phonetic_key (warm cache)", per_call_us(phonetic_key, names, nothing)),
    ]
    print(f"{NAMES} Faker es_MX full names (2-5 words), best of {PASSES} passes")
    print("| Function | µs per call |\n|---|---|")
    for label, micros in rows:
        print(f"| {label} | {micros:.1f} |")


if __name__ == "__main__":
    main()
