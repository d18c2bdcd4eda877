"""List exports as xlsx and CSV, streamed, with spreadsheet formula injection neutralised.

A cell whose text starts with = + - @ (or a tab or carriage return, which some spreadsheet programs
strip before reading the rest as a formula) would run as a formula when the export is opened. Such
text gets a leading apostrophe, the usual way to say "this is text".

xlsx: openpyxl's write-only workbook keeps only the current row in memory and writes to a
temporary file that is then streamed. CSV: rows are encoded as they are produced, with a BOM so
that Excel reads UTF-8 Vietnamese correctly.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportColumn:
    header: str
    value: Callable[[Any], Any]
    width: int = 18


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float, datetime.date)):
        return value
    return neutralise(str(value))


def write_xlsx(out: BinaryIO, sheet_title: str, columns: Sequence[ExportColumn], records: Iterable, on_row=None) -> int:
    """Write the workbook to `out`; `on_row(count)` is called after each row. Returns the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for record in records:
        row = []
        for column in columns:
            value = _cell_value(column.value(record))
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                row.append(cell)
            else:
                row.append(value)  # a plain value: no cell object per value
        sheet.append(row)
        count += 1
        if on_row is not None:
            on_row(count)
    workbook.save(out)
    return count


def xlsx_response(filename: str, sheet_title: str, columns: Sequence[ExportColumn], records: Iterable) -> FileResponse:
    # The temporary file is removed when the response closes it.
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(spool, sheet_title, columns, records)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)


class _Echo:
    def write(self, value):
        return value


def csv_rows(columns: Sequence[ExportColumn], records: Iterable) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([neutralise(str(column.header)) for column in columns])
    for record in records:
        yield writer.writerow([_csv_value(column.value(record)) for column in columns])


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return _cell_value(value)


def write_csv(out: BinaryIO, columns: Sequence[ExportColumn], records: Iterable, on_row=None) -> int:
    """Write the CSV (UTF-8 with a BOM) to `out`; `on_row(count)` after each row. Returns the rows."""
    count = 0
    lines = csv_rows(columns, records)
    out.write(next(lines).encode())  # the BOM
    out.write(next(lines).encode())  # the header
    for line in lines:
        out.write(line.encode())
        count += 1
        if on_row is not None:
            on_row(count)
    return count


def csv_response(filename: str, columns: Sequence[ExportColumn], records: Iterable) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(columns, records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def export_response(
    export_format: str, filename: str, sheet_title: str, columns: Sequence[ExportColumn], records: Iterable
):
    """`export_format` is "csv" or "xlsx" (anything else is xlsx). Streamed at once: for lists that
    may be large, `hoctap.exports.lists.export` decides between this and a background job."""
    if export_format == "csv":
        return csv_response(filename, columns, records)
    return xlsx_response(filename, sheet_title, columns, records)
