"""Domain functions of the registry. Views, the API and imports call these; writes go through the scope."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import NamedTuple

from auditlog.diff import get_mask_function
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core.text import fold
from hoctap.territory.models import Era, Level, Unit

from . import signals
from .models import (
    ClanBranch,
    DeclaredTotals,
    Household,
    Organisation,
    Person,
    TotalKind,
)

REGISTRY = "registry"
DECLARED = "declared"


# -- saving subjects ---------------------------------------------------------------------------


def next_household_code(commune: Unit) -> str:
    """Households without a local code get H0001, H0002, … within their commune."""
    taken = set(Household.objects.filter(commune=commune).values_list("code_folded", flat=True))
    number = len(taken) + 1
    while fold(f"H{number:04d}") in taken:
        number += 1
    return f"H{number:04d}"


def household_members_problem(household: Household, members, heads: int) -> str | None:
    """What is wrong with the members a page, the API or an import gives a household, or None: a
    household is registered with at least one member, and at most one of them is ticked as head
    (none ticked: the first becomes head)."""
    if household.pk is None and not members:
        return _("Hộ phải có ít nhất một thành viên.")
    if heads > 1:
        return _("Chỉ đánh dấu một chủ hộ.")
    return None


def save_household(scope, household: Household, members=(), head: Person | None = None) -> Household:
    """Save a household and its members in one transaction; `head` must be one of the members
    (or already belong to the household). A new household without members is refused here, so the
    page and the API refuse it alike."""
    problem = household_members_problem(household, members, heads=0)
    if problem:
        raise ValidationError({"members": [problem]})
    with transaction.atomic():
        if not household.code:
            household.code = next_household_code(household.village.parent)
        scope.save(household, Capability.EDIT_REGISTRY)
        for person in members:
            person.household = household
            scope.save(person, Capability.EDIT_REGISTRY)
        if head is not None and household.head_id != head.pk:
            household.head = head
            scope.save(household, Capability.EDIT_REGISTRY)
    return household


def save_person(scope, person: Person) -> Person:
    return scope.save(person, Capability.EDIT_REGISTRY)


def save_clan_branch(scope, clan: ClanBranch) -> ClanBranch:
    return scope.save(clan, Capability.EDIT_REGISTRY)


def save_organisation(scope, organisation: Organisation) -> Organisation:
    return scope.save(organisation, Capability.EDIT_REGISTRY)


# -- duplicates --------------------------------------------------------------------------------


@dataclass
class DuplicateHint:
    person: Person
    reason: str  # "same_id_number" or "same_name_and_birth_year"

    @property
    def message(self) -> str:
        person = self.person
        where = person.household.code if person.household_id else person.unit.name
        if self.reason == "same_id_number":
            return _("Số CCCD đã được ghi cho %(name)s (%(year)s), %(where)s.") % {
                "name": person.full_name,
                "year": person.birth_year,
                "where": where,
            }
        return _("Đã có %(name)s sinh năm %(year)s ở %(where)s: có thể trùng người.") % {
            "name": person.full_name,
            "year": person.birth_year,
            "where": where,
        }

    def as_dict(self) -> dict:
        return {"reason": self.reason, "person_id": self.person.pk, "message": self.message}


def likely_duplicates(
    scope,
    *,
    full_name: str = "",
    birth_year: int | None = None,
    commune: Unit | None = None,
    id_number: str | None = None,
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[DuplicateHint]:
    """People the user can see who may be the one being entered: the same ID number anywhere in
    scope, or the same name (folded: no diacritics, case or look-alike letters) and birth year in the
    commune. A hint to confirm, never a refusal: namesakes born the same year are common."""
    people = scope.filter(Person.objects.select_related("household", "unit"), Capability.VIEW)
    if exclude_pk:
        people = people.exclude(pk=exclude_pk)
    hints: list[DuplicateHint] = []
    if id_number:
        hints += [DuplicateHint(p, "same_id_number") for p in people.filter(id_number=id_number)[:limit]]
    name = fold(full_name)
    if name and birth_year and commune is not None:
        seen = {hint.person.pk for hint in hints}
        same = people.filter(commune=commune, name_folded=name, birth_year=birth_year).exclude(pk__in=seen)
        if id_number:
            # Two different valid ID numbers are two different people: no hint between them.
            same = same.filter(Q(id_number__isnull=True) | Q(id_number=id_number))
        hints += [DuplicateHint(p, "same_name_and_birth_year") for p in same.in_order()[:limit]]
    return hints


def duplicates_of(scope, person: Person, place: Unit) -> list[DuplicateHint]:
    """The likely duplicates of a person about to be saved, who lives in `place` (a commune, or a
    village of the commune)."""
    return likely_duplicates(
        scope,
        full_name=person.full_name,
        birth_year=person.birth_year,
        commune=place if place.level == Level.COMMUNE else place.parent,
        id_number=person.id_number,
    )


# -- ID numbers --------------------------------------------------------------------------------


def id_number_not_usable() -> str:
    """The one answer for an ID number held outside the user's own territory: it says neither where
    nor whether the number is registered, only what to do next."""
    return _(
        "Số định danh này không dùng được ở đây. Hãy kiểm tra lại từng chữ số; nếu số đúng, hãy "
        "đề nghị người này liên hệ xã, phường nơi họ đang cư trú (hoặc xã, phường đó liên hệ "
        "bạn) để chuyển hồ sơ về đây."
    )


def id_number_refusal(scope, id_number: str | None, *, exclude_pk: int | None = None) -> str | None:
    """Why the user may not record `id_number` on a person (None: they may). The one rule for the
    forms, the API and imports (imports ask `probe_budget_refusal` themselves, a file at a time).

    Held by a person the user can see: that person is named (the duplicate hint of their own
    territory). Held anywhere else: "cannot be used here", the same answer as for any number once
    the user's daily allowance of such answers (`HOCTAP_RATE_LIMITS["id_numbers"]`) is spent, so
    that trying numbers one by one cannot map who is registered where."""
    if not id_number:
        return None
    holders = Person.objects.filter(id_number=id_number)
    if exclude_pk:
        holders = holders.exclude(pk=exclude_pk)
    visible = scope.filter(holders.select_related("household", "unit"), Capability.VIEW).first()
    if visible is not None:
        return DuplicateHint(visible, "same_id_number").message
    spent = probe_budget_refusal(scope)
    if spent is not None:
        return spent
    if holders.exists():
        return count_refused_id_number(scope) or id_number_not_usable()
    return None


def _probe_key(scope) -> str:
    return f"user:{scope.user.pk}"


def probe_budget_refusal(scope) -> str | None:
    """Once the user's allowance of "cannot be used here" answers is spent, every ID number they
    have not already got on record is refused with when to try again, whether it exists or not."""
    from hoctap.accounts import ratelimits

    refusal = ratelimits.check("id_numbers", _probe_key(scope))
    return refusal.message if refusal else None


def count_refused_id_number(scope, amount: int = 1) -> str | None:
    """Count one "cannot be used here" answer (or `amount` of them: an import counts again, after
    rolling back, the ones its transaction took back); the refusal message if this goes over the limit."""
    from hoctap.accounts import ratelimits

    refusal = ratelimits.hit("id_numbers", _probe_key(scope), amount)
    return refusal.message if refusal else None


# -- denominators ------------------------------------------------------------------------------


class Denominator(NamedTuple):
    value: int
    source: str  # REGISTRY or DECLARED


def registry_count(commune: Unit, year: int, kind: str) -> int:
    """How many records of `kind` the registry holds for the commune (working age: in `year`)."""
    if kind == TotalKind.HOUSEHOLDS:
        return Household.objects.filter(commune=commune).count()
    if kind == TotalKind.CLAN_BRANCHES:
        return ClanBranch.objects.filter(commune=commune).count()
    if kind == TotalKind.VILLAGES:
        return Unit.objects.filter(parent=commune, level=Level.VILLAGE, era=Era.CURRENT).open().count()
    if kind == TotalKind.ORGANISATIONS:
        return Organisation.objects.filter(commune=commune).count()
    if kind == TotalKind.WORKING_AGE_ADULTS:
        # The learning-citizen target counts adults of the commune's households.
        return Person.objects.filter(commune=commune, household__isnull=False).working_age_adults(year).count()
    if kind == TotalKind.ORGANISATION_STAFF:
        return Person.objects.filter(employer__commune=commune).count()
    raise ValueError(f"unknown total kind {kind!r}")


def denominator(commune: Unit, year: int, kind: str) -> Denominator:
    """The figure a percentage of `kind` in `commune` for `year` is taken over, and where it comes from.

    "registry" when the registry is complete for that kind: the commune marked it so, or declared
    no figure; otherwise the declared figure ("declared").
    """
    totals = DeclaredTotals.objects.filter(commune=commune, year=year).first()
    if totals is None or totals.is_complete(kind) or totals.declared(kind) is None:
        return Denominator(registry_count(commune, year, kind), REGISTRY)
    return Denominator(totals.declared(kind), DECLARED)


def check_declared_totals(totals: DeclaredTotals) -> None:
    """A declared figure below what the registry already counts is refused, naming the field."""
    errors = {}
    for kind in TotalKind:
        declared = totals.declared(kind)
        if declared is None:
            continue
        counted = registry_count(totals.commune, totals.year, kind)
        if declared < counted:
            errors[kind.value] = _(
                "%(label)s khai báo (%(declared)s) nhỏ hơn số đã có trong sổ theo dõi (%(counted)s)."
            ) % {"label": kind.label, "declared": declared, "counted": counted}
    if errors:
        raise ValidationError(errors)


def save_declared_totals(scope, totals: DeclaredTotals, user) -> DeclaredTotals:
    scope.assert_unit(totals.commune, Capability.REPORT)
    check_declared_totals(totals)
    totals.updated_by = user
    return scope.save(totals, Capability.REPORT)


# -- personal data -----------------------------------------------------------------------------


def record_access(target, actor, **facts) -> None:
    """An audited reading of personal data (auditlog's ACCESS entry): what was read goes in `facts`."""
    LogEntry.objects.log_create(
        target, action=LogEntry.Action.ACCESS, force_log=True, actor=actor, additional_data=facts
    )


def reveal_id_number(scope, person: Person, actor) -> str:
    """The full ID number, for a role allowed to see it; every showing is an audit entry."""
    if not person.id_number or not scope.can(Capability.VIEW_ID_NUMBERS, person.unit):
        raise Http404
    record_access(person, actor, field="id_number")
    return person.id_number


def log_sensitive_export(scope, actor, filters: dict) -> None:
    """An export with ethnicity (sensitive data) is an audited access, entered on each unit whose
    people it may hold (the units where the exporter reads sensitive data), with the filters used
    (a searched name or number only as the fact of a search, as every export's audit entry)."""
    from hoctap.audit.exports import search_filters

    for unit in Unit.objects.filter(path__in=scope.paths(Capability.VIEW_SENSITIVE)):
        record_access(unit, actor, export="people", field="ethnicity", filters=search_filters(filters))


def personal_data(scope, user, *, log_access: bool = False) -> dict:
    """Everything the registry holds about the people linked to `user`'s account (for the
    citizen's own page and JSON download; a download is written to the audit log)."""
    people = scope.filter(
        Person.objects.filter(account=user).select_related(
            "household__village", "household__commune", "household__clan_branch", "employer", "unit", "commune"
        ),
        Capability.VIEW,
    )
    records = []
    for person in people:
        if log_access:
            record_access(person, user, export="personal_data")
        records.append(
            {
                "id": person.pk,
                "full_name": person.full_name,
                "sex": person.get_sex_display(),
                "birth_date": person.birth_date.isoformat() if person.birth_date else None,
                "birth_year": person.birth_year,
                "ethnicity": person.get_ethnicity_display(),
                "id_number": person.id_number,
                "occupation_group": person.get_occupation_group_display(),
                "digital_skill": person.get_digital_skill_display(),
                "place": person.unit.name,
                "commune": person.commune.name,
                "household": _household_facts(person.household, person) if person.household_id else None,
                "employer": {"name": person.employer.name, "kind": person.employer.get_kind_display()}
                if person.employer_id
                else None,
                "created_at": person.created_at.isoformat(),
                "updated_at": person.updated_at.isoformat(),
                "history": [
                    {
                        "at": entry.timestamp.isoformat(),
                        "action": entry.get_action_display(),
                        "changed_fields": sorted((entry.changes_dict or {}).keys()),
                    }
                    for entry in LogEntry.objects.get_for_object(person).order_by("timestamp", "pk")
                ],
            }
        )
    data = {
        "generated_at": timezone.now().isoformat(),
        "account": {"username": user.username, "full_name": user.full_name},
        "people": records,
    }
    for _receiver, sections in signals.personal_data_collected.send(sender=Person, user=user):
        data.update(sections or {})
    return data


def _household_facts(household: Household, person: Person) -> dict:
    return {
        "code": household.code,
        "address": household.address,
        "village": household.village.name,
        "commune": household.commune.name,
        "is_head": household.head_id == person.pk,
        "clan_branch": str(household.clan_branch) if household.clan_branch_id else None,
    }


# -- bulk writes keep their audit trail -------------------------------------------------------


def log_bulk_creation(objects, *, actor, request_id: str = "") -> None:
    """One CREATE audit entry per object written in bulk (which sends no signals).

    The entry holds the record's tracked columns with ID numbers masked by auditlog's own mask;
    auditlog's generic diff would take most of an import's time, so the values are read directly,
    and the entries go in through core.bulk rather than as LogEntry instances."""
    objects = list(objects)
    if not objects:
        return
    now = timezone.now()
    kinds: dict = {}  # model → (content type id, [(attname, name, masked)], mask)
    rows = []
    create = LogEntry.Action.CREATE
    for obj in objects:
        model = type(obj)
        kind = kinds.get(model)
        if kind is None:
            tracked, masked, mask = _tracked_columns(model)
            columns = [(field.attname, field.name, field.name in masked) for field in tracked]
            kind = kinds[model] = (ContentType.objects.get_for_model(model).pk, columns, mask)
        content_type, columns, mask = kind
        values = obj.__dict__  # a new instance holds every concrete column there (a deferred one does not)
        changes = {}
        for attname, name, masked_column in columns:
            value = values[attname] if attname in values else getattr(obj, attname)
            if value is None or value == "":
                continue
            if masked_column:
                value = mask(str(value))
            elif isinstance(value, datetime.date):
                value = str(timezone.make_naive(value, datetime.UTC) if isinstance(value, datetime.datetime) else value)
            changes[name] = [None, value]
        rows.append((content_type, str(obj.pk), obj.pk, str(obj), create, changes))
    _insert_log_entries(rows, actor=actor, request_id=request_id, timestamp=now)


_LOG_COLUMNS = ("content_type_id", "object_pk", "object_id", "object_repr", "action", "changes")


def _insert_log_entries(rows: list[tuple], *, actor, request_id: str, timestamp) -> None:
    """LogEntry rows of (content type id, object pk text, object id, repr, action, changes); the
    other columns as a LogEntry made with actor, cid and timestamp would have them."""
    from hoctap.core import bulk

    given = {"actor_id": actor.pk if actor is not None else None, "cid": request_id or None, "timestamp": timestamp}
    fields = [field for field in LogEntry._meta.concrete_fields if not field.primary_key]
    constant = {
        field.attname: given.get(field.attname, field.get_default())
        for field in fields
        if field.attname not in _LOG_COLUMNS
    }
    order = [_LOG_COLUMNS.index(field.attname) if field.attname in _LOG_COLUMNS else None for field in fields]
    values = [constant.get(field.attname) for field in fields]
    bulk.insert(
        LogEntry,
        fields,
        (
            tuple(row[index] if index is not None else value for index, value in zip(order, values, strict=True))
            for row in rows
        ),
    )


@functools.cache
def _tracked_columns(model):
    """(columns auditlog tracks for `model`, the masked ones, the mask function)."""
    options = auditlog.get_model_fields(model)
    columns = [
        field
        for field in model._meta.concrete_fields
        if field.name not in options["exclude_fields"]
        and (not options["include_fields"] or field.name in options["include_fields"])
    ]
    return columns, set(options["mask_fields"]), get_mask_function(options.get("mask_callable"))


def log_bulk_update(model, changes: list[tuple[int, str, dict]], *, actor, request_id: str = "") -> None:
    """One UPDATE audit entry per (pk, repr, {field: [before, after]}) written with queryset.update()."""
    if not changes:
        return
    content_type = ContentType.objects.get_for_model(model).pk
    _insert_log_entries(
        [(content_type, str(pk), pk, text, LogEntry.Action.UPDATE, diff) for pk, text, diff in changes],
        actor=actor,
        request_id=request_id,
        timestamp=timezone.now(),
    )
