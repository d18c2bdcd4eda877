"""Citizen self-service: sign-up, duplicates, and the commune linking an account to the registry.

A sign-up creates the account with the citizen role in the chosen commune. Without an ID number,
when the registry has no one like the newcomer, a registry person is created at the commune at once,
so they can self-assess straight away (the commune later places them in a household). When the
registry or an earlier sign-up already has someone with the same name and birth year (names folded,
so "Giàng A Pão" and "Giàng A Páo" are alike), the sign-up waits for the commune to confirm who it
is: in a minority village namesakes born the same year are common, so this is a hint, never a
refusal; and two different valid ID numbers are two different people.

An ID number typed by an anonymous visitor is a claim nobody has checked (issue 16 §4). So a sign-up
with a number always waits for the commune, whatever the registry holds: the visitor gets one and
the same answer whether the number is unknown, already behind an account or held by someone else
(anything else would tell a stranger whether a number is registered), and no registry person ever
holds a number its account owner merely typed. Several claims of one number may wait side by side,
so a stranger's claim never blocks the owner's. The commune officer, who sees the citizen's card,
resolves each claim: the same person as a registry record (the account is linked, the number
recorded), a new record, or a rejection with its reason; every resolution is audited (the sign-up is
tracked with its number masked) and goes through the one ID-number rule of the registry
(`registry.services.id_number_refusal`), so a number held outside the officer's commune answers only
"cannot be used here".
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Capability, Role
from hoctap.accounts.scoping import Scope
from hoctap.core.limits import FIRST_BIRTH_YEAR
from hoctap.core.text import fold, normalise
from hoctap.core.validators import check_visible_text
from hoctap.privacy import services as privacy
from hoctap.registry.models import Person, validate_id_number
from hoctap.registry.services import id_number_refusal
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


def _needs_confirmation(commune: Unit, full_name: str, birth_year: int, id_number: str | None) -> bool:
    """Someone alike is already known (a registry person or an earlier sign-up): the commune confirms."""
    signups = CitizenSignup.objects.filter(_same_name(commune, full_name, birth_year, id_number))
    return signups.exists() or matching_people(commune, full_name, birth_year, id_number).exists()


@transaction.atomic
def sign_up(
    *,
    username: str,
    password: str,
    full_name: str,
    birth_year: int,
    sex: str,
    commune: Unit,
    id_number: str | None = None,
    occupation_group: str = "",
    notice_version: int | None = None,
    sensitive_consent: bool = False,
) -> CitizenSignup:
    """Create the citizen's account, and its registry person when no ID number is claimed and
    nobody in the registry matches. The outcome never depends on who holds the ID number.

    Refused unless the visitor agreed to the privacy notice in force (`notice_version`: the version
    they read, None when the box was left empty); the consent to record their ethnicity is separate
    and optional (Luật 91/2025/QH15: consent is given knowingly, sensitive data apart)."""
    errors: dict[str, list] = privacy.signup_consent_errors(notice_version)
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
    # A typed ID number is a claim: the commune checks it, whoever holds it (see the module doc).
    confirm = bool(id_number) or _needs_confirmation(commune, full_name, birth_year, id_number)
    user = User.objects.create_user(username=username, password=password, full_name=full_name)
    RoleAssignment.objects.create(user=user, role=Role.CITIZEN, unit=commune, valid_from=timezone.localdate())
    signup = CitizenSignup(
        user=user,
        full_name=full_name,
        name_folded=fold(full_name),
        birth_year=birth_year,
        sex=sex,
        commune=commune,
        id_number=id_number,
        subject_group=occupation_group,
    )
    if not confirm:  # so no ID number was typed
        signup.person = _new_person(signup)
        signup.person.account = user
        signup.person.save(force_insert=True)
        signup.status = CitizenSignup.Status.CREATED
    signup.save()
    privacy.record_signup_consent(user, commune, sensitive=sensitive_consent)
    if signup.person is not None:
        privacy.attach_to_person(user, signup.person)
    return signup


def _new_person(signup: CitizenSignup) -> Person:
    """A registry person (not saved) with what the citizen gave at sign-up, at their commune; the ID
    number is never among it (see the module doc)."""
    return Person(
        full_name=signup.full_name,
        sex=signup.sex,
        birth_year=signup.birth_year,
        unit=signup.commune,
        occupation_group=signup.subject_group or Person._meta.get_field("occupation_group").default,
    )


def candidates_for(scope: Scope, signup: CitizenSignup):
    """Registry people of the officer's territory the sign-up may be: namesakes born the same year
    in the commune, and whoever holds the claimed number there. Those who already have an account
    are listed too (the page says so: they sign in, or reset their password), never linkable."""
    return scope.filter(
        matching_people(signup.commune, signup.full_name, signup.birth_year, signup.id_number),
        Capability.EDIT_REGISTRY,
    ).select_related("household", "unit")


def _pending(scope: Scope, signup: CitizenSignup) -> CitizenSignup:
    """The sign-up locked for its resolution, if the officer may resolve it and nobody has yet."""
    if not scope.can(Capability.EDIT_REGISTRY, signup.commune):
        raise Http404
    CitizenSignup.objects.select_for_update().filter(pk=signup.pk).first()
    signup.refresh_from_db()  # the caller's instance, as the database now holds it
    if signup.status != CitizenSignup.Status.PENDING:
        raise ValidationError(_("Đăng ký này đã được xử lý."))
    return signup


def _claimed_number(scope: Scope, signup: CitizenSignup, person: Person) -> str | None:
    """The number to record on `person`: the claim, when it is free or already theirs."""
    claimed = signup.id_number
    if not claimed or person.id_number == claimed:
        return person.id_number
    if person.id_number:
        raise ValidationError(
            _(
                "Người này đã có số CCCD khác với số công dân khai. Hãy đối chiếu căn cước; "
                "nếu không phải cùng một người, chọn «Không xác nhận»."
            )
        )
    refusal = id_number_refusal(scope, claimed, exclude_pk=person.pk)
    if refusal:
        raise ValidationError(refusal)
    return claimed


@transaction.atomic
def link(scope: Scope, signup: CitizenSignup, person: Person | None) -> CitizenSignup:
    """The commune confirms who signed up: an existing registry person, or (None) a new one. The
    claimed ID number is recorded on that person only through the registry's one ID-number rule."""
    signup = _pending(scope, signup)
    if person is None:
        person = _new_person(signup)
    else:
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.account_id is not None:
            raise ValidationError(
                _(
                    "Người này đã gắn với một tài khoản khác. Nếu đúng là họ, hướng dẫn họ đăng "
                    "nhập bằng tài khoản đó (hoặc đặt lại mật khẩu) và chọn «Không xác nhận» "
                    "cho đăng ký này."
                )
            )
    person.id_number = _claimed_number(scope, signup, person)
    person.account = signup.user
    try:
        with transaction.atomic():
            scope.save(person, Capability.EDIT_REGISTRY)
    except IntegrityError:  # the number was recorded elsewhere a moment ago
        raise ValidationError(id_number_refusal(scope, signup.id_number) or _("Đăng ký này đã được xử lý.")) from None
    signup.person = person
    privacy.attach_to_person(signup.user, person)  # the sign-up's consents are this person's
    signup.status = CitizenSignup.Status.LINKED
    signup.linked_by, signup.linked_at = scope.user, timezone.now()
    signup.save()
    return signup


@transaction.atomic
def reject(scope: Scope, signup: CitizenSignup, reason: str) -> CitizenSignup:
    """The commune does not confirm the sign-up (not the person they claim to be, or already has an
    account). The reason is shown to the citizen, with what to do next, on their own page."""
    signup = _pending(scope, signup)
    try:
        check_visible_text(reason or "", _("lý do"))
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error
    reason = normalise(reason or "")
    if not reason:
        raise ValidationError({"reason": [_("Hãy ghi lý do để công dân biết cần làm gì tiếp.")]})
    limit = CitizenSignup._meta.get_field("rejection_reason").max_length
    if len(reason) > limit:
        raise ValidationError(
            {
                "reason": [
                    _("Lý do dài tối đa %(limit)d ký tự (hiện có %(length)d).")
                    % {"limit": limit, "length": len(reason)}
                ]
            }
        )
    signup.status = CitizenSignup.Status.REJECTED
    signup.rejection_reason = reason
    signup.linked_by, signup.linked_at = scope.user, timezone.now()
    signup.save()
    return signup


def person_of(user) -> Person | None:
    """The registry person a citizen account belongs to."""
    return Person.objects.filter(account=user).select_related("unit", "commune").first()
