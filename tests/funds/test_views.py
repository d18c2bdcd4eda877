"""The fund pages as a commune officer uses them: money typed with dots, shown with dots, errors
named by field, corrections from the ledger, figures per commune; another commune's fund is a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hoctap.funds.models import Fund, FundEntry

pytestmark = pytest.mark.django_db


def test_an_officer_opens_a_fund_records_and_corrects(client_a, small_map):
    response = client_a.post(
        reverse("funds:create"),
        {"unit": small_map["commune_a"].pk, "owner_kind": "commune", "name": "Quỹ khuyến học xã An Lạc"},
    )
    fund = Fund.objects.get()
    assert response.url == reverse("funds:detail", args=[fund.pk])
    day = timezone.localdate().replace(month=1, day=2).isoformat()
    client_a.post(
        reverse("funds:receipt", args=[fund.pk]), {"date": day, "amount": "1.250.000", "party": "Công ty May Hưng Long"}
    )
    page = client_a.get(reverse("funds:detail", args=[fund.pk])).content.decode()
    assert "1.250.000 đ" in page and "Công ty May Hưng Long" in page

    refused = client_a.post(
        reverse("funds:payment", args=[fund.pk]),
        {
            "date": day,
            "amount": "2.000.000",
            "party": "Em Lê Thu Trang",
            "purpose": "scholarship",
            "reason": "Học sinh nghèo vượt khó",
        },
    ).content.decode()
    assert "Quỹ không đủ" in refused and "Ghi khoản thu trước" in refused
    bad = client_a.post(
        reverse("funds:payment", args=[fund.pk]),
        {"date": day, "amount": "1,5 triệu", "party": "", "purpose": "", "reason": ""},
    ).content.decode()
    assert "Nhập số tiền bằng đồng" in bad and "Ghi tên người nộp" in bad and "Chọn mục đích chi" in bad
    assert fund.entries.count() == 1

    entry = fund.entries.get()
    client_a.post(reverse("funds:reverse", args=[entry.pk]), {"reason": "Ghi nhầm quỹ"})
    assert FundEntry.objects.filter(reverses=entry, amount=-1250000).exists()
    page = client_a.get(reverse("funds:detail", args=[fund.pk])).content.decode()
    assert "Đã điều chỉnh ngày" in page and "Ghi nhầm quỹ" in page


def test_summary_rolls_up_and_other_communes_funds_are_hidden(client_a, small_map, province_officer, client):
    fund_b = Fund.objects.create(unit=small_map["commune_b"], name="Quỹ B")
    FundEntry.objects.create(fund=fund_b, kind="receipt", amount=3_000_000, date=datetime.date(2025, 5, 1), party="X")
    assert client_a.get(reverse("funds:detail", args=[fund_b.pk])).status_code == 404
    assert "Quỹ B" not in client_a.get(reverse("funds:index")).content.decode()
    client.force_login(province_officer)
    page = client.get(reverse("funds:summary", args=[small_map["province"].pk]) + "?year=2025").content.decode()
    assert "3.000.000 đ" in page and "Xã An Lạc" in page and "chưa có sổ quỹ" in page


def test_a_refused_reversal_says_why_on_the_page(client_a, small_map):
    """A receipt whose money was paid out cannot be reversed: the refusal names no field of the
    correction form (it is about the amount), and the page shows it rather than reloading silently."""
    fund = Fund.objects.create(unit=small_map["commune_a"], owner_kind="commune", name="Quỹ khuyến học xã An Lạc")
    day = timezone.localdate().replace(month=1, day=2).isoformat()
    client_a.post(reverse("funds:receipt", args=[fund.pk]), {"date": day, "amount": "500.000", "party": "Hội viên"})
    client_a.post(
        reverse("funds:payment", args=[fund.pk]),
        {"date": day, "amount": "500.000", "party": "Em Lê Thu Trang", "purpose": "scholarship", "reason": "Học giỏi"},
    )
    receipt = fund.entries.get(kind="receipt")
    refused = client_a.post(reverse("funds:reverse", args=[receipt.pk]), {"reason": "Ghi nhầm"})
    assert refused.status_code == 200 and "Quỹ không đủ" in refused.content.decode()
    assert not FundEntry.objects.filter(reverses=receipt).exists()


def test_opening_a_fund_is_one_rule_in_the_service(client_a, small_map, officer_a):
    """The name is stored as every name is (decomposed letters and double spaces do not make a second
    fund of the same name), a fund is a commune's, and another commune is out of reach."""
    import unicodedata

    from django.core.exceptions import ValidationError

    from hoctap.accounts.scoping import OutOfScope, Scope
    from hoctap.funds import services

    scope = Scope(officer_a)
    fund = services.open_fund(scope, unit=small_map["commune_a"], owner_kind="commune", name="Quỹ  khuyến học")
    assert fund.name == "Quỹ khuyến học"
    decomposed = unicodedata.normalize("NFD", "Quỹ khuyến học")
    page = client_a.post(
        reverse("funds:create"), {"unit": small_map["commune_a"].pk, "owner_kind": "commune", "name": decomposed}
    )
    assert page.status_code == 200 and "đã tồn tại" in page.content.decode() and Fund.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.open_fund(scope, unit=small_map["village_a"], owner_kind="commune", name="Quỹ thôn")
    assert "unit" in refused.value.message_dict
    with pytest.raises(OutOfScope):
        services.open_fund(scope, unit=small_map["commune_b"], owner_kind="commune", name="Quỹ xã khác")
    assert Fund.objects.count() == 1
