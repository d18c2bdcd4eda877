"""Vietnamese text: NFC normalisation, diacritic-free folding for search, and collation keys.

SQLite folds only ASCII case and PostgreSQL's collations differ between machines, so both the
search column and the sort column are computed here, in Python, and stored. The database then
compares plain ASCII and every backend gives the same answers.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Letters that look like Đ/đ but are other code points: the Icelandic eth (Ð U+00D0, ð U+00F0), which
# Windows-1258 keyboards and old fonts produce for Đ, and the African D (Ɖ U+0189, ɖ U+0256). No
# Vietnamese word uses them, so they are read as Đ/đ: "ÐỨC" is stored, searched and sorted as "ĐỨC".
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111", "\u0189": "\u0110", "\u0256": "\u0111"})
_HAS_LOOKALIKE = re.compile("[\u00d0\u00f0\u0189\u0256]")


def normalise(text: str) -> str:
    """NFC with single spaces and look-alike letters replaced: the form every stored name takes."""
    text = unicodedata.normalize("NFC", text or "")
    if _HAS_LOOKALIKE.search(text):  # rare; translate() with a table costs a dict lookup a character
        text = text.translate(_LOOKALIKES)
    return _SPACES.sub(" ", text).strip()


# The per-character tables below keep at most this many characters (a file of every Unicode
# character must not make them large); Vietnamese text uses a few hundred.
_KEPT_CHARACTERS = 4096


class _WithoutMarks(dict):
    """str.translate table that drops combining marks (category Mn), filled in as characters are met."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        if len(self) < _KEPT_CHARACTERS:
            self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def fold(text: str) -> str:
    """Lowercase, no diacritics, đ→d: "ĐỨC", "ÐỨC" (eth), "đức" and "duc" all fold to "duc"."""
    decomposed = unicodedata.normalize("NFD", normalise(text).lower().replace("đ", "d"))
    return decomposed.translate(_WITHOUT_MARKS)


# Characters a reader cannot see: the bidirectional embeddings and overrides (U+202A–U+202E), isolates
# (U+2066–U+2069), marks (U+200E, U+200F, U+061C), zero-width spaces and joiners (U+200B–U+200D,
# U+2060, U+FEFF), soft hyphens — every "format" character (Unicode category Cf) — and control
# characters other than the spaces `normalise` collapses. In a name they make two records that look the
# same compare different, or make a name print backwards on a certificate.
_SPACE_CONTROLS = {"\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85"}


def invisible_characters(text: str) -> list[int]:
    """1-based positions of the characters of `text` that nobody can see (see above)."""
    return [
        position
        for position, ch in enumerate(unicodedata.normalize("NFC", text or ""), start=1)
        if unicodedata.category(ch) == "Cf" or (unicodedata.category(ch) == "Cc" and ch not in _SPACE_CONTROLS)
    ]


# The Vietnamese alphabet in dictionary order; f, j, w, z sort where the Latin alphabet puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Tones are a second-level difference: "ma" < "mà" < "mả" < "mã" < "má" < "mạ".
_TONES = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn


def _letter(ch: str) -> tuple[str, int]:
    """(base letter or other char, tone) of one character of a lowercased NFC text."""
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
    return base, tone


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
    keys = _CHARACTER_KEYS
    for ch in unicodedata.normalize("NFC", normalise(text).lower()):
        key = keys.get(ch)
        if key is None:
            key = _character_key(ch)
            if len(keys) < _KEPT_CHARACTERS:
                keys[ch] = key
        if key:
            primary.append(key[0])
            tones.append(key[1])
    return "".join(primary) + _code(0) + "".join(tones)


# A character's (primary code, tone code), or () when it does not order names; filled in as met.
_CHARACTER_KEYS: dict[str, tuple[str, str] | tuple[()]] = {}


def _character_key(ch: str) -> tuple[str, str] | tuple[()]:
    base, tone = _letter(ch)
    if base == " ":
        code = _code(1)
    elif "0" <= base <= "9":  # not str.isdigit(): "²" is a digit to it and int() refuses it
        code = _code(2 + int(base))
    elif base in _ALPHABET:
        code = _code(12 + _ALPHABET.index(base))
    else:
        return ()  # punctuation does not order names
    return code, chr(97 + tone)


def reader_reads_english() -> bool:
    """The interface is in English for this request (Vietnamese is the default)."""
    from django.utils.translation import get_language

    return (get_language() or "vi").startswith("en")


def in_reader_language(vi: str, en: str) -> str:
    """A text kept in both languages (criteria data, the engine's reasons), as the reader reads:
    English when the interface is English and the English text exists, Vietnamese otherwise."""
    return en if en and reader_reads_english() else vi
