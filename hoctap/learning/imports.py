"""A commune's learning-centre classes from Excel, through the shared engine (hoctap.core.imports)
and the registry's upload pages and jobs: the whole file is checked first (every error named by row
and column), then every row is written in one transaction, or nothing.

A row is one class: the commune's code, the topic, the class's name, its dates, sessions,
participants and who held it. A class is recognised by commune, name and start date, so the same
file uploaded twice changes nothing; a recorded class is never changed through a file (a different
figure is an error naming the recorded one: correct it on the commune's page). Each row is checked
by `services.clean_class`, the rule the pages and the API use.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.core.imports import Column, ImportTemplate, Kind, Outcome, register_template
from hoctap.core.text import fold
from hoctap.registry.imports import COMMUNE_COLUMN, _check_names, _resolve_units
from hoctap.territory.models import Level

from . import services, topics
from .models import CentreClass

FIELDS = ("topic", "name", "started_on", "ended_on", "sessions", "participants", "held_by")


class CentreClassesTemplate(ImportTemplate):
    code = "learning_centre_classes"
    title = gettext_lazy("Lớp học ở trung tâm học tập cộng đồng")
    sheet_title = "Lớp học TTHTCĐ"
    capability = services.WRITE
    entities = {"class": gettext_lazy("Lớp học")}
    guide = (
        gettext_lazy(
            "Mỗi dòng là một lớp học, chuyên đề hoặc buổi nói chuyện do trung tâm học tập cộng đồng của xã tổ chức."
        ),
        gettext_lazy("Lớp được nhận ra theo mã xã, tên lớp và ngày bắt đầu: tải lại cùng tệp không ghi trùng."),
        gettext_lazy("Lớp đã ghi không sửa qua tệp; sửa trên trang «Trung tâm học tập cộng đồng, xóa mù chữ» của xã."),
        gettext_lazy("Số buổi và số người tham gia là số nguyên; để trống số buổi nếu lớp học một buổi."),
    )
    columns = (
        COMMUNE_COLUMN,
        Column(
            "topic",
            gettext_lazy("Chủ đề"),
            Kind.CHOICE,
            required=True,
            choices=tuple(topics.official_choices()),
            width=26,
        ),
        Column(
            "name",
            gettext_lazy("Tên lớp, chuyên đề"),
            required=True,
            max_length=200,
            example="Kỹ thuật trồng lúa chất lượng cao",
            width=30,
        ),
        Column("started_on", gettext_lazy("Ngày bắt đầu"), Kind.DATE, required=True, example="12/03/2026", width=14),
        Column(
            "ended_on",
            gettext_lazy("Ngày kết thúc"),
            Kind.DATE,
            width=14,
            help=gettext_lazy("Để trống nếu lớp học trong một ngày."),
        ),
        Column("sessions", gettext_lazy("Số buổi"), Kind.INTEGER, example="3", width=10),
        Column("participants", gettext_lazy("Số người tham gia"), Kind.INTEGER, required=True, example="45", width=12),
        Column(
            "held_by",
            gettext_lazy("Đơn vị, người tổ chức"),
            required=True,
            max_length=200,
            example="Trạm Khuyến nông",
            width=24,
        ),
    )

    def unique_keys(self, row):
        if row["commune_code"] and row["name"] and row["started_on"]:
            yield (
                "name",
                (row["commune_code"], fold(row["name"]), row["started_on"]),
                _("lớp học (cùng xã, tên lớp và ngày bắt đầu)"),
            )

    def check(self, rows, run):
        _resolve_units(rows, run, "commune_code", {Level.COMMUNE}, self.capability)
        for row in rows:
            _check_names(row, self, "name", "held_by")
        communes = {row.data["unit"].pk for row in rows if "unit" in row.data}
        days = {row["started_on"] for row in rows if row["started_on"]}
        recorded = {}
        if communes and days:
            for record in CentreClass.objects.filter(commune_id__in=communes, started_on__in=days):
                recorded[(record.commune_id, fold(record.name), record.started_on)] = record
        for row in rows:
            if "unit" not in row.data or row.has_errors:
                continue
            try:
                data = services.clean_class(**{name: row[name] for name in FIELDS})
            except ValidationError as error:
                for key, problems in error.message_dict.items():
                    row.error(key if key in FIELDS else None, problems[0])
                continue
            earlier = recorded.get((row.data["unit"].pk, fold(data["name"]), data["started_on"]))
            if earlier is None:
                row.data["create"] = True
                run.count("class", Outcome.CREATE)
                continue
            differs = [
                name
                for name in ("topic", "ended_on", "sessions", "participants", "held_by")
                if getattr(earlier, name) != data[name]
            ]
            if differs:
                name = differs[0]
                row.error(
                    name,
                    _(
                        "Sổ đã ghi lớp này với %(field)s là «%(value)s»; lớp đã ghi không sửa qua tệp, "
                        "sửa trên trang của xã."
                    )
                    % {"field": self.column(name).header, "value": _shown(earlier, name)},
                )
            else:
                run.count("class", Outcome.UNCHANGED)

    def apply(self, rows, run):
        for row in rows:
            if not row.data.get("create"):
                continue
            try:
                services.record_class(
                    run.scope, row.data["unit"], user=run.actor, **{name: row[name] for name in FIELDS}
                )
            except ValidationError as error:
                # The database changed between the check and the write: the engine rolls the whole
                # file back and says so.
                run.write_error(row.number, "; ".join(error.messages))


def _shown(record, name):
    value = getattr(record, name)
    if name == "topic":
        return dict(topics.official_choices()).get(value, value)
    if value is None:
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


CLASSES = register_template(CentreClassesTemplate())
