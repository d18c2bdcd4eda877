import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Era, Unit

from .roles import ROLE_LEVELS, Role


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    # Who made the account: separation of duties follows this tie (scoping.accountable_ids).
    created_by = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người tạo tài khoản")
    )

    # Account managers see the accounts that hold a role inside their territory; reading an account
    # (its page, its audit history) needs the same capability as managing it.
    scope_path_lookup = "assignments__unit__path"
    scope_multivalued = True
    scope_read_capability = "manage_accounts"

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        day = on or timezone.localdate()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )


class RoleAssignment(models.Model):
    """A user holds a role over one unit of the current map for a period."""

    user = models.ForeignKey(User, models.CASCADE, related_name="assignments", verbose_name=_("người dùng"))
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="assignments", verbose_name=_("địa bàn"))
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người phân quyền")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()
    scope_path_lookup = "unit__path"
    scope_read_capability = "manage_accounts"

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self):
        if self.unit_id and self.unit.era != Era.CURRENT:
            raise ValidationError({"unit": _("Chỉ phân quyền trên bản đồ hành chính hiện hành.")})
        if self.unit_id and self.unit.level not in ROLE_LEVELS.get(self.role, set()):
            raise ValidationError({"unit": _("Vai trò này không được giao ở cấp đơn vị đã chọn.")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc phải sau ngày bắt đầu.")})


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        token = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(token), prefix=token[:8]), token


class PasswordResetCode(models.Model):
    """A one-time code an officer of the level above gives a user who cannot reset by e-mail.

    Only its SHA-256 is stored; it works once, for RESET_CODE_HOURS, and dies after
    RESET_CODE_ATTEMPTS wrong tries. Audited (who issued it for whom, when it was used)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="reset_codes", verbose_name=_("người dùng"))
    digest = models.CharField(max_length=64, editable=False)
    issued_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+", verbose_name=_("người cấp"))
    created_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)

    scope_path_lookup = "user__assignments__unit__path"
    scope_multivalued = True
    scope_read_capability = "manage_accounts"  # as the account page where codes are issued

    class Meta:
        verbose_name = _("mã đặt lại mật khẩu")
        verbose_name_plural = _("mã đặt lại mật khẩu")

    def __str__(self):
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"


class RateCounter(models.Model):
    """How many times a key (a limit's name and a client address or user) was counted in one fixed
    window. Kept in the database so every process and server sees the same count (ratelimits.py)."""

    key = models.CharField(max_length=200)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key_window")]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
