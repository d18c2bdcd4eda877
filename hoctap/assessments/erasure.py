"""The assessments' part in erasing a person (hoctap.privacy.signals.erasing).

A recognition decision and its certificate are administrative documents: a person with a recognised,
certified or revoked dossier keeps their name on the record. Any other dossier keeps the registry row
(it points at it) but not the name. Sign-ups are the account's own copy of the person: their name and
claimed ID number go, the row stays for the account's history."""

from django.db.models import Q

from hoctap.core.text import fold
from hoctap.privacy.erasure import ERASED_NAME, redact_history
from hoctap.privacy.signals import KEEP_NAME, KEEP_ROW

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
