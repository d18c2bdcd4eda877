"""The assessments' part in erasing a person (hoctap.privacy.signals.erasing).

A recognition decision and its certificate are administrative documents: a person with a recognised,
certified or revoked dossier keeps their name on the record. Any other dossier keeps the registry row
(it points at it) but not the name. Sign-ups are the account's own copy of the person: their name and
claimed ID number go, the row stays for the account's history."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from hoctap.core.text import fold
from hoctap.privacy.erasure import ERASED_NAME, close_account, redact_history
from hoctap.privacy.signals import KEEP_NAME, KEEP_ROW
from hoctap.registry.models import Person

from .models import Assessment, CitizenSignup
from .states import State

ON_THE_RECORD = (State.RECOGNISED, State.CERTIFIED, State.REVOKED)


def keep_for_record(sender, person, **kwargs):
    mine = Q(person=person) | Q(user_id=person.account_id) if person.account_id else Q(person=person)
    for signup in CitizenSignup.objects.filter(mine):
        signup.full_name, signup.name_folded = ERASED_NAME, fold(ERASED_NAME)
        signup.id_number, signup.person = None, None
        signup.save()
        redact_history(signup)
    dossiers = Assessment.objects.filter(person=person)
    if dossiers.filter(state__in=ON_THE_RECORD).exists():
        return KEEP_NAME
    return KEEP_ROW if dossiers.exists() else None


def purge_rejected_signups(sender, today: datetime.date, **kwargs) -> dict[str, int]:
    """A sign-up the commune rejected holds a name, a birth year and perhaps a claimed ID number of
    someone the register does not know: after `PRIVACY_RETENTION["rejected_signup_days"]` from the
    rejection it is deleted, and its account closed unless a registry person has since been linked to
    it. The audit keeps that it was deleted, by the retention job, with its values redacted."""
    days = settings.PRIVACY_RETENTION["rejected_signup_days"]
    cutoff = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min))
    expired = CitizenSignup.objects.filter(status=CitizenSignup.Status.REJECTED, linked_at__lt=cutoff)
    count = 0
    for signup in expired.select_related("user").order_by("pk"):
        user, pk = signup.user, signup.pk
        signup.delete()
        signup.pk = pk
        redact_history(signup)
        if not Person.objects.filter(account=user).exists():
            close_account(user)
        count += 1
    return {"rejected_signups": count}
