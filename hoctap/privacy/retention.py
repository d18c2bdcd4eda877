"""Retention: records kept no longer than their purpose needs (docs/data-protection.md, "Retention").

`settings.PRIVACY_RETENTION` holds the periods. A person has no current record when they belong to no
household, work for no organisation in the registry, have no active citizen account and nobody has
touched their record for `person_years`: they are erased the way a deletion request erases (what a
recognition decision names stays, the rest goes — `erasure.erase`). Answered requests are kept
`request_years` as proof of the answer, then deleted (their text may hold personal data). Apps to the
right of privacy purge their own records through the `signals.retention_due` hook (assessments: sign-ups
the commune rejected, after `rejected_signup_days`), as erasure does through `signals.erasing`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from hoctap.registry.models import Person

from . import erasure
from .models import DataRequest, RequestState
from .signals import retention_due


@dataclass
class Summary:
    people: int = 0
    requests: int = 0
    others: dict[str, int] = field(default_factory=dict)  # {what: how many} from the retention_due hook

    def as_dict(self) -> dict[str, int]:
        return {"people": self.people, "requests": self.requests, **self.others}


def _years_before(day: datetime.date, years: int) -> datetime.datetime:
    try:
        start = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        start = day.replace(year=day.year - years, day=28)
    return timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))


def expired_people(today: datetime.date):
    cutoff = _years_before(today, settings.PRIVACY_RETENTION["person_years"])
    return (
        Person.objects.filter(household__isnull=True, employer__isnull=True, updated_at__lt=cutoff)
        .filter(Q(account__isnull=True) | Q(account__is_active=False))
        .exclude(full_name=erasure.ERASED_NAME)
    )


def run(today: datetime.date | None = None) -> Summary:
    """Safe to run any number of times: what was erased is not picked again."""
    today = today or timezone.localdate()
    summary = Summary()
    for person in expired_people(today).order_by("pk").iterator(chunk_size=200):
        erasure.erase(person)
        summary.people += 1
    old = _years_before(today, settings.PRIVACY_RETENTION["request_years"])
    summary.requests, _detail = (
        DataRequest.objects.exclude(state=RequestState.PENDING).filter(answered_at__lt=old).delete()
    )
    with transaction.atomic():
        for _receiver, purged in retention_due.send(sender=None, today=today):
            for what, count in (purged or {}).items():
                summary.others[what] = summary.others.get(what, 0) + count
    return summary
