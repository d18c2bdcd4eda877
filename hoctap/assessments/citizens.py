"""Citizen self-service: sign-up, duplicates, and the commune linking an account to the registry.

A sign-up creates the account with the citizen role in the chosen commune. When the registry has
no one like the newcomer, a registry person is created at the commune at once, so they can
self-assess straight away (the commune later places them in a household). When the registry or an
earlier sign-up already has someone with the same name and birth year (names folded, so "Giàng A
Pão" and "Giàng A Páo" are alike), the sign-up waits for the commune to confirm who it is: in a
minority village namesakes born the same year are common, so this is a hint, never a refusal; and
two different valid ID numbers are two different people. Only an ID number already used for a
citizen account is refused (two accounts for one person).
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.core.limits import FIRST_BIRTH_YEAR
from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Capability, Role
from hoctap.accounts.scoping import Scope
from hoctap.core.text import fold, normalise
from hoctap.core.validators import check_visible_text
from hoctap.registry.models import Person, validate_id_number
from hoctap.territory.models import Era, Level, Unit

from .models import CitizenSignup


def _same_name(commune: Unit, full_name: str, birth_year: int, id_number: str | None) -> Q:
    """Same folded name and birth year in the commune, unless both carry ID numbers that differ."""
    same = Q(commune=commune, name_folded=fold(full_name), birth_year=birth_year)
    if id_number:
        same &= Q(id_number__isnull=True) | Q(id_number=id_number)
    return same


def matching_people(commune: Unit, full_name: str, birth_year: int, id_number: str | None):
    """Registry people who may be this person: a namesake born the same year in the commune (see
    _same_name), or the same ID number."""
    condition = _same_name(commune, full_name, birth_year, id_number)
    if id_number:
        condition |= Q(id_number=id_number)
    return Person.objects.filter(condition)


def _refusal(id_number: str | None) -> str | None:
    """Only an ID number already behind a citizen account (or a sign-up) refuses a sign-up."""
    if id_number and (
        CitizenSignup.objects.filter(id_number=id_number).exists()
        or Person.objects.filter(id_number=id_number).exclude(account=None).exists()
    ):
        return _("Số CCCD này đã được dùng cho một tài khoản công dân. Hãy đăng nhập, "
                 "hoặc liên hệ cán bộ xã nếu quên mật khẩu.")
    return None


def _needs_confirmation(commune: Unit, full_name: str, birth_year: int, id_number: str | None) -> bool:
    """Someone alike is already known (a registry person or an earlier sign-up): the commune confirms."""
    signups = CitizenSignup.objects.filter(_same_name(commune, full_name, birth_year, id_number))
    return signups.exists() or matching_people(commune, full_name, birth_year, id_number).exists()


@transaction.atomic
def sign_up(*, username: str, password: str, full_name: str, birth_year: int, sex: str, commune: Unit,
            id_number: str | None = None, occupation_group: str = "") -> CitizenSignup:
    """Create the citizen's account (and registry person, when nobody in the registry matches)."""
    errors: dict[str, list] = {}
    try:
        check_visible_text(full_name, _("họ và tên"))
    except ValidationError as error:
        errors["full_name"] = error.messages
    full_name = normalise(full_name)
    id_number = (id_number or "").strip() or None
    if commune.level != Level.COMMUNE or commune.era != Era.CURRENT:
        errors["commune"] = [_("Chọn một xã, phường trên bản đồ hiện hành.")]
    this_year = timezone.localdate().year
    if not FIRST_BIRTH_YEAR <= birth_year <= this_year:
        errors["birth_year"] = [_("Năm sinh phải từ 1900 đến %(year)s.") % {"year": this_year}]
    if id_number:
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            errors["id_number"] = error.messages
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("Tên đăng nhập đã có người dùng.")]
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    # One sign-up at a time per commune, so two simultaneous sign-ups of one person cannot both pass.
    Unit.objects.select_for_update().filter(pk=commune.pk).first()
    refusal = _refusal(id_number)
    if refusal:
        raise ValidationError({"id_number": [refusal]}, code="duplicate")
    confirm = _needs_confirmation(commune, full_name, birth_year, id_number)
    user = User.objects.create_user(username=username, password=password, full_name=full_name)
    RoleAssignment.objects.create(user=user, role=Role.CITIZEN, unit=commune, valid_from=timezone.localdate())
    signup = CitizenSignup(
        user=user, full_name=full_name, name_folded=fold(full_name), birth_year=birth_year, sex=sex,
        commune=commune, id_number=id_number, subject_group=occupation_group,
    )
    if not confirm:
        signup.person = Person.objects.create(
            full_name=full_name, sex=sex, birth_year=birth_year, id_number=id_number, unit=commune,
            occupation_group=occupation_group or Person._meta.get_field("occupation_group").default, account=user,
        )
        signup.status = CitizenSignup.Status.CREATED
    signup.save()
    return signup


def candidates_for(scope: Scope, signup: CitizenSignup):
    """Registry people of the commune the sign-up may be, that have no account yet."""
    return scope.filter(
        matching_people(signup.commune, signup.full_name, signup.birth_year, signup.id_number).filter(account=None),
        Capability.EDIT_REGISTRY,
    ).select_related("household", "unit")


@transaction.atomic
def link(scope: Scope, signup: CitizenSignup, person: Person | None) -> CitizenSignup:
    """The commune confirms who signed up: an existing registry person, or (None) a new one."""
    if not scope.can(Capability.EDIT_REGISTRY, signup.commune):
        raise Http404
    if signup.status != CitizenSignup.Status.PENDING:
        raise ValidationError(_("Đăng ký này đã được xử lý."))
    if person is None:
        person = Person(
            full_name=signup.full_name, sex=signup.sex, birth_year=signup.birth_year, id_number=signup.id_number,
            unit=signup.commune, occupation_group=signup.subject_group or Person._meta.get_field("occupation_group").default,
        )
    elif person.account_id is not None:
        raise ValidationError(_("Người này đã gắn với một tài khoản khác."))
    person.account = signup.user
    scope.save(person, Capability.EDIT_REGISTRY)
    signup.person, signup.status = person, CitizenSignup.Status.LINKED
    signup.linked_by, signup.linked_at = scope.user, timezone.now()
    signup.save()
    return signup


def person_of(user) -> Person | None:
    """The registry person a citizen account belongs to."""
    return Person.objects.filter(account=user).select_related("unit", "commune").first()
