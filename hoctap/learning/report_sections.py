"""The learning centres' section of the periodic reports (`hoctap.core.sections`): centre classes
and participants, the Lifelong Learning Week and literacy (15–35) with how many communes declared,
rolled up by `services.figures`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.core.sections import Column
from hoctap.territory.rollup import rollup_section

from . import services


def _line(totals) -> dict:
    literate = totals.literate_share()
    return {
        "centres_active": totals.centres_active,
        "classes": totals.classes,
        "participants": totals.participants,
        "week_activities": totals.week_activities,
        "week_participants": totals.week_participants,
        "week_communes": totals.week_communes,
        "declared": totals.declared,
        "literate_rate": literate.rate,
        "literate2_rate": totals.literate2_share().rate,
        # Communes holding literacy level 2, counted over every commune (one that did not declare
        # is not known to hold it); unknown ("–") when none declared.
        "literacy_level_2": totals.standard_share("literacy_level", 2).numerator if literate.covered else None,
        "communes": totals.communes,
    }


def _notes(data: services.LearningFigures) -> list[str]:
    return [data.total.literate_share().coverage]


SECTIONS = [
    rollup_section(
        "learning",
        _("Trung tâm học tập cộng đồng, Tuần lễ học tập suốt đời, xóa mù chữ"),
        70,
        [
            Column("centres_active", pgettext_lazy("report column", "Xã có lớp ở TTHTCĐ"), "count"),
            Column("classes", pgettext_lazy("report column", "Lớp học"), "count"),
            Column("participants", pgettext_lazy("report column", "Lượt người học"), "count"),
            Column("week_activities", pgettext_lazy("report column", "Hoạt động Tuần lễ"), "count"),
            Column("week_participants", pgettext_lazy("report column", "Lượt tham gia Tuần lễ"), "count"),
            Column("week_communes", pgettext_lazy("report column", "Xã có hoạt động Tuần lễ"), "count"),
            Column("declared", pgettext_lazy("report column", "Xã đã kê khai xóa mù chữ"), "count"),
            Column("literate_rate", pgettext_lazy("report column", "Biết chữ 15–35 tuổi (%)"), "percent"),
            Column("literate2_rate", pgettext_lazy("report column", "Biết chữ mức độ 2, 15–60 tuổi (%)"), "percent"),
            Column("literacy_level_2", pgettext_lazy("report column", "Xã đạt chuẩn xóa mù chữ mức độ 2"), "count"),
            Column("communes", pgettext_lazy("report column", "Tổng số xã"), "count"),
        ],
        services.figures,
        line=_line,
        notes=_notes,
    ),
]
