"""Erasing a person: what the law lets stay is kept anonymised, the rest is removed.

A recognition decision is an administrative document: the person it names keeps their name, sex and
birth year on it (and so on the registry record the decision points at). Everything else — ID number,
birth date, ethnicity, household, employer, digital skill, the citizen account's name and login — is
removed. A person nothing points at is deleted outright. The audit entries of the person keep who
changed which field and when (accountability) but their old and new values are replaced by
REDACTED, so the log does not become a second copy of what was erased.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from hoctap.accounts.models import RoleAssignment
from hoctap.registry.models import DigitalSkill, Household, Person

from .models import LegalBasis
from .signals import KEEP_NAME, erasing

ERASED_NAME = "Người đã xóa dữ liệu"
REDACTED = "[đã xóa]"


def redact_history(record) -> None:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_pk=str(record.pk)
    )
    for entry in entries:
        changes = entry.changes_dict or {}
        entry.changes = {field: [REDACTED, REDACTED] for field in changes}
        entry.object_repr = REDACTED
        entry.save(update_fields=["changes", "object_repr"])


def close_account(user) -> None:
    """The account can no longer sign in and no longer names anyone; its history keeps who did what."""
    if user is None:
        return
    user.is_active = False
    user.full_name = ""
    user.email = ""
    user.username = f"da-xoa-{user.pk}"
    user.set_unusable_password()
    user.save()
    redact_history(user)
    for assignment in RoleAssignment.objects.filter(user=user):
        redact_history(assignment)  # their names are "<user> · <role> · <unit>"


@transaction.atomic
def erase(person: Person) -> str:
    """Returns what happened: "deleted", "anonymised" (row kept) or "name_kept" (a decision names them).
    The person's audit entries are redacted last, so the entries this erasure writes are too."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    keeps = {result for _receiver, result in erasing.send(sender=Person, person=person) if result}
    user = person.account
    for household in Household.objects.filter(head=person):
        household.head = None
        household.save()  # its search and sort columns are the head's name
    pk = person.pk
    if not keeps:
        person.delete()
        person.pk = pk
        outcome = "deleted"
    else:
        if KEEP_NAME not in keeps:
            person.full_name = ERASED_NAME
        person.birth_date = None
        person.ethnicity = ""
        person.id_number = None
        person.household = None
        person.employer = None
        person.digital_skill = DigitalSkill.NONE
        person.account = None
        person.unit_id = person.commune_id  # out of the village: the household link is gone
        person.save()
        LegalBasis.objects.filter(person=person).update(user=None)
        outcome = "name_kept" if KEEP_NAME in keeps else "anonymised"
    redact_history(person)
    close_account(user)
    return outcome
