"""The fast sheet reader returns what openpyxl's reader returns, cell for cell."""

import datetime
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from hoctap.core.sheetrows import Book, ErrorValue, Formula, SheetRows


def _workbook() -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["a", "b&<c>", 1, 2.5, True, datetime.date(2020, 1, 2), "=SUM(C1:D1)", "  ", None, "x"])
    sheet.append([None, "Nguyễn", 10**11, "001234", False, datetime.datetime(2020, 1, 2, 3, 4), "=1/0", "25/03/1980"])
    sheet["C3"] = "=A1"
    sheet["A4"] = CellRichText(["plain ", TextBlock(InlineFont(b=True), "bold")])
    sheet["B5"] = "#N/A"
    sheet["J7"] = "after a missing row"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _openpyxl_rows(source) -> dict[int, list]:
    sheet = load_workbook(source, read_only=True).active
    rows = {}
    for number, cells in enumerate(sheet.iter_rows(max_col=10), start=1):
        rows[number] = [(cell.data_type, cell.value) for cell in cells]
    return rows


def _same(expected, value) -> bool:
    data_type, wanted = expected
    if data_type == "f":
        return isinstance(value, Formula) and str(value) == wanted
    if data_type == "e":
        return isinstance(value, ErrorValue) and str(value) == wanted
    return type(value) is type(wanted) and value == wanted


def test_every_cell_reads_as_openpyxl_reads_it():
    source = _workbook()
    expected = _openpyxl_rows(source)
    book = Book(source)
    part = book.sheets["Sheet"]
    read = dict(SheetRows(book, part, 10))
    assert 6 not in read  # a row the file leaves out is not returned: the caller sees the gap
    for number, cells in expected.items():
        values = read.get(number, [None] * 10)
        assert all(_same(cell, value) for cell, value in zip(cells, values, strict=True)), number
    assert read[4][0] == "plain bold" and read[2][2] == 10**11 and read[1][1] == "b&<c>"


def test_rows_cut_across_chunks_and_written_without_references_read_whole(monkeypatch):
    from hoctap.core import sheetrows

    monkeypatch.setattr(sheetrows, "CHUNK", 64)  # every row crosses a chunk boundary
    workbook = Workbook()
    for number in range(1, 201):
        workbook.active.append([f"Nguyễn Văn {number}", number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # Cells and rows without r attributes are allowed by the format: strip them.
    stripped = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb' r="[A-Z]*[0-9]+"', b"", data)
            target.writestr(item, data)
    book = Book(stripped)
    rows = list(SheetRows(book, book.sheets["Sheet"], 2))
    assert [number for number, _values in rows] == list(range(1, 201))
    assert rows[-1][1] == ["Nguyễn Văn 200", 200]
    assert book.declared_last_row(book.sheets["Sheet"]) == 200  # from <dimension ref="A1:B200">
