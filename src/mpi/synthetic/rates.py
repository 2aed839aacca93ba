"""How often each capture error happens in a synthetic record.

Every rate is a probability per record *among the records where the error can happen* (a
day/month swap needs a day of 12 or less; a married-name form needs a married woman). Errors
of one field group are drawn from a single uniform number, so within a group they exclude
each other and the rates hold exactly in expectation. The mix follows the typical errors of
DOMAIN-MX.md §4; the figures are deliberate guesses (their real frequencies are unpublished),
chosen to be noticeable but not dominant, and were not tuned against any matcher.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """Per-record error probabilities (see the module docstring for the exact meaning)."""

    # given names
    short_given_name: float = 0.20  # MARIA GUADALUPE -> GUADALUPE / MA. GUADALUPE / MARIA
    nickname: float = 0.04  # GUADALUPE -> LUPE, when the table has a nickname
    given_typo: float = 0.02
    # people born since 2010: the birth-episode record made before naming (DOMAIN-MX §4,
    # unverified): given names RN or RECIÉN NACIDO
    newborn_name: float = 0.03
    # surnames
    married_name: float = 0.30  # married women: LOPEZ DE GARCIA, VDA. DE GARCIA
    swapped_surnames: float = 0.02
    missing_second_surname: float = 0.03  # shown as blank, X, XX or "."
    surname_typo: float = 0.02
    # spelling of the whole name (not errors, but variation the matcher must absorb)
    accents_kept: float = 0.30  # NÚÑEZ; else 0.40 NUÑEZ (Ñ kept) and 0.30 NUNEZ
    enye_only: float = 0.40
    title_case: float = 0.05  # María Guadalupe
    # birth date
    missing_birth_date: float = 0.01
    placeholder_birth_date: float = 0.005  # 1900-01-01
    day_month_swap: float = 0.015
    date_digit_typo: float = 0.015
    year_off_by_one: float = 0.01
    # CURP (missing depends on the institution, see institutions.py)
    placeholder_curp: float = 0.015  # XEXX010101HNEXXXA4 (born abroad) / XXXX999999XXXXXX99
    curp_typo: float = 0.02
    earlier_curp: float = 0.4  # records of people whose CURP changed that show the old one
    # other fields
    state_of_registration: float = 0.05  # residence state recorded as birth state
    missing_birth_state: float = 0.05
    sex_flip: float = 0.005
    missing_sex: float = 0.01
    moved_address: float = 0.5  # records of people who moved that show the new address
    missing_postal_code: float = 0.15
    missing_phone: float = 0.30
    nss_typo: float = 0.01


DEFAULT_RATES = ErrorRates()
