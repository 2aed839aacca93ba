"""The institutions that hold synthetic records, and how each one captures identity data.

Who is seen where depends on affiliation: people with an IMSS/ISSSTE-style NSS are mostly
seen by those institutions, the uninsured by IMSS-Bienestar, the state health services
(`SSA-<state>`) and private clinics. CURP and NSS capture rates differ per institution; the
figures are plausible guesses, not published statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Institution:
    code: str  # "SSA" stands for the person's state service, SSA-<home state>
    weight_insured: float
    weight_uninsured: float
    curp_missing: float  # share of its records without a CURP
    nss_captured: float  # share of its records of NSS holders that show the NSS


INSTITUTIONS: tuple[Institution, ...] = (
    Institution("IMSS", 0.55, 0.03, 0.08, 0.95),
    Institution("ISSSTE", 0.16, 0.01, 0.08, 0.5),
    Institution("IMSSB", 0.05, 0.40, 0.30, 0.05),
    Institution("PEMEX", 0.03, 0.0, 0.05, 0.3),
    Institution("SEDENA", 0.02, 0.01, 0.05, 0.1),
    Institution("SEMAR", 0.01, 0.005, 0.05, 0.1),
    Institution("SSA", 0.06, 0.35, 0.35, 0.05),
    Institution("PRIV-ANGELES", 0.04, 0.07, 0.45, 0.02),
    Institution("PRIV-SANJOSE", 0.04, 0.07, 0.45, 0.02),
    Institution("PRIV-ELCARMEN", 0.04, 0.055, 0.45, 0.02),
)
STATE_SERVICE = "SSA"
_INSURED = np.array([i.weight_insured for i in INSTITUTIONS])
_UNINSURED = np.array([i.weight_uninsured for i in INSTITUTIONS])
CURP_MISSING = np.array([i.curp_missing for i in INSTITUTIONS])
NSS_CAPTURED = np.array([i.nss_captured for i in INSTITUTIONS])


def sample_institutions(
    rng: np.random.Generator, insured: np.ndarray[tuple[int], np.dtype[np.bool_]]
) -> np.ndarray[tuple[int], np.dtype[np.intp]]:
    """An institution index per record, by the person's affiliation."""
    chosen = np.empty(len(insured), dtype=np.intp)
    for mask, weights in ((insured, _INSURED), (~insured, _UNINSURED)):
        where = np.flatnonzero(mask)
        chosen[where] = rng.choice(len(INSTITUTIONS), size=len(where), p=weights / weights.sum())
    return chosen


def institution_codes(
    chosen: np.ndarray[tuple[int], np.dtype[np.intp]],
    home_state: np.ndarray[tuple[int], np.dtype[np.object_]],
) -> np.ndarray[tuple[int], np.dtype[np.object_]]:
    """Institution codes per record; the state service is named after the home state."""
    codes = np.array([i.code for i in INSTITUTIONS], dtype=object)[chosen]
    state_service = codes == STATE_SERVICE
    codes[state_service] = np.char.add("SSA-", home_state[state_service].astype(str))
    return codes.astype(object)
