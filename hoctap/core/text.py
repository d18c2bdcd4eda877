"""Vietnamese text: NFC normalisation, diacritic-free folding for search, and collation keys.

SQLite folds only ASCII case and PostgreSQL's collations differ between machines, so both the
search column and the sort column are computed here, in Python, and stored. The database then
compares plain ASCII and every backend gives the same answers.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFC with single spaces: the form every stored name takes."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lowercase, no diacritics, đ→d: "ĐỨC", "đức" and "duc" all fold to "duc"."""
    decomposed = unicodedata.normalize("NFD", normalise(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# The Vietnamese alphabet in dictionary order; f, j, w, z sort where the Latin alphabet puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tones are a second-level difference: "ma" < "mà" < "mả" < "mã" < "má" < "mạ".
_TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn


def _letters(text: str):
    """Yield (base letter or other char, tone) for each character of `text`."""
    for ch in unicodedata.normalize("NFC", text.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark == "\u0302":
                base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
            elif mark == "\u0306" and base == "a":
                base = "ă"
            elif mark == "\u031b":
                base = {"o": "ơ", "u": "ư"}.get(base, base)
        yield base, tone


def _code(index: int) -> str:
    # Two lowercase ASCII letters per symbol: every collation (C, en_US, SQLite BINARY)
    # orders lowercase-only ASCII strings the same way.
    return chr(97 + index // 26) + chr(97 + index % 26)


def sort_key(text: str) -> str:
    """A plain-ASCII key whose byte order is Vietnamese dictionary order.

    Primary level: letters of the Vietnamese alphabet, digits, spaces. Secondary: tones.
    The terminator "aa" sorts below everything so "An" comes before "An Bình".
    """
    primary, tones = [], []
    for base, tone in _letters(normalise(text)):
        if base == " ":
            primary.append(_code(1))
        elif base.isdigit():
            primary.append(_code(2 + int(base)))
        elif base in _ALPHABET:
            primary.append(_code(12 + _ALPHABET.index(base)))
        else:
            continue  # punctuation does not order names
        tones.append(str(tone))
    return "".join(primary) + _code(0) + "".join(chr(97 + int(t)) for t in tones)
