"""Excel imports: check the whole file, report every error at once, then write every row or none.

An app describes a spreadsheet as an `ImportTemplate` (columns plus three hooks) and registers it.
The engine then

1. refuses files it cannot trust as a whole (`FileRejected`): wrong template, missing columns,
   merged cells, more than MAX_DATA_ROWS rows, no data;
2. streams the rows from the sheet's XML (`core.sheetrows`), parses each cell by its column's kind (dates
   typed as text, formulas, values outside a list are cell errors), and hands chunks of
   `chunk_size` rows to `template.check()`, which resolves them against the database, records
   errors on the rows and counts what would be created, changed or left unchanged;
3. detects keys repeated inside the file (`template.unique_keys()`); empty rows between data rows
   are errors too;
4. to import, streams the file inside one transaction, calling `check()` then `apply()` chunk by
   chunk; any error rolls everything back. A `one_pass` template is read once: from the first error
   on nothing more is written and the rest is checked as in the dry run, so every error is still
   reported. Any other template is checked whole first and read again only if clean.

Memory does not grow with the file's rows: a chunk is dropped once handled. What survives is the
hash of each unique key (to name the row a duplicate repeats), what a template keeps in
`run.state` for cross-row rules, and the error list (capped at MAX_KEPT_ERRORS; all are counted).
openpyxl keeps the workbook's shared-string table in memory, which grows with distinct texts.

Templates are always read and written in Vietnamese, whatever the interface language: sheet
names, headers and list labels are part of the file format. Messages — cell errors, notes, refusals
and the marked error file — are in the uploader's language (`language`, which an import job stores
at upload because its check may run later in a background worker), as they are on the pages.
"""

from __future__ import annotations

import datetime
import io
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from hoctap.core.limits import FIRST_BIRTH_YEAR

from . import sheetrows
from .crashpoints import crash_point
from .exports import neutralise
from .text import fold, normalise

MAX_DATA_ROWS = 100_000
MAX_KEPT_ERRORS = 20_000
# Sheet names are part of the file format (a re-uploaded report must still be read), so they are
# fixed Vietnamese strings, not translations.
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
ERRORS_SHEET = "Lỗi"
TEMPLATE_ID_PREFIX = "hoctap:"
TRUE_FLAGS = {"x", "co", "1", "yes", "true", "v"}
ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    YEAR = "year"
    DATE = "date"
    CHOICE = "choice"
    DIGITS = "digits"
    FLAG = "flag"


class Outcome(StrEnum):
    CREATE = "create"
    CHANGE = "change"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple = ()  # (stored value, label) pairs, as Django's TextChoices.choices
    max_length: int = 255
    digits: int = 0  # Kind.DIGITS: the exact number of digits
    sensitive: bool = False  # the value is masked in error messages and reports
    help: str = ""
    example: str = ""
    width: int = 18

    @property
    def choices_text(self) -> str:
        return "; ".join(str(label) for _value, label in self.choices)


@dataclass
class CellError:
    row: int
    column: str  # spreadsheet letter, "" for a whole-row error
    header: str
    value: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "value": self.value,
            "reason": self.reason,
        }


class FileRejected(Exception):
    """The file as a whole cannot be imported; nothing is read further and nothing is written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Row:
    """One data row: parsed values by column key, the cells as read, and the errors found on it.

    What a template resolves for the row (ids, outcomes) goes in `state`, an instance of the
    template's `row_state` class when it declares one, else in the `data` dict."""

    __slots__ = ("number", "values", "raw", "problems", "data", "state")

    def __init__(self, number: int, state: Any = None):
        self.number = number
        self.values: dict[str, Any] = {}
        self.raw: dict[str, Any] = {}  # the cells as read, for error messages
        self.problems: list[tuple[str | None, str]] = []
        self.data: dict[str, Any] = {}
        self.state = state

    def __getitem__(self, key: str):
        return self.values.get(key)

    def error(self, key: str | None, reason: str) -> None:
        self.problems.append((key, reason))

    def ok(self, *keys: str) -> bool:
        """No error recorded on any of these columns."""
        return not any(key in keys for key, _reason in self.problems)

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)


# The outcomes a template writes (the third, UNCHANGED, leaves the record alone).
WRITTEN = (Outcome.CREATE, Outcome.CHANGE)


def outcome_of(record, values: dict) -> Outcome:
    """What a row does to the record it names (a model instance, or None when there is none yet):
    creates it, leaves it as it is when it already holds every value, or changes it."""
    if record is None:
        return Outcome.CREATE
    if all(getattr(record, name) == value for name, value in values.items()):
        return Outcome.UNCHANGED
    return Outcome.CHANGE


def rows_to_write(rows: list[Row]) -> list[Row]:
    """The rows whose check decided to create or change their record (`row.data["outcome"]`)."""
    return [row for row in rows if row.data.get("outcome") in WRITTEN]


class ImportRun:
    """One pass over a file: the template's memory between chunks, the counts and the errors."""

    def __init__(self, template: ImportTemplate, scope, actor, *, committing: bool, request_id: str = ""):
        self.template = template
        self.scope = scope
        self.actor = actor
        # Chunks are written as they are checked; a one-pass import turns this off at its first error.
        self.committing = committing
        self.request_id = request_id
        self.state: dict[str, Any] = {}
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.errors: list[CellError] = []
        self.error_count = 0
        self.notes: list[dict] = []  # hints to check that refuse nothing (e.g. namesakes)
        self.rows = 0

    def count(self, entity: str, outcome: Outcome, n: int = 1) -> None:
        self.counts[entity][outcome] += n

    def note(self, row: int, text: str) -> None:
        """A hint for the person importing, shown with the result; it refuses nothing."""
        if len(self.notes) < MAX_KEPT_ERRORS:
            self.notes.append({"row": row, "text": text})

    def recount(self, entity: str, before: Outcome, after: Outcome) -> None:
        """A later row showed that a record counted earlier will change after all."""
        self.counts[entity][before] -= 1
        self.counts[entity][after] += 1

    def write_error(self, row: int, reason: str) -> None:
        """A row refused while it is written (the database changed since its check): a whole-row
        error, so the engine rolls the import back and reports it."""
        self.error_count += 1
        self.errors.append(CellError(row, "", "", "", reason))


class ImportTemplate:
    """Subclass and register one per spreadsheet layout."""

    code: str = ""
    title: str = ""
    sheet_title: str = ""  # fixed, like the other sheet names: the data sheet is found by it
    columns: tuple[Column, ...] = ()
    entities: dict[str, str] = {}  # entity key → label, for the counts shown after a check
    guide: tuple[str, ...] = ()  # lines shown at the top of the guide sheet
    chunk_size: int = 500
    # A class (typically a dataclass) whose instance each row gets as `row.state`; None: `row.data`.
    row_state: Callable[[], Any] | None = None
    # check() finds the same errors whether or not the chunks before were written, and apply()
    # refuses nothing check() accepted: an import then reads the file once (see import_file).
    one_pass: bool = False

    # What the uploader must hold (`scope.can`) to use the template at all; the upload pages also
    # file the job under a home unit where they hold it (registry.jobs.create_job).
    capability: str = ""

    def permitted(self, scope) -> bool:
        """May this user import with this template at all? (Rows are still checked one by one.)"""
        if not self.capability:
            raise NotImplementedError
        return scope.can(self.capability)

    def check(self, rows: list[Row], run: ImportRun) -> None:
        """Resolve rows against the database; `row.error()` what is wrong; `run.count()` outcomes."""
        raise NotImplementedError

    def unique_keys(self, row: Row) -> Iterable[tuple[str, Hashable, str]]:
        """(column key, key, what it identifies) for each key that must not repeat inside the file."""
        return ()

    def apply(self, rows: list[Row], run: ImportRun) -> None:
        """Write checked rows (inside the import's transaction)."""
        raise NotImplementedError

    def check_whole_file(self, run: ImportRun) -> Iterable[Row]:
        """Rules over the whole file, once every row is read (e.g. each household has a head): the
        rows, with their errors, that break them."""
        return ()

    def finish(self, run: ImportRun) -> None:
        """After the last chunk is written, still inside the transaction."""

    def rolled_back(self, run: ImportRun) -> None:
        """After an import's transaction was rolled back: what must outlive it (counted refusals)."""

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


_TEMPLATES: dict[str, ImportTemplate] = {}
# Templates built from data (the results template of one campaign: its columns come from the
# campaign's criteria sets): "prefix-<id>" → factory(id), which returns None for an unknown id.
_FAMILIES: dict[str, Callable[[int], ImportTemplate | None]] = {}


def register_template(template: ImportTemplate) -> ImportTemplate:
    _TEMPLATES[template.code] = template
    return template


def register_template_family(prefix: str, factory: Callable[[int], ImportTemplate | None]) -> None:
    _FAMILIES[prefix] = factory


def get_template(code: str) -> ImportTemplate | None:
    if code in _TEMPLATES:
        return _TEMPLATES[code]
    prefix, _sep, number = code.rpartition("-")
    if prefix in _FAMILIES and number.isascii() and number.isdigit():
        # Built in Vietnamese: what a factory reads into its columns (list labels) is the file's.
        with translation.override("vi"):
            return _FAMILIES[prefix](int(number))
    return None


def all_templates() -> list[ImportTemplate]:
    return list(_TEMPLATES.values())


@dataclass
class ImportResult:
    template: str
    rows: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    file_error: str = ""
    committed: bool = False
    notes: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_count


# progress(phase, rows done, rows in the file if known); phase is CHECKING or WRITING.
Progress = Callable[[str, int, int | None], None]
CHECKING = "check"
WRITING = "write"


# -- public entry points -----------------------------------------------------------------------


@contextmanager
def _no_query_log():
    """Under DEBUG (what `make run` uses) Django keeps the SQL of the last 9,000 queries of each
    connection; an import's bulk inserts, hundreds of rows each, made that hundreds of MB. The
    debug cursor is swapped for the plain one on this thread's connection while a file is read and
    written. A test that captures queries (force_debug_cursor) still sees them."""
    if not settings.DEBUG or connection.force_debug_cursor or "make_debug_cursor" in vars(connection):
        yield
        return
    connection.make_debug_cursor = connection.make_cursor
    try:
        yield
    finally:
        del connection.make_debug_cursor


def message_language(language: str | None = None) -> str:
    """The language of an import's messages: the one asked for, else the active one."""
    return translation.get_supported_language_variant(language or translation.get_language() or settings.LANGUAGE_CODE)


def in_file(text) -> str:
    """A header or list label as a file holds it, whatever the interface language."""
    with translation.override("vi"):
        return str(text)


def check_file(
    source,
    template: ImportTemplate,
    *,
    scope,
    actor=None,
    progress: Progress | None = None,
    request_id: str = "",
    language: str | None = None,
) -> ImportResult:
    """The dry run: every error, and how many records would be created, changed or left as they are.
    Messages are in `language` (default: the active language)."""
    with translation.override(message_language(language)), _no_query_log():
        run = ImportRun(template, scope, actor, committing=False, request_id=request_id)
        try:
            _stream(source, template, run, progress)
        except FileRejected as rejected:
            return ImportResult(template.code, file_error=rejected.message)
        return _result(run)


def import_file(
    source,
    template: ImportTemplate,
    *,
    scope,
    actor=None,
    progress: Progress | None = None,
    request_id: str = "",
    language: str | None = None,
) -> ImportResult:
    """Check the whole file and write all of it in one transaction, or nothing.

    A template whose check finds the same errors whether or not it writes (`one_pass`) is read
    once: each chunk is written as soon as it is checked while the file has no error; from the
    first error on nothing more is written, the rest is checked as the dry run checks it (so every
    error is reported), and everything is rolled back. Any other template is checked whole first
    and, only if clean, read again and written."""
    language = message_language(language)
    rows = None
    if not template.one_pass:
        checked = check_file(
            source, template, scope=scope, actor=actor, progress=progress, request_id=request_id, language=language
        )
        if not checked.ok:
            return checked
        rows = checked.rows
    if progress:
        # No progress from inside the transaction: nobody else could read it.
        progress(WRITING, 0, rows)
    with translation.override(language), _no_query_log():
        run = ImportRun(template, scope, actor, committing=True, request_id=request_id)
        try:
            with transaction.atomic():
                _stream(source, template, run, None)
                if run.error_count:
                    raise _RolledBack
                template.finish(run)
                crash_point("import.before_commit")  # tests/crash: killed here, nothing is written
        except _RolledBack:
            template.rolled_back(run)
            result = _result(run)
            if not template.one_pass:  # the file was clean when checked
                result.file_error = _(
                    "Dữ liệu trên hệ thống đã thay đổi trong lúc nhập; chưa ghi gì. Hãy kiểm tra lại tệp."
                )
            return result
        except FileRejected as rejected:
            template.rolled_back(run)
            return ImportResult(template.code, file_error=rejected.message)
        result = _result(run)
        result.committed = True
        return result


class _RolledBack(Exception):
    pass


def _result(run: ImportRun) -> ImportResult:
    counts = {
        entity: {outcome.value: run.counts[entity][outcome] for outcome in Outcome} for entity in run.template.entities
    }
    return ImportResult(
        run.template.code,
        rows=run.rows,
        counts=counts,
        errors=[e.as_dict() for e in run.errors],
        error_count=run.error_count,
        notes=run.notes,
    )


# -- reading -----------------------------------------------------------------------------------


def _unreadable_file() -> FileRejected:
    """A file that is no workbook, or whose sheet's XML cannot be read: damaged, or not from Excel."""
    return FileRejected(_("Không đọc được tệp Excel. Hãy mở tệp bằng Excel và lưu lại dạng .xlsx."))


def _stream(source, template: ImportTemplate, run: ImportRun, progress: Progress | None) -> None:
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        book = sheetrows.Book(source)
    except Exception:  # openpyxl raises many kinds on a damaged archive; all mean the same here
        raise _unreadable_file() from None
    try:
        part = _data_sheet(book, template)
        header = _header(book, part, template)
        merged = _merged_ranges(book, part)
        if merged:
            raise FileRejected(
                _("Trang dữ liệu có ô gộp (%(ranges)s). Hãy bỏ gộp ô (Merge & Center → Unmerge) rồi tải lên lại.")
                % {"ranges": ", ".join(merged[:10])}
            )
        # The sheet's size comes from the <dimension> it declares: a file over the limit is refused
        # before a single row is read.
        last_row = book.declared_last_row(part)
        total = (last_row - 1) if last_row else None
        if total is not None and total > MAX_DATA_ROWS:
            raise FileRejected(
                _("Tệp có %(rows)s dòng, quá %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                % {"rows": _thousands(total), "limit": _thousands(MAX_DATA_ROWS)}
            )
        try:
            _read_rows(book, part, header, template, run, progress, total)
        except sheetrows.UnreadableSheet:
            raise _unreadable_file() from None
        for row in template.check_whole_file(run):
            _keep_errors(row, template, run, header)
    finally:
        book.close()
    if run.rows == 0:
        raise FileRejected(_("Tệp không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)."))


def _data_sheet(book: sheetrows.Book, template: ImportTemplate) -> str:
    """The archive part of the data sheet."""
    return book.sheets[_data_sheet_name(list(book.sheets), template)]


def _data_sheet_name(names: list[str], template: ImportTemplate) -> str:
    """The template's sheet, else the first sheet that is not one of ours."""
    if template.sheet_title in names:
        return template.sheet_title
    for title in names:
        if title not in {GUIDE_SHEET, LISTS_SHEET, ERRORS_SHEET}:
            return title
    raise FileRejected(_("Tệp không có trang dữ liệu."))


def _header_text(value) -> str:
    """A header folded for comparison; a column's header is taken as the file holds it."""
    return fold(in_file(value)).replace("*", "").strip() if value is not None else ""


def _header(book: sheetrows.Book, part: str, template: ImportTemplate) -> dict[str, int]:
    """Column key → 0-based position, from row 1; refuses a file of another template."""
    try:
        first_row = book.first_row(part)
    except sheetrows.UnreadableSheet:
        raise _unreadable_file() from None
    positions: dict[str, int] = {}
    for position, value in enumerate(first_row):
        if isinstance(value, sheetrows.RefusedCell):
            continue
        text = _header_text(value)
        if not text:
            continue
        if text in positions:
            raise FileRejected(_("Cột «%(header)s» xuất hiện hai lần ở dòng tiêu đề.") % {"header": value})
        positions[text] = position
    identifier = book.identifier
    declared = identifier.removeprefix(TEMPLATE_ID_PREFIX) if identifier.startswith(TEMPLATE_ID_PREFIX) else ""
    other = get_template(declared) if declared and declared != template.code else None
    if other is None and not _fits(template, positions):
        other = next((t for t in all_templates() if t is not template and _fits(t, positions)), None)
    if other is not None:
        raise FileRejected(
            _("Tệp này theo mẫu «%(other)s», không phải mẫu «%(this)s» đã chọn. Hãy chọn đúng mẫu hoặc tải mẫu mới.")
            % {"other": other.title, "this": template.title}
        )
    known = {_header_text(column.header): column for column in template.columns}
    if not any(text in known for text in positions):
        raise FileRejected(
            _("Không nhận ra mẫu: dòng 1 phải là tiêu đề cột của mẫu «%(this)s». Hãy tải mẫu và dán dữ liệu vào.")
            % {"this": template.title}
        )
    missing = [in_file(c.header) for c in template.columns if c.required and _header_text(c.header) not in positions]
    if missing:
        raise FileRejected(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)})
    return {
        column.key: positions[_header_text(column.header)]
        for column in template.columns
        if _header_text(column.header) in positions
    }


def _fits(template: ImportTemplate, positions: dict[str, int]) -> bool:
    return all(_header_text(c.header) in positions for c in template.columns if c.required)


_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _merged_ranges(book: sheetrows.Book, part: str) -> list[str]:
    """Merged ranges of the data sheet, read from its XML in chunks (the list sits after all the rows)."""
    found: list[str] = []
    with book.open(part) as stream:
        tail = b""
        while chunk := stream.read(1 << 20):
            # The carried tail catches a tag cut by the chunk boundary; a range seen twice is
            # dropped by the dict below.
            window = tail + chunk
            found.extend(match.decode() for match in _MERGE.findall(window))
            tail = window[-100:]
    return list(dict.fromkeys(found))


def _read_rows(
    book: sheetrows.Book,
    part: str,
    header: dict[str, int],
    template: ImportTemplate,
    run: ImportRun,
    progress: Progress | None,
    total: int | None,
) -> None:
    width = max(header.values()) + 1
    columns = [(template.column(key), position) for key, position in header.items()]
    parsers = _cell_parsers(columns)
    seen = FirstRows()
    chunk: list[Row] = []
    blank_from: int | None = None
    expected = 2
    for number, values in sheetrows.SheetRows(book, part, width, min_row=2):
        if number > expected and blank_from is None:
            blank_from = expected  # rows the file leaves out are blank rows
        expected = number + 1
        if all(value is None or (value.__class__ is str and not value.strip()) for value in values):
            if blank_from is None:
                blank_from = number
            continue
        if blank_from is not None:
            row_gap = Row(blank_from)
            row_gap.error(
                None,
                _("Dòng trống giữa các dòng dữ liệu (dòng %(first)d đến %(last)d). Hãy xoá dòng trống.")
                % {"first": blank_from, "last": number - 1},
            )
            _keep_errors(row_gap, template, run, header)
            blank_from = None
        run.rows += 1
        if run.rows > MAX_DATA_ROWS:
            raise FileRejected(
                _("Tệp có quá %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.") % {"limit": _thousands(MAX_DATA_ROWS)}
            )
        chunk.append(_parse_row(number, values, parsers, template.row_state))
        if len(chunk) >= template.chunk_size:
            _handle_chunk(chunk, template, run, header, seen)
            chunk = []
            if progress:
                progress(CHECKING, run.rows, total)
    if chunk:
        _handle_chunk(chunk, template, run, header, seen)
    if progress:
        progress(CHECKING, run.rows, run.rows)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class FirstRows:
    """The first row that had each key, for finding keys repeated in a file.

    Keys are kept as Python's 64-bit hash of the key, in two flat arrays with open addressing: 12
    bytes a slot, where a dict entry with its two int objects takes about 110 (at 200,000 keys, 6 MB
    instead of 23). A hash collision (about 1 in 10^9 for 100,000 rows) could only report a false
    duplicate, never hide a real one.
    """

    def __init__(self, capacity: int = 4096):
        self._used = 0
        self._hashes = array("q", bytes(8 * capacity))
        self._rows = array("i", bytes(4 * capacity))  # 0: empty (data rows start at 2)

    def first(self, key, row: int) -> int:
        """Remember `row` for `key` unless the key was seen before; return the first row that had it."""
        found = self._place(hash(key), row)
        if found == row:
            self._used += 1
            if 2 * self._used > len(self._rows):
                self._grow()
        return found

    def _place(self, key_hash: int, row: int) -> int:
        hashes, rows, mask = self._hashes, self._rows, len(self._rows) - 1
        slot = key_hash & mask
        while rows[slot]:
            if hashes[slot] == key_hash:
                return rows[slot]
            slot = (slot + 1) & mask
        hashes[slot], rows[slot] = key_hash, row
        return row

    def _grow(self) -> None:
        old = zip(self._hashes, self._rows, strict=True)
        capacity = 2 * len(self._rows)
        self._hashes, self._rows = array("q", bytes(8 * capacity)), array("i", bytes(4 * capacity))
        for key_hash, row in old:
            if row:
                self._place(key_hash, row)


def _handle_chunk(chunk: list[Row], template: ImportTemplate, run: ImportRun, header, seen: FirstRows) -> None:
    template.check(chunk, run)
    for row in chunk:
        for key_column, key, what in template.unique_keys(row):
            first = seen.first(key, row.number)
            if first != row.number:
                row.error(key_column, _("Trùng %(what)s với dòng %(row)d.") % {"what": what, "row": first})
    failed = False
    for row in chunk:
        if row.has_errors:
            failed = True
            _keep_errors(row, template, run, header)
    if not run.committing:
        return
    if not failed and not run.error_count:
        template.apply(chunk, run)
    elif template.one_pass:
        # Nothing more is written (the transaction will be rolled back): the rest of the file is
        # checked as the dry run checks it.
        run.committing = False


def _keep_errors(row: Row, template: ImportTemplate, run: ImportRun, header: dict[str, int]) -> None:
    for key, reason in row.problems:
        run.error_count += 1
        if len(run.errors) >= MAX_KEPT_ERRORS:
            continue
        column = template.column(key) if key else None
        position = header.get(key) if key else None
        raw = row.raw.get(key) if key else None
        run.errors.append(
            CellError(
                row=row.number,
                column=get_column_letter(position + 1) if position is not None else "",
                header=in_file(column.header) if column else "",
                value=_display(raw, column),
                reason=reason,
            )
        )


def _display(raw, column: Column | None) -> str:
    if raw is None:
        return ""
    text = raw.strftime("%d/%m/%Y") if isinstance(raw, (datetime.date, datetime.datetime)) else str(raw)
    if column is not None and column.sensitive:
        return "*" * max(len(text) - 4, 0) + text[-4:]
    return text[:100]


def _choice_map(column: Column) -> dict[str, str]:
    mapping = {}
    for value, label in column.choices:
        mapping[fold(in_file(label))] = value
        mapping[fold(str(value))] = value
    return mapping


# Kinds whose cells repeat down the column (list choices, flags, years): their parsed value is kept
# by raw value for the run, up to this many distinct values a column.
_MEMO_KINDS = {Kind.CHOICE, Kind.FLAG, Kind.YEAR}
_MEMO_LIMIT = 2000


def _cell_parsers(columns: list[tuple[Column, int]]) -> list[tuple[Column, int, Any, dict | None]]:
    """(column, position, its choice map, a memo of parsed values or None) for each column read."""
    return [
        (
            column,
            position,
            _choice_map(column) if column.kind == Kind.CHOICE else None,
            {} if column.kind in _MEMO_KINDS else None,
        )
        for column, position in columns
    ]


def _parse_row(number: int, cells: list, parsers, state: Callable[[], Any] | None) -> Row:
    row = Row(number, state() if state is not None else None)
    raw_values = row.raw
    values = row.values
    for column, position, choice_map, memo in parsers:
        raw = cells[position] if position < len(cells) else None
        key = column.key
        raw_values[key] = raw
        # Only texts, and numbers of a year column: 1 and 1.0 read differently as a flag or a choice.
        if memo is not None and (raw.__class__ is str or (column.kind == Kind.YEAR and raw.__class__ in (int, float))):
            found = memo.get(raw)
            if found is None:
                found = _parse_cell(column, raw, choice_map)
                if len(memo) < _MEMO_LIMIT:
                    memo[raw] = found
        else:
            found = _parse_cell(column, raw, choice_map)
        values[key] = found[0]
        if found[1]:
            row.error(key, found[1])
    return row


def _parse_cell(column: Column, raw, choice_map) -> tuple[Any, str | None]:
    if isinstance(raw, sheetrows.Formula):
        return None, _("Ô chứa công thức; hãy dán giá trị (Paste Values) thay cho công thức.")
    if isinstance(raw, sheetrows.ErrorValue):
        return None, _("Ô báo lỗi của Excel (%(value)s).") % {"value": raw.text}
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.kind == Kind.FLAG:
            return False, None
        return None, (_("Cột này bắt buộc.") if column.required else None)
    parse = _PARSERS[column.kind]
    return parse(column, raw, choice_map)


def _as_integer(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        return int(raw.strip())
    return None


def _parse_text(column: Column, raw, _choices):
    if isinstance(raw, (datetime.date, datetime.datetime, datetime.time)):
        return None, _("Cần chữ, không phải ngày tháng.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = normalise(str(raw))
    if len(text) > column.max_length:
        return None, _("Dài quá %(limit)d ký tự.") % {"limit": column.max_length}
    return text, None


def _parse_integer(column: Column, raw, _choices):
    number = _as_integer(raw)
    if number is None:
        return None, _("Cần một số nguyên.")
    return number, None


def _parse_year(column: Column, raw, _choices):
    year = _as_integer(raw)
    this_year = timezone.localdate().year
    if year is None or not FIRST_BIRTH_YEAR <= year <= this_year:
        return None, _("Năm phải là số từ 1900 đến %(year)d.") % {"year": this_year}
    return year, None


def _parse_date(column: Column, raw, _choices):
    if isinstance(raw, datetime.datetime):
        return raw.date(), None
    if isinstance(raw, datetime.date):
        return raw, None
    if isinstance(raw, str):
        return None, _("Ngày tháng đang ở dạng chữ; hãy nhập kiểu ngày của Excel (định dạng ô Date, ví dụ 25/03/1980).")
    return None, _("Không phải ngày tháng.")


def _parse_choice(column: Column, raw, choice_map):
    value = choice_map.get(fold(str(raw)))
    if value is None:
        with translation.override("vi"):  # the labels to type are the file's
            choices = column.choices_text
        return None, _("Giá trị không có trong danh mục. Chọn một trong: %(choices)s.") % {"choices": choices}
    return value, None


def _parse_digits(column: Column, raw, _choices):
    number = _as_integer(raw) if not isinstance(raw, str) else None
    if number is not None:
        # A number typed into a General-format cell loses its leading zeros (CCCDs of Hà Nội
        # begin 001); the column's fixed length says how many there were.
        text = str(number).zfill(column.digits) if column.digits else str(number)
    else:
        text = re.sub(r"[\s.]", "", str(raw))
    if column.digits and (not text.isdigit() or len(text) != column.digits):
        return None, _("Cần đúng %(n)d chữ số.") % {"n": column.digits}
    if not text.isdigit():
        return None, _("Chỉ được có chữ số.")
    return text, None


def _parse_flag(column: Column, raw, _choices):
    if raw is True or fold(str(raw)) in TRUE_FLAGS:
        return True, None
    if raw is False or fold(str(raw)) in {"0", "khong", "no", "false"}:
        return False, None
    return None, _("Ghi x nếu có, để trống nếu không.")


_PARSERS = {
    Kind.TEXT: _parse_text,
    Kind.INTEGER: _parse_integer,
    Kind.YEAR: _parse_year,
    Kind.DATE: _parse_date,
    Kind.CHOICE: _parse_choice,
    Kind.DIGITS: _parse_digits,
    Kind.FLAG: _parse_flag,
}


# -- writing: templates and error reports ------------------------------------------------------


def template_workbook(template: ImportTemplate) -> bytes:
    """The downloadable template: a data sheet, a guide and (hidden) the lists behind the drop-downs."""
    with translation.override("vi"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = template.sheet_title
        lists = workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        list_column = 0
        for index, column in enumerate(template.columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(row=1, column=index, value=str(column.header))
            cell.font = Font(bold=True, color="9C0006" if column.required else "000000")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            note = _column_note(column)
            if note:
                cell.comment = Comment(note, "hoctap", width=300, height=150)
            sheet.column_dimensions[letter].width = column.width
            if column.kind in (Kind.TEXT, Kind.DIGITS):
                # Text format keeps codes and ID numbers as typed (leading zeros included).
                sheet.column_dimensions[letter].number_format = "@"
            elif column.kind == Kind.DATE:
                sheet.column_dimensions[letter].number_format = "DD/MM/YYYY"
            options = _options(column)
            if options:
                list_column += 1
                list_letter = get_column_letter(list_column)
                lists.cell(row=1, column=list_column, value=str(column.header))
                for offset, option in enumerate(options, start=2):
                    lists.cell(row=offset, column=list_column, value=option)
                validation = DataValidation(
                    type="list",
                    allow_blank=True,
                    showErrorMessage=True,
                    formula1=f"'{LISTS_SHEET}'!${list_letter}$2:${list_letter}${len(options) + 1}",
                    errorTitle=str(column.header),
                    error=_("Chọn một giá trị trong danh sách."),
                )
                validation.add(f"{letter}2:{letter}{MAX_DATA_ROWS + 1}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
        sheet.row_dimensions[1].height = 32
        _guide_sheet(workbook.create_sheet(GUIDE_SHEET, 1), template)
        workbook.active = 0
        workbook.properties.identifier = TEMPLATE_ID_PREFIX + template.code
        workbook.properties.title = str(template.title)
        workbook.properties.creator = "hoctap"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _options(column: Column) -> list[str]:
    if column.kind == Kind.CHOICE:
        return [str(label) for _value, label in column.choices]
    if column.kind == Kind.FLAG:
        return ["x"]
    return []


def _column_note(column: Column) -> str:
    parts = [_("Bắt buộc.") if column.required else _("Không bắt buộc.")]
    if column.help:
        parts.append(str(column.help))
    if column.kind == Kind.CHOICE:
        parts.append(_("Chọn trong danh sách."))
    if column.kind == Kind.DATE:
        parts.append(_("Nhập kiểu ngày (dd/mm/yyyy), không gõ dạng chữ."))
    return " ".join(parts)


def _guide_sheet(sheet, template: ImportTemplate) -> None:
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 70
    sheet.column_dimensions["D"].width = 24
    sheet.append([str(template.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    common = [
        _("Nhập dữ liệu ở trang «%(sheet)s», bắt đầu từ dòng 2; giữ nguyên dòng tiêu đề.")
        % {"sheet": template.sheet_title},
        _("Không gộp ô, không dùng công thức, không để dòng trống giữa các dòng dữ liệu."),
        _("Ngày tháng nhập kiểu ngày của Excel (dd/mm/yyyy), không gõ dạng chữ."),
        _("Tải lên cùng một tệp nhiều lần không tạo bản ghi trùng: bản ghi đã có được nhận ra và cập nhật."),
        _("Ô để trống không xoá dữ liệu đã có trên hệ thống."),
        _("Nếu tệp có lỗi, hệ thống không ghi gì và trả lại tệp với các ô lỗi được tô màu, kèm ghi chú."),
    ]
    for line in [*map(str, template.guide), *common]:
        sheet.append(["• " + line])
    sheet.append([])
    sheet.append([_("Cột"), _("Bắt buộc"), _("Nội dung"), _("Ví dụ")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in template.columns:
        meaning = str(column.help)
        if column.kind == Kind.CHOICE:
            allowed = _("Một trong: %(choices)s.") % {"choices": column.choices_text}
            meaning = f"{meaning} {allowed}" if meaning else allowed
        sheet.append([str(column.header), _("có") if column.required else "", meaning, str(column.example)])
        sheet.cell(row=sheet.max_row, column=3).alignment = Alignment(wrap_text=True, vertical="top")


def error_report(source, template: ImportTemplate, errors: Iterable[dict], *, language: str | None = None) -> bytes:
    """The uploaded file with every bad cell filled and commented, and a sheet listing the errors,
    in `language` (the errors' own: an import job's uploader's; default: the active language).

    Written with openpyxl's normal (in-memory) mode from the original: only for files that failed.
    """
    with translation.override(message_language(language)):
        if hasattr(source, "seek"):
            source.seek(0)
        workbook = load_workbook(source)
        sheet = workbook[_data_sheet_name([ws.title for ws in workbook.worksheets], template)]
        by_cell: dict[str, list[str]] = defaultdict(list)
        listed = []
        for error in errors:
            reference = f"{error['column'] or 'A'}{error['row']}"
            by_cell[reference].append(error["reason"])
            listed.append(error)
        for reference, reasons in by_cell.items():
            cell = sheet[reference]
            cell.fill = ERROR_FILL
            cell.comment = Comment("\n".join(reasons), "hoctap", width=320, height=120)
        if ERRORS_SHEET in workbook.sheetnames:
            del workbook[ERRORS_SHEET]
        report = workbook.create_sheet(ERRORS_SHEET)
        report.append([_("Dòng"), _("Cột"), _("Tiêu đề cột"), _("Giá trị"), _("Lý do")])
        for cell in report[1]:
            cell.font = Font(bold=True)
        for error in listed:
            report.append([error["row"], error["column"], error["header"], neutralise(error["value"]), error["reason"]])
        for letter, width in zip("ABCDE", (8, 6, 26, 26, 90), strict=True):
            report.column_dimensions[letter].width = width
        workbook.active = workbook.sheetnames.index(ERRORS_SHEET)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
