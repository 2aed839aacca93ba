import pytest

from mpi.domain.key_texts import KeyTexts, encoded


def _texts() -> KeyTexts:
    texts = KeyTexts()
    texts.add(["a:1", "a:2"])
    texts.add_encoded("b:1\x00b:ñ\x00b:3".encode(), "\x00", 3)
    texts.add([])
    texts.add_encoded(b"", "\x00", 0)
    more = KeyTexts()
    more.add_encoded(b"c:1", "\x00", 1)
    texts.add(more)
    return texts


def test_texts_held_as_lists_and_blobs_read_back_in_order() -> None:
    texts = _texts()
    every = ["a:1", "a:2", "b:1", "b:ñ", "b:3", "c:1"]
    assert len(texts) == 6
    assert list(texts) == texts.decoded() == every
    assert (texts[3], texts[-1], texts[1:3]) == ("b:ñ", "c:1", ["a:2", "b:1"])
    assert texts.index("b:3") == 4


def test_text_added_after_reading_is_read_too() -> None:
    texts = _texts()
    assert len(texts.decoded()) == 6
    texts.add(["d:1"])
    assert texts[-1] == "d:1"


@pytest.mark.parametrize("separator", ["\x1f", "\x00"])
def test_encoded_pieces_joined_by_the_separator_are_every_text(separator: str) -> None:
    texts = _texts()
    pieces = list(encoded(texts, separator))
    assert separator.encode().join(pieces).decode().split(separator) == list(texts)
    assert list(encoded(list(texts), separator)) == [separator.join(texts).encode()]


def test_a_blob_not_holding_its_count_of_texts_is_refused() -> None:
    texts = KeyTexts()
    texts.add_encoded(b"a\x00b", "\x00", 3)
    with pytest.raises(ValueError, match="3 texts expected, 2 decoded"):
        texts.decoded()


@pytest.mark.parametrize(
    ("listed", "blob", "bad"),
    [
        (["a", "b"], b"c\x00d", None),
        (["a", ""], b"c\x00d", ""),
        (["a", "x\x1fy"], b"c\x00d", "x\x1fy"),
        (["a"], b"\x00d", ""),
        (["a"], b"c\x00", ""),
        (["a"], b"c\x00\x00d", ""),
        (["a"], b"c\x00x\x1fy", "x\x1fy"),
    ],
)
def test_first_bad_finds_an_empty_text_or_one_holding_the_separator(
    listed: list[str], blob: bytes, bad: str | None
) -> None:
    texts = KeyTexts()
    texts.add(listed)
    texts.add_encoded(blob, "\x00", blob.count(b"\x00") + 1)
    assert texts.first_bad("\x1f") == bad


def test_a_blob_of_one_empty_text_is_bad() -> None:
    texts = KeyTexts()
    texts.add_encoded(b"", "\x00", 1)
    assert texts.first_bad("\x1f") == ""
    assert list(texts) == [""]


@pytest.mark.parametrize(
    ("listed", "blob", "bad"),
    [
        (["a", "b\x1ec"], b"d", "b\x1ec"),
        (["a"], b"d\x00e\x1ef", "e\x1ef"),
        (["a\x1fb"], b"d", "a\x1fb"),
        (["a"], b"d", None),
    ],
)
def test_first_bad_finds_a_text_holding_any_of_several_separators(
    listed: list[str], blob: bytes, bad: str | None
) -> None:
    texts = KeyTexts()
    texts.add(listed)
    texts.add_encoded(blob, "\x00", blob.count(b"\x00") + 1)
    assert texts.first_bad("\x1f", "\x1e") == bad


def test_a_blob_joined_by_a_separator_asked_about_holds_no_bad_text_for_it() -> None:
    texts = KeyTexts()
    texts.add_encoded(b"a\x1fb\x1fc", "\x1f", 3)
    assert texts.first_bad("\x1f") is None
    assert texts.first_bad("\x1f", "\x1e") is None
    texts.add_encoded(b"d\x1e", "\x1f", 1)
    assert texts.first_bad("\x1f", "\x1e") == "d\x1e"
