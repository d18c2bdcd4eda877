"""A fund and its ledger. Entries are never changed or deleted: a mistake is corrected by a
reversing entry (same kind, opposite amount, pointing at the entry it cancels). The rule holds in
three places: the model refuses `save()` on an existing row and `delete()`, the queryset refuses
`update()` and `delete()`, and the database refuses UPDATE (and DELETE on PostgreSQL) with a
trigger (migration 0002)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Unit


class OwnerKind(models.TextChoices):
    COMMUNE = "commune", _("Hội Khuyến học xã, phường")
    BRANCH = "branch", _("Chi hội khuyến học")
    CLAN = "clan", _("Dòng họ")
    ORGANISATION = "organisation", _("Cơ quan, đơn vị, trường học")


class Fund(models.Model):
    """A study-promotion fund kept by a commune's association or one of its branches, clans or units.
    The commune is where it is managed and counted; the owner is named in text."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("xã, phường quản lý"))
    owner_kind = models.CharField(_("quỹ của"), max_length=20, choices=OwnerKind.choices, default=OwnerKind.COMMUNE)
    name = models.CharField(_("tên quỹ"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("quỹ khuyến học")
        verbose_name_plural = _("quỹ khuyến học")
        ordering = ["unit__sort_key", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="funds_fund_name_unique")]

    def __str__(self):
        return self.name


class EntryKind(models.TextChoices):
    RECEIPT = "receipt", _("Khoản thu")
    PAYMENT = "payment", _("Khoản chi")


class Purpose(models.TextChoices):
    SCHOLARSHIP = "scholarship", _("Học bổng")
    AWARD = "award", _("Khen thưởng học sinh, sinh viên")
    SUPPORT = "support", _("Hỗ trợ học tập khác")


class ImmutableEntry(Exception):
    """An attempt to change or delete a ledger entry (a programming error: corrections reverse)."""


# Said alike by the model and its queryset, whichever path the change took.
NEVER_UPDATED = "Fund entries are never updated; record a reversing entry."
NEVER_DELETED = "Fund entries are never deleted; record a reversing entry."


class FundEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableEntry(NEVER_UPDATED)

    def delete(self):
        raise ImmutableEntry(NEVER_DELETED)


class FundEntry(models.Model):
    """One line of a fund's ledger, in whole đồng.

    An original entry has a positive amount; a reversal has the negative amount of the entry it
    reverses and the same kind, so that receipts summed are what was mobilised net of corrections,
    payments summed what was paid, and the balance is their difference.
    """

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="entries", verbose_name=_("quỹ"))
    kind = models.CharField(_("loại"), max_length=10, choices=EntryKind.choices)
    date = models.DateField(_("ngày"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    party = models.CharField(_("người nộp hoặc người nhận"), max_length=200)
    in_kind = models.BooleanField(_("bằng hiện vật (quy ra tiền)"), default=False)
    goods = models.CharField(_("hiện vật"), max_length=200, blank=True)
    purpose = models.CharField(_("mục đích chi"), max_length=20, choices=Purpose.choices, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    decision = models.CharField(_("số quyết định"), max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("bút toán bị đảo"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = FundEntryQuerySet.as_manager()

    scope_path_lookup = "fund__unit__path"

    class Meta:
        verbose_name = _("bút toán quỹ")
        verbose_name_plural = _("bút toán quỹ")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["fund", "date"], name="funds_entry_fund_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="funds_entry_sign",
            ),
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="funds_entry_kind"),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.RECEIPT, purpose="") | Q(kind=EntryKind.PAYMENT) & ~Q(purpose=""),
                name="funds_entry_purpose",
            ),
            models.CheckConstraint(condition=Q(in_kind=False) | Q(kind=EntryKind.RECEIPT), name="funds_entry_in_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableEntry(NEVER_UPDATED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEntry(NEVER_DELETED)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
