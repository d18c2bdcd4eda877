"""The rows of one worksheet of an .xlsx file, read fast and in constant memory.

openpyxl's read-only reader builds an XML element and a dict for every cell and spends most of an
import's reading time doing so (26 s of 100,000 household rows, profiled in bench/bench_import.py).
This reader takes everything but the rows from openpyxl (the shared-string table, which styles are
dates, the 1900/1904 epoch, the sheet's part name in the archive) and reads the rows itself: the
sheet's XML is decompressed a megabyte at a time and each row is cut with regular expressions, which
run in C. It returns what openpyxl's reader returns for a cell — numbers, texts, booleans, dates,
and, kept apart, formulas and Excel's error values, which an import refuses — so every check the
engine makes on a cell stays the same.

Why not python-calamine (a Rust reader, four times faster still): it loads the whole sheet into
memory first (about 110 MB more for 100,000 rows, over the import's memory budget of 150 MB) and it
exposes neither formulas nor error cells, which the import must refuse.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import Any

from openpyxl.utils.datetime import from_excel, from_ISO8601

CHUNK = 1 << 20
INTERNED = 4096


class RefusedCell:
    """A cell an import refuses rather than reads, kept with its text for the error message."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __str__(self):
        return self.text


class Formula(RefusedCell):
    """A cell holding a formula (its cached result is not trusted: it may be stale)."""

    __slots__ = ()


class ErrorValue(RefusedCell):
    """A cell showing one of Excel's errors (#DIV/0!, #N/A, …)."""

    __slots__ = ()


# A namespace prefix is allowed on every tag (a few writers emit x:row, x:c).
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
# One match a cell: its column letters when r comes first (every writer we know puts it first),
# its other attributes, and what it holds.
_CELL = re.compile(
    rb"<(?:\w+:)?c(?=[\s/>])(?:\s+r\s*=\s*\"([A-Z]+)\d*\")?([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL
)
_LATER_REFERENCE = re.compile(rb"\sr\s*=\s*\"([A-Z]+)")
_KIND = re.compile(rb"\st\s*=\s*\"(\w+)\"")
_STYLE = re.compile(rb"\ss\s*=\s*\"(\d+)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?f>)", re.DOTALL)
_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.DOTALL)
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.DOTALL)
_ROW_NUMBER = re.compile(rb"\br\s*=\s*\"(\d+)\"")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_END_OF_DATA = re.compile(rb"</(?:\w+:)?sheetData>")


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


def _text(raw: bytes | None) -> str:
    if not raw:
        return ""
    text = raw.decode("utf-8")
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _number(raw: bytes) -> int | float:
    text = raw.decode("ascii").strip()
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


_COLUMNS: dict[bytes, int] = {}


def _column_index(letters: bytes) -> int:
    """0-based column of "A", "AB", … (memoised: a sheet uses a few dozen)."""
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + letter - 64
        index -= 1
        _COLUMNS[letters] = index
    return index


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref\s*=\s*\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")


class Book:
    """An .xlsx opened with openpyxl's own readers for everything but its worksheets: the shared
    strings, the styles (which are dates), the epoch and the properties. openpyxl's read-only
    workbook also sizes every sheet as it opens, which reads a whole sheet that declares no size;
    this does not."""

    def __init__(self, source):
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        reader = ExcelReader(source, read_only=True, data_only=False)
        self.archive = reader.archive
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            reader.read_properties()
            apply_stylesheet(reader.archive, reader.wb)
            self.sheets = {
                sheet.name: rel.target for sheet, rel in reader.parser.find_sheets() if rel.Type.endswith("/worksheet")
            }
        except Exception:
            self.archive.close()
            raise
        self.workbook = reader.wb
        self.shared_strings = reader.shared_strings
        properties = reader.wb.properties
        self.identifier = (properties.identifier or "") if properties else ""

    def open(self, part: str):
        return self.archive.open(part)

    def close(self) -> None:
        self.archive.close()

    def declared_last_row(self, part: str) -> int | None:
        """The last row the sheet's <dimension> declares, read before its rows (None: it declares none)."""
        with self.open(part) as stream:
            head = b""
            while chunk := stream.read(1 << 16):
                head += chunk
                found = _DIMENSION.search(head)
                if found:
                    return int(found.group(1))
                if _SHEET_DATA.search(head) or len(head) > 1 << 22:
                    return None
        return None

    def first_row(self, part: str) -> list[Any]:
        """Row 1, as wide as it is (empty when the sheet starts lower)."""
        for number, values in SheetRows(self, part, 16384):
            if number != 1:
                return []
            while values and values[-1] is None:
                values.pop()
            return values
        return []


class SheetRows:
    """Iterate (row number, values) over a worksheet of a Book.

    `values` holds `width` cells from column A; a missing cell is None. Rows absent from the file
    are not returned (the caller sees the gap in the row numbers).
    """

    def __init__(self, book: Book, part: str, width: int, *, min_row: int = 1):
        self.archive = book.archive
        self.part = part
        self.shared = book.shared_strings
        self.dates = book.workbook._date_formats  # style ids with a date format (openpyxl's stylesheet)
        self.timedeltas = book.workbook._timedelta_formats
        self.epoch = book.workbook.epoch
        self.width = width
        self.min_row = min_row
        # Texts repeated down a column (village codes, list choices) are decoded once and share one
        # str object; up to INTERNED texts, so that a column of distinct names does not grow it.
        self._interned: dict[bytes, str] = {}

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from self._rows()
        except (
            ValueError,
            IndexError,
            KeyError,
            AttributeError,
            UnicodeDecodeError,
            OSError,
            EOFError,
            zlib.error,
        ) as error:
            raise UnreadableSheet(type(error).__name__) from None

    def _rows(self) -> Iterator[tuple[int, list[Any]]]:
        number = 0
        tail = b""
        with self.archive.open(self.part) as stream:
            while True:
                chunk = stream.read(CHUNK)
                window = tail + chunk
                end_of_data = _END_OF_DATA.search(window)
                if end_of_data is not None:
                    cut = end_of_data.start()
                elif chunk:
                    cut = _last_row_end(window)  # only whole rows; the rest waits for the next chunk
                else:
                    cut = len(window)
                position = 0
                for match in _ROW.finditer(window, 0, cut):
                    attributes, body = match.group(1), match.group(2)
                    found = _ROW_NUMBER.search(attributes)
                    number = int(found.group(1)) if found else number + 1
                    position = match.end()
                    if number >= self.min_row:
                        yield number, self._cells(body) if body else [None] * self.width
                if end_of_data is not None or not chunk:
                    return
                tail = window[position:]

    def _intern(self, raw: bytes) -> str:
        text = _text(raw)
        if len(self._interned) < INTERNED:
            self._interned[raw] = text
        return text

    def _cells(self, body: bytes) -> list[Any]:
        width = self.width
        values: list[Any] = [None] * width
        column = -1
        interned = self._interned
        for letters, rest, content in _CELL.findall(body):
            kind = style = b""
            if rest:
                if not letters and b"r" in rest and (later := _LATER_REFERENCE.search(rest)):
                    letters = later.group(1)
                if b"t" in rest and (found := _KIND.search(rest)):
                    kind = found.group(1)
                if b"s" in rest and (found := _STYLE.search(rest)):
                    style = found.group(1)
            column = _column_index(letters) if letters else column + 1
            if column >= width or not content:
                continue
            if content[:3] == b"<v>" and content[-4:] == b"</v>" and b"<" not in content[3:-4]:
                raw = content[3:-4]  # the usual case: a value and nothing else
            elif (
                kind == b"inlineStr"
                and content[:7] == b"<is><t>"
                and content[-9:] == b"</t></is>"
                and b"<" not in content[7:-9]
            ):
                raw = content[7:-9]
                text = interned.get(raw)
                if text is None:
                    text = self._intern(raw)
                values[column] = text
                continue
            else:
                if b"<f" in content or b":f" in content:
                    formula = _FORMULA.search(content)
                    if formula is not None:
                        values[column] = Formula("=" + _text(formula.group(2)))
                        continue
                if kind == b"inlineStr":
                    inline = _PHONETIC.sub(b"", content) if b"rPh" in content else content
                    raw = b"".join(_TEXT.findall(inline))
                    text = interned.get(raw)
                    if text is None:
                        text = self._intern(raw)
                    values[column] = text
                    continue
                value_match = _VALUE.search(content)
                raw = value_match.group(1) if value_match else None
            if not raw:
                continue
            if kind == b"s":
                values[column] = self.shared[int(raw)]
            elif not kind or kind == b"n":
                number = _number(raw)
                if style and int(style) in self.dates:
                    try:
                        values[column] = from_excel(number, self.epoch, timedelta=int(style) in self.timedeltas)
                    except (OverflowError, ValueError):
                        values[column] = ErrorValue("#VALUE!")  # what openpyxl makes of a date out of range
                else:
                    values[column] = number
            elif kind == b"str":
                text = interned.get(raw)
                if text is None:
                    text = self._intern(raw)
                values[column] = text
            elif kind == b"b":
                values[column] = bool(int(raw))
            elif kind == b"e":
                values[column] = ErrorValue(_text(raw))
            elif kind == b"d":
                values[column] = from_ISO8601(_text(raw))
            else:
                values[column] = _text(raw)
        return values


class UnreadableSheet(Exception):
    """The sheet's XML is damaged (a bad number, a string index past the table, a broken archive)."""


def _last_row_end(window: bytes) -> int:
    """Where the last closed row of `window` ends (0: none yet)."""
    found = window.rfind(b"row>")
    while found > 0:
        before = window[max(0, found - 40) : found]
        slash = before.rfind(b"</")
        if slash >= 0 and re.fullmatch(rb"</(?:\w+:)?", before[slash:]):
            return found + 4
        found = window.rfind(b"row>", 0, found)
    return 0
