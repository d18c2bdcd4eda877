"""Spreadsheets in the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP):

    CƠ QUAN CHỦ QUẢN                     CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    CƠ QUAN BAN HÀNH (bold)                 Độc lập - Tự do - Hạnh phúc
                                          <Địa danh>, ngày dd tháng mm năm yyyy
                              TIÊU ĐỀ BIỂU
                               (phạm vi)
    | STT | Đơn vị | Gia đình học tập          | Dòng họ học tập     | ...
    |     |        | Đăng ký | Công nhận | ... | ...

Every sheet is written with openpyxl's write-only mode: rows go to disk as they are appended, so
memory stays flat whether the sheet has ten rows or eight hundred thousand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

MOTTO_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_LINE = "Độc lập - Tự do - Hạnh phúc"

_FONT = "Times New Roman"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def place_and_date(place: str, day: datetime.date) -> str:
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


class AdminSheet:
    """One worksheet of a write-only workbook, filled top to bottom."""

    def __init__(self, workbook: Workbook, title: str, widths: Sequence[float]):
        self.ws = workbook.create_sheet(title=title[:31])
        self.ncols = len(widths)
        self.row_number = 0
        # Column widths must be set before the first row is written in write-only mode.
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def _cell(
        self, value, *, bold=False, italic=False, underline=False, size=12, align=None, border=False, number_format=None
    ):
        cell = WriteOnlyCell(self.ws, value=value)
        cell.font = Font(name=_FONT, size=size, bold=bold, italic=italic, underline="single" if underline else None)
        if align is not None:
            cell.alignment = align
        if border:
            cell.border = _BOX
        if number_format:
            cell.number_format = number_format
        return cell

    def _append(self, cells) -> int:
        self.ws.append(cells)
        self.row_number += 1
        return self.row_number

    def _merge(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        if last > first or (last_row or row) > row:
            self.ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{last_row or row}")

    def header(
        self, *, governing_body: str, issuing_body: str, place: str, day: datetime.date, title: str, subtitle: str = ""
    ) -> None:
        left = max(1, self.ncols // 2 - 1)
        right_first = left + 1
        blank = [None] * self.ncols

        def split(left_cell, right_cell):
            cells = list(blank)
            cells[0] = left_cell
            cells[right_first - 1] = right_cell
            return cells

        row = self._append(
            split(
                self._cell(governing_body.upper(), size=12, align=_CENTER),
                self._cell(MOTTO_NATION, bold=True, size=12, align=_CENTER),
            )
        )
        self._merge(row, 1, left)
        self._merge(row, right_first, self.ncols)
        row = self._append(
            split(
                self._cell(issuing_body.upper(), bold=True, size=12, align=_CENTER),
                self._cell(MOTTO_LINE, bold=True, underline=True, size=13, align=_CENTER),
            )
        )
        self._merge(row, 1, left)
        self._merge(row, right_first, self.ncols)
        row = self._append(split(None, self._cell(place_and_date(place, day), italic=True, align=_CENTER)))
        self._merge(row, right_first, self.ncols)
        self._append([])
        row = self._append([self._cell(title.upper(), bold=True, size=14, align=_CENTER)])
        self._merge(row, 1, self.ncols)
        if subtitle:
            row = self._append([self._cell(subtitle, italic=True, align=_CENTER)])
            self._merge(row, 1, self.ncols)
        self._append([])

    def grouped_headers(self, leading: Sequence[str], groups: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Two header rows: leading columns span both rows; each group's label spans its columns."""
        top, bottom = [], []
        for label in leading:
            top.append(self._cell(label, bold=True, align=_CENTER, border=True))
            bottom.append(self._cell(None, border=True))
        for label, columns in groups:
            top.append(self._cell(label, bold=True, align=_CENTER, border=True))
            top.extend(self._cell(None, border=True) for _ in columns[1:])
            bottom.extend(self._cell(column, bold=True, align=_CENTER, border=True) for column in columns)
        first_row = self._append(top)
        self._append(bottom)
        for index in range(1, len(leading) + 1):
            self._merge(first_row, index, index, first_row + 1)
        column = len(leading) + 1
        for _label, columns in groups:
            self._merge(first_row, column, column + len(columns) - 1)
            column += len(columns)

    def simple_headers(self, labels: Sequence[str]) -> None:
        self._append([self._cell(label, bold=True, align=_CENTER, border=True) for label in labels])

    def row(self, values: Iterable, *, bold: bool = False, formats: Sequence[str | None] = ()) -> None:
        cells = []
        for index, value in enumerate(values):
            number_format = formats[index] if index < len(formats) else None
            cells.append(self._cell(value, bold=bold, border=True, number_format=number_format))
        self._append(cells)

    def plain_rows(self, rows: Iterable[Sequence]) -> int:
        """Unstyled rows, for long lists: a styled cell costs an object per value, a plain tuple
        does not. Returns how many rows were written."""
        count = 0
        for values in rows:
            self.ws.append(values)
            count += 1
        self.row_number += count
        return count

    def signature(self, *, position: str, signer: str = "") -> None:
        self._append([])
        left = max(1, self.ncols // 2 - 1)
        cells = [None] * self.ncols
        cells[left] = self._cell(position.upper(), bold=True, align=_CENTER)
        row = self._append(cells)
        self._merge(row, left + 1, self.ncols)
        if signer:
            self._append([])
            self._append([])
            cells = [None] * self.ncols
            cells[left] = self._cell(signer, bold=True, align=_CENTER)
            row = self._append(cells)
            self._merge(row, left + 1, self.ncols)


def workbook() -> Workbook:
    return Workbook(write_only=True)
