"""Where synthetic people are born and live: state weights and postal-code ranges."""

from __future__ import annotations

import numpy as np

# State code -> (2020 census population in millions, rounded; first two digits of its postal
# codes). Population weights make Estado de México and CDMX as common as they really are.
STATES: dict[str, tuple[float, tuple[int, ...]]] = {
    "AS": (1.43, (20,)),
    "BC": (3.77, (21, 22)),
    "BS": (0.80, (23,)),
    "CC": (0.93, (24,)),
    "CL": (3.15, (25, 26, 27)),
    "CM": (0.73, (28,)),
    "CS": (5.54, (29, 30)),
    "CH": (3.74, (31, 32, 33)),
    "DF": (9.21, tuple(range(1, 17))),
    "DG": (1.83, (34, 35)),
    "GT": (6.17, (36, 37, 38)),
    "GR": (3.54, (39, 40, 41)),
    "HG": (3.08, (42, 43)),
    "JC": (8.35, (44, 45, 46, 47, 48, 49)),
    "MC": (16.99, (50, 51, 52, 53, 54, 55, 56, 57)),
    "MN": (4.75, (58, 59, 60, 61)),
    "MS": (1.97, (62,)),
    "NT": (1.24, (63,)),
    "NL": (5.78, (64, 65, 66, 67)),
    "OC": (4.13, (68, 69, 70, 71)),
    "PL": (6.58, (72, 73, 74, 75)),
    "QT": (2.37, (76,)),
    "QR": (1.86, (77,)),
    "SP": (2.82, (78, 79)),
    "SL": (3.03, (80, 81, 82)),
    "SR": (2.94, (83, 84, 85)),
    "TC": (2.40, (86,)),
    "TS": (3.53, (87, 88, 89)),
    "TL": (1.34, (90,)),
    "VZ": (8.06, (91, 92, 93, 94, 95, 96)),
    "YN": (2.32, (97,)),
    "ZS": (1.62, (98, 99)),
}
STATE_CODES: tuple[str, ...] = tuple(STATES)
STATE_WEIGHTS = np.array([w for w, _ in STATES.values()]) / sum(w for w, _ in STATES.values())
_PREFIXES = [np.array(prefixes) for _, prefixes in STATES.values()]


def sample_states(rng: np.random.Generator, size: int) -> np.ndarray[tuple[int], np.dtype[np.intp]]:
    """State indices (into STATE_CODES) weighted by population."""
    return rng.choice(len(STATE_CODES), size=size, p=STATE_WEIGHTS)


def postal_codes(rng: np.random.Generator, states: np.ndarray) -> np.ndarray:
    """A five-digit postal code inside each given state's range, as strings."""
    prefix = np.empty(len(states), dtype=np.int64)
    for index, choices in enumerate(_PREFIXES):
        where = np.flatnonzero(states == index)
        prefix[where] = rng.choice(choices, size=len(where))
    codes = prefix * 1000 + rng.integers(0, 1000, size=len(states))
    return np.char.zfill(codes.astype(str), 5)


def phones(rng: np.random.Generator, size: int) -> np.ndarray:
    """Ten-digit Mexican phone numbers (area code first, never a leading 0 or 1)."""
    numbers = rng.integers(2_000_000_000, 9_999_999_999, size=size, dtype=np.int64)
    return numbers.astype(str)
