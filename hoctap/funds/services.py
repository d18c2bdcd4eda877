"""The fund ledger's rules, in one place: recording receipts and payments, reversing an entry,
balances per year, and the figures rolled up the hierarchy.

A fund never holds less than nothing: a payment (or the reversal of a receipt) is refused if the
balance would fall below zero on any day from its date on. Writes lock the fund row first, so two
officers paying from one fund at once see each other's payment.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import FIRST_YEAR
from hoctap.core.text import normalise
from hoctap.territory.models import Era, Level, Unit
from hoctap.territory.rollup import Gathering, Rollup, Totals

from .models import EntryKind, Fund, FundEntry
from .money import format_dong, parse_dong


def open_fund(scope, *, unit: Unit, owner_kind: str, name: str) -> Fund:
    """A new fund managed by a commune the officer reports for: its name stored as every name is
    (NFC, single spaces), unique in the commune. The page and any other caller open funds here."""
    fund = Fund(unit=unit, owner_kind=owner_kind, name=normalise(name))
    if unit.level != Level.COMMUNE or unit.era != Era.CURRENT:
        raise ValidationError({"unit": _("Quỹ do một xã, phường trên bản đồ hiện hành quản lý: hãy chọn xã.")})
    fund.full_clean()  # the name's length and visible characters, the owner kind, unique in the commune
    return scope.save(fund, Capability.REPORT)


def _signed(kind: str, amount: int) -> int:
    return amount if kind == EntryKind.RECEIPT else -amount


def _check_never_negative(fund: Fund, new_date: datetime.date, new_delta: int) -> None:
    """End-of-day balances from `new_date` on stay >= 0 with the new entry added."""
    rows = list(fund.entries.order_by("date").values_list("date", "kind", "amount"))
    rows.append((new_date, None, new_delta))
    balance = 0
    for day, entries in groupby(sorted(rows, key=lambda r: r[0]), key=lambda r: r[0]):
        for _day, kind, amount in entries:
            balance += amount if kind is None else _signed(kind, amount)
        if day >= new_date and balance < 0:
            raise ValidationError(
                {
                    "amount": _(
                        "Quỹ không đủ: ngày %(day)s số dư sẽ là %(balance)s. Ghi khoản thu trước, hoặc chọn ngày "
                        "sau khi quỹ đã có đủ tiền."
                    )
                    % {"day": day.strftime("%d/%m/%Y"), "balance": format_dong(balance)}
                }
            )


def _check_date(day: datetime.date) -> None:
    if day > timezone.localdate():
        raise ValidationError({"date": _("Ngày ghi sổ không được sau hôm nay.")})
    if day.year < FIRST_YEAR:
        raise ValidationError({"date": _("Ngày ghi sổ phải từ năm %(year)s trở đi.") % {"year": FIRST_YEAR}})


def record(
    scope,
    fund: Fund,
    *,
    kind: str,
    date: datetime.date,
    amount,
    party: str,
    user=None,
    in_kind: bool = False,
    goods: str = "",
    purpose: str = "",
    reason: str = "",
    decision: str = "",
) -> FundEntry:
    """Record a receipt or a payment. Every refusal is a ValidationError naming the field."""
    party = (party or "").strip()
    errors = {}
    try:
        amount = parse_dong(amount)
    except ValidationError as error:
        errors["amount"] = error.messages
    if kind not in EntryKind.values:
        errors["kind"] = _("Chọn thu hoặc chi.")
    if not party:
        errors["party"] = _("Ghi tên người nộp (khoản thu) hoặc người nhận (khoản chi).")
    if kind == EntryKind.PAYMENT:
        if not purpose:
            errors["purpose"] = _("Chọn mục đích chi: học bổng, khen thưởng hoặc hỗ trợ học tập.")
        if not (reason or "").strip():
            errors["reason"] = _("Ghi lý do chi (ví dụ: học sinh giỏi cấp tỉnh năm học 2025-2026).")
        in_kind, goods = False, ""
    else:
        purpose = ""
        if in_kind and not (goods or "").strip():
            errors["goods"] = _("Ghi hiện vật đã nhận (ví dụ: 50 bộ sách giáo khoa) và giá trị quy ra tiền.")
    if errors:
        raise ValidationError(errors)
    _check_date(date)
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=fund.pk)
        scope.require(Capability.REPORT, fund.unit)
        if kind == EntryKind.PAYMENT:
            _check_never_negative(fund, date, -amount)
        return FundEntry.objects.create(
            fund=fund,
            kind=kind,
            date=date,
            amount=amount,
            party=party,
            in_kind=bool(in_kind),
            goods=(goods or "").strip(),
            purpose=purpose,
            reason=(reason or "").strip(),
            decision=(decision or "").strip(),
            recorded_by=user,
        )


def reverse(scope, entry: FundEntry, *, reason: str, user=None, date: datetime.date | None = None) -> FundEntry:
    """Cancel an entry with a reversing one dated today (or `date`); the entry itself stays."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Ghi lý do điều chỉnh (ví dụ: ghi nhầm số tiền).")})
    date = date or timezone.localdate()
    _check_date(date)
    with transaction.atomic():
        fund = Fund.objects.select_for_update().get(pk=entry.fund_id)
        scope.require(Capability.REPORT, fund.unit)
        entry = FundEntry.objects.get(pk=entry.pk)
        if entry.is_reversal:
            raise ValidationError(
                {
                    "reason": _(
                        "Đây là bút toán điều chỉnh, không đảo lại được. Nếu cần, ghi một khoản thu hoặc chi mới."
                    )
                }
            )
        if FundEntry.objects.filter(reverses=entry).exists():
            raise ValidationError({"reason": _("Bút toán này đã được điều chỉnh rồi; xem dòng điều chỉnh trong sổ.")})
        if date < entry.date:
            raise ValidationError({"date": _("Ngày điều chỉnh không được trước ngày của bút toán gốc.")})
        if entry.kind == EntryKind.RECEIPT:
            _check_never_negative(fund, date, -entry.amount)
        return FundEntry.objects.create(
            fund=fund,
            kind=entry.kind,
            date=date,
            amount=-entry.amount,
            party=entry.party,
            in_kind=entry.in_kind,
            goods=entry.goods,
            purpose=entry.purpose,
            reason=reason,
            decision=entry.decision,
            reverses=entry,
            recorded_by=user,
        )


# -- balances ---------------------------------------------------------------------------------


@dataclass
class YearBalance:
    year: int
    opening: int = 0
    received: int = 0
    paid: int = 0

    @property
    def closing(self) -> int:
        return self.opening + self.received - self.paid


def balances(fund: Fund, until: int | None = None) -> list[YearBalance]:
    """Every year from the fund's first entry to `until` (default: this year): opening, received,
    paid, closing; a year's closing balance is the next year's opening, by construction."""
    until = until or timezone.localdate().year
    rows = (
        fund.entries.annotate(year=ExtractYear("date")).values("year", "kind").annotate(total=Sum("amount")).order_by()
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        totals[row["year"]][row["kind"]] += row["total"]
    if not totals:
        return [YearBalance(until)]
    out, opening = [], 0
    for year in range(min(totals), max(until, max(totals)) + 1):
        line = YearBalance(year, opening, totals[year][EntryKind.RECEIPT], totals[year][EntryKind.PAYMENT])
        out.append(line)
        opening = line.closing
    return out


def balance(fund: Fund) -> int:
    """What the fund holds now."""
    totals = fund.entries.aggregate(
        received=Sum("amount", filter=Q(kind=EntryKind.RECEIPT), default=0),
        paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT), default=0),
    )
    return totals["received"] - totals["paid"]


# -- figures up the hierarchy -----------------------------------------------------------------


@dataclass
class FundTotals(Totals):
    mobilised: int = 0  # receipts in the year, net of reversals
    paid: int = 0  # payments in the year, net of reversals
    beneficiaries: int = 0  # payments in the year, less the payments reversed in the year
    scholarships: int = 0  # of which scholarships (net amount)
    balance: int = 0  # held at the end of the year
    funds: int = 0  # funds with any entry up to the year's end


def figures(unit: Unit, year: int) -> Rollup[FundTotals]:
    """The unit's fund figures for `year`, summed from the ledgers under it, with one line per child
    unit (provinces of the nation, communes of a province). Three queries whatever the level."""
    in_year = Q(date__year=year)
    rows = (
        FundEntry.objects.filter(fund__unit__path__startswith=unit.path, date__lte=datetime.date(year, 12, 31))
        .values("fund_id", "fund__unit__path")
        .order_by()
        .annotate(
            mobilised=Sum("amount", filter=in_year & Q(kind=EntryKind.RECEIPT), default=0),
            paid=Sum("amount", filter=in_year & Q(kind=EntryKind.PAYMENT), default=0),
            scholarships=Sum("amount", filter=in_year & Q(kind=EntryKind.PAYMENT, purpose="scholarship"), default=0),
            beneficiaries=Sum(
                Case(When(reverses__isnull=True, then=Value(1)), default=Value(-1), output_field=IntegerField()),
                filter=in_year & Q(kind=EntryKind.PAYMENT),
                default=0,
            ),
            received_all=Sum("amount", filter=Q(kind=EntryKind.RECEIPT), default=0),
            paid_all=Sum("amount", filter=Q(kind=EntryKind.PAYMENT), default=0),
        )
    )
    gathering = Gathering(unit, FundTotals)
    for row in rows:
        gathering.spread(
            row["fund__unit__path"],
            mobilised=row["mobilised"],
            paid=row["paid"],
            beneficiaries=row["beneficiaries"],
            scholarships=row["scholarships"],
            balance=row["received_all"] - row["paid_all"],
            funds=1,
        )
    return gathering.rollup(year)
