"""Turn true persons into institution records, with the capture errors of ErrorRates.

Columns are built as numpy arrays over all records at once; only the few records that get a
string-level error (a typo, a nickname) are edited one by one. Which errors each record got is
kept in `Captured.errors` (kind -> mask) with `Captured.eligible`, so that tests and reports can
check the rates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from mpi.identity._text import fold
from mpi.identity.curp import check_digit
from mpi.identity.names import nicknames_for
from mpi.synthetic import institutions, typos
from mpi.synthetic.persons import REFERENCE_DAY, Persons
from mpi.synthetic.rates import ErrorRates

RECORDS_PER_PERSON = np.array([0.35, 0.30, 0.20, 0.15])  # 1, 2, 3 or 4 records
MISSING_SECOND_SURNAME_FORMS = np.array(["", "X", "XX", "."], dtype=object)
_MISSING_FORM_WEIGHTS = np.array([0.55, 0.2, 0.15, 0.1])
GENERIC_CURP = "XXXX999999XXXXXX99"
_ABBREVIATIONS = {"MARIA": "MA.", "JOSE": "J.", "JUAN": "J.", "JESUS": "J."}
_PARTICLES = {"DE", "DEL", "LA", "LOS", "LAS", "Y"}
# Birth-episode records made before the baby is named are kept for people born since then.
_DIGITAL_BIRTH_RECORDS = (date(2010, 1, 1) - date(1970, 1, 1)).days
NEWBORN_NAMES = ("RN", "RECIÉN NACIDO")

Objects = np.ndarray[tuple[int], np.dtype[np.object_]]
Bools = np.ndarray[tuple[int], np.dtype[np.bool_]]
Ints = np.ndarray[tuple[int], np.dtype[np.int64]]


@dataclass(slots=True)
class Captured:
    """Record columns (canonical text, '' = missing) and the person behind each record."""

    person: Ints
    columns: dict[str, Objects]
    errors: dict[str, Bools] = field(default_factory=dict)
    eligible: dict[str, Bools] = field(default_factory=dict)

    def flag(self, kind: str, applied: Bools, eligible: Bools) -> None:
        self.errors[kind] = self.errors.get(kind, np.zeros_like(applied)) | applied
        self.eligible[kind] = self.eligible.get(kind, np.zeros_like(eligible)) | eligible


def capture(
    rng: np.random.Generator, persons: Persons, curps: Objects, earlier: Objects, rates: ErrorRates
) -> Captured:
    """Draw 1-4 records per person and write each one as an institution would."""
    counts = rng.choice(4, size=len(persons), p=RECORDS_PER_PERSON) + 1
    person = np.repeat(np.arange(len(persons)), counts)
    out = Captured(person=person, columns={})
    chosen = institutions.sample_institutions(rng, (persons.nss != "")[person])
    out.columns["institution"] = institutions.institution_codes(chosen, persons.home_state[person])
    _given_names(rng, persons, out, rates)
    _surnames(rng, persons, out, rates)
    _spelling(rng, out, rates)
    _birth_dates(rng, persons, out, rates)
    _curps(rng, persons, out, curps, earlier, chosen, rates)
    _demographics(rng, persons, out, chosen, rates)
    return out


def _bands(u: np.ndarray, *rates: float) -> list[Bools]:
    """Split one uniform draw into exclusive bands of the given widths."""
    masks, low = [], 0.0
    for rate in rates:
        masks.append((u >= low) & (u < low + rate))
        low += rate
    return masks


def _given_names(rng: np.random.Generator, persons: Persons, out: Captured, r: ErrorRates) -> None:
    given = persons.given[out.person].copy()
    n = len(given)
    compound = np.char.find(given.astype(str), " ") >= 0
    nicknames = _nickname_options(persons.given)
    has_nickname = np.array([bool(nicknames.get(g)) for g in given], dtype=bool)
    short, nick, typo, newborn = _bands(
        rng.random(n), r.short_given_name, r.nickname, r.given_typo, r.newborn_name
    )
    short &= compound
    nick &= has_nickname
    recent = persons.birth_day[out.person] >= _DIGITAL_BIRTH_RECORDS
    for i in np.flatnonzero(short):
        given[i] = _shortened(rng, given[i])
    for i in np.flatnonzero(nick):
        options = nicknames[given[i]]
        given[i] = options[int(rng.integers(len(options)))]
    for i in np.flatnonzero(typo):
        given[i] = typos.name_typo(rng, given[i])
    newborn &= recent
    given[newborn] = np.where(rng.random(int(newborn.sum())) < 0.5, *NEWBORN_NAMES)
    out.columns["given_names"] = given
    out.flag("short_given_name", short, compound)
    out.flag("nickname", nick, has_nickname)
    out.flag("given_typo", typo, np.ones(n, dtype=bool))
    out.flag("newborn_name", newborn, recent)


def _nickname_options(given: Objects) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for name in set(given.tolist()):
        folded = fold(name, keep_enye=False)
        found = sorted(nicknames_for(folded))
        if not found:
            for token in folded.split():
                found = sorted(nicknames_for(token))
                if found:
                    break
        options[name] = found
    return options


def _shortened(rng: np.random.Generator, given: str) -> str:
    words = given.split()
    draw = rng.random()
    if draw < 0.5:
        rest = words[1:]
        while len(rest) > 1 and fold(rest[0], keep_enye=False) in _PARTICLES:
            rest = rest[1:]
        return " ".join(rest)
    if draw < 0.8:
        first = fold(words[0], keep_enye=False)
        return " ".join([_ABBREVIATIONS.get(first, first[0] + "."), *words[1:]])
    return words[0]


def _surnames(rng: np.random.Generator, persons: Persons, out: Captured, r: ErrorRates) -> None:
    s1 = persons.first_surname[out.person].copy()
    s2 = persons.second_surname[out.person].copy()
    husband = persons.husband_surname[out.person]
    widow = persons.widow[out.person]
    n = len(s1)
    has_s2 = s2 != ""
    married = husband != ""
    marry, swap, drop, typo = _bands(
        rng.random(n), r.married_name, r.swapped_surnames, r.missing_second_surname, r.surname_typo
    )
    swappable = has_s2 & (s1 != s2)
    marry &= married
    swap &= swappable
    drop &= has_s2
    form = rng.random(n)
    as_widow = marry & widow
    in_second = marry & ~widow & (form < 0.5)
    in_first = marry & ~widow & (form >= 0.5)
    s2[as_widow] = "VDA. DE " + husband[as_widow]
    s2[in_second] = "DE " + husband[in_second]
    s1[in_first] = s1[in_first] + " DE " + husband[in_first]
    s1[swap], s2[swap] = s2[swap], s1[swap]
    blank = drop | (~has_s2 & ~(as_widow | in_second))
    s2[blank] = rng.choice(
        MISSING_SECOND_SURNAME_FORMS, size=int(blank.sum()), p=_MISSING_FORM_WEIGHTS
    )
    in_s2 = typo & has_s2 & (rng.random(n) < 0.4)
    for i in np.flatnonzero(typo & ~in_s2):
        s1[i] = typos.name_typo(rng, s1[i])
    for i in np.flatnonzero(in_s2):
        s2[i] = typos.name_typo(rng, s2[i])
    out.columns["first_surname"], out.columns["second_surname"] = s1, s2
    out.flag("married_name", marry, married)
    out.flag("swapped_surnames", swap, swappable)
    out.flag("missing_second_surname", drop, has_s2)
    out.flag("surname_typo", typo, np.ones(n, dtype=bool))


def _spelling(rng: np.random.Generator, out: Captured, r: ErrorRates) -> None:
    n = len(out.person)
    keep, enye = _bands(rng.random(n), r.accents_kept, r.enye_only)
    title = rng.random(n) < r.title_case
    caches: tuple[dict[str, str], dict[str, str]] = ({}, {})
    for name in ("given_names", "first_surname", "second_surname"):
        column = out.columns[name]
        for i in range(n):
            if keep[i]:
                continue
            cache = caches[0] if enye[i] else caches[1]
            text = column[i]
            folded = cache.get(text)
            if folded is None:
                folded = cache[text] = fold(text, keep_enye=bool(enye[i]))
            column[i] = folded
        titled = title & (column != "")
        column[titled] = np.char.title(column[titled].astype(str)).astype(object)
    out.flag("accents_dropped", ~keep, np.ones(n, dtype=bool))
    out.flag("title_case", title, np.ones(n, dtype=bool))


def _birth_dates(rng: np.random.Generator, persons: Persons, out: Captured, r: ErrorRates) -> None:
    days = persons.birth_day[out.person].astype("datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    months = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mdays = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    n = len(days)
    missing, placeholder, swap, digit, year = _bands(
        rng.random(n),
        r.missing_birth_date,
        r.placeholder_birth_date,
        r.day_month_swap,
        r.date_digit_typo,
        r.year_off_by_one,
    )
    swappable = (mdays <= 12) & (mdays != months)
    swap &= swappable
    text = np.datetime_as_string(days).astype(object)
    text[missing] = ""
    text[placeholder] = "1900-01-01"
    for i in np.flatnonzero(swap):
        text[i] = f"{years[i]:04d}-{mdays[i]:02d}-{months[i]:02d}"
    for i in np.flatnonzero(digit):
        text[i] = _date_digit_typo(rng, text[i])
    for i in np.flatnonzero(year):
        text[i] = _shift_year(text[i], -1 if rng.random() < 0.5 else 1)
    out.columns["birth_date"] = text
    everyone = np.ones(n, dtype=bool)
    out.flag("missing_birth_date", missing, everyone)
    out.flag("placeholder_birth_date", placeholder, everyone)
    out.flag("day_month_swap", swap, swappable)
    out.flag("date_digit_typo", digit, everyone)
    out.flag("year_off_by_one", year, everyone)


def _date_digit_typo(rng: np.random.Generator, text: str) -> str:
    digits = text.replace("-", "")
    for _ in range(20):
        # The century digits are left alone: "1985" -> "2985" is not a typo anyone keeps.
        changed = digits[:2] + typos.digit_typo(rng, digits[2:])
        candidate = f"{changed[:4]}-{changed[4:6]}-{changed[6:]}"
        if _plausible(candidate):
            return candidate
    return _shift_year(text, -1)


def _shift_year(text: str, delta: int) -> str:
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
    if month == 2 and day == 29:
        day = 28
    shifted = f"{year + delta:04d}-{month:02d}-{day:02d}"
    return shifted if _plausible(shifted) else f"{year - 1:04d}-{month:02d}-{day:02d}"


def _plausible(text: str) -> bool:
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return False
    return date(1900, 1, 2) <= value and (value - date(1970, 1, 1)).days < REFERENCE_DAY


def _curps(
    rng: np.random.Generator,
    persons: Persons,
    out: Captured,
    curps: Objects,
    earlier: Objects,
    chosen: np.ndarray,
    r: ErrorRates,
) -> None:
    n = len(out.person)
    curp = curps[out.person].copy()
    old = earlier[out.person]
    missing = rng.random(n) < institutions.CURP_MISSING[chosen]
    placeholder = ~missing & (rng.random(n) < r.placeholder_curp)
    typo = ~missing & ~placeholder & (rng.random(n) < r.curp_typo)
    has_old = (old != "") & ~missing & ~placeholder
    use_old = has_old & (rng.random(n) < r.earlier_curp)
    curp[use_old] = old[use_old]
    abroad = persons.birth_state[out.person] == "NE"
    curp[placeholder] = np.where(abroad[placeholder], _foreigner_curp("H"), GENERIC_CURP)
    female = placeholder & abroad & (persons.sex[out.person] == "M")
    curp[female] = _foreigner_curp("M")
    for i in np.flatnonzero(typo):
        curp[i] = typos.curp_typo(rng, curp[i])
    curp[missing] = ""
    out.columns["curp"] = curp
    out.flag("missing_curp", missing, np.ones(n, dtype=bool))
    out.flag("placeholder_curp", placeholder, ~missing)
    out.flag("curp_typo", typo, ~missing & ~placeholder)
    out.flag("earlier_curp", use_old, has_old)


def _foreigner_curp(sex: str) -> str:
    first17 = f"XEXX010101{sex}NEXXXA"
    return first17 + check_digit(first17)


def _demographics(
    rng: np.random.Generator, persons: Persons, out: Captured, chosen: np.ndarray, r: ErrorRates
) -> None:
    p = out.person
    n = len(p)
    everyone = np.ones(n, dtype=bool)
    sex = persons.sex[p].copy()
    flip, no_sex = _bands(rng.random(n), r.sex_flip, r.missing_sex)
    flip &= sex != "X"
    sex[flip] = np.where(sex[flip] == "H", "M", "H")
    sex[no_sex] = ""
    out.columns["sex"] = sex
    out.flag("sex_flip", flip, sex != "X")
    out.flag("missing_sex", no_sex, everyone)

    state = persons.birth_state[p].copy()
    home = persons.home_state[p]
    registered, no_state = _bands(rng.random(n), r.state_of_registration, r.missing_birth_state)
    differs = state != home
    registered &= differs
    state[registered] = home[registered]
    state[no_state] = ""
    out.columns["birth_state"] = state
    out.flag("state_of_registration", registered, differs)
    out.flag("missing_birth_state", no_state, everyone)

    mover = persons.new_postal_code[p] != ""
    moved = mover & (rng.random(n) < r.moved_address)
    postal = np.where(moved, persons.new_postal_code[p], persons.postal_code[p]).astype(object)
    phone = np.where(moved, persons.new_phone[p], persons.phone[p]).astype(object)
    no_postal = rng.random(n) < r.missing_postal_code
    no_phone = rng.random(n) < r.missing_phone
    postal[no_postal] = ""
    phone[no_phone] = ""
    out.columns["postal_code"], out.columns["phone"] = postal, phone
    out.flag("moved_address", moved, mover)
    out.flag("missing_postal_code", no_postal, everyone)
    out.flag("missing_phone", no_phone, everyone)

    nss = persons.nss[p].copy()
    holder = nss != ""
    shown = holder & (rng.random(n) < institutions.NSS_CAPTURED[chosen])
    typo = shown & (rng.random(n) < r.nss_typo)
    for i in np.flatnonzero(typo):
        nss[i] = typos.digit_typo(rng, nss[i])
    nss[~shown] = ""
    out.columns["nss"] = nss
    out.flag("nss_typo", typo, shown)
