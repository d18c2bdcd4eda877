"""Published criteria sets. The set itself is the validated YAML text; the database keeps it whole,
so an old assessment is always shown with exactly the set it was scored on."""

from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Unit

from . import loader
from .schema import CriteriaSet


class CriteriaSetVersionQuerySet(models.QuerySet):
    def for_title(self, title: str):
        return self.filter(title=title)

    def in_force(self, day):
        """Versions whose period covers `day`, without those superseded by a later version of the
        same code that is also in force then (a new version replaces the old from its start)."""
        covering = Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        later = self.model._default_manager.filter(covering, code=OuterRef("code"), version__gt=OuterRef("version"))
        return self.filter(covering).filter(~Exists(later))

    def applicable(self, title: str, province: Unit | None, day):
        """The sets that apply in `province` on `day`: the province's own if it published one for
        that title and period, otherwise the national ones."""
        in_force = self.filter(title=title).in_force(day)
        if province is not None:
            own = in_force.filter(province=province)
            if own.exists():
                return own
        return in_force.filter(province__isnull=True)

    def update(self, **kwargs):
        # A bulk update skips save(); the same guard applies to it.
        if set(kwargs) & {*CONTENT_FIELDS, "province"}:
            used = self.filter(assessments__isnull=False).first()
            if used is not None:
                raise CriteriaSetInUse(used)
        return super().update(**kwargs)


class CriteriaSetInUse(ValidationError):
    """A version that assessments were scored on is a record of those decisions: it never changes."""

    def __init__(self, version: "CriteriaSetVersion"):
        super().__init__(
            _(
                "Bộ tiêu chí %(code)s phiên bản %(version)s đã được dùng để đánh giá nên không thể sửa "
                "hay xoá. Muốn thay đổi, hãy công bố phiên bản %(next)s."
            ),
            code="criteria_set_in_use",
            params={"code": version.code, "version": version.version, "next": version.version + 1},
        )


# What a version is: the text and everything read from it, and where it applies. A used version
# keeps all of them; only bookkeeping (published_by) may change.
CONTENT_FIELDS = (
    "code",
    "version",
    "title",
    "status",
    "name_vi",
    "name_en",
    "effective_from",
    "effective_to",
    "province_id",
    "source_yaml",
    "fingerprint",
)


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
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_sets",
        verbose_name=_("tỉnh ban hành"),
        help_text=_("Để trống: bộ tiêu chí toàn quốc."),
    )
    source_yaml = models.TextField(_("nội dung (YAML)"))
    fingerprint = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(_("ngày công bố"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = CriteriaSetVersionQuerySet.as_manager()
    # National sets are readable by every signed-in user; a province's sets inside that province.
    scope_path_lookup = "province__path"
    scope_shared = Q(province__isnull=True)
    scope_inherited_unit = "province"

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

    def is_in_use(self) -> bool:
        return self.pk is not None and self.assessments.exists()

    def save(self, *args, **kwargs):
        """Refuse any change to what a used version is. The stored row is read under a row lock, so
        an edit and the check cannot interleave with another edit."""
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            stored = type(self)._default_manager.select_for_update().filter(pk=self.pk).values(*CONTENT_FIELDS).first()
            changed = stored is not None and any(stored[name] != getattr(self, name) for name in CONTENT_FIELDS)
            if changed and self.is_in_use():
                raise CriteriaSetInUse(self)
            return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_in_use():
            raise CriteriaSetInUse(self)
        return super().delete(*args, **kwargs)

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.OFFICIAL
