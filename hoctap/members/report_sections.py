"""The association's section of the periodic reports (`hoctap.core.sections`): branches, members
at the year's end, joins and leaves, dues, rolled up by `services.figures`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.core.sections import Column
from hoctap.territory.rollup import rollup_section

from . import services

SECTIONS = [
    rollup_section(
        "members",
        _("Hội viên, chi hội khuyến học"),
        60,
        [
            Column("branches", pgettext_lazy("report column", "Chi hội"), "count"),
            Column("members", pgettext_lazy("report column", "Hội viên cuối năm"), "count"),
            Column("joined", pgettext_lazy("report column", "Kết nạp trong năm"), "count"),
            Column("left", pgettext_lazy("report column", "Ra khỏi Hội trong năm"), "count"),
            Column("paying", pgettext_lazy("report column", "Hội viên đóng hội phí"), "count"),
            Column("dues", pgettext_lazy("report column", "Hội phí đã thu (đồng)"), "money"),
        ],
        services.figures,
    ),
]
