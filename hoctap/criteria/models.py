"""Published criteria sets. The set itself is the validated YAML text; the database keeps it whole,
so an old assessment is always shown with exactly the set it was scored on."""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Unit

from . import loader
from .schema import CriteriaSet


class CriteriaSetVersionQuerySet(models.QuerySet):
    def for_title(self, title: str):
        return self.filter(title=title)

    def applicable(self, title: str, province: Unit | None, day):
        """The sets that apply in `province` on `day`: the province's own if it published one for
        that title and period, otherwise the national ones."""
        in_force = self.filter(title=title, effective_from__lte=day).filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day)
        )
        if province is not None:
            own = in_force.filter(province=province)
            if own.exists():
                return own
        return in_force.filter(province__isnull=True)


class CriteriaSetVersion(models.Model):
    class Status(models.TextChoices):
        OFFICIAL = "official", _("chính thức")
        PARTIAL = "partial", _("chính thức, thiếu một phần văn bản")
        PROVISIONAL = "provisional", _("tạm thời (mặc định chờ địa phương thay)")

    code = models.CharField(_("mã"), max_length=80)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("danh hiệu"), max_length=24)
    status = models.CharField(_("tình trạng"), max_length=12, choices=Status.choices)
    name_vi = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300)
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    province = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="criteria_sets",
        verbose_name=_("tỉnh ban hành"), help_text=_("Để trống: bộ tiêu chí toàn quốc."),
    )
    source_yaml = models.TextField(_("nội dung (YAML)"))
    fingerprint = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(_("ngày công bố"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = CriteriaSetVersionQuerySet.as_manager()
    # National sets are readable by every signed-in user; a province's sets inside that province.
    scope_path_lookup = "province__path"
    scope_shared = Q(province__isnull=True)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteria_set_code_version")]
        ordering = ["title", "code", "-version"]

    def __str__(self):
        return f"{self.name_vi} (v{self.version})"

    @cached_property
    def definition(self) -> CriteriaSet:
        return loader.load_text(self.source_yaml, f"{self.code} v{self.version}")

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.OFFICIAL
