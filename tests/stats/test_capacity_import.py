"""Association capacity declarations from Excel (issue 15 §3): the form's rules per row (a part never
above its whole), every error by row and column, all rows or none, audited saves."""

import io

import pytest
from auditlog.models import LogEntry
from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.core.imports import check_file, import_file, template_workbook
from hoctap.stats.imports import CAPACITY
from hoctap.stats.models import AssociationCapacity

pytestmark = pytest.mark.django_db


def sheet_file(rows):
    workbook = load_workbook(io.BytesIO(template_workbook(CAPACITY)))
    sheet = workbook[CAPACITY.sheet_title]
    keys = [column.key for column in CAPACITY.columns]
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def declared(**row):
    return {
        "commune_code": "12001",
        "year": 2025,
        "chair_manages_clc": "x",
        "officers": 9,
        "officers_in_clc": 5,
        "officers_in_clc_it_trained": 3,
        "officers_and_members": 420,
        "briefed": 300,
        "briefed_citizen": 250,
        **row,
    }


def test_declarations_are_saved_once_and_a_change_replaces_them(officer_a, small_map):
    scope = Scope(officer_a)
    rows = [declared(), declared(year=2026, officers_in_clc_it_trained=5)]
    done = import_file(sheet_file(rows), CAPACITY, scope=scope, actor=officer_a)
    assert done.committed, done.errors
    assert done.counts["capacity"] == {"create": 2, "change": 0, "unchanged": 0}
    record = AssociationCapacity.objects.get(unit=small_map["commune_a"], year=2026)
    assert record.chair_manages_clc and record.officers_in_clc_it_trained == 5
    assert LogEntry.objects.get_for_object(record).exists()
    again = import_file(
        sheet_file([declared(), declared(year=2026, officers_in_clc_it_trained=4)]),
        CAPACITY,
        scope=scope,
        actor=officer_a,
    )
    assert again.counts["capacity"] == {"create": 0, "change": 1, "unchanged": 1}
    record.refresh_from_db()
    assert record.officers_in_clc_it_trained == 4


def test_a_part_above_its_whole_and_other_commune_are_refused_by_row_and_column(officer_a):
    rows = [
        declared(),  # 2 fine
        declared(year=2024, officers_in_clc=12),  # 3 part above whole
        declared(commune_code="12002"),  # 4 outside the scope
        declared(year=2023, briefed=-1),  # 5 negative
        declared(),  # 6 same commune and year as row 2
    ]
    result = check_file(sheet_file(rows), CAPACITY, scope=Scope(officer_a))
    found = {(e["row"], e["header"]) for e in result.errors}
    assert found == {
        (3, "trong đó: tham gia hoạt động TTHTCĐ"),
        (4, "Mã xã, phường"),
        (5, "được quán triệt văn bản của Đề án"),
        (6, "Năm"),
    }, result.errors
    assert import_file(sheet_file(rows), CAPACITY, scope=Scope(officer_a)).committed is False
    assert AssociationCapacity.objects.count() == 0
