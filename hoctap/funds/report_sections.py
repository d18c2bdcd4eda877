"""The funds' section of the periodic reports (`hoctap.core.sections`): money mobilised and paid in
the year, scholarships, people supported and the balance, rolled up by `services.figures`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.core.sections import Column
from hoctap.territory.rollup import rollup_section

from . import services

SECTIONS = [
    rollup_section(
        "funds",
        _("Quỹ khuyến học"),
        50,
        [
            Column("funds", pgettext_lazy("report column", "Số quỹ"), "count"),
            Column("mobilised", pgettext_lazy("report column", "Huy động trong năm (đồng)"), "money"),
            Column("paid", pgettext_lazy("report column", "Đã chi trong năm (đồng)"), "money"),
            Column("scholarships", pgettext_lazy("report column", "Trong đó học bổng (đồng)"), "money"),
            Column("beneficiaries", pgettext_lazy("report column", "Lượt người được hỗ trợ"), "count"),
            Column("balance", pgettext_lazy("report column", "Số dư cuối năm (đồng)"), "money"),
        ],
        services.figures,
    ),
]
