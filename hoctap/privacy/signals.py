"""How apps to the right of privacy take part in erasing a person without privacy importing them.

`erasing` is sent (sender=Person, person=…) inside the erasure's transaction, before the registry
record changes. A receiver anonymises its own copies of the person (a sign-up's name and claimed ID
number) and returns what must stay of the registry record:
    KEEP_NAME — an administrative document names the person (a recognition decision, a certificate):
                their name, sex and birth year stay, everything else goes;
    KEEP_ROW  — records point at the person (a dossier): the row stays, anonymised;
    None      — nothing of theirs: the registry record is deleted.
"""

from django.dispatch import Signal

KEEP_NAME = "name"
KEEP_ROW = "row"

erasing = Signal()

# Sent by the retention job (sender=None, today=<date>) inside its transaction: a receiver removes its
# own records whose period in settings.PRIVACY_RETENTION is over (assessments: rejected sign-ups) and
# returns {what: how many}, added to the job's summary. Running again on the same day removes nothing.
retention_due = Signal()
