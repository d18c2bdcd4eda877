"""Criteria sets as workbooks: an exact round trip, and every problem located by sheet, row, column."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from hoctap.criteria.loader import load_mapping, load_shipped_sets
from hoctap.criteria.schema import CriteriaFileError
from hoctap.criteria.xlsx import (
    HEADERS,
    SHEET_CLASSIFICATION,
    SHEET_CRITERIA,
    SHEET_DEPENDENCIES,
    SHEET_GROUP_TEXTS,
    SHEET_INFO,
    SHEETS,
    export_xlsx,
    import_xlsx,
)

from .test_schema import EXAMPLE

SETS = load_shipped_sets()


def workbook_of(criteria_set):
    return load_workbook(io.BytesIO(export_xlsx(criteria_set)))


def saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(data: bytes):
    with pytest.raises(CriteriaFileError) as caught:
        import_xlsx(data, "edited.xlsx")
    return caught.value.problems


@pytest.mark.parametrize("code", sorted(SETS))
def test_export_then_import_gives_an_equal_set(code):
    criteria_set = SETS[code]
    again = import_xlsx(export_xlsx(criteria_set), f"{code}.xlsx")
    assert again == criteria_set
    assert again.fingerprint() == criteria_set.fingerprint()


def test_round_trip_keeps_every_part_of_the_format():
    example = load_mapping(EXAMPLE)
    assert import_xlsx(export_xlsx(example)) == example


def test_workbook_has_vietnamese_sheets_and_headers():
    workbook = workbook_of(SETS["unit-tt24-2023"])
    assert tuple(workbook.sheetnames) == SHEETS
    for title in SHEETS:
        assert tuple(cell.value for cell in workbook[title][1]) == HEADERS[title]
    criteria = workbook[SHEET_CRITERIA]
    assert criteria.max_row == 1 + 9  # one row per indicator
    keys = [row[0] for row in workbook[SHEET_INFO].iter_rows(min_row=2, values_only=True)]
    assert keys.count("gap") == len(SETS["unit-tt24-2023"].gaps)
    dependencies = list(workbook[SHEET_DEPENDENCIES].iter_rows(min_row=2, values_only=True))
    assert dependencies[1][5:7] == ("is_provincial_educational_institution", "is_true")


def test_text_that_looks_like_a_formula_stays_text():
    data = {**EXAMPLE, "name_vi": "=1+1 không phải công thức"}
    criteria_set = load_mapping(data)
    assert import_xlsx(export_xlsx(criteria_set)).name_vi == "=1+1 không phải công thức"


def test_every_problem_in_an_edited_workbook_is_located():
    workbook = workbook_of(SETS["unit-tt22-2020"])
    info, criteria, classes = workbook[SHEET_INFO], workbook[SHEET_CRITERIA], workbook[SHEET_CLASSIFICATION]
    info["C2"] = "famly"  # title
    info.append(["colour", None, "blue"])  # unknown key
    criteria["K3"] = "mười"  # TC1.2 max_points not a number
    criteria["L4"] = 50  # TC1.3 floor above its maximum
    criteria["G5"] = "TC1.1"  # duplicate indicator code
    criteria["B6"] = "Tên khác"  # contradicts the criterion's first row
    criteria["K7"] = "=5*2"  # a formula
    classes["E3"] = 90  # kha above tot
    classes["A4"] = "bandd"  # unknown kind
    problems = problems_of(saved(workbook))
    found = [(p.sheet, p.row, p.column, p.kind) for p in problems]
    assert found == [
        (SHEET_INFO, 2, "C", "literal_error"),
        (SHEET_INFO, 28, "A", "unknown_key"),
        (SHEET_CRITERIA, 3, "K", "decimal_parsing"),
        (SHEET_CRITERIA, 4, "L", "floor_above_max"),
        (SHEET_CRITERIA, 5, "G", "duplicate_code"),
        (SHEET_CRITERIA, 6, "B", "criterion_mismatch"),
        (SHEET_CRITERIA, 7, "K", "formula"),
        (SHEET_CRITERIA, 7, "K", "missing_max_points"),
        (SHEET_CLASSIFICATION, 3, "E", "bands_not_decreasing"),
        (SHEET_CLASSIFICATION, 4, "A", "unknown_kind"),
    ]
    assert all(p.source == "edited.xlsx" and p.message_vi and p.message_en for p in problems)
    assert problems[4].location() == "Tiêu chí!G5"


def test_group_texts_and_levels_point_at_their_cells():
    workbook = workbook_of(SETS["citizen-677-2022"])
    workbook[SHEET_GROUP_TEXTS]["A2"] = "CS42"
    workbook[SHEET_GROUP_TEXTS]["B3"] = "sailors"
    workbook[SHEET_CLASSIFICATION]["C2"] = "Đạt"  # a name on a pass_mark row, which has none
    found = [(p.sheet, p.row, p.column, p.kind) for p in problems_of(saved(workbook))]
    assert found == [
        (SHEET_GROUP_TEXTS, 2, "A", "unknown_indicator"),
        (SHEET_GROUP_TEXTS, 3, "B", "unknown_group"),
        (SHEET_CLASSIFICATION, 2, "C", "unused_cell"),
    ]


def test_missing_sheets_and_columns_are_reported_before_anything_else():
    workbook = workbook_of(SETS["unit-tt24-2023"])
    del workbook[SHEET_DEPENDENCIES]
    workbook[SHEET_CRITERIA]["K1"] = "Điểm tối da"
    found = [(p.sheet, p.row, p.column, p.kind) for p in problems_of(saved(workbook))]
    assert found == [
        (SHEET_CRITERIA, 1, None, "missing_column"),
        (SHEET_CRITERIA, 1, "K", "unknown_column"),
        (SHEET_DEPENDENCIES, None, None, "missing_sheet"),
    ]


def test_not_a_workbook():
    (problem,) = problems_of(b"plain text, not a zip")
    assert problem.kind == "not_a_workbook"
    empty = Workbook()
    kinds = {p.kind for p in problems_of(saved(empty))}
    assert kinds == {"missing_sheet"}
