"""A fund's ledger from Excel (issue 15 §3), through the shared engine (hoctap.core.imports) and the
registry's upload pages and jobs: every error of the file by row and column first, then every entry
in one transaction, or nothing.

A row is one receipt or payment of an existing fund, named by its commune's code and its name. The
ledger is append-only, so a row that is already in it — same fund, kind, date, amount and party —
is counted unchanged: uploading the same book twice records nothing twice. Corrections are not made
through a file (reverse the entry on the fund's page). The checks are those of `services.record`
(amount in whole đồng, a payment's purpose and reason, the goods of a receipt in kind, the date),
and the balance rule over the whole file: with the file's entries, no end of day from a payment on
may leave the fund below zero. The writes go through `services.record`, receipts first and then
payments by date, so the service's own balance check meets the same ledger the file was checked
against.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core.imports import Column, FileRejected, ImportTemplate, Kind, Outcome, Row, register_template
from hoctap.core.text import fold
from hoctap.registry.imports import _check_names, _resolve_units
from hoctap.territory.models import Level

from . import services
from .models import EntryKind, Fund, FundEntry, Purpose
from .money import format_dong, parse_dong

KIND_CHOICES = ((EntryKind.RECEIPT, "Thu"), (EntryKind.PAYMENT, "Chi"))


class FundEntriesTemplate(ImportTemplate):
    code = "fund_entries"
    title = gettext_lazy("Sổ quỹ khuyến học (thu, chi)")
    sheet_title = "Thu chi"
    capability = Capability.REPORT
    entities = {"entry": gettext_lazy("Khoản thu, chi")}
    guide = (
        gettext_lazy("Mỗi dòng là một khoản thu hoặc chi của một quỹ đã có trên hệ thống (trang «Quỹ khuyến học»)."),
        gettext_lazy("Số tiền ghi bằng đồng, chỉ chữ số (có thể có dấu chấm ngăn cách), ví dụ 1.250.000."),
        gettext_lazy(
            "Khoản chi cần mục đích (học bổng, khen thưởng, hỗ trợ học tập) và lý do; khoản thu bằng hiện vật "
            "ghi hiện vật và giá trị quy ra tiền."
        ),
        gettext_lazy(
            "Dòng đã có trong sổ (cùng quỹ, loại, ngày, số tiền, người nộp hoặc nhận) được giữ nguyên, không "
            "ghi hai lần. Điều chỉnh khoản đã ghi làm trên trang của quỹ, không qua tệp."
        ),
    )
    columns = (
        Column("commune_code", gettext_lazy("Mã xã, phường"), required=True, max_length=20, example="12001", width=12),
        Column(
            "fund_name", gettext_lazy("Tên quỹ"), required=True, max_length=200, example="Quỹ khuyến học xã", width=28
        ),
        Column("kind", gettext_lazy("Thu hay chi"), Kind.CHOICE, required=True, choices=KIND_CHOICES, width=10),
        Column("date", gettext_lazy("Ngày"), Kind.DATE, required=True, example="15/03/2026", width=12),
        Column("amount", gettext_lazy("Số tiền (đồng)"), required=True, max_length=30, example="1.250.000", width=14),
        Column("party", gettext_lazy("Người nộp hoặc người nhận"), required=True, max_length=200, width=26),
        Column(
            "in_kind",
            gettext_lazy("Bằng hiện vật"),
            Kind.FLAG,
            width=10,
            help=gettext_lazy("Ghi x nếu khoản thu là hiện vật (quy ra tiền)."),
        ),
        Column("goods", gettext_lazy("Hiện vật"), max_length=200, width=20),
        Column("purpose", gettext_lazy("Mục đích chi"), Kind.CHOICE, choices=tuple(Purpose.choices), width=18),
        Column("reason", gettext_lazy("Lý do"), max_length=300, width=30),
        Column("decision", gettext_lazy("Số quyết định"), max_length=100, width=16),
    )

    def unique_keys(self, row):
        fund = row.data.get("fund")
        if fund is not None and "amount" in row.data:
            yield (
                "party",
                (fund.pk, row["kind"], row["date"], row.data["amount"], fold(row["party"])),
                _("khoản thu, chi này"),
            )

    def check(self, rows, run):
        _resolve_units(rows, run, "commune_code", {Level.COMMUNE}, self.capability)
        for row in rows:
            _check_names(row, self, "fund_name", "party", "goods", "reason", "decision")
        placed = [row for row in rows if "unit" in row.data and row.ok("fund_name")]
        funds = {
            (f.unit_id, fold(f.name)): f
            for f in run.scope.filter(
                Fund.objects.filter(unit_id__in={row.data["unit"].pk for row in placed}), self.capability
            )
        }
        for row in placed:
            fund = funds.get((row.data["unit"].pk, fold(row["fund_name"])))
            if fund is None:
                row.error(
                    "fund_name",
                    _(
                        "%(commune)s chưa có quỹ «%(name)s». Hãy tạo quỹ trên trang Quỹ khuyến học "
                        "hoặc sửa tên cho đúng."
                    )
                    % {"commune": row.data["unit"].name, "name": row["fund_name"]},
                )
            else:
                row.data["fund"] = fund
        for row in rows:
            self._check_entry(row)
        ready = [row for row in rows if not row.has_errors and "fund" in row.data]
        recorded = defaultdict(int)
        if ready:
            for entry in FundEntry.objects.filter(
                fund_id__in={row.data["fund"].pk for row in ready},
                reverses__isnull=True,
                reversal__isnull=True,
                date__in={row["date"] for row in ready},
            ).values("fund_id", "kind", "date", "amount", "party"):
                recorded[(entry["fund_id"], entry["kind"], entry["date"], entry["amount"], fold(entry["party"]))] += 1
        pending = run.state.setdefault("deltas", defaultdict(list))
        for row in ready:
            fund = row.data["fund"]
            key = (fund.pk, row["kind"], row["date"], row.data["amount"], fold(row["party"]))
            if recorded.get(key):
                row.data["outcome"] = Outcome.UNCHANGED
            else:
                row.data["outcome"] = Outcome.CREATE
                sign = 1 if row["kind"] == EntryKind.RECEIPT else -1
                # the row itself is kept (a ledger file is small) to leave out, once the whole file is
                # read, the rows the engine refused afterwards (a line repeated in the file)
                pending[fund.pk].append((row["date"], sign * row.data["amount"], row))
            run.count("entry", row.data["outcome"])

    def _check_entry(self, row) -> None:
        if row["amount"] is not None and row.ok("amount"):
            try:
                row.data["amount"] = parse_dong(row["amount"])
            except ValidationError as error:
                row.error("amount", error.messages[0])
        if row["date"] is not None:
            try:
                services._check_date(row["date"])
            except ValidationError as error:
                row.error("date", " ".join(error.message_dict["date"]))
        if row["kind"] == EntryKind.PAYMENT:
            if row.ok("purpose") and not row["purpose"]:
                row.error("purpose", _("Chọn mục đích chi: học bổng, khen thưởng hoặc hỗ trợ học tập."))
            if row.ok("reason") and not row["reason"]:
                row.error("reason", _("Ghi lý do chi (ví dụ: học sinh giỏi cấp tỉnh năm học 2025-2026)."))
            if row["in_kind"] or row["goods"]:
                row.error("in_kind", _("Khoản chi ghi bằng tiền; hiện vật chỉ dùng cho khoản thu."))
        elif row["kind"] == EntryKind.RECEIPT:
            if row["purpose"]:
                row.error("purpose", _("Mục đích chi chỉ dùng cho khoản chi; để trống ô này."))
            if row["in_kind"] and row.ok("goods") and not row["goods"]:
                row.error("goods", _("Ghi hiện vật đã nhận (ví dụ: 50 bộ sách giáo khoa) và giá trị quy ra tiền."))

    def check_whole_file(self, run):
        """No end of day may leave a fund below zero once the file's entries are in its ledger."""
        pending = run.state.get("deltas") or {}
        for fund_id, entries in pending.items():
            by_day = defaultdict(int)
            for entry in FundEntry.objects.filter(fund_id=fund_id).values("date").annotate(n=Sum("amount")):
                by_day[entry["date"]] += entry["n"]
            # a payment's delta in the ledger is its amount with the kind's sign
            for entry in (
                FundEntry.objects.filter(fund_id=fund_id, kind=EntryKind.PAYMENT)
                .values("date")
                .annotate(n=Sum("amount"))
            ):
                by_day[entry["date"]] -= 2 * entry["n"]
            entries = [(day, delta, row.number) for day, delta, row in entries if not row.has_errors]
            for day, delta, _number in entries:
                by_day[day] += delta
            balance = 0
            for day in sorted(by_day):
                balance += by_day[day]
                if balance < 0:
                    payments = [(d, n) for d, delta, n in entries if delta < 0 and d <= day]
                    if not payments:
                        continue
                    _d, number = max(payments)
                    row = Row(number)
                    row.error(
                        "amount",
                        _(
                            "Sau khoản chi này, quỹ âm %(amount)s vào ngày %(day)s. Hãy ghi khoản thu "
                            "trước hoặc kiểm tra lại số tiền."
                        )
                        % {"amount": format_dong(-balance), "day": day.strftime("%d/%m/%Y")},
                    )
                    yield row
                    break

    def apply(self, rows, run):
        # Written in `finish`, receipts first then payments by date, so the service's balance check
        # sees the ledger the whole file was checked against.
        queue = run.state.setdefault("queue", [])
        for row in rows:
            if row.data.get("outcome") == Outcome.CREATE:
                queue.append(
                    (
                        row["kind"] != EntryKind.RECEIPT,
                        row["date"],
                        row.number,
                        row.data["fund"],
                        {
                            "kind": row["kind"],
                            "date": row["date"],
                            "amount": row.data["amount"],
                            "party": row["party"],
                            "in_kind": bool(row["in_kind"]),
                            "goods": row["goods"] or "",
                            "purpose": row["purpose"] or "",
                            "reason": row["reason"] or "",
                            "decision": row["decision"] or "",
                        },
                    )
                )

    def finish(self, run):
        for _is_payment, _day, number, fund, fields in sorted(run.state.get("queue", []), key=lambda q: q[:3]):
            try:
                services.record(run.scope, fund, user=run.actor, **fields)
            except ValidationError as error:
                # The ledger changed between the check and the write: the engine rolls everything back.
                raise FileRejected(
                    _(
                        "Sổ quỹ đã thay đổi trong lúc nhập (dòng %(row)d: %(reason)s); chưa ghi gì. Hãy "
                        "kiểm tra lại tệp."
                    )
                    % {"row": number, "reason": " ".join(error.messages)}
                ) from None


FUND_ENTRIES = register_template(FundEntriesTemplate())
