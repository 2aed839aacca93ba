"""Compare the Spanish phonetic key with jellyfish's English codes on tests/data/phonetic-pairs.csv.

Run: .venv/bin/python benchmarks/phonetic_comparison.py

Prints, per algorithm, how many spelling variants (same=true) get one key and how many pairs of
different names (same=false) are wrongly merged, then every pair the Spanish key gets wrong.
The English codes see the accent-folded uppercase spelling, which is their best case.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import jellyfish

from mpi.identity._text import fold
from mpi.identity.phonetic import phonetic_key

PAIRS_CSV = Path(__file__).resolve().parents[1] / "tests" / "data" / "phonetic-pairs.csv"

Key = Callable[[str], str]


def english(code: Callable[[str], str]) -> Key:
    return lambda name: str(code(fold(name, keep_enye=False)))


ALGORITHMS: dict[str, Key] = {
    "mpi phonetic_key": phonetic_key,
    "jellyfish soundex": english(jellyfish.soundex),
    "jellyfish metaphone": english(jellyfish.metaphone),
    "jellyfish nysiis": english(jellyfish.nysiis),
}


def load_pairs() -> list[dict[str, str]]:
    with PAIRS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def is_wrong(key: Key, row: dict[str, str]) -> bool:
    return (key(row["a"]) == key(row["b"])) != (row["same"] == "true")


def table(rows: list[dict[str, str]]) -> list[str]:
    variants = [row for row in rows if row["same"] == "true"]
    different = [row for row in rows if row["same"] == "false"]
    lines = [
        "| Algorithm | Variants matched | Different pairs merged |",
        "|---|---|---|",
    ]
    for name, key in ALGORITHMS.items():
        hits = sum(not is_wrong(key, row) for row in variants)
        merges = sum(is_wrong(key, row) for row in different)
        lines.append(f"| {name} | {hits}/{len(variants)} | {merges}/{len(different)} |")
    return lines


def failures(rows: list[dict[str, str]]) -> list[str]:
    return [
        f"- {row['a']} / {row['b']} (same={row['same']}, {row['kind']}): "
        f"{phonetic_key(row['a'])} vs {phonetic_key(row['b'])}"
        for row in rows
        if is_wrong(phonetic_key, row)
    ]


def main() -> None:
    rows = load_pairs()
    print("\n".join(table(rows)))
    print("\nmpi phonetic_key failures:")
    print("\n".join(failures(rows)) or "- none")


if __name__ == "__main__":
    main()
