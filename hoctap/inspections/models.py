"""An inspection keeps what is needed to check it afterwards: the seed and the size of the population
it drew from (so the sample can be drawn again), and per sampled assessment the inspector's own
answers and the engine's result beside the commune's recorded one. Findings are never about the
inspection's province but about a commune's decision, so they are scoped by that commune."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.criteria.titles import Title
from hoctap.territory.models import Unit


class Inspection(models.Model):
    """A province's inspection of one year's recognitions in chosen communes.

    The sample is drawn once, from the recognised assessments of those communes, with `seed`; the
    seed and the population size are stored so anyone can redraw the same sample and check it.
    """

    province = models.ForeignKey(Unit, models.PROTECT, related_name="inspections", verbose_name=_("tỉnh"))
    year = models.PositiveSmallIntegerField(_("năm được kiểm tra"))
    title = models.CharField(
        _("danh hiệu"), max_length=24, choices=Title.choices, blank=True, help_text=_("Để trống: mọi danh hiệu.")
    )
    name = models.CharField(_("tên đợt kiểm tra"), max_length=200)
    communes = models.ManyToManyField(Unit, related_name="+", verbose_name=_("xã được kiểm tra"))
    sample_size = models.PositiveIntegerField(_("số hồ sơ chọn mẫu"), null=True, blank=True)
    sample_percent = models.DecimalField(_("tỷ lệ chọn mẫu (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    seed = models.BigIntegerField(_("mã chọn mẫu"))
    population = models.PositiveIntegerField(_("số hồ sơ được công nhận khi chọn mẫu"), default=0)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    planned_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "province__path"

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = _("đợt kiểm tra")
        ordering = ["-year", "-planned_at"]

    def __str__(self):
        return f"{self.name} ({self.year})"


class Verdict(models.TextChoices):
    PENDING = "pending", _("Chưa kiểm tra")
    AGREE = "agree", _("Đồng ý kết quả")
    DISAGREE = "disagree", _("Không đồng ý")


class FollowUp(models.TextChoices):
    NONE = "", _("Không")
    RETURN = "return", _("Trả lại xã")
    REVOKE = "revoke", _("Thu hồi công nhận")


class Finding(models.Model):
    """One sampled assessment: the inspector's own scoring, verdict and follow-up.

    The province inspects, but the finding is about a commune's decision: the commune's officers
    see it (scope by the commune) so that the authority who recognised can act on it.
    """

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="findings")
    assessment = models.ForeignKey("assessments.Assessment", models.PROTECT, related_name="inspection_findings")
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("xã"))
    title = models.CharField(_("danh hiệu"), max_length=24, choices=Title.choices)
    position = models.PositiveIntegerField(_("thứ tự trong mẫu"))
    answers = models.JSONField(_("điểm kiểm tra"), default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True, editable=False)
    matches_recorded = models.BooleanField(_("trùng kết quả đã công nhận"), null=True, editable=False)
    verdict = models.CharField(_("kết luận"), max_length=10, choices=Verdict.choices, default=Verdict.PENDING)
    reasons = models.TextField(_("lý do"), blank=True)
    recommendation = models.CharField(
        _("kiến nghị xử lý"),
        max_length=8,
        choices=FollowUp.choices,
        blank=True,
        default="",
    )
    follow_up = models.CharField(_("đã xử lý"), max_length=8, choices=FollowUp.choices, blank=True, default="")
    follow_up_reason = models.TextField(blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    scored_at = models.DateTimeField(null=True, blank=True)

    scope_path_lookup = "commune__path"

    class Meta:
        verbose_name = _("kết quả kiểm tra hồ sơ")
        verbose_name_plural = _("kết quả kiểm tra hồ sơ")
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "assessment"], name="finding_unique_per_inspection"),
        ]

    def __str__(self):
        return f"{self.inspection} #{self.position}"
