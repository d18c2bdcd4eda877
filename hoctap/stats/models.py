"""Live figures: counters kept in the same transaction as every change they count.

Every row belongs to one commune or one village of the current map (or, for `RecordedTally`, one
commune pair: where the subject was recorded × where it is now). A state change touches only the
rows of its subject's own commune and village; provinces and the nation are summed when read
(~3,300 commune rows), so decisions in different communes never wait for each other and no row
is a national hot spot. `python manage.py stats verify` proves the counters equal a recount from
the raw records.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.limits import is_year
from hoctap.criteria.titles import Title
from hoctap.territory.models import Unit

from .indicators import Indicator


class TallyLevel(models.TextChoices):
    COMMUNE = "commune", _("Xã")
    VILLAGE = "village", _("Thôn")


class LocalRow(models.Model):
    """A row of one commune or village of the current map. `parent` is the unit's parent (the
    province of a commune, the commune of a village), copied so that a province or the nation rolls
    up without a join."""

    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=TallyLevel.choices)
    parent = models.ForeignKey(Unit, models.CASCADE, related_name="+")

    scope_path_lookup = "unit__path"

    class Meta:
        abstract = True


class StateCounts(models.Model):
    """Assessments of one title and year by state (`tallies.COUNTS`); the row with classification
    "" holds the state counts, a row per classification the recognitions of that class or level."""

    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=24, choices=Title.choices)
    classification = models.CharField(max_length=40, blank=True, default="")
    registered = models.IntegerField(default=0)
    self_assessed = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    recognised = models.IntegerField(default=0)
    carried = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Tally(LocalRow, StateCounts):
    """Assessments of one title and year whose subject lives (now) in `unit`.

    `carried`: subjects that hold the title during `year` through a recognition of an earlier year
    that is still valid (3 years under TT 24/25: `assessments.subjects.holders`) and were not
    recognised again for `year`. The rate's numerator is recognised + carried: a learning unit
    recognised in 2024 is still one in 2025 and 2026, and is not assessed again meanwhile.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title", "classification"], name="stats_tally_key"),
        ]
        indexes = [
            models.Index(fields=["level", "year", "title", "parent"], name="stats_tally_rollup"),
            # PostgreSQL: the national and provincial sums read this index alone (index-only scan)
            models.Index(
                fields=["level", "year", "title", "classification", "parent"],
                include=["registered", "self_assessed", "decided", "recognised", "carried"],
                name="stats_tally_covering",
            ),
        ]


class RecordedTally(StateCounts):
    """The same counts by the commune the subject was recorded in (`recorded_unit`: an old-map
    commune for years before 01/07/2025) and the commune it lives in now (`unit`). Cut by
    `recorded_unit` it gives the figures on the map in force at the time; cut by `unit` it splits a
    commune that was divided among several new ones by each subject's location."""

    recorded_unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="+")

    scope_path_lookup = "unit__path"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_unit", "unit", "year", "title", "classification"], name="stats_recorded_key"
            ),
        ]
        indexes = [models.Index(fields=["year", "title"], name="stats_recorded_year")]


class CitizenTally(LocalRow):
    """The learning-citizen indicators of 387/677 for one commune or village and year.

    adults_in_groups: working-age people (15-60) living in a household recognised as a learning
    family, or a household of a clan branch recognised as a learning clan, or a village recognised
    as a learning community — counted once; `_citizens`: of whom recognised learning citizens.
    staff_in_units: staff of organisations here recognised as learning units; `_citizens`: of whom
    learning citizens. citizens: recognised learning citizens living here; `_digital`: with basic or
    proficient digital skills; `_proficient`: proficient.
    """

    year = models.PositiveSmallIntegerField()
    adults_in_groups = models.IntegerField(default=0)
    adults_in_groups_citizens = models.IntegerField(default=0)
    staff_in_units = models.IntegerField(default=0)
    staff_in_units_citizens = models.IntegerField(default=0)
    citizens = models.IntegerField(default=0)
    citizens_digital = models.IntegerField(default=0)
    citizens_proficient = models.IntegerField(default=0)

    COUNTS = (
        "adults_in_groups",
        "adults_in_groups_citizens",
        "staff_in_units",
        "staff_in_units_citizens",
        "citizens",
        "citizens_digital",
        "citizens_proficient",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="stats_citizen_key")]
        indexes = [models.Index(fields=["level", "year", "parent"], name="stats_citizen_rollup")]


class SubjectKind(models.TextChoices):
    """What the registry counts (the same names as the registry's declared totals)."""

    HOUSEHOLDS = "households", _("Hộ gia đình")
    CLAN_BRANCHES = "clan_branches", _("Chi dòng họ")
    VILLAGES = "villages", _("Thôn, tổ dân phố")
    ORGANISATIONS = "organisations", _("Cơ quan, đơn vị")
    WORKING_AGE_ADULTS = "working_age_adults", _("Người trong độ tuổi lao động")
    COMMUNES = "communes", _("Xã, phường")


# The denominator of each title's rate.
ELIGIBLE_KIND = {
    Title.FAMILY: SubjectKind.HOUSEHOLDS,
    Title.CLAN: SubjectKind.CLAN_BRANCHES,
    Title.COMMUNITY: SubjectKind.VILLAGES,
    Title.UNIT: SubjectKind.ORGANISATIONS,
    Title.CITIZEN: SubjectKind.WORKING_AGE_ADULTS,
    Title.COMMUNE_COMMUNITY: SubjectKind.COMMUNES,
}


class SubjectCount(LocalRow):
    """How many subjects of a kind the registry holds in a commune or village (the registry count
    of the eligible). Working-age adults depend on the year (age 15-60 in that year): one row per
    year; the other kinds have year 0 (they hold for every year)."""

    kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    year = models.PositiveSmallIntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "year"], name="stats_subjectcount_key")]
        indexes = [
            models.Index(fields=["level", "kind", "year", "parent"], name="stats_subjectcount_rollup"),
            models.Index(
                fields=["level", "year", "kind", "parent"], include=["count"], name="stats_subjectcount_covering"
            ),
        ]


class Target(models.Model):
    """A target (chỉ tiêu): the percentage an indicator should reach in a year, nationally (no unit),
    for a province, or for a commune."""

    indicator = models.CharField(_("chỉ tiêu"), max_length=24, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        Unit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="stats_targets",
        verbose_name=_("địa bàn"),
        help_text=_("Để trống: chỉ tiêu toàn quốc."),
    )
    value = models.DecimalField(_("tỷ lệ (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("văn bản"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "unit__path"
    scope_shared = Q(unit__isnull=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "unit"], name="stats_target_key"),
            models.UniqueConstraint(
                fields=["indicator", "year"], condition=Q(unit__isnull=True), name="stats_target_national_key"
            ),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100), name="stats_target_percent"),
        ]

    def __str__(self):
        where = self.unit.short_name if self.unit_id else _("toàn quốc")
        return f"{self.get_indicator_display()} {self.year} · {where}: {self.value}%"

    def clean(self):
        errors = {}
        if self.value is not None and not 0 <= self.value <= 100:
            errors["value"] = _("Tỷ lệ phải từ 0 đến 100.")
        if self.year is not None and not is_year(self.year):
            errors["year"] = _("Năm không hợp lệ.")
        if self.unit_id and self.unit.level not in ("province", "commune"):
            errors["unit"] = _("Chỉ tiêu đặt cho tỉnh hoặc xã.")
        if errors:
            raise ValidationError(errors)


class AssociationCapacity(models.Model):
    """What a commune's Study Promotion Association reports for a year about its own capacity.

    Entered on the communes of the current map for every year, as the registry's declared totals
    are; the old map sees them through the lineage (approximately where a commune was split).

    Rolled up like the tallies: a province's or the nation's figures are sums of commune rows.
    A part never exceeds its whole (`clean()` names the field that breaks the rule).
    """

    unit = models.ForeignKey(
        Unit,
        models.CASCADE,
        related_name="association_capacity",
        verbose_name=_("xã, phường"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    chair_manages_clc = models.BooleanField(
        _("Chủ tịch hoặc Phó Chủ tịch Hội tham gia Ban quản lý TTHTCĐ"), default=False
    )
    officers = models.PositiveIntegerField(_("số cán bộ Hội xã"), default=0)
    officers_in_clc = models.PositiveIntegerField(_("trong đó: tham gia hoạt động TTHTCĐ"), default=0)
    officers_in_clc_it_trained = models.PositiveIntegerField(_("trong đó: được bồi dưỡng CNTT"), default=0)
    officers_and_members = models.PositiveIntegerField(_("tổng số cán bộ, hội viên"), default=0)
    briefed = models.PositiveIntegerField(_("được quán triệt văn bản của Đề án"), default=0)
    briefed_citizen = models.PositiveIntegerField(_("được quán triệt tiêu chí Công dân học tập"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_lookup = "unit__path"

    # (part, whole): a part never exceeds its whole.
    PARTS = (
        ("officers_in_clc", "officers"),
        ("officers_in_clc_it_trained", "officers_in_clc"),
        ("officers", "officers_and_members"),
        ("briefed", "officers_and_members"),
        ("briefed_citizen", "officers_and_members"),
    )
    COUNTS = (
        "officers",
        "officers_in_clc",
        "officers_in_clc_it_trained",
        "officers_and_members",
        "briefed",
        "briefed_citizen",
    )

    class Meta:
        verbose_name = _("năng lực Hội Khuyến học")
        verbose_name_plural = _("năng lực Hội Khuyến học")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="stats_capacity_key"),
            models.CheckConstraint(condition=Q(officers_in_clc__lte=models.F("officers")), name="stats_capacity_clc"),
            models.CheckConstraint(
                condition=Q(officers_in_clc_it_trained__lte=models.F("officers_in_clc")), name="stats_capacity_it"
            ),
            models.CheckConstraint(
                condition=Q(officers__lte=models.F("officers_and_members")), name="stats_capacity_officers"
            ),
            models.CheckConstraint(
                condition=Q(briefed__lte=models.F("officers_and_members")), name="stats_capacity_briefed"
            ),
            models.CheckConstraint(
                condition=Q(briefed_citizen__lte=models.F("officers_and_members")),
                name="stats_capacity_briefed_citizen",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.year}"

    def clean(self):
        errors = {}
        if self.unit_id and (self.unit.level != "commune" or self.unit.era != "current"):
            errors["unit"] = _("Số liệu năng lực Hội được khai báo theo xã, phường trên bản đồ hiện hành.")
        for part, whole in self.PARTS:
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                errors.setdefault(part, []).append(
                    _("%(part)s (%(value)s) không được lớn hơn %(whole)s (%(limit)s).")
                    % {
                        "part": self._meta.get_field(part).verbose_name,
                        "value": part_value,
                        "whole": self._meta.get_field(whole).verbose_name,
                        "limit": whole_value,
                    }
                )
        if errors:
            raise ValidationError(errors)
