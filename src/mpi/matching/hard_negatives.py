"""Hard "cannot-link" evidence: pairs no weight of evidence may join (DESIGN.md §3).

Used by clustering (never merge clusters holding such a pair) and by the linking service.
A false merge joins two people's medical histories, so where the evidence says "different
people" these rules win over any sum of weights; a steward can still merge by hand.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mpi.matching import similarity
from mpi.matching._homonym import homonym_homoclave, typo_apart
from mpi.matching._level_tests import (
    ANY_SPEC,
    Index,
    as_mask,
    containment,
    day_month_swapped,
    nickname,
    one_digit,
    year_off_by_one,
)
from mpi.matching._name_bridges import Letters, curp_name_letters, short_name_key
from mpi.matching.features import Features

# Parent and child given the same name are a generation apart; typos never move a year this far.
GENERATION_YEARS = 12
# Two given-name tokens this similar (Jaro-Winkler) may be one name with a typo.
TOKEN_SIMILARITY = 0.85
# ... and then only if a typo apart: twins' names are alike on purpose (MAURO / MAURICIO,
# ESTELA / ESTEFANIA, MARIANA / MARIA are all over 0.85). A clerk's typo is one edit in a
# word; two records of one person may carry one typo each in a long single name
# (ADLABERTO / ADALBERTN), where twins' names are seldom two letters apart.
TYPO_EDITS = 1
LONG_NAME = 8


def _dates_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    bl, br = f.birth_date[left], f.birth_date[right]
    recorded = (bl >= 0) & (br >= 0)
    # Without a recorded date on one side, the CURPs' own date digits (positions 5-10) speak.
    digits = f.curp.date_digits
    apart = ~dates_close(f, left, right)
    return as_mask(np.where(recorded, apart, digits[left] != digits[right]))


def fuzzy_contained(
    f: Features, inner: Index, outer: Index, *, initials: bool = True
) -> NDArray[np.bool_]:
    # Every significant token of `inner` is close (typo-level, or an initial of it) to some
    # token of `outer`.
    g = f.given
    words, initial, short = g.words, g.initial, g.short  # id -1 picks the trailing entry
    sig, tok = g.significant[inner], g.tokens[outer]
    found = np.zeros(sig.shape, dtype=np.bool_)
    for a in range(sig.shape[1]):
        for b in range(tok.shape[1]):
            close = _typo_apart(words[sig[:, a]], words[tok[:, b]], TYPO_EDITS)
            same_initial = initial[sig[:, a]] == initial[tok[:, b]]
            initialled = same_initial & (short[sig[:, a]] | short[tok[:, b]]) & initials
            close_enough = close | initialled
            found[:, a] |= close_enough & (tok[:, b] >= 0)
    present = sig >= 0
    return as_mask((found | ~present).all(axis=1) & present.any(axis=1))


def _informative(f: Features, rows: Index) -> NDArray[np.bool_]:
    # Only MARIA / JOSE or initials: the record shows too little of the name to oppose it.
    g = f.given
    return as_mask(~g.uninformative[g.significant[rows]].all(axis=1))


def given_names_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Given names that are not the same name by any measure the comparisons know: not equal,
    not contained (compound names), not nicknames, and not a typo of each other token by
    token."""
    ids = f.text["given_names"].ids
    out = as_mask((ids[left] >= 0) & (ids[right] >= 0) & (ids[left] != ids[right]))
    # MARIA against VERONICA opposes: a person named MARIA VERONICA shows both words in some
    # record (clustering looks for it); MARIA against JOSE MARIA shows too little.
    out &= _informative(f, left) | _informative(f, right)
    if out.any():
        idx = np.flatnonzero(out)
        a, b = left[idx], right[idx]
        related = nickname(f, "given_names", a, b, ANY_SPEC)
        related |= fuzzy_contained(f, a, b) | fuzzy_contained(f, b, a)
        values = f.text["given_names"].values  # a typo can split a token (OL1VER -> OL VER)
        related |= _typo_apart(values[a], values[b], TYPO_EDITS, spaces=False)
        long_words = np.array(
            [" " not in str(x) + str(y) and min(len(str(x)), len(str(y))) >= LONG_NAME
             for x, y in zip(values[a], values[b], strict=True)],
            dtype=np.bool_,
        )  # fmt: skip
        if long_words.any():
            twice = _typo_apart(values[a[long_words]], values[b[long_words]], 2)
            related[np.flatnonzero(long_words)[twice]] = True
        out[idx[related]] = False
    return out


def _typo_apart(
    a: NDArray[np.object_], b: NDArray[np.object_], edits: int, *, spaces: bool = True
) -> NDArray[np.bool_]:
    # Jaro-Winkler-similar and at most `edits` edits apart (an adjacent swap is one).
    out = similarity.jaro_winkler_batch(a, b) >= TOKEN_SIMILARITY
    idx = np.flatnonzero(out)
    if len(idx):
        x, y = a[idx], b[idx]
        if not spaces:
            x = np.array([str(v).replace(" ", "") for v in x], dtype=object)
            y = np.array([str(v).replace(" ", "") for v in y], dtype=object)
        out[idx] = similarity.transposition_distance_batch(x, y) <= edits
    return out


def dates_close(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Birth dates equal or one capture error apart (digit, day/month swap, year ±1)."""
    bl, br = f.birth_date[left], f.birth_date[right]
    out = as_mask((bl >= 0) & (br >= 0))
    idx = np.flatnonzero(out & (bl != br))
    if len(idx):
        a, b = left[idx], right[idx]
        out[idx] = one_digit(f, "", a, b, ANY_SPEC) | day_month_swapped(f, "", a, b, ANY_SPEC)
        out[idx] |= year_off_by_one(f, "", a, b, ANY_SPEC)
    return out


def _same_surnames(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # Equal up to a typo, in either order; a missing second surname tells nobody apart.
    return _surnames_agree(f, left, right, swapped=False) | _surnames_agree(
        f, left, right, swapped=True
    )


def _surnames_agree(f: Features, left: Index, right: Index, *, swapped: bool) -> NDArray[np.bool_]:
    first_r, second_r = (
        ("second_surname", "first_surname") if swapped else ("first_surname", "second_surname")
    )
    out = _similar_fields(f, "first_surname", first_r, left, right)
    second_l, other_r = f.text["second_surname"].ids, f.text[second_r].ids
    both = (second_l[left] >= 0) & (other_r[right] >= 0)
    idx = np.flatnonzero(out & both)
    if len(idx):
        out[idx] = _similar_fields(f, "second_surname", second_r, left[idx], right[idx])
    return as_mask(out & both) if swapped else out


def _similar_fields(
    f: Features, field_l: str, field_r: str, left: Index, right: Index
) -> NDArray[np.bool_]:
    # Surname columns share one vocabulary, so ids compare across the two fields.
    a, b = f.text[field_l], f.text[field_r]
    out = as_mask((a.ids[left] == b.ids[right]) & (a.ids[left] >= 0))
    both = np.flatnonzero(~out & (a.ids[left] >= 0) & (b.ids[right] >= 0))
    if len(both):
        x, y = a.values[left[both]], b.values[right[both]]
        # One typo is one edit, wherever it falls (PELAYO / LELAYO is below 0.85).
        close = similarity.jaro_winkler_batch(x, y) >= TOKEN_SIMILARITY
        out[both] = close | (similarity.transposition_distance_batch(x, y) <= TYPO_EDITS)
    return out


def _sexes_and_names_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # MARIA / SERGIO: a name too common to oppose alone, but recorded sexes disagree too.
    sex = f.text["sex"].ids
    out = as_mask((sex[left] >= 0) & (sex[right] >= 0) & (sex[left] != sex[right]))
    given = f.text["given_names"].ids
    out &= (given[left] >= 0) & (given[right] >= 0) & (given[left] != given[right])
    idx = np.flatnonzero(out)
    if len(idx):
        a, b = left[idx], right[idx]
        related = containment(f, "given_names", a, b, ANY_SPEC)
        out[idx] = ~(related | nickname(f, "given_names", a, b, ANY_SPEC))
    return out


def twins(
    f: Features, left: Index, right: Index, letters: Letters | None = None
) -> NDArray[np.bool_]:
    """Same surnames, birth dates (nearly) equal, given names that are not one name (or a
    plain MARIA's own CURP next to a MARIA ELENA: `short_name_key`): twins.

    `letters` is `name_key_letters(f)` when the caller has it (else computed here).
    (A given name and surname captured in each other's fields is not a twin.)"""
    # Both tests are elementwise; the cheaper runs first and the other on the pairs it
    # passes. On a few pairs (the online path) that is the dates and surnames; on a batch's
    # many, the names, whose test then runs once per distinct pair of names.
    first, then = _born_alike, _named_apart
    if len(left) >= _DISTINCT_NAMES_FROM:
        first, then = then, first
    out = first(f, left, right, letters)
    idx = np.flatnonzero(out)
    if len(idx):
        out[idx] = then(f, left[idx], right[idx], letters)
    return out


def _born_alike(
    f: Features, left: Index, right: Index, letters: Letters | None
) -> NDArray[np.bool_]:
    return dates_close(f, left, right) & _same_surnames(f, left, right)  # no letters read


def _named_apart(
    f: Features, left: Index, right: Index, letters: Letters | None
) -> NDArray[np.bool_]:
    return names_say_two_people(f, left, right) | short_name_key(f, left, right, letters)


# From this many pairs on, the name test runs once per distinct pair of names: a batch's
# hundreds of thousands of pairs repeat a few thousand.
_DISTINCT_NAMES_FROM = 4096


def names_say_two_people(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """The given names (with the recorded sex) cannot belong to one person."""
    if len(left) < _DISTINCT_NAMES_FROM:
        return _names_say_two_people(f, left, right)
    first, inverse = _distinct_names(f, left, right)
    return as_mask(_names_say_two_people(f, left[first], right[first])[inverse])


def _names_say_two_people(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    out = given_names_differ(f, left, right) | _sexes_and_names_differ(f, left, right)
    return out | unnamed_of_other_sex(f, left, right)


def _distinct_names(
    f: Features, left: Index, right: Index
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    # The name test reads of a pair only its two given names (every given-name feature is
    # one per name) and whether both sexes are recorded and differ: one pair per distinct
    # (left name, right name, sexes differ), and each pair's position among them.
    given, sex = f.text["given_names"].ids, f.text["sex"].ids
    width = np.int64(len(f.text["given_names"].vocab.values) + 1)
    code = (given[left].astype(np.int64) + 1) * width + (given[right] + 1)
    other_sex = (sex[left] >= 0) & (sex[right] >= 0) & (sex[left] != sex[right])
    _, first, inverse = np.unique(code * 2 + other_sex, return_index=True, return_inverse=True)
    return first, inverse


def unnamed_of_other_sex(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """One record without a given name (none, or RECIEN NACIDO), the recorded sexes differ:
    with the same surnames and birth date, the newborn's twin of the other sex."""
    sex, given = f.text["sex"].ids, f.text["given_names"].ids
    out = (sex[left] >= 0) & (sex[right] >= 0) & (sex[left] != sex[right])
    return as_mask(out & ((given[left] < 0) ^ (given[right] < 0)))


def _different_roots(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Both CURPs valid with different roots, and not one typo apart."""
    valid, root = f.curp.valid, f.curp.root
    out = as_mask(valid[left] & valid[right] & (root[left] != root[right]))
    idx = np.flatnonzero(out)
    if len(idx):
        a, b = left[idx], right[idx]
        excused = typo_apart(f, a, b) & ~_corroborated(f, a, b, "birth_state", slice(11, 13))
        excused &= ~_corroborated(f, a, b, "sex", slice(10, 11))
        excused &= ~_name_letters_corroborated(f, a, b)
        excused &= ~_sex_letter_twins(f, a, b)
        out[idx[excused]] = False
    return out


def _sex_letter_twins(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # The CURPs differ only in the sex letter (position 11) and the given names are the two
    # genders of one name (JUAN / JUANA, ALEJANDRO / ALEJANDRA): twins of each sex, each
    # key right. H and M keep the check digit (5 x weight 8), so the digit cannot tell a
    # typo; and a typo in the sex letter leaves the name as it was.
    chars, g = f.curp.chars, f.given
    differ = chars[left] != chars[right]
    out = differ[:, 10] & (differ.sum(axis=1) == 1)
    for k in np.flatnonzero(out).tolist():
        a, b = int(g.significant[left[k], 0]), int(g.significant[right[k], 0])
        out[k] = a >= 0 and b >= 0 and _genders_of_one_name(str(g.words[a]), str(g.words[b]))
    return as_mask(out)


def _genders_of_one_name(a: str, b: str) -> bool:
    # JUAN / JUANA, ALEJANDRO / ALEJANDRA (the masculine may end in O, or in a consonant).
    male, female = sorted((a, b), key=lambda w: w.endswith("A"))
    if not female.endswith("A") or male.endswith("A"):
        return False
    return female[:-1] in (male, male[:-1]) and len(female) > 2


def _corroborated(
    f: Features, left: Index, right: Index, field: str, span: slice
) -> NDArray[np.bool_]:
    # The CURPs differ where each agrees with its own record's field (MC / CM born in two
    # states, each recorded as such): not a typo in one CURP but two people.
    chars, values = f.curp.chars, f.text[field].values
    out = np.zeros(len(left), dtype=np.bool_)
    for k, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        va, vb = values[a], values[b]
        if va is None or vb is None or va == vb:
            continue
        ca = bytes(chars[a, span]).decode("ascii", "replace")
        cb = bytes(chars[b, span]).decode("ascii", "replace")
        out[k] = ca == va and cb == vb
    return out


def _name_letters_corroborated(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # The CURPs' given-name letters (positions 4 and 16) differ, and each is what its own
    # record's given name makes (MAPC for CARMEN, MAPM for MARIANA): twins, not a CURP typo.
    # A corrected CURP fixes a letter while the recorded name stays the same.
    # A newborn's record without a name (RN) shows only its CURP's letters: against a
    # named record whose CURP its own name makes, other letters are the twin's.
    g, chars = f.given, f.curp.chars
    out = np.zeros(len(left), dtype=np.bool_)
    for k, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        wa, wb = int(g.significant[a, 0]), int(g.significant[b, 0])
        if (wa < 0 and wb < 0) or wa == wb:
            continue
        made_a = chr(chars[a, 3]) + chr(chars[a, 15])
        made_b = chr(chars[b, 3]) + chr(chars[b, 15])
        la = curp_name_letters(str(g.words[wa])) if wa >= 0 else made_a
        lb = curp_name_letters(str(g.words[wb])) if wb >= 0 else made_b
        out[k] = la != lb and made_a == la and made_b == lb
    return out


def _demographics_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # Roots differing in date, sex or state (positions 5-13) encode different people; roots
    # differing only in name letters are typically a corrected CURP of the same person.
    values = f.curp.column.values
    return np.fromiter(
        (str(values[a])[4:13] != str(values[b])[4:13] for a, b in zip(left, right, strict=True)),
        dtype=np.bool_,
        count=len(left),
    )


def _given_letters_differ(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # CURPs differing in the given-name letters (positions 4 and 16): two people when both
    # letters differ (a corrected CURP fixes one letter; MARIA DEL CARMEN and MARIA ELENA
    # differ in both), or when one does and the recorded given names are not one name
    # (twins NOELIA and NOEMI). A corrected letter leaves the recorded name unchanged.
    chars = f.curp.chars
    first = chars[left, 3] != chars[right, 3]
    inner = chars[left, 15] != chars[right, 15]
    ids = f.text["given_names"].ids
    out = as_mask(first & inner)
    idx = np.flatnonzero(
        (first ^ inner) & (ids[left] != ids[right]) & (ids[left] >= 0) & (ids[right] >= 0)
    )
    if len(idx):
        out[idx] = ~_one_name(f, left[idx], right[idx])
    return out


def _homoclave_differs(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    # A corrected CURP keeps its homoclave (position 17); a different root AND a different
    # homoclave means RENAPO issued two keys, i.e. two people (heuristic, see DOMAIN-MX.md).
    values = f.curp.column.values
    return np.fromiter(
        (str(values[a])[16:17] != str(values[b])[16:17] for a, b in zip(left, right, strict=True)),
        dtype=np.bool_,
        count=len(left),
    )


def _one_name(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    """Equal, contained (compound names) or nickname-equivalent given names."""
    ids = f.text["given_names"].ids
    same = as_mask(ids[left] == ids[right])
    same |= containment(f, "given_names", left, right, ANY_SPEC)
    return as_mask(same | nickname(f, "given_names", left, right, ANY_SPEC))


def _generation_apart(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    bl, br = f.birth_date[left], f.birth_date[right]
    far = (bl >= 0) & (br >= 0) & (np.abs(bl // 10000 - br // 10000) >= GENERATION_YEARS)
    out = as_mask(far)
    idx = np.flatnonzero(out)
    if len(idx):
        out[idx[one_digit(f, "birth_date", left[idx], right[idx], ANY_SPEC)]] = False
    return out


HARD_NEGATIVE_RULES: tuple[str, ...] = (
    "different_curps",
    "homonym",
    "generation",
    "twins",
    "reissue",
    "elsewhere",
    "dateless",
    "homoclave",
)


def cannot_link(
    f: Features,
    left: Index,
    right: Index,
    rules: Sequence[str] = HARD_NEGATIVE_RULES,
    letters: Letters | None = None,
) -> NDArray[np.bool_]:
    """Pairs that must never be linked automatically, whatever their match weight.

    Rules (the rules file chooses which apply, all by default):
    - different_curps: two valid CURPs, different roots (not one typo apart), and either
      the birth dates are not within a typo, the roots differ in date/sex/state, the
      homoclaves differ, or the given names differ;
    - homonym: two valid CURPs with the same root but a different homoclave and no shared
      NSS, phone or postal code (RENAPO homonyms);
    - generation: birth dates a generation apart (parent and child with the same name),
      unless one digit apart;
    - twins: same surnames, birth dates (nearly) equal, given names not one name;
    - elsewhere (clustering only): records without a valid CURP, all born (as recorded) in
      states the other cluster's records and CURPs never show, sharing no NSS, phone or
      postal code with it: a namesake from another state, not a typo (born_elsewhere);
    - dateless (clustering only): records with no birth date anywhere (nor a CURP to read
      one from) born in another state, or whose phones are not the other cluster's: a
      junior named after his father;
    - homoclave (clustering only): a cluster whose every valid CURP carries a later
      homoclave (a namesake got the root first) takes no cluster without a valid CURP
      unless they share an NSS, phone or postal code;
    - reissue (clustering only): the homonym rule yields between two clusters whose records
      show the two CURPs to be one person's reissue (_homonym.reissued_curps).

    The same CURP on both records exempts a pair from every rule. `letters` is
    `name_key_letters(f)` when the caller has it (else the twins rule computes it).
    """
    out = different_people(f, left, right, rules)
    if "twins" in rules:
        out |= twins(f, left, right, letters) & ~_same_curp(f, left, right)
    return out


def _same_curp(f: Features, left: Index, right: Index) -> NDArray[np.bool_]:
    ids = f.curp.column.ids
    return as_mask((ids[left] == ids[right]) & (ids[left] >= 0))


def different_people(
    f: Features, left: Index, right: Index, rules: Sequence[str] = HARD_NEGATIVE_RULES
) -> NDArray[np.bool_]:
    """cannot_link without the twins rule (whose name test clustering refines)."""
    out = np.zeros(len(left), dtype=np.bool_)
    if "homonym" in rules:
        out |= homonym_homoclave(f, left, right)
    if "generation" in rules:
        out |= _generation_apart(f, left, right)
    roots = _different_roots(f, left, right) if "different_curps" in rules else out & False
    idx = np.flatnonzero(roots & ~out)
    if len(idx):
        a, b = left[idx], right[idx]
        hard = _dates_differ(f, a, b) | _demographics_differ(f, a, b)
        hard |= _homoclave_differs(f, a, b) | given_names_differ(f, a, b)
        hard |= _given_letters_differ(f, a, b) | _name_letters_corroborated(f, a, b)
        out[idx[hard]] = True
    return out & ~_same_curp(f, left, right)
