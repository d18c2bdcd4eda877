"""The fund ledger from Excel (issue 15 §3): every error by row and column, all entries or none,
an entry already in the ledger is not recorded twice, and no file can leave a fund below zero."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.core.imports import check_file, error_report, import_file, template_workbook
from hoctap.funds import services
from hoctap.funds.imports import FUND_ENTRIES
from hoctap.funds.models import Fund, FundEntry

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def sheet_file(template, rows):
    workbook = load_workbook(io.BytesIO(template_workbook(template)))
    sheet = workbook[template.sheet_title]
    keys = [column.key for column in template.columns]
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def fund(small_map):
    return Fund.objects.create(unit=small_map["commune_a"], name="Quỹ khuyến học xã An Lạc")


def receipt(**row):
    return {
        "commune_code": "12001",
        "fund_name": "Quỹ khuyến học xã An Lạc",
        "kind": "Thu",
        "date": DAY,
        "amount": "2.000.000",
        "party": "Công ty May Hưng Long",
        **row,
    }


def payment(**row):
    return {
        **receipt(),
        "kind": "Chi",
        "amount": "500.000",
        "party": "Em Lê Thu Trang",
        "purpose": "Học bổng",
        "reason": "Học sinh nghèo vượt khó",
        "decision": "05/QĐ-HKH",
        **row,
    }


def test_a_good_ledger_is_written_once_and_a_second_upload_records_nothing(fund, officer_a):
    rows = [
        payment(date=DAY + datetime.timedelta(days=1)),
        receipt(),
        receipt(amount=1_000_000, in_kind="x", goods="50 bộ sách", party="Hội Cựu giáo chức"),
    ]
    scope = Scope(officer_a)
    checked = check_file(sheet_file(FUND_ENTRIES, rows), FUND_ENTRIES, scope=scope, actor=officer_a)
    assert checked.ok, checked.errors
    assert checked.counts["entry"] == {"create": 3, "change": 0, "unchanged": 0} and FundEntry.objects.count() == 0
    done = import_file(sheet_file(FUND_ENTRIES, rows), FUND_ENTRIES, scope=scope, actor=officer_a)
    assert done.committed, done.errors
    assert services.balance(fund) == 2_500_000 and FundEntry.objects.filter(recorded_by=officer_a).count() == 3
    again = import_file(sheet_file(FUND_ENTRIES, rows), FUND_ENTRIES, scope=scope, actor=officer_a)
    assert again.committed and again.counts["entry"] == {"create": 0, "change": 0, "unchanged": 3}
    assert FundEntry.objects.count() == 3


def test_every_bad_cell_is_named_and_nothing_is_written(fund, officer_a, small_map):
    Fund.objects.create(unit=small_map["commune_b"], name="Quỹ xã Bình Minh")
    rows = [
        receipt(),  # 2 fine
        receipt(amount="1,5 triệu"),  # 3 amount
        payment(purpose=None, reason=None),  # 4 purpose and reason
        receipt(fund_name="Quỹ không có"),  # 5 no such fund
        receipt(commune_code="12002", fund_name="Quỹ xã Bình Minh"),  # 6 outside the scope
        receipt(date=datetime.date(2099, 1, 1)),  # 7 future
        receipt(),  # 8 same as row 2
        payment(amount="9.000.000", date=DAY + datetime.timedelta(days=3)),  # 9 fund below zero
    ]
    result = import_file(sheet_file(FUND_ENTRIES, rows), FUND_ENTRIES, scope=Scope(officer_a), actor=officer_a)
    assert not result.committed
    found = {(e["row"], e["header"]) for e in result.errors}
    assert found == {
        (3, "Số tiền (đồng)"),
        (4, "Mục đích chi"),
        (4, "Lý do"),
        (5, "Tên quỹ"),
        (6, "Mã xã, phường"),
        (7, "Ngày"),
        (8, "Người nộp hoặc người nhận"),
        (9, "Số tiền (đồng)"),
    }, result.errors
    below = next(e for e in result.errors if e["row"] == 9)
    assert "quỹ âm 7.000.000 đ" in below["reason"]
    assert FundEntry.objects.count() == 0
    marked = load_workbook(io.BytesIO(error_report(sheet_file(FUND_ENTRIES, rows), FUND_ENTRIES, result.errors)))
    assert marked["Thu chi"]["E3"].comment is not None


def test_a_payment_the_ledger_already_covers_passes_and_one_it_does_not_is_refused(fund, officer_a):
    services.record(Scope(officer_a), fund, kind="receipt", date=DAY, amount=1_000_000, party="Nhà hảo tâm")
    ok = check_file(sheet_file(FUND_ENTRIES, [payment(amount="1.000.000")]), FUND_ENTRIES, scope=Scope(officer_a))
    assert ok.ok, ok.errors
    short = check_file(sheet_file(FUND_ENTRIES, [payment(amount="1.000.001")]), FUND_ENTRIES, scope=Scope(officer_a))
    assert [e["row"] for e in short.errors] == [2] and "quỹ âm 1 đ" in short.errors[0]["reason"]
