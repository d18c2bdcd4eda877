"""Learners' figures from Excel, through the shared import engine (hoctap.core.imports): a
province or commune office that keeps many schools' files declares their learners in one sheet.
Every row is checked first (the school found by commune code and name, in scope, an educational
institution, its year not decided, the numbers possible); then all rows are written through
`learners.record` — the same rule as the page and the API — marked "Nhập từ tệp"."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import Capability
from hoctap.core.imports import Column, ImportTemplate, Kind, outcome_of, register_template, rows_to_write
from hoctap.core.text import fold
from hoctap.registry.models import EDUCATIONAL_KINDS, Organisation
from hoctap.territory.models import Era, Level, Unit

from . import learners
from .models import LearnerFigures


class LearnersTemplate(ImportTemplate):
    code = "learners"
    title = gettext_lazy("Số liệu người học (trường, trung tâm GDTX)")
    sheet_title = "Người học"
    entities = {"figures": gettext_lazy("Số liệu người học một năm")}
    guide = (
        gettext_lazy(
            "Mỗi dòng là số người học một năm của một trường hoặc trung tâm giáo dục thường xuyên đã có "
            "trong sổ cơ quan, đơn vị."
        ),
        gettext_lazy("Mã xã là mã xã, phường nơi đơn vị đặt trụ sở; tên đơn vị ghi như trong sổ."),
        gettext_lazy(
            "Số liệu nhập từ tệp được ghi «Nhập từ tệp»; minh chứng tải lên ở trang số liệu người học của đơn vị."
        ),
    )
    columns = (
        Column("commune_code", gettext_lazy("Mã xã, phường"), required=True, max_length=20, width=14, example="01290"),
        Column("organisation_name", gettext_lazy("Tên đơn vị"), required=True, width=32, example="Trường THPT Bảo Lâm"),
        Column("year", gettext_lazy("Năm"), Kind.YEAR, required=True, example="2026", width=8),
        Column("learners", gettext_lazy("Số người học"), Kind.INTEGER, required=True, example="412", width=12),
        Column(
            "citizens",
            gettext_lazy("Số đạt danh hiệu Công dân học tập"),
            Kind.INTEGER,
            required=True,
            example="396",
            width=16,
        ),
    )
    capability = Capability.EDIT_REGISTRY

    def unique_keys(self, row):
        yield (
            "organisation_name",
            (row["commune_code"], fold(row["organisation_name"] or ""), row["year"]),
            _("đơn vị và năm này"),
        )

    def check(self, rows, run):
        scope = run.scope
        communes = {
            unit.code: unit
            for unit in Unit.objects.filter(
                era=Era.CURRENT,
                level=Level.COMMUNE,
                code__in={row["commune_code"] for row in rows if row["commune_code"]},
            )
        }
        wanted = {
            (communes[row["commune_code"]].pk, fold(row["organisation_name"]))
            for row in rows
            if row["commune_code"] in communes and row["organisation_name"]
        }
        organisations = {
            (o.commune_id, o.name_folded): o
            for o in Organisation.objects.filter(
                commune_id__in={key[0] for key in wanted},
                name_folded__in={key[1] for key in wanted},
            ).select_related("unit")
        }
        existing = {
            (f.organisation_id, f.year): f
            for f in LearnerFigures.objects.filter(
                organisation__in=list(organisations.values()), year__in={row["year"] for row in rows if row["year"]}
            )
        }
        for row in rows:
            commune = communes.get(row["commune_code"])
            if commune is None:
                if row.ok("commune_code"):
                    row.error("commune_code", _("Không có xã, phường mang mã này trên bản đồ hiện nay."))
                continue
            organisation = organisations.get((commune.pk, fold(row["organisation_name"] or "")))
            if organisation is None or not scope.can(Capability.VIEW, organisation.unit):
                row.error(
                    "organisation_name",
                    _(
                        "Không có đơn vị tên này trong sổ cơ quan, đơn vị của xã; hãy thêm "
                        "đơn vị vào sổ trước hoặc sửa tên cho khớp."
                    ),
                )
                continue
            if not scope.can(Capability.EDIT_REGISTRY, organisation.unit):
                row.error("organisation_name", _("Đơn vị nằm ngoài địa bàn bạn được giao."))
                continue
            if organisation.kind not in EDUCATIONAL_KINDS:
                row.error("organisation_name", _("Đơn vị không phải trường học hay trung tâm giáo dục thường xuyên."))
                continue
            if row["learners"] is not None and row["citizens"] is not None and row["citizens"] > row["learners"]:
                row.error("citizens", _("Số đạt danh hiệu không thể lớn hơn số người học."))
            if row["learners"] is not None and row["learners"] < 1:
                row.error("learners", _("Số người học phải từ 1 trở lên."))
            if row["year"] and learners.decided(organisation, row["year"]) is not None:
                row.error(
                    "year", _("Hồ sơ Đơn vị học tập năm này của đơn vị đã có kết quả; số liệu không sửa được nữa.")
                )
            if row.has_errors:
                continue
            figures = {"learners": row["learners"], "citizens": row["citizens"]}
            outcome = outcome_of(existing.get((organisation.pk, row["year"])), figures)
            row.data.update(organisation=organisation, outcome=outcome)
            run.count("figures", outcome)

    def apply(self, rows, run):
        for row in rows_to_write(rows):
            try:
                learners.record(
                    run.scope,
                    row.data["organisation"],
                    row["year"],
                    learners=row["learners"],
                    citizens=row["citizens"],
                    source=LearnerFigures.Source.IMPORTED,
                )
            except ValidationError as error:  # checked above; a change in between cancels the whole file
                raise ValidationError(
                    _("Dòng %(row)s: %(problem)s") % {"row": row.number, "problem": " ".join(error.messages)}
                ) from error


LEARNERS = register_template(LearnersTemplate())
