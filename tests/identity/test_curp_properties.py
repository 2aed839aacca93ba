"""Property tests: derived CURPs validate, single edits are caught, checks never raise."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mpi.domain.errors import ValidationError
from mpi.identity.codes import STATE_CODES
from mpi.identity.curp import (
    classify_pair,
    compare,
    complete_curp,
    derive_root,
    is_placeholder,
    validate,
)

TODAY = date(2026, 11, 21)
FIELD_AT = ["name_letters"] * 4 + ["birth_date"] * 6 + ["sex"] + ["state"] * 2
FIELD_AT += ["name_consonants"] * 3 + ["homoclave", "check_digit"]

_ONSETS = ["", "B", "C", "CH", "D", "F", "G", "GU", "H", "J", "L", "LL", "M", "N", "Ñ", "P"]
_ONSETS += ["QU", "R", "RR", "S", "T", "V", "X", "Y", "Z", "TL", "TZ", "BR", "GR"]
_NUCLEI = ["A", "E", "I", "O", "U", "Á", "É", "Í", "Ó", "Ú", "Ü", "IA", "UE", "AI"]
_CODAS = ["", "", "N", "S", "Z", "L", "R", "X"]

syllable = st.builds(
    lambda onset, nucleus, coda: onset + nucleus + coda,
    st.sampled_from(_ONSETS),
    st.sampled_from(_NUCLEI),
    st.sampled_from(_CODAS),
)
word = st.lists(syllable, min_size=1, max_size=4).map("".join)
particles = st.lists(st.sampled_from(["DE", "DEL", "LA", "LOS", "Y", "MC", "VAN", "DE LA"]))
surname = st.builds(
    lambda lead, words: " ".join([*lead, *words]),
    particles.map(lambda p: p[:2]),
    st.lists(word, min_size=1, max_size=2),
)
given_names = st.builds(
    lambda common, words: " ".join([*common, *words]),
    st.lists(st.sampled_from(["MARÍA", "MA.", "JOSÉ", "J.", "M"]), max_size=1),
    st.lists(word | st.just("DEL CARMEN"), min_size=1, max_size=3),
)
case = st.sampled_from([str.upper, str.lower, str.title])
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["H", "M", "X"])
states = st.sampled_from(sorted(STATE_CODES))
alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@st.composite
def curps(draw: st.DrawFn) -> str:
    born = draw(birth_dates)
    root = derive_root(
        draw(case)(draw(given_names)),
        draw(case)(draw(surname)),
        draw(st.none() | st.just("") | surname),
        born,
        draw(sexes),
        draw(states),
    )
    markers = "0123456789" if born.year < 2000 else "ABCDEFGHIJKLMNPQRSTUVWXYZ"
    marker = draw(st.sampled_from(markers))
    return complete_curp(root, marker)


@settings(max_examples=300)
@given(curps())
def test_a_curp_built_from_derive_root_validates(curp: str) -> None:
    check = validate(curp, today=TODAY)
    assert check.valid, (curp, check.reason)


@settings(max_examples=300)
@given(curps(), st.data())
def test_a_single_changed_character_is_rejected_or_shows_in_compare(
    curp: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, 17))
    replacement = data.draw(st.sampled_from(alphabet.replace(curp[index], "")))
    changed = curp[:index] + replacement + curp[index + 1 :]
    result = compare(curp, changed)
    assert result.positions == (index + 1,)
    assert result.disagreements == {FIELD_AT[index]}
    assert classify_pair(curp, changed) == ("same_root" if index >= 16 else "one_edit")
    if index == 17:  # the check digit itself: always caught
        assert not validate(changed, today=TODAY).valid


@settings(max_examples=300)
@given(st.text(), st.text(), st.none() | st.text(), birth_dates, st.text(), st.text())
def test_derive_root_on_any_text_raises_validation_error_or_gives_a_valid_root(
    given_names: str, first: str, second: str | None, born: date, sex: str, state: str
) -> None:
    try:
        root = derive_root(given_names, first, second, born, sex, state)
    except ValidationError as error:
        assert error.problems
        return
    marker = "0" if born.year < 2000 else "A"
    assert validate(complete_curp(root, marker), today=TODAY).valid


@settings(max_examples=300)
@given(st.text() | st.text(alphabet=alphabet + " \t\x00Ñ", min_size=16, max_size=20))
def test_validate_never_raises_and_always_gives_a_reason(text: str) -> None:
    check = validate(text, today=TODAY)
    assert check.reason.code
    assert check.valid is (check.reason.code == "ok")
    assert is_placeholder(text) in (True, False)
    assert classify_pair(text, text[::-1]) in {
        "exact",
        "same_root",
        "one_edit",
        "transposition",
        "different",
    }


def test_validate_survives_huge_and_control_character_input() -> None:
    for text in ["A" * 2_000_000, "\x00" * 100_000, "\u202e" + "HEGG560427MVZRRL04", "ß" * 18]:
        assert not validate(text, today=TODAY).valid
