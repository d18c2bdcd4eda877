"""Recording notices and sending them: what the daily job (`send_reminders`) runs.

`run(today)` is idempotent: every notice has a key unique per person, so a second run on the same
day (or two at once: the unique constraint settles the race) records nothing new, and each delivery
is claimed by a conditional update before it is sent, so nothing goes out twice.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from hoctap.accounts.roles import Capability, Role
from hoctap.reports import deadlines

from . import triggers
from .channels import INBOX, channel, channels
from .models import Delivery, DeliveryState, Kind, Muted, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
CHUNK = 500


@dataclass
class Summary:
    recorded: int = 0
    sent: int = 0
    failed: int = 0


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def job_today(now: datetime.datetime | None = None) -> datetime.date:
    """The job's day is Vietnam's, like every deadline, whatever the server's clock zone."""
    return deadlines.local_date(now or timezone.now())


def run(today: datetime.date, *, now: datetime.datetime | None = None, deliver: bool = True) -> Summary:
    summary = Summary(recorded=record(triggers.all_planned(today), now=now))
    if deliver:
        sent, failed = deliver_pending()
        summary.sent, summary.failed = sent, failed
    return summary


def wanted_channels(user, kind: str, muted: set[tuple]) -> list[str]:
    """The channels a person gets `kind` on: not muted, and reachable there (an e-mail address…)."""
    return [c.code for c in channels() if (user.pk, kind, c.code) not in muted and c.address(user)]


def record(planned: list[triggers.Planned], *, now: datetime.datetime | None = None) -> int:
    """Store the notices not stored yet, with a pending delivery for each channel besides the
    inbox that the person wants them on. Returns how many notices were new."""
    now = now or timezone.now()
    unique = {}
    for item in planned:
        unique.setdefault((item.user.pk, item.key), item)
    if not unique:
        return 0
    existing = set()
    for keys in _chunks({key for _, key in unique}):
        existing |= set(Notification.objects.filter(key__in=keys).values_list("user_id", "key"))
    fresh = {pair: item for pair, item in unique.items() if pair not in existing}
    users = {item.user.pk for item in fresh.values()}
    muted = set()
    for ids in _chunks(users):
        muted |= set(Muted.objects.filter(user_id__in=ids).values_list("user_id", "kind", "channel"))
    rows, wanted = [], {}
    for pair, item in fresh.items():
        codes = wanted_channels(item.user, item.kind, muted)
        if not codes:
            continue  # muted everywhere: nothing to record
        wanted[pair] = [code for code in codes if code != INBOX]
        rows.append(
            Notification(
                user=item.user,
                kind=item.kind,
                key=item.key,
                unit=item.unit,
                params=item.params,
                url=item.url,
                in_inbox=INBOX in codes,
                created_at=now,
            )
        )
    # Another run may have stored some of them meanwhile: the constraint keeps one of each.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=CHUNK)
    ids = {}
    for keys in _chunks({key for _, key in wanted}):
        for pk, user_id, key in Notification.objects.filter(key__in=keys).values_list("pk", "user_id", "key"):
            ids[(user_id, key)] = pk
    deliveries = [
        Delivery(notification_id=ids[pair], channel=code)
        for pair, codes in wanted.items()
        if pair in ids
        for code in codes
    ]
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=CHUNK)
    return len(rows)


def deliver_pending() -> tuple[int, int]:
    """Send every pending delivery, one batch per person and channel. Returns (sent, failed)."""
    sent = failed = 0
    for chan in channels():
        if chan.code == INBOX:
            continue
        claim = uuid.uuid4().hex
        Delivery.objects.filter(channel=chan.code, state=DeliveryState.PENDING).update(
            state=DeliveryState.SENDING, claim=claim, attempts=F("attempts") + 1
        )
        claimed = list(
            Delivery.objects.filter(claim=claim, state=DeliveryState.SENDING)
            .select_related("notification__user")
            .order_by("notification__user_id", "notification_id")
        )
        by_user: dict[int, list[Delivery]] = {}
        for delivery in claimed:
            by_user.setdefault(delivery.notification.user_id, []).append(delivery)
        for batch in by_user.values():
            user = batch[0].notification.user
            pks = [d.pk for d in batch]
            try:
                if not user.is_active or not chan.address(user):
                    raise LookupError("no address")
                chan.send(user, [d.notification for d in batch])
            except Exception as error:  # a channel's failure must not stop the others
                logger.warning(
                    "notification delivery failed: channel=%s user=%s error=%s",
                    chan.code,
                    user.pk,
                    type(error).__name__,
                )
                retry = [d.pk for d in batch if d.attempts < MAX_ATTEMPTS]
                Delivery.objects.filter(pk__in=retry).update(
                    state=DeliveryState.PENDING, claim="", error=type(error).__name__[:300]
                )
                Delivery.objects.filter(pk__in=pks).exclude(pk__in=retry).update(
                    state=DeliveryState.FAILED, claim="", error=type(error).__name__[:300]
                )
                failed += len(pks)
            else:
                Delivery.objects.filter(pk__in=pks).update(state=DeliveryState.SENT, sent_at=timezone.now())
                sent += len(pks)
    return sent, failed


# -- the inbox and preferences -------------------------------------------------------------------


def inbox(user):
    return Notification.objects.filter(user=user, in_inbox=True)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, in_inbox=True, read_at__isnull=True).count()


def mark_read(user, pk: int | None = None) -> int:
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        notices = notices.filter(pk=pk)
    return notices.update(read_at=timezone.now())


def muted_pairs(user) -> set[tuple[str, str]]:
    return set(Muted.objects.filter(user=user).values_list("kind", "channel"))


# Who is sent each kind: the capabilities triggers.py picks its recipients by (Holders), and for a
# returned dossier also the citizen it is about. The preferences page offers a person these only.
RECEIVED_WITH = {
    Kind.REPORT_DEADLINE: (Capability.REPORT,),
    Kind.CAMPAIGN_WINDOW: (Capability.EDIT_REGISTRY, Capability.REVIEW, Capability.RECOGNISE),
    Kind.DOSSIER_RETURNED: (Capability.EDIT_REGISTRY,),
    Kind.REPORT_RETURNED: (Capability.REPORT,),
    Kind.DATA_REQUEST_DUE: (Capability.EDIT_REGISTRY,),
}
TO_CITIZENS = {Kind.DOSSIER_RETURNED}


def kinds_for(scope) -> list[str]:
    """The kinds of notice this person can be sent, in the order of `Kind`."""
    citizen = Role.CITIZEN in scope.roles
    return [
        kind
        for kind in Kind.values
        if any(scope.can(capability) for capability in RECEIVED_WITH[kind]) or (citizen and kind in TO_CITIZENS)
    ]


def set_preferences(user, wanted: set[tuple[str, str]], kinds: list[str]) -> None:
    """Of the `kinds` offered, everything not in `wanted` (kind, channel) is muted, for the channels in
    use; a kind not offered keeps its setting (it comes back as it was if the person's roles change)."""
    every = {(kind, c.code) for kind in kinds for c in channels()}
    mute = every - wanted
    Muted.objects.filter(user=user, kind__in=kinds).exclude(
        pk__in=[m.pk for m in Muted.objects.filter(user=user) if (m.kind, m.channel) in mute]
    ).delete()
    have = muted_pairs(user)
    Muted.objects.bulk_create([Muted(user=user, kind=kind, channel=code) for kind, code in mute - have])


__all__ = ["Summary", "run", "record", "deliver_pending", "inbox", "unread_count", "mark_read", "channel"]
