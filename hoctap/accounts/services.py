from django.db import transaction

from .models import RoleAssignment, User
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
