import datetime
import hmac
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, PasswordResetCode, RoleAssignment, User
from .roles import READ_ONLY_ROLES, Capability, Role
from .scoping import OutOfScope


def grant_refusal(scope, role: str, unit) -> str | None:
    """Why the scope's user may not give `role` over `unit` (None when they may). One rule for the
    form and the service: `roles.GRANTS` through `Scope.may_grant`."""
    if scope.may_grant(role, unit):
        return None
    if role in scope.grantable_roles():
        return _(
            "Bạn không thể giao vai trò «%(role)s» tại %(unit)s: vai trò này do cấp trên giao. "
            "Hãy đề nghị cấp trên tạo tài khoản này."
        ) % {"role": Role(role).label, "unit": unit.name}
    return _("Bạn không được giao vai trò «%(role)s». Hãy chọn một vai trò trong danh sách.") % {
        "role": Role(role).label
    }


def create_account(scope, *, username, full_name, password, role, unit, valid_to=None) -> User:
    """An account with one role over a unit inside the creator's territory, recording who made it
    and who granted the role (separation of duties follows both)."""
    scope.assert_unit(unit, Capability.MANAGE_ACCOUNTS)
    refusal = grant_refusal(scope, role, unit)
    if refusal:
        raise OutOfScope(refusal)
    with transaction.atomic():
        user = User(username=username, full_name=full_name, created_by=scope.user)
        user.set_password(password)
        user.save()
        assignment = RoleAssignment(user=user, role=role, unit=unit, valid_to=valid_to, granted_by=scope.user)
        assignment.full_clean()
        scope.save(assignment, Capability.MANAGE_ACCOUNTS)
    return user


# -- one's own account: password and API tokens -----------------------------------------------

TOKEN_LONGEST_DAYS = 366


def token_expiry(day: datetime.date) -> datetime.datetime:
    """A token issued 'until 31/12' works to the end of that day, Vietnam time."""
    end = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(end, ZoneInfo(settings.TIME_ZONE))


def issue_token(user: User, *, name: str, expires_on: datetime.date) -> tuple[ApiToken, str]:
    """A new token; the caller shows the returned text once, only its hash is kept."""
    if expires_on < timezone.localdate() or expires_on > timezone.localdate() + datetime.timedelta(
        days=TOKEN_LONGEST_DAYS
    ):
        raise ValidationError({"expires_on": _("Ngày hết hạn phải từ hôm nay đến tối đa một năm sau.")})
    token, text = ApiToken.issue(user, name)
    token.expires_at = token_expiry(expires_on)
    token.save(update_fields=["expires_at"])
    return token, text


def revoke_token(token: ApiToken) -> None:
    token.delete()


def change_password(user: User, new_password: str) -> int:
    """Set a new password and revoke what the old one let in: every API token of the user, and
    every other session (Django ties a session to a hash of the password, so they end at their
    next request; the caller keeps its own session with `update_session_auth_hash`).
    Returns how many tokens were revoked."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        revoked, _by_model = ApiToken.objects.filter(user=user).delete()
    return revoked


# -- password reset through an officer of the level above --------------------------------------

RESET_CODE_HOURS = 24
RESET_CODE_ATTEMPTS = 5
# Read aloud over the phone: no 0/O, 1/I/L, no U/V pair confusion; two groups of five.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def reset_refusal(scope, account: User) -> str | None:
    """Why this officer may not give `account` a reset code, or None when they may.

    An officer resets passwords of the level below: every unit the account works on lies strictly
    under a unit where the officer manages accounts (an account of the officer's own unit that only
    reads — `roles.READ_ONLY_ROLES`: a citizen, a viewer, a body receiving reports — counts as below
    it). Nobody resets their own password this way."""
    if account.pk == scope.user.pk:
        return _("Bạn tự đổi mật khẩu của mình ở trang Đổi mật khẩu.")
    managed = scope.paths(Capability.MANAGE_ACCOUNTS)
    assignments = list(RoleAssignment.objects.active().filter(user=account).select_related("unit"))
    if not managed or not assignments:
        return _("Tài khoản này không thuộc cấp dưới của bạn; cán bộ cấp trên của tài khoản sẽ cấp mã.")
    for assignment in assignments:
        path = assignment.unit.path
        below = any(path.startswith(mine) and path != mine for mine in managed)
        same_unit_member = assignment.role in READ_ONLY_ROLES and path in managed
        if not (below or same_unit_member):
            return _("Tài khoản này không thuộc cấp dưới của bạn; cán bộ cấp trên của tài khoản sẽ cấp mã.")
    return None


def issue_reset_code(scope, account: User) -> str:
    """A new one-time code for `account` (earlier unused ones stop working); returns its text."""
    refusal = reset_refusal(scope, account)
    if refusal:
        raise OutOfScope(refusal)
    raw = "".join(secrets.choice(CODE_ALPHABET) for _n in range(10))
    with transaction.atomic():
        PasswordResetCode.objects.filter(user=account, used_at__isnull=True).update(expires_at=timezone.now())
        PasswordResetCode.objects.create(
            user=account,
            digest=ApiToken.hash(raw),
            issued_by=scope.user,
            expires_at=timezone.now() + datetime.timedelta(hours=RESET_CODE_HOURS),
        )
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def reset_with_code(username: str, code: str, new_password: str) -> User | None:
    """Set a new password with a one-time code; None (and one more wrong try counted) when the
    name, the code or its time does not fit. A success revokes sessions and tokens as a change does."""
    digest = ApiToken.hash(normalise_code(code))
    with transaction.atomic():
        live = (
            PasswordResetCode.objects.select_for_update()
            .filter(
                user__username__iexact=username.strip(),
                user__is_active=True,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                attempts__lt=RESET_CODE_ATTEMPTS,
            )
            .select_related("user")
        )
        codes = list(live)
        match = next((c for c in codes if hmac.compare_digest(c.digest, digest)), None)
        if match is None:
            for wrong in codes:
                wrong.attempts += 1
                wrong.save(update_fields=["attempts"])
            return None
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        change_password(match.user, new_password)
    return match.user
