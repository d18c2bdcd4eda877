"""Disadvantaged-area designations from Excel, through the shared engine (hoctap.core.imports):
every error of the file first (row and column named), then all rows in one transaction or none.

A row is one unit (commune or village code of the current map) in one year, with its designation
and legal basis. The rule of which designation a unit may carry is `models.designation_problem`,
the same the form applies.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core.imports import Column, ImportTemplate, Kind, outcome_of, register_template, rows_to_write
from hoctap.core.limits import FIRST_YEAR, LAST_YEAR

from .models import AreaDesignation, Designation, Era, Level, Unit, designation_problem

FIELDS = ("designation", "basis_number", "basis_date", "basis_issuer", "note")

# The map a row's unit code is on, for templates that take codes of the map before the 2025 reform
# too: blank or «mới» is the current map, «cũ» the legacy one. The labels are the file's (Vietnamese).
ERA_CHOICES = ((Era.CURRENT, "mới"), (Era.LEGACY, "cũ"))


def era_column(help) -> Column:
    """The «Bản đồ» column (key `era`), with the template's own help on what its codes are."""
    return Column("era", gettext_lazy("Bản đồ"), Kind.CHOICE, choices=ERA_CHOICES, width=10, help=help)


class AreaDesignationTemplate(ImportTemplate):
    code = "area_designations"
    title = gettext_lazy("Loại vùng khó khăn")
    sheet_title = "Loại vùng"
    entities = {"designation": gettext_lazy("Loại vùng của đơn vị trong năm")}
    guide = (
        gettext_lazy("Mỗi dòng là loại vùng của một xã hoặc một thôn trong một năm, kèm văn bản làm căn cứ."),
        gettext_lazy(
            "Mã đơn vị: mã xã, phường, đặc khu (Tổng cục Thống kê) hoặc mã thôn trên hệ thống, theo bản đồ hiện hành."
        ),
        gettext_lazy(
            "Xã nhận khu vực I, II, III (QĐ 861/QĐ-TTg ngày 04/06/2021 hoặc danh sách sau); thôn nhận «thôn đặc biệt khó khăn» (QĐ 612/QĐ-UBDT ngày 16/09/2021 hoặc danh sách sau)."
        ),
        gettext_lazy("Thôn không có dòng riêng thì theo loại vùng của xã trong năm đó."),
        gettext_lazy("Dòng trùng đơn vị và năm đã có sẽ thay loại vùng cũ; hồ sơ đã lập giữ loại vùng lúc lập."),
    )
    columns = (
        Column("unit_code", gettext_lazy("Mã đơn vị"), required=True, max_length=20, example="01290", width=14),
        Column("year", gettext_lazy("Năm"), Kind.INTEGER, required=True, example="2026", width=8),
        Column(
            "designation",
            gettext_lazy("Loại vùng"),
            Kind.CHOICE,
            required=True,
            choices=tuple(Designation.choices),
            width=26,
        ),
        Column(
            "basis_number", gettext_lazy("Số văn bản"), required=True, max_length=60, example="861/QĐ-TTg", width=18
        ),
        Column("basis_date", gettext_lazy("Ngày ban hành"), Kind.DATE, required=True, example="04/06/2021", width=14),
        Column(
            "basis_issuer",
            gettext_lazy("Cơ quan ban hành"),
            required=True,
            max_length=200,
            example="Thủ tướng Chính phủ",
            width=26,
        ),
        Column("note", gettext_lazy("Ghi chú"), max_length=300, width=30),
    )

    capability = Capability.CLASSIFY_AREAS

    def unique_keys(self, row):
        if row["unit_code"] and row["year"]:
            yield "unit_code", (row["unit_code"], row["year"]), _("đơn vị và năm này")

    def check(self, rows, run):
        codes = {row["unit_code"] for row in rows if row["unit_code"]}
        units = {
            unit.code: unit
            for unit in Unit.objects.filter(era=Era.CURRENT, level__in=[Level.COMMUNE, Level.VILLAGE], code__in=codes)
        }
        existing = {
            (record.unit_id, record.year): record
            for record in AreaDesignation.objects.filter(
                unit__in=units.values(), year__in={row["year"] for row in rows if row["year"]}
            )
        }
        for row in rows:
            year = row["year"]
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                row.error("year", _("Năm phải từ %(first)d đến %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
            unit = units.get(row["unit_code"]) if row["unit_code"] else None
            if row["unit_code"] and unit is None:
                row.error("unit_code", _("Không có xã hoặc thôn mang mã này trên bản đồ hiện hành."))
            elif unit is not None and not run.scope.can(Capability.CLASSIFY_AREAS, unit):
                row.error("unit_code", _("Đơn vị nằm ngoài địa bàn bạn được giao xếp loại vùng."))
            elif unit is not None and row["designation"]:
                problem = designation_problem(unit, row["designation"])
                if problem:
                    row.error("designation", problem)
            if row.has_errors:
                continue
            row.data["unit_id"] = unit.pk
            outcome = outcome_of(existing.get((unit.pk, year)), {key: row[key] or "" for key in FIELDS})
            row.data["outcome"] = outcome
            run.count("designation", outcome)

    def apply(self, rows, run):
        for row in rows_to_write(rows):
            record = AreaDesignation.objects.filter(
                unit_id=row.data["unit_id"], year=row["year"]
            ).first() or AreaDesignation(unit_id=row.data["unit_id"], year=row["year"])
            for key in FIELDS:
                setattr(record, key, (row[key] or "") if key != "basis_date" else row[key])
            run.scope.save(record, Capability.CLASSIFY_AREAS)


AREA_DESIGNATIONS = register_template(AreaDesignationTemplate())
