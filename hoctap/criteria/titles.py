"""The titles (danh hiệu) as Django choices; the pure schema names the same codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Title(models.TextChoices):
    FAMILY = "family", _("Gia đình học tập")
    CLAN = "clan", _("Dòng họ học tập")
    COMMUNITY = "community", _("Cộng đồng học tập cấp thôn")
    COMMUNE_COMMUNITY = "commune_community", _("Cộng đồng học tập cấp xã")
    UNIT = "unit", _("Đơn vị học tập")
    CITIZEN = "citizen", _("Công dân học tập")
