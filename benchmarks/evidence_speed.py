"""Per-call time of the identity evidence checks over a realistic mix of inputs.

Run: .venv/bin/python benchmarks/evidence_speed.py
"""

from __future__ import annotations

import random
import timeit
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from stdnum import luhn

from mpi.identity.codes import STATE_CODES
from mpi.identity.curp import classify_pair, compare, complete_curp, derive_root, validate
from mpi.identity.dates import check_birth_date
from mpi.identity.nss import validate_nss

GIVEN = ["MARÍA GUADALUPE", "JOSÉ LUIS", "JUAN", "MA. DE LOS ÁNGELES", "ANA SOFÍA", "J. JESÚS"]
GIVEN += ["FRANCISCO JAVIER", "MARÍA DEL CARMEN", "XIMENA", "ÑUSTA", "LUIS ÁNGEL"]
SURNAMES = ["HERNÁNDEZ", "GARCÍA", "MARTÍNEZ", "LÓPEZ", "GONZÁLEZ", "PÉREZ", "DE LA O"]
SURNAMES += ["NÚÑEZ", "MC GREGOR", "DEL RÍO", "ARGÜELLO", "CHAN", "PECH", "RIVA PALACIO"]
TODAY = date(2026, 11, 21)


def person(rng: random.Random) -> tuple[str, str, str | None, date, str, str]:
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(35_000))
    second = rng.choice([*SURNAMES, None])
    sex = rng.choice("HHHMMMX")
    return rng.choice(GIVEN), rng.choice(SURNAMES), second, born, sex, rng.choice(list(STATE_CODES))


def curp_mix(rng: random.Random, people: Sequence[tuple[Any, ...]]) -> list[str]:
    """80% valid, the rest the usual dirt: wrong digit, case/space, placeholders, garbage."""
    values = []
    for given, first, second, born, sex, state in people:
        marker = "0" if born.year < 2000 else "A"
        curp = complete_curp(derive_root(given, first, second, born, sex, state), marker)
        roll = rng.random()
        if roll < 0.05:
            curp = curp[:17] + str((int(curp[17]) + 1) % 10)
        elif roll < 0.10:
            curp = f" {curp.lower()} "
        elif roll < 0.15:
            curp = rng.choice(["XEXX010101HNEXXXA4", "XXXX999999XXXXXX99", ""])
        elif roll < 0.20:
            curp = curp[:9]
        values.append(curp)
    return values


def nss_mix(rng: random.Random, size: int) -> list[str]:
    values = []
    for _ in range(size):
        body = f"{rng.randrange(10**10):010d}"
        values.append(body + luhn.calc_check_digit(body) if rng.random() < 0.9 else body + "0")
    return values


def per_call_us(function: Callable[[Any], object], inputs: Sequence[Any]) -> float:
    """Best of 5 passes over the inputs, so one pass of GC or scheduling noise is dropped."""

    def one_pass() -> None:
        for value in inputs:
            function(value)

    return min(timeit.repeat(one_pass, number=1, repeat=5)) / len(inputs) * 1e6


def main() -> None:
    rng = random.Random(20261121)
    people = [person(rng) for _ in range(2_000)]
    curps = curp_mix(rng, people)
    full = [c for c in curps if validate(c, today=TODAY).valid]
    pairs = list(zip(full, full[1:] + full[:1], strict=True))
    dates = [p[3].isoformat() for p in people] + ["1900-01-01", "07/03/1985", "2031-01-01"]
    rows = [
        ("curp.validate", per_call_us(lambda c: validate(c, today=TODAY), curps)),
        ("curp.derive_root", per_call_us(lambda p: derive_root(*p), people)),
        ("curp.compare", per_call_us(lambda p: compare(*p), pairs)),
        ("curp.classify_pair", per_call_us(lambda p: classify_pair(*p), pairs)),
        ("nss.validate_nss", per_call_us(validate_nss, nss_mix(rng, 2_000))),
        ("dates.check_birth_date", per_call_us(lambda d: check_birth_date(d, today=TODAY), dates)),
    ]
    print(f"{'function':<24} {'µs/call':>8}")
    for name, micros in rows:
        print(f"{name:<24} {micros:8.2f}")


if __name__ == "__main__":
    main()
