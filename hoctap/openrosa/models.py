"""Device credentials for ODK Collect and the submissions already applied.

A phone never holds the officer's password: it holds a device credential (a login and a random
secret) that the officer creates, sees once as a QR code, and can revoke. Only the secret's SHA-256
is stored; the secret is 256 random bits, so a fast hash is enough (nothing to brute-force) and a
copy of the database gives nobody a usable credential.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.assessments.models import AboutAssessment


class DeviceCredential(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="device_credentials", verbose_name=_("cán bộ")
    )
    name = models.CharField(_("tên thiết bị"), max_length=100)
    login = models.CharField(_("tên đăng nhập thiết bị"), max_length=32, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("lần dùng gần nhất"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ngày thu hồi"), null=True, blank=True)

    # The officer's own devices: territory-free, always read as `user=request.user`.
    class Meta:
        verbose_name = _("thiết bị ODK Collect")
        verbose_name_plural = _("thiết bị ODK Collect")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.login})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["DeviceCredential", str]:
        """A new credential and its secret; the secret is never stored and cannot be shown again."""
        secret = secrets.token_urlsafe(32)
        login = f"tb-{secrets.token_hex(5)}"
        return cls.objects.create(user=user, name=name.strip()[:100], login=login, digest=cls.hash(secret)), secret

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, self.hash(secret))

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class ProcessedInstance(AboutAssessment):
    """A submission applied to an assessment, by its instance id (ODK's `meta/instanceID`).

    Makes resends idempotent, and records the versions before and after, so a device that sends a
    draft then the final answers for the same subject is not mistaken for a stale copy.
    """

    instance_id = models.CharField(max_length=100, unique=True)
    credential = models.ForeignKey(DeviceCredential, models.PROTECT, related_name="instances")
    assessment = models.ForeignKey("assessments.Assessment", models.PROTECT, related_name="odk_instances")
    form_id = models.CharField(max_length=64)
    submitted = models.BooleanField(_("đã nộp"), default=False)
    from_version = models.PositiveIntegerField()
    to_version = models.PositiveIntegerField()
    note = models.TextField(_("ghi chú"), blank=True)
    location = models.CharField(_("vị trí GPS"), max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản gửi từ ODK Collect")
        verbose_name_plural = _("bản gửi từ ODK Collect")
        indexes = [models.Index(fields=["assessment", "credential", "from_version"])]

    def __str__(self):
        return self.instance_id
