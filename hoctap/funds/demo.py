"""Demo funds: each demo commune's study-promotion fund with a full year of receipts (cash and in
kind) and scholarships, one receipt corrected by reversal, and a clan fund; the year is last year,
so it is complete whatever today's date. Idempotent: a fund that already has entries is left alone."""

import datetime

from hoctap.accounts.scoping import Scope
from hoctap.core.demo import demo_years

from . import services
from .models import EntryKind, Fund, OwnerKind

DONORS = [
    ("Công ty TNHH May Hưng Long", 15_000_000, 1, 12),
    ("Ông Nguyễn Văn Hảo (con em quê hương tại Hà Nội)", 5_000_000, 2, 3),
    ("Hội viên chi hội Thôn Đông đóng góp", 3_250_000, 3, 20),
    ("Quỹ tín dụng nhân dân xã", 10_000_000, 8, 15),
]
SCHOLARSHIPS = [
    ("Em Lê Thu Trang", "scholarship", "Học sinh nghèo vượt khó, lớp 8", 2_000_000),
    ("Em Phạm Minh Khôi", "scholarship", "Học sinh nghèo vượt khó, lớp 5", 1_500_000),
    ("Em Nguyễn Hải Yến", "award", "Đạt giải Nhì học sinh giỏi cấp tỉnh", 1_000_000),
    ("Em Trần Đức Anh", "award", "Đỗ đại học thủ khoa khối A", 3_000_000),
    ("Em Vũ Ngọc Ánh", "scholarship", "Học sinh dân tộc thiểu số, lớp 10", 2_000_000),
]


def load(context, log):
    year = demo_years()[1]
    admin = Scope(context["users"]["central_admin"])
    recorder = context["users"]["commune_officer"]

    def book(fund, kind, month, day, amount, party, **details):
        """One ledger entry of the demo year, written through the service as an officer would."""
        when = datetime.date(year, month, day)
        return services.record(admin, fund, kind=kind, date=when, amount=amount, party=party, user=recorder, **details)

    made = 0
    for index, commune in enumerate(context["communes"]):
        fund, _created = Fund.objects.get_or_create(
            unit=commune, name=f"Quỹ khuyến học {commune.name}", defaults={"owner_kind": OwnerKind.COMMUNE}
        )
        if fund.entries.exists():
            continue
        for party, amount, month, day in DONORS[: 3 + (index == 0)]:
            book(fund, EntryKind.RECEIPT, month, day, amount + 250_000 * index, party)
        goods = "80 bộ sách giáo khoa lớp 1-5"
        book(fund, EntryKind.RECEIPT, 4, 2, 4_000_000, "Nhà sách Phương Nam", in_kind=True, goods=goods)
        wrong = book(fund, EntryKind.RECEIPT, 5, 6, 20_000_000, "Hộ ông Đặng Văn Lực")
        services.reverse(
            admin, wrong, reason="Ghi nhầm: số đúng là 2.000.000 đ", date=datetime.date(year, 5, 7), user=recorder
        )
        book(fund, EntryKind.RECEIPT, 5, 7, 2_000_000, "Hộ ông Đặng Văn Lực")
        for number, (party, purpose, reason, amount) in enumerate(SCHOLARSHIPS[: 4 + index % 2], start=1):
            decision = f"{number:02d}/QĐ-HKH"
            book(fund, EntryKind.PAYMENT, 9, 5, amount, party, purpose=purpose, reason=reason, decision=decision)
        made += 1
    clan, _created = Fund.objects.get_or_create(
        unit=context["communes"][0], name="Quỹ khuyến học dòng họ Nguyễn Văn", defaults={"owner_kind": OwnerKind.CLAN}
    )
    if not clan.entries.exists():
        book(clan, EntryKind.RECEIPT, 2, 10, 6_500_000, "Con cháu trong họ đóng góp dịp đầu xuân")
        reason = "Đỗ vào lớp 10 trường chuyên"
        book(clan, EntryKind.PAYMENT, 8, 20, 500_000, "Cháu Nguyễn Văn Nam", purpose="award", reason=reason)
    totals = services.figures(context["province"], year).total
    log(
        f"Quỹ khuyến học năm {year}: {made} quỹ xã mới; huy động {totals.mobilised:,} đ, chi {totals.paid:,} đ, "
        f"{totals.beneficiaries} lượt nhận"
    )
