from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Role
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.territory.models import Unit

from .states import State


class Campaign(models.Model):
    """One year of one title in one province (or the national default when province is empty)."""

    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("danh hiệu"), max_length=24, choices=Title.choices)
    province = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="campaigns", verbose_name=_("tỉnh"),
        help_text=_("Để trống: mặc định toàn quốc, các tỉnh kế thừa."),
    )
    registration_opens = models.DateField(_("mở đăng ký"))
    registration_closes = models.DateField(_("hạn đăng ký"))
    self_assessment_deadline = models.DateField(_("hạn tự đánh giá"))
    review_deadline = models.DateField(_("hạn thẩm định"))
    recognition_deadline = models.DateField(_("hạn công nhận"))
    criteria_sets = models.ManyToManyField(CriteriaSetVersion, related_name="campaigns", verbose_name=_("bộ tiêu chí áp dụng"))
    recognising_role = models.CharField(
        _("cấp có thẩm quyền công nhận"), max_length=24, choices=Role.choices, default=Role.COMMUNE_APPROVER
    )
    validity_years = models.PositiveSmallIntegerField(_("thời hạn công nhận (năm)"), default=1)
    upgrade_after_months = models.PositiveSmallIntegerField(_("nâng mức sau (tháng)"), null=True, blank=True)
    allow_bulk_accept = models.BooleanField(_("cho phép chấp nhận điểm tự chấm hàng loạt"), default=True)

    scope_path_lookup = "province__path"
    scope_shared = Q(province__isnull=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["year", "title", "province"], name="campaign_unique_year_title_province"),
            models.UniqueConstraint(
                fields=["year", "title"], condition=Q(province__isnull=True), name="campaign_unique_national_default"
            ),
        ]

    def __str__(self):
        where = self.province.short_name if self.province_id else _("toàn quốc")
        return f"{self.get_title_display()} {self.year} · {where}"


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    CLAN_BRANCH = "clan_branch", _("Dòng họ (chi, nhánh)")
    VILLAGE = "village", _("Thôn, tổ dân phố")
    COMMUNE = "commune", _("Xã, phường")
    ORGANISATION = "organisation", _("Cơ quan, đơn vị")
    PERSON = "person", _("Công dân")


# Which subject each title is awarded to.
SUBJECT_OF_TITLE = {
    Title.FAMILY: SubjectKind.HOUSEHOLD,
    Title.CLAN: SubjectKind.CLAN_BRANCH,
    Title.COMMUNITY: SubjectKind.VILLAGE,
    Title.COMMUNE_COMMUNITY: SubjectKind.COMMUNE,
    Title.UNIT: SubjectKind.ORGANISATION,
    Title.CITIZEN: SubjectKind.PERSON,
}


class Assessment(models.Model):
    """One subject's path through one campaign, whatever the title.

    The subject is one of several nullable foreign keys (exactly one is set, by `subject_kind`);
    `unit` is where the subject lives on the current map and anchors the scope; `recorded_unit`
    is the unit as recorded at the time (an old-map commune for years before 2025), so figures
    stay comparable on both maps.
    """

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="assessments", verbose_name=_("đợt"))
    title = models.CharField(_("danh hiệu"), max_length=24, choices=Title.choices)
    subject_kind = models.CharField(_("loại đối tượng"), max_length=16, choices=SubjectKind.choices)
    household = models.ForeignKey("registry.Household", models.PROTECT, null=True, blank=True, related_name="assessments")
    clan_branch = models.ForeignKey("registry.ClanBranch", models.PROTECT, null=True, blank=True, related_name="assessments")
    organisation = models.ForeignKey("registry.Organisation", models.PROTECT, null=True, blank=True, related_name="assessments")
    person = models.ForeignKey("registry.Person", models.PROTECT, null=True, blank=True, related_name="assessments")
    community = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="community_assessments",
        help_text=_("Thôn (cộng đồng học tập cấp thôn) hoặc xã (cấp xã)."),
    )
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="assessments", verbose_name=_("địa bàn"))
    recorded_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="recorded_assessments",
        verbose_name=_("địa bàn khi ghi nhận"),
    )
    criteria_set = models.ForeignKey(CriteriaSetVersion, models.PROTECT, related_name="assessments", verbose_name=_("bộ tiêu chí"))
    area_class = models.CharField(_("loại địa bàn"), max_length=16, default="normal")
    subject_group = models.CharField(_("nhóm đối tượng"), max_length=40, blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.REGISTERED)

    self_answers = models.JSONField(_("điểm tự chấm"), default=dict, blank=True)
    self_notes = models.JSONField(_("ghi chú tự đánh giá"), default=dict, blank=True)
    self_result = models.JSONField(default=dict, blank=True, editable=False)
    review_answers = models.JSONField(_("điểm thẩm định"), default=dict, blank=True)
    review_comments = models.JSONField(_("nhận xét thẩm định"), default=dict, blank=True)
    review_result = models.JSONField(default=dict, blank=True, editable=False)
    classification = models.CharField(_("xếp loại"), max_length=40, blank=True)
    return_reason = models.TextField(_("lý do trả lại / không công nhận"), blank=True)

    registered_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    recognised_at = models.DateTimeField(_("ngày công nhận"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # Optimistic concurrency: every save checks and bumps it, so a stale edit is refused.
    version = models.PositiveIntegerField(default=1)

    scope_path_lookup = "unit__path"
    scope_owner_lookup = "person__account"

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        indexes = [models.Index(fields=["campaign", "state"]), models.Index(fields=["unit", "title", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"], condition=Q(household__isnull=False), name="one_assessment_per_household"
            ),
            models.UniqueConstraint(
                fields=["campaign", "clan_branch"], condition=Q(clan_branch__isnull=False), name="one_assessment_per_clan"
            ),
            models.UniqueConstraint(
                fields=["campaign", "organisation"], condition=Q(organisation__isnull=False), name="one_assessment_per_org"
            ),
            models.UniqueConstraint(
                fields=["campaign", "person"], condition=Q(person__isnull=False), name="one_assessment_per_person"
            ),
            models.UniqueConstraint(
                fields=["campaign", "community"], condition=Q(community__isnull=False), name="one_assessment_per_community"
            ),
        ]

    def __str__(self):
        return f"{self.get_title_display()} {self.campaign.year}: {self.subject}"

    @property
    def subject(self):
        return self.household or self.clan_branch or self.organisation or self.person or self.community

    @property
    def year(self) -> int:
        return self.campaign.year
