"""Criteria sets as Excel workbooks, so administrators can review and correct them in a spreadsheet.

:func:`export_xlsx` writes one sheet per part of the format with Vietnamese headers;
:func:`import_xlsx` reads such a workbook back and reports every problem with its sheet, row and
column, then validates the result exactly as a YAML file would be validated. Export then import
gives an equal set.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from hoctap.criteria.loader import load_mapping
from hoctap.criteria.schema import CriteriaFileError, CriteriaSet, Problem

SHEET_INFO = "Thông tin"
SHEET_GROUPS = "Nhóm đối tượng"
SHEET_CRITERIA = "Tiêu chí"
SHEET_GROUP_TEXTS = "Diễn đạt theo nhóm"
SHEET_CLASSIFICATION = "Xếp loại"
SHEET_DEPENDENCIES = "Điều kiện"
SHEETS = (
    SHEET_INFO,
    SHEET_GROUPS,
    SHEET_CRITERIA,
    SHEET_GROUP_TEXTS,
    SHEET_CLASSIFICATION,
    SHEET_DEPENDENCIES,
)

TRUE_WORDS = frozenset({"có", "x", "đúng", "true"})
FALSE_WORDS = frozenset({"không", "sai", "false"})


# --- cell values --------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest repr round-trips: 84.99 stays 84.99
    return _text(value)


def _integer(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _text(value)


def _date(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date()
    return _text(value)


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if not word:
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return value


def _codes(value: Any) -> Any:
    """Comma-separated codes in one cell."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()] or None
    return value if value is None else [value]


def _lines(value: Any) -> Any:
    """One entry per line in one cell."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()] or None
    return value if value is None else [value]


def _selection(value: Any) -> Any:
    if isinstance(value, str) and value.strip() == "all":
        return "all"
    return _codes(value)


# Rows of the "Thông tin" sheet that hold one value: key, meaning shown to people, document path of
# the value column, document path of the English column (if any), and the cell reader.
_INFO_FIELDS: tuple[tuple[str, str, str, str | None, Callable[[Any], Any]], ...] = (
    ("title", "Danh hiệu (family, clan, community, commune_community, unit, citizen…)", "title", None, _text),
    ("code", "Mã bộ tiêu chí", "code", None, _text),
    ("version", "Phiên bản", "version", None, _integer),
    ("name", "Tên bộ tiêu chí", "name_vi", "name_en", _text),
    ("issuing_document", "Văn bản ban hành", "issuing_document", None, _text),
    ("issued_on", "Ngày ban hành", "issued_on", None, _date),
    ("effective_from", "Hiệu lực từ ngày", "effective_from", None, _date),
    ("effective_to", "Hiệu lực đến ngày", "effective_to", None, _date),
    ("status", "Trạng thái (official, partial, provisional)", "status", None, _text),
    ("sources", "Mã nguồn, cách nhau bởi dấu phẩy", "sources", None, _codes),
    ("admin_levels", "Cấp hành chính (commune, district, province)", "applicability.admin_levels", None, _codes),
    ("area_classes", "Loại địa bàn (normal, disadvantaged)", "applicability.area_classes", None, _codes),
    ("scoring_method", "Cách xếp loại (points: chấm điểm; levels: theo mức độ)", "scoring.method", None, _text),
    ("validity_years", "Thời hạn công nhận (năm)", "recognition.validity_years", None, _integer),
    ("upgrade_after_months", "Được xét nâng mức sau (tháng)", "recognition.upgrade_after_months", None, _integer),
    ("recognition_tag", "Mức tin cậy của thời hạn (V, P, I)", "recognition.tag", None, _text),
    ("recognition_sources", "Nguồn của thời hạn", "recognition.sources", None, _codes),
)
# Rows that may repeat, one per list entry: key, meaning, list path, English column used.
_INFO_LISTS: tuple[tuple[str, str, str, bool], ...] = (
    ("related_document", "Văn bản liên quan", "related_documents", False),
    ("source_url", "Đường dẫn nguồn", "source_urls", False),
    ("gap", "Nội dung còn thiếu", "gaps", True),
)

_Columns = dict[str, tuple[str, Callable[[Any], Any]]]  # document key → (header, cell reader)
_PROVENANCE_COLUMNS: _Columns = {
    "placeholder": ("Giữ chỗ", _boolean),
    "tag": ("Mức tin cậy", _text),
    "sources": ("Nguồn", _codes),
}
_NAME_COLUMNS: _Columns = {
    "code": ("Mã", _text),
    "name_vi": ("Tên", _text),
    "name_en": ("Tên (tiếng Anh)", _text),
}
# Kind in the "Loại" column → (list under scoring, the columns that kind uses).
_CLASSIFICATION_COLUMNS: dict[str, tuple[str, _Columns]] = {
    "band": (
        "bands",
        {
            **_NAME_COLUMNS,
            "min": ("Điểm tối thiểu", _number),
            **_PROVENANCE_COLUMNS,
        },
    ),
    "pass_mark": (
        "pass_marks",
        {
            "area_class": ("Loại địa bàn", _text),
            "min": ("Điểm tối thiểu", _number),
            **_PROVENANCE_COLUMNS,
        },
    ),
    "area_rule": (
        "area_rules",
        {
            "designation": ("Mã", _text),
            "area_class": ("Loại địa bàn", _text),
            **_PROVENANCE_COLUMNS,
        },
    ),
    "level": (
        "levels",
        {
            **_NAME_COLUMNS,
            "required_indicators": ("Chỉ số phải đạt", _selection),
            **_PROVENANCE_COLUMNS,
        },
    ),
}
_GROUP_COLUMNS: _Columns = {
    "code": ("Mã nhóm", _text),
    "name_vi": ("Tên nhóm", _text),
    "name_en": ("Tên nhóm (tiếng Anh)", _text),
    "tag": ("Mức tin cậy", _text),
    "sources": ("Nguồn", _codes),
}
_CRITERION_COLUMNS: _Columns = {
    "code": ("Mã tiêu chí", _text),
    "name_vi": ("Tên tiêu chí", _text),
    "name_en": ("Tên tiêu chí (tiếng Anh)", _text),
    "max_points": ("Điểm tối đa của tiêu chí", _number),
    "tag": ("Mức tin cậy của tiêu chí", _text),
    "sources": ("Nguồn của tiêu chí", _codes),
}
_INDICATOR_COLUMNS: _Columns = {
    "code": ("Mã chỉ số", _text),
    "text_vi": ("Nội dung chỉ số", _text),
    "text_en": ("Nội dung chỉ số (tiếng Anh)", _text),
    "kind": ("Loại chỉ số", _text),
    "max_points": ("Điểm tối đa", _number),
    "floor": ("Điểm sàn", _number),
    "mandatory": ("Bắt buộc", _boolean),
    "placeholder": ("Giữ chỗ", _boolean),
    "evidence_hints": ("Gợi ý minh chứng", _lines),
    "evidence_code_pattern": ("Mẫu mã minh chứng", _text),
    "tag": ("Mức tin cậy", _text),
    "sources": ("Nguồn", _codes),
    "digital_skills_from": ("Tính kỹ năng số từ (điểm)", _number),
}
_GROUP_TEXT_COLUMNS: _Columns = {
    "group": ("Mã nhóm", _text),
    "text_vi": ("Nội dung", _text),
    "text_en": ("Nội dung (tiếng Anh)", _text),
    "tag": ("Mức tin cậy", _text),
}
_DEPENDENCY_COLUMNS: _Columns = {
    "code": ("Mã", _text),
    "fact": ("Dữ kiện", _text),
    "op": ("Phép so sánh", _text),
    "value": ("Giá trị", _number),
    "applies_to_levels": ("Áp dụng cho mức độ", _selection),
    "text_vi": ("Nội dung", _text),
    "text_en": ("Nội dung (tiếng Anh)", _text),
    **_PROVENANCE_COLUMNS,
}
_COUNTS_COLUMNS: _Columns = {
    "min_age": ("Người được tính: từ tuổi", _integer),
    "max_age": ("Người được tính: đến tuổi", _integer),
    "otherwise_min_age": ("Nếu không có ai: từ tuổi", _integer),
    "otherwise_max_age": ("Nếu không có ai: đến tuổi", _integer),
    "tag": ("Người được tính: mức tin cậy", _text),
    "sources": ("Người được tính: nguồn", _codes),
}
_CONDITION_COLUMNS: _Columns = {
    "fact": ("Chỉ khi: dữ kiện", _text),
    "op": ("Chỉ khi: phép so sánh", _text),
    "value": ("Chỉ khi: giá trị", _number),
}


def _headers(columns: _Columns) -> tuple[str, ...]:
    return tuple(header for header, _ in columns.values())


# Row 1 of each sheet. The sheets of one kind of entry take their headers from its columns; the
# classification and dependency sheets hold several kinds of entry, so their order is written here.
INFO_HEADERS = ("Khóa", "Ý nghĩa", "Giá trị", "Giá trị (tiếng Anh)")
GROUP_HEADERS = _headers(_GROUP_COLUMNS)
CRITERION_HEADERS = _headers(_CRITERION_COLUMNS)
INDICATOR_HEADERS = _headers(_INDICATOR_COLUMNS)
# Who a people share counts (`dependencies[].counts`).
COUNTS_HEADERS = _headers(_COUNTS_COLUMNS)
# Columns added after workbooks were already in use: a workbook without them still reads.
OPTIONAL_HEADERS = frozenset({"Tính kỹ năng số từ (điểm)", *COUNTS_HEADERS})
GROUP_TEXT_HEADERS = ("Mã chỉ số", *_headers(_GROUP_TEXT_COLUMNS))
CLASSIFICATION_HEADERS = (
    "Loại",
    "Mã",
    "Tên",
    "Tên (tiếng Anh)",
    "Điểm tối thiểu",
    "Loại địa bàn",
    "Chỉ số phải đạt",
    "Giữ chỗ",
    "Mức tin cậy",
    "Nguồn",
)
DEPENDENCY_HEADERS = (
    "Mã",
    "Dữ kiện",
    "Phép so sánh",
    "Giá trị",
    "Áp dụng cho mức độ",
    "Chỉ khi: dữ kiện",
    "Chỉ khi: phép so sánh",
    "Chỉ khi: giá trị",
    "Nội dung",
    "Nội dung (tiếng Anh)",
    "Giữ chỗ",
    "Mức tin cậy",
    "Nguồn",
    *COUNTS_HEADERS,
)
HEADERS: dict[str, tuple[str, ...]] = {
    SHEET_INFO: INFO_HEADERS,
    SHEET_GROUPS: GROUP_HEADERS,
    SHEET_CRITERIA: CRITERION_HEADERS + INDICATOR_HEADERS,
    SHEET_GROUP_TEXTS: GROUP_TEXT_HEADERS,
    SHEET_CLASSIFICATION: CLASSIFICATION_HEADERS,
    SHEET_DEPENDENCIES: DEPENDENCY_HEADERS,
}


# --- export -------------------------------------------------------------------------------------


def _cell_value(value: Any, reader: Callable[[Any], Any] | None = None) -> Any:
    """The cell written for a document value; ``reader`` is the function that reads it back."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (tuple, list)):
        return ("\n" if reader is _lines else ", ").join(str(item) for item in value) or None
    return value


def _cells(headers: tuple[str, ...], columns: _Columns, entry: dict[str, Any]) -> list[Any]:
    """One cell per header: the entry's value for the key ``columns`` maps to it, else empty."""
    by_header = {header: (key, reader) for key, (header, reader) in columns.items()}
    cells = []
    for header in headers:
        key, reader = by_header.get(header, (None, None))
        cells.append(_cell_value(entry.get(key), reader) if key else None)
    return cells


def _append(sheet: Worksheet, cells: list[Any]) -> None:
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # openpyxl would store text starting with "=" as a formula; keep it text.
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        elif isinstance(cell.value, datetime.date):
            cell.number_format = "DD/MM/YYYY"


def _new_sheet(workbook: Workbook, title: str) -> Worksheet:
    sheet = workbook.create_sheet(title)
    headers = HEADERS[title]
    sheet.append(headers)
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = 14 if len(headers[index - 1]) < 12 else 28
    sheet.freeze_panes = "A2"
    return sheet


def export_xlsx(criteria_set: CriteriaSet) -> bytes:
    """The set as an .xlsx workbook that :func:`import_xlsx` reads back into an equal set."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    data = criteria_set.model_dump(mode="python")

    info = _new_sheet(workbook, SHEET_INFO)
    for key, meaning, path, english_path, reader in _INFO_FIELDS:
        english = _get(data, english_path) if english_path else None
        _append(info, [key, meaning, _cell_value(_get(data, path), reader), english])
    for key, meaning, path, bilingual in _INFO_LISTS:
        for entry in _get(data, path):
            _append(info, [key, meaning, *((entry["text_vi"], entry["text_en"]) if bilingual else (entry, None))])

    groups = _new_sheet(workbook, SHEET_GROUPS)
    for group in data["applicability"]["subject_groups"]:
        _append(groups, _cells(GROUP_HEADERS, _GROUP_COLUMNS, group))

    criteria = _new_sheet(workbook, SHEET_CRITERIA)
    group_texts = _new_sheet(workbook, SHEET_GROUP_TEXTS)
    for criterion in data["criteria"]:
        criterion_cells = _cells(CRITERION_HEADERS, _CRITERION_COLUMNS, criterion)
        for indicator in criterion["indicators"]:
            _append(criteria, criterion_cells + _cells(INDICATOR_HEADERS, _INDICATOR_COLUMNS, indicator))
            for entry in indicator["group_texts"]:
                _append(
                    group_texts,
                    _cells(
                        GROUP_TEXT_HEADERS,
                        _GROUP_TEXT_COLUMNS | {"indicator": ("Mã chỉ số", _text)},
                        entry | {"indicator": indicator["code"]},
                    ),
                )

    classification = _new_sheet(workbook, SHEET_CLASSIFICATION)
    for kind, (list_key, columns) in _CLASSIFICATION_COLUMNS.items():
        for entry in data["scoring"][list_key]:
            _append(classification, [kind, *_cells(CLASSIFICATION_HEADERS[1:], columns, entry)])

    dependencies = _new_sheet(workbook, SHEET_DEPENDENCIES)
    for dependency in data["dependencies"]:
        cells = _cells(DEPENDENCY_HEADERS, _DEPENDENCY_COLUMNS, dependency)
        condition = _cells(DEPENDENCY_HEADERS, _CONDITION_COLUMNS, dependency["when"] or {})
        counts = _cells(DEPENDENCY_HEADERS, _COUNTS_COLUMNS, dependency.get("counts") or {})
        _append(
            dependencies,
            [next((c for c in cell if c is not None), None) for cell in zip(cells, condition, counts, strict=False)],
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _get(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[key]
    return data


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Location:
    sheet: str | None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True)
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]  # header → raw cell value
    columns: dict[str, str]  # header → column letter


class _Reader:
    """Turns a workbook into a criteria document while remembering which cell each value came from."""

    def __init__(self, workbook: Any, source_name: str):
        self.workbook = workbook
        self.source_name = source_name
        self.problems: list[Problem] = []
        self.locations: dict[str, _Location] = {}
        self.document: dict[str, Any] = {}

    def problem(self, where: _Location, kind: str, message_vi: str, message_en: str) -> None:
        self.problems.append(
            Problem(
                self.source_name,
                "",
                kind,
                message_vi,
                message_en,
                sheet=where.sheet,
                row=where.row,
                column=where.column,
            )
        )

    def cell(self, row: _Row, header: str) -> _Location:
        return _Location(row.sheet, row.number, row.columns[header])

    def fill(self, row: _Row, columns: _Columns, path: str) -> dict[str, Any]:
        """A mapping of the row's non-empty cells; every key's cell is remembered under ``path``."""
        self.locations[path] = _Location(row.sheet, row.number)
        entry: dict[str, Any] = {}
        for key, (header, reader) in columns.items():
            if header in OPTIONAL_HEADERS and header not in row.values:
                continue
            self.locations[f"{path}.{key}"] = self.cell(row, header)
            value = reader(row.values[header])
            if value is not None:
                entry[key] = value
        return entry

    def set_path(self, path: str, value: Any) -> None:
        *parents, leaf = path.split(".")
        target = self.document
        for key in parents:
            target = target.setdefault(key, {})
        if value is not None:
            target[leaf] = value

    # Sheets and headers ------------------------------------------------------------------------

    def check_structure(self) -> bool:
        names = set(self.workbook.sheetnames)
        for title in SHEETS:
            if title not in names:
                self.problem(
                    _Location(title), "missing_sheet", f"Thiếu trang «{title}».", f"Sheet '{title}' is missing."
                )
                continue
            found: dict[str, int] = {}
            for cell in self.workbook[title][1]:
                header = _text(cell.value)
                if header is None:
                    continue
                where = _Location(title, 1, cell.column_letter)
                if header not in HEADERS[title]:
                    self.problem(
                        where,
                        "unknown_column",
                        f"Cột «{header}» không thuộc định dạng (có thể gõ sai tên cột).",
                        f"Column '{header}' is not part of the format (perhaps a misspelt header).",
                    )
                elif header in found:
                    self.problem(
                        where,
                        "duplicate_column",
                        f"Cột «{header}» xuất hiện hai lần.",
                        f"Column '{header}' appears twice.",
                    )
                found[header] = cell.column
            for header in HEADERS[title]:
                if header not in found and header not in OPTIONAL_HEADERS:
                    self.problem(
                        _Location(title, 1),
                        "missing_column",
                        f"Trang «{title}» thiếu cột «{header}» ở dòng 1.",
                        f"Sheet '{title}' lacks the column '{header}' in row 1.",
                    )
        return not self.problems

    def rows(self, title: str) -> list[_Row]:
        sheet = self.workbook[title]
        positions = {_text(cell.value): cell.column for cell in sheet[1] if _text(cell.value)}
        rows = []
        for cells in sheet.iter_rows(min_row=2):
            by_column = {cell.column: cell for cell in cells}
            values: dict[str, Any] = {}
            for header in HEADERS[title]:
                if header not in positions:
                    continue  # an optional column the workbook predates
                cell = by_column.get(positions[header])
                values[header] = cell.value if cell is not None else None
                if cell is not None and cell.data_type == "f":
                    self.problem(
                        _Location(title, cell.row, get_column_letter(positions[header])),
                        "formula",
                        "Ô chứa công thức; hãy nhập thẳng giá trị.",
                        "The cell holds a formula; type the value itself.",
                    )
                    values[header] = None
            if any(_text(value) is not None for value in values.values()):
                columns = {
                    header: get_column_letter(positions[header]) for header in HEADERS[title] if header in positions
                }
                rows.append(_Row(title, cells[0].row, values, columns))
        return rows

    # Sheets into the document ------------------------------------------------------------------

    def read_info(self) -> None:
        fields = {key: (path, english, reader) for key, _, path, english, reader in _INFO_FIELDS}
        lists = {key: (path, bilingual) for key, _, path, bilingual in _INFO_LISTS}
        for _, _, path, _, _ in _INFO_FIELDS:
            self.locations[path] = _Location(SHEET_INFO)
        for _, _, path, _ in _INFO_LISTS:
            self.locations[path] = _Location(SHEET_INFO)
        first_seen: dict[str, int] = {}
        for row in self.rows(SHEET_INFO):
            key = _text(row.values["Khóa"])
            value, english = row.values["Giá trị"], row.values["Giá trị (tiếng Anh)"]
            if key in fields:
                if key in first_seen:
                    self.problem(
                        self.cell(row, "Khóa"),
                        "duplicate_key",
                        f"Khóa «{key}» đã có ở dòng {first_seen[key]}.",
                        f"Key '{key}' already appears in row {first_seen[key]}.",
                    )
                    continue
                first_seen[key] = row.number
                path, english_path, reader = fields[key]
                self.locations[path] = self.cell(row, "Giá trị")
                self.set_path(path, reader(value))
                if english_path:
                    self.locations[english_path] = self.cell(row, "Giá trị (tiếng Anh)")
                    self.set_path(english_path, _text(english))
            elif key in lists:
                path, bilingual = lists[key]
                entries = self.document.setdefault(path, [])
                entry_path = f"{path}[{len(entries)}]"
                if not entries:
                    self.locations[path] = _Location(SHEET_INFO, row.number)
                if bilingual:
                    entries.append(
                        self.fill(
                            row,
                            {
                                "text_vi": ("Giá trị", _text),
                                "text_en": ("Giá trị (tiếng Anh)", _text),
                            },
                            entry_path,
                        )
                    )
                else:
                    self.locations[entry_path] = self.cell(row, "Giá trị")
                    entries.append(_text(value))
            else:
                self.problem(
                    self.cell(row, "Khóa"),
                    "unknown_key",
                    f"Khóa «{key}» không thuộc định dạng.",
                    f"Key '{key}' is not part of the format.",
                )

    def read_groups(self) -> None:
        self.locations["applicability.subject_groups"] = _Location(SHEET_GROUPS)
        groups = [
            self.fill(row, _GROUP_COLUMNS, f"applicability.subject_groups[{index}]")
            for index, row in enumerate(self.rows(SHEET_GROUPS))
        ]
        if groups:
            self.set_path("applicability.subject_groups", groups)

    def read_criteria(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Fill ``criteria``; return indicator code → (path, indicator) for the group-texts sheet."""
        criteria: list[dict[str, Any]] = []
        first_rows: dict[str, tuple[int, _Row]] = {}
        indicators_by_code: dict[str, tuple[str, dict[str, Any]]] = {}
        self.locations["criteria"] = _Location(SHEET_CRITERIA)
        for row in self.rows(SHEET_CRITERIA):
            code = _text(row.values["Mã tiêu chí"])
            if not isinstance(code, str):
                self.problem(
                    self.cell(row, "Mã tiêu chí"),
                    "missing_criterion_code",
                    "Thiếu mã tiêu chí: mỗi dòng chỉ số phải ghi mã tiêu chí chứa nó.",
                    "Criterion code missing: every indicator row must name its criterion.",
                )
                continue
            if code in first_rows:
                self.compare_criterion_cells(code, first_rows[code][1], row)
            else:
                first_rows[code] = (len(criteria), row)
                criterion = self.fill(row, _CRITERION_COLUMNS, f"criteria[{len(criteria)}]")
                criteria.append(criterion | {"indicators": []})
            index = first_rows[code][0]
            indicators = criteria[index]["indicators"]
            path = f"criteria[{index}].indicators[{len(indicators)}]"
            indicator = self.fill(row, _INDICATOR_COLUMNS, path)
            indicators.append(indicator)
            if isinstance(indicator.get("code"), str):
                indicators_by_code.setdefault(indicator["code"], (path, indicator))
        if criteria:
            self.document["criteria"] = criteria
        return indicators_by_code

    def compare_criterion_cells(self, code: str, first: _Row, row: _Row) -> None:
        """Later rows may leave the criterion columns empty, but must not contradict the first row."""
        for header in CRITERION_HEADERS[1:]:
            value, first_value = _text(row.values[header]), _text(first.values[header])
            if value is not None and value != first_value:
                self.problem(
                    self.cell(row, header),
                    "criterion_mismatch",
                    f"Cột «{header}» của tiêu chí {code} khác với dòng {first.number} "
                    f"(«{value}» so với «{first_value}»).",
                    f"Column '{header}' of criterion {code} differs from row {first.number} "
                    f"('{value}' against '{first_value}').",
                )

    def read_group_texts(self, indicators: dict[str, tuple[str, dict[str, Any]]]) -> None:
        for row in self.rows(SHEET_GROUP_TEXTS):
            code = _text(row.values["Mã chỉ số"])
            if code not in indicators:
                self.problem(
                    self.cell(row, "Mã chỉ số"),
                    "unknown_indicator",
                    f"Chỉ số «{code}» không có trong trang «{SHEET_CRITERIA}».",
                    f"Indicator '{code}' is not in sheet '{SHEET_CRITERIA}'.",
                )
                continue
            indicator_path, indicator = indicators[code]
            entries = indicator.setdefault("group_texts", [])
            entries.append(self.fill(row, _GROUP_TEXT_COLUMNS, f"{indicator_path}.group_texts[{len(entries)}]"))

    def read_classification(self) -> None:
        self.locations["scoring"] = self.locations.get("scoring.method", _Location(SHEET_CLASSIFICATION))
        entries: dict[str, list[dict[str, Any]]] = {}
        for list_key, _ in _CLASSIFICATION_COLUMNS.values():
            self.locations[f"scoring.{list_key}"] = _Location(SHEET_CLASSIFICATION)
            entries[list_key] = []
        for row in self.rows(SHEET_CLASSIFICATION):
            kind = _text(row.values["Loại"])
            if kind not in _CLASSIFICATION_COLUMNS:
                self.problem(
                    self.cell(row, "Loại"),
                    "unknown_kind",
                    f"Loại «{kind}» không hợp lệ; dùng band (mức xếp loại), pass_mark (điểm đạt), "
                    "area_rule (loại vùng → loại địa bàn) hoặc level (mức độ).",
                    f"Kind '{kind}' is not valid; use band, pass_mark, area_rule or level.",
                )
                continue
            list_key, columns = _CLASSIFICATION_COLUMNS[kind]
            used = {header for header, _ in columns.values()}
            for header in CLASSIFICATION_HEADERS[1:]:
                if header not in used and _text(row.values[header]) is not None:
                    self.problem(
                        self.cell(row, header),
                        "unused_cell",
                        f"Cột «{header}» không dùng cho loại «{kind}»; hãy để trống.",
                        f"Column '{header}' is not used by kind '{kind}'; leave it empty.",
                    )
            path = f"scoring.{list_key}[{len(entries[list_key])}]"
            entries[list_key].append(self.fill(row, columns, path))
        for list_key, found in entries.items():
            if found:
                self.set_path(f"scoring.{list_key}", found)

    def read_dependencies(self) -> None:
        self.locations["dependencies"] = _Location(SHEET_DEPENDENCIES)
        dependencies = []
        for index, row in enumerate(self.rows(SHEET_DEPENDENCIES)):
            path = f"dependencies[{index}]"
            dependency = self.fill(row, _DEPENDENCY_COLUMNS, path)
            when = self.fill(row, _CONDITION_COLUMNS, f"{path}.when")
            self.locations[f"{path}.when"] = self.cell(row, "Chỉ khi: dữ kiện")
            if when:
                dependency["when"] = when
            counts = self.fill(row, _COUNTS_COLUMNS, f"{path}.counts")
            if counts:
                dependency["counts"] = counts
            dependencies.append(dependency)
        if dependencies:
            self.document["dependencies"] = dependencies

    # Problems from validation ------------------------------------------------------------------

    def locate(self, problem: Problem) -> Problem:
        """Attach the cell of ``problem.path``, or of its closest ancestor that has one."""
        path = problem.path
        while path:
            if path in self.locations:
                where = self.locations[path]
                return replace(problem, sheet=where.sheet, row=where.row, column=where.column)
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return problem


def _sort_key(problem: Problem) -> tuple[int, int, int]:
    sheet = SHEETS.index(problem.sheet) + 1 if problem.sheet in SHEETS else 0
    column = 0
    if problem.column:
        for letter in problem.column:
            column = column * 26 + ord(letter) - ord("A") + 1
    return sheet, problem.row or 0, column


def import_xlsx(data: bytes, source_name: str = "<xlsx>") -> CriteriaSet:
    """Read a workbook made by :func:`export_xlsx` (and possibly edited).

    Raises CriteriaFileError listing every problem, each with its sheet, row and column.
    """
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise CriteriaFileError(
            [
                Problem(
                    source_name,
                    "",
                    "not_a_workbook",
                    f"Không mở được tệp: không phải bảng tính .xlsx hợp lệ ({error}).",
                    f"The file cannot be opened as an .xlsx workbook ({error}).",
                )
            ]
        ) from None
    reader = _Reader(workbook, source_name)
    # With a sheet or column missing every row would also fail validation; report the cause only.
    if not reader.check_structure():
        raise CriteriaFileError(sorted(reader.problems, key=_sort_key))
    reader.read_info()
    reader.read_groups()
    reader.read_group_texts(reader.read_criteria())
    reader.read_classification()
    reader.read_dependencies()
    problems = list(reader.problems)
    criteria_set: CriteriaSet | None = None
    try:
        criteria_set = load_mapping(reader.document, source_name)
    except CriteriaFileError as error:
        problems.extend(reader.locate(problem) for problem in error.problems)
    if problems or criteria_set is None:
        raise CriteriaFileError(sorted(problems, key=_sort_key))
    return criteria_set
