import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, RoleAssignment, User
from .roles import Capability
from .scoping import OutOfScope


def create_account(scope, *, username, full_name, password, role, unit, valid_to=None) -> User:
    """An account with one role over a unit inside the creator's territory."""
    if role not in scope.grantable_roles():
        raise OutOfScope("role")
    scope.assert_unit(unit, Capability.MANAGE_ACCOUNTS)
    with transaction.atomic():
        user = User(username=username, full_name=full_name)
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
    if expires_on < timezone.localdate() or expires_on > timezone.localdate() + datetime.timedelta(days=TOKEN_LONGEST_DAYS):
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
