"""Position-by-position comparison of two CURPs, or of a CURP and a derived root."""

from __future__ import annotations

from dataclasses import dataclass

from mpi.domain.errors import ValidationError

# 0-based position -> the field of the person that position encodes.
_FIELD_AT = (
    ("name_letters",) * 4
    + ("birth_date",) * 6
    + ("sex",)
    + ("state",) * 2
    + ("name_consonants",) * 3
    + ("homoclave", "check_digit")
)


@dataclass(frozen=True, slots=True)
class CurpComparison:
    """Where two keys disagree.

    Attributes:
        disagreements: fields that differ, from name_letters (1-4), birth_date (5-10),
            sex (11), state (12-13), name_consonants (14-16), homoclave (17),
            check_digit (18); the last two only when both sides are full CURPs.
        positions: 1-based positions that differ, ascending.
        same_root: the first 16 characters agree.
    """

    disagreements: frozenset[str]
    positions: tuple[int, ...]
    same_root: bool


def root(curp: str) -> str:
    """The 16-character root of a CURP (its first 16 characters, stripped and uppercased)."""
    return curp.strip().upper()[:16]


def compare(a: str, b: str) -> CurpComparison:
    """Compare two CURPs, or a CURP and a 16-character root, position by position.

    Positions 17-18 are ignored when either side is a root. Surrounding whitespace and
    case are ignored.

    Raises:
        ValidationError: a side is not 16 or 18 characters long.
    """
    left, right = _key(a, "a"), _key(b, "b")
    width = min(len(left), len(right))
    positions = tuple(i + 1 for i in range(width) if left[i] != right[i])
    fields = frozenset(_FIELD_AT[p - 1] for p in positions)
    return CurpComparison(fields, positions, left[:16] == right[:16])


def classify_pair(a: str, b: str) -> str:
    """Classify how two CURP values differ, for a matcher's comparison levels. Never raises.

    Returns one of "exact", "same_root" (first 16 equal: homoclave or check digit differ,
    or one side is a root), "one_edit" (one substituted character), "transposition"
    (one adjacent swap) or "different". Surrounding whitespace and case are ignored.
    """
    left, right = a.strip().upper(), b.strip().upper()
    if left == right:
        return "exact" if left else "different"
    if _root_lengths(left, right) and left[:16] == right[:16]:
        return "same_root"
    if len(left) != len(right):
        return "different"
    return _edit_kind(left, right)


def _root_lengths(left: str, right: str) -> bool:
    return len(left) in (16, 18) and len(right) in (16, 18)


def _edit_kind(left: str, right: str) -> str:
    diff = [i for i, (x, y) in enumerate(zip(left, right, strict=True)) if x != y]
    if len(diff) == 1:
        return "one_edit"
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        i, j = diff
        if left[i] == right[j] and left[j] == right[i]:
            return "transposition"
    return "different"


def _key(text: str, field: str) -> str:
    key = text.strip().upper() if isinstance(text, str) else ""
    if len(key) not in (16, 18):
        raise ValidationError.single(field, "length", "must be a 16-character root or a CURP")
    return key
