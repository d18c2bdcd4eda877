"""Targets from Excel, through the shared engine (hoctap.core.imports): every error of the file
first, then all rows in one transaction or none. A row is a (indicator, year, unit) target; the unit
is a province or commune code (blank: national), on the current map unless "cũ" is chosen."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core.imports import Column, ImportTemplate, Kind, outcome_of, register_template, rows_to_write
from hoctap.registry.imports import _resolve_units
from hoctap.territory.imports import era_column
from hoctap.territory.models import Era, Level, Unit

from .indicators import Indicator
from .models import AssociationCapacity, Target


def parse_percent(raw) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", ".").rstrip("%").strip())
    except (InvalidOperation, AttributeError):
        return None
    return value.quantize(Decimal("0.01")) if 0 <= value <= 100 else None


class TargetsTemplate(ImportTemplate):
    code = "targets"
    title = gettext_lazy("Chỉ tiêu")
    sheet_title = "Chỉ tiêu"
    entities = {"target": gettext_lazy("Chỉ tiêu")}
    guide = (
        gettext_lazy("Mỗi dòng là một chỉ tiêu: tỷ lệ (%) một chỉ số cần đạt trong một năm."),
        gettext_lazy("Để trống mã đơn vị để đặt chỉ tiêu toàn quốc (chỉ quản trị trung ương)."),
        gettext_lazy("Mã đơn vị: mã tỉnh hoặc mã xã của Tổng cục Thống kê; bản đồ cũ (trước 01/07/2025) ghi «cũ»."),
    )
    columns = (
        Column(
            "indicator", gettext_lazy("Chỉ số"), Kind.CHOICE, required=True, choices=tuple(Indicator.choices), width=40
        ),
        Column("year", gettext_lazy("Năm"), Kind.YEAR, required=True, example="2026", width=8),
        Column(
            "unit_code",
            gettext_lazy("Mã đơn vị"),
            max_length=20,
            example="33",
            width=12,
            help=gettext_lazy("Mã tỉnh hoặc mã xã; để trống: toàn quốc."),
        ),
        era_column(gettext_lazy("«mới» (mặc định) hoặc «cũ».")),
        Column("value", gettext_lazy("Tỷ lệ (%)"), required=True, max_length=12, example="70", width=10),
        Column("source", gettext_lazy("Văn bản"), max_length=200, example="29/KH-KHKH", width=24),
    )
    capability = Capability.REPORT

    def unique_keys(self, row):
        yield (
            "year",
            (row["indicator"], row["year"], row["era"] or Era.CURRENT, row["unit_code"] or ""),
            _("chỉ tiêu này"),
        )

    def check(self, rows, run):
        scope = run.scope
        codes = {(row["era"] or Era.CURRENT, row["unit_code"]) for row in rows if row["unit_code"]}
        units = {}
        if codes:
            for unit in Unit.objects.filter(
                level__in=[Level.PROVINCE, Level.COMMUNE], code__in=[code for _, code in codes]
            ):
                units[(unit.era, unit.code)] = unit
        existing = {
            (t.indicator, t.year, t.unit_id): t
            for t in Target.objects.filter(
                year__in={row["year"] for row in rows if row["year"]},
                indicator__in={row["indicator"] for row in rows if row["indicator"]},
            )
        }
        for row in rows:
            value = parse_percent(row["value"]) if row["value"] is not None else None
            if row["value"] is not None and value is None:
                row.error("value", _("Tỷ lệ phải là số từ 0 đến 100."))
            unit = None
            if row["unit_code"]:
                unit = units.get((row["era"] or Era.CURRENT, row["unit_code"]))
                if unit is None:
                    row.error("unit_code", _("Không có tỉnh hoặc xã mang mã này trên bản đồ đã chọn."))
                elif not scope.can(Capability.REPORT, unit):
                    row.error("unit_code", _("Đơn vị nằm ngoài địa bàn bạn được giao."))
            elif not scope.is_national(Capability.REPORT):
                row.error("unit_code", _("Chỉ quản trị trung ương đặt chỉ tiêu toàn quốc; hãy ghi mã đơn vị."))
            if row.has_errors:
                continue
            unit_id = unit.pk if unit else None
            # A blank source keeps the one recorded.
            values = {"value": value, **({"source": row["source"]} if row["source"] else {})}
            outcome = outcome_of(existing.get((row["indicator"], row["year"], unit_id)), values)
            row.data.update(unit_id=unit_id, values=values, outcome=outcome)
            run.count("target", outcome)

    def apply(self, rows, run):
        for row in rows_to_write(rows):
            Target.objects.update_or_create(
                indicator=row["indicator"], year=row["year"], unit_id=row.data["unit_id"], defaults=row.data["values"]
            )


TARGETS = register_template(TargetsTemplate())


CAPACITY_FIELDS = AssociationCapacity.COUNTS


class CapacityTemplate(ImportTemplate):
    """The association's capacity declarations (issue 15 §3): one row per commune and year, as the
    commune's form declares them (`AssociationCapacity`, a part never above its whole: the model's
    own `clean()`), saved through the scope and audited. A declaration already equal is unchanged;
    a different one replaces it, as a save of the form does."""

    code = "association_capacity"
    title = gettext_lazy("Năng lực Hội Khuyến học xã")
    sheet_title = "Năng lực Hội"
    entities = {"capacity": gettext_lazy("Khai báo năng lực Hội")}
    guide = (
        gettext_lazy(
            "Mỗi dòng là khai báo của một xã, phường (bản đồ hiện hành) cho một năm, như trên trang «Năng lực "
            "Hội» của xã."
        ),
        gettext_lazy(
            "Số người ghi bằng số nguyên; phần không được lớn hơn tổng (ví dụ: cán bộ tham gia TTHTCĐ không quá "
            "số cán bộ Hội xã)."
        ),
        gettext_lazy("Xã, năm đã khai báo: dòng trong tệp thay số liệu cũ, như khi lưu lại trên trang."),
    )
    columns = (
        Column("commune_code", gettext_lazy("Mã xã, phường"), required=True, max_length=20, example="12001", width=12),
        Column("year", gettext_lazy("Năm"), Kind.YEAR, required=True, example="2026", width=8),
        Column(
            "chair_manages_clc",
            gettext_lazy("Chủ tịch/Phó Chủ tịch Hội trong Ban quản lý TTHTCĐ"),
            Kind.FLAG,
            width=16,
            help=gettext_lazy("Ghi x nếu có."),
        ),
        *(
            Column(name, AssociationCapacity._meta.get_field(name).verbose_name, Kind.INTEGER, required=True, width=14)
            for name in CAPACITY_FIELDS
        ),
    )
    capability = Capability.REPORT

    def unique_keys(self, row):
        yield "year", (row["commune_code"], row["year"]), _("xã và năm này")

    def check(self, rows, run):
        _resolve_units(rows, run, "commune_code", {Level.COMMUNE}, self.capability)
        placed = [row for row in rows if "unit" in row.data and row.ok("year")]
        existing = {
            (c.unit_id, c.year): c
            for c in AssociationCapacity.objects.filter(
                unit_id__in={row.data["unit"].pk for row in placed}, year__in={row["year"] for row in placed}
            )
        }
        for row in rows:
            for name in CAPACITY_FIELDS:
                if row[name] is not None and row[name] < 0:
                    row.error(name, _("Số người không được âm."))
        for row in placed:
            if row.has_errors:
                continue
            values = {name: row[name] for name in CAPACITY_FIELDS}
            values["chair_manages_clc"] = bool(row["chair_manages_clc"])
            candidate = AssociationCapacity(unit=row.data["unit"], year=row["year"], **values)
            try:
                candidate.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    row.error(field if field in values else "commune_code", " ".join(messages))
                continue
            current = existing.get((row.data["unit"].pk, row["year"]))
            outcome = outcome_of(current, values)
            row.data.update(values=values, outcome=outcome, current=current)
            run.count("capacity", outcome)

    def apply(self, rows, run):
        for row in rows_to_write(rows):
            record = row.data["current"] or AssociationCapacity(unit=row.data["unit"], year=row["year"])
            for name, value in row.data["values"].items():
                setattr(record, name, value)
            run.scope.save(record, self.capability)  # audited like a save of the commune's form


CAPACITY = register_template(CapacityTemplate())
