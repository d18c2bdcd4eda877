from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Level, Unit


class SelfReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")


class EmulationSelfReport(models.Model):
    """A body's yearly self-report against its level's emulation criteria (`emulation.yaml`).

    `answers` maps each criterion code to {"met": bool, "note": str}; the body and its criteria are
    looked up in the YAML by `body`, so the criteria text is never copied into the database.
    """

    year = models.PositiveSmallIntegerField(_("năm"))
    body = models.CharField(_("đối tượng thi đua"), max_length=40)
    body_name = models.CharField(_("tên tổ chức, cá nhân"), max_length=300)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="emulation_reports", verbose_name=_("địa bàn"))
    answers = models.JSONField(_("tự đánh giá"), default=dict, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=SelfReportState.choices,
        default=SelfReportState.DRAFT,
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("tự đánh giá thi đua")
        verbose_name_plural = _("tự đánh giá thi đua")
        constraints = [
            models.UniqueConstraint(fields=["year", "body", "unit", "body_name"], name="emulation_report_unique"),
        ]

    def __str__(self):
        return f"{self.body_name} · {self.year}"

    @property
    def editable(self) -> bool:
        """A self-report is changed only while it is drafted; once sent, it stands as sent."""
        return self.state == SelfReportState.DRAFT

    @property
    def met_count(self) -> int:
        return sum(1 for answer in self.answers.values() if answer.get("met"))


class NomineeKind(models.TextChoices):
    FAMILY = "family", _("Gia đình")
    CLAN = "clan", _("Dòng họ")
    COMMUNITY = "community", _("Cộng đồng (thôn, tổ dân phố)")
    UNIT = "unit", _("Đơn vị")
    CITIZEN = "citizen", _("Công dân")


class Stage(models.TextChoices):
    """Where a nomination is being decided. It moves up one level at a time."""

    COMMUNE = Level.COMMUNE, _("Cấp xã")
    PROVINCE = Level.PROVINCE, _("Cấp tỉnh")
    CENTRAL = Level.NATION, _("Trung ương")


NEXT_STAGE = {Stage.COMMUNE: Stage.PROVINCE, Stage.PROVINCE: Stage.CENTRAL}


class NominationStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    PENDING = "pending", _("Chờ xét")
    HONOURED = "honoured", _("Được biểu dương")
    DECLINED = "declined", _("Không được chọn")


class Nomination(models.Model):
    """An exemplary family, clan, community, unit or citizen put forward for an occasion (a congress
    year or a five- or ten-year review). It is honoured, forwarded or declined at each level."""

    occasion = models.CharField(_("đợt biểu dương"), max_length=40)
    nominee_kind = models.CharField(_("loại"), max_length=12, choices=NomineeKind.choices)
    nominee_name = models.CharField(_("tên"), max_length=300)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="nominations", verbose_name=_("địa bàn"))
    achievements = models.TextField(_("thành tích tiêu biểu"))
    stage = models.CharField(_("cấp đang xét"), max_length=10, choices=Stage.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=NominationStatus.choices,
        default=NominationStatus.DRAFT,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # Raised by every decision: the page and the API send back the version they showed.
    version = models.PositiveIntegerField(default=1)

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("đề nghị biểu dương")
        verbose_name_plural = _("đề nghị biểu dương")
        indexes = [models.Index(fields=["occasion", "stage", "status"])]

    def __str__(self):
        return f"{self.nominee_name} ({self.get_nominee_kind_display()})"


class DecisionAction(models.TextChoices):
    PROPOSE = "propose", _("Đề nghị lên cấp trên")
    HONOUR = "honour", _("Biểu dương")
    DECLINE = "decline", _("Không chọn")


class NominationDecision(models.Model):
    """One level's decision on a nomination; the honour list of a level is its HONOUR decisions."""

    nomination = models.ForeignKey(Nomination, models.CASCADE, related_name="decisions")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    action = models.CharField(max_length=10, choices=DecisionAction.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "nomination__unit__path"

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "stage", "action"], name="nomination_one_decision_per_stage"),
        ]


class AwardKind(models.TextChoices):
    BANG_KHEN = "bang_khen", _("Bằng khen")
    GIAY_KHEN = "giay_khen", _("Giấy khen")


class Award(models.Model):
    """A certificate of merit as decided: who issued it, under which decision, to whom."""

    kind = models.CharField(_("hình thức"), max_length=10, choices=AwardKind.choices)
    issuer = models.CharField(_("cấp khen"), max_length=300, help_text=_("Ví dụ: Chủ tịch UBND tỉnh Sơn La"))
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    recipient_name = models.CharField(_("người, tập thể được khen"), max_length=300)
    recipient_kind = models.CharField(_("loại"), max_length=12, choices=NomineeKind.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="awards", verbose_name=_("địa bàn"))
    nomination = models.ForeignKey(
        Nomination,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("theo đề nghị"),
    )
    occasion = models.CharField(_("đợt biểu dương"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = _("khen thưởng")
        ordering = ["-decision_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "decision_number", "recipient_name"],
                name="award_unique_recipient_per_decision",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.recipient_name} · {self.decision_number}"
