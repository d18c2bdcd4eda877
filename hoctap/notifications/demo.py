"""Demo: the inbox as the daily job would have filled it over the last month, relative to today.

The job is replayed for each of the last REPLAY_DAYS days (dated that morning), so the commune
officer sees this year's report deadline reminders, the campaign milestones of the season and the
report the province returned, whatever today is. Nothing is sent while the demo loads: the demo
commune officer has an address, and `make run`'s first job prints the pending e-mail on the console.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from hoctap.reports.deadlines import VIETNAM

from . import services

REPLAY_DAYS = 30
DEMO_ADDRESSES = {"commune_officer": "canboxa@example.vn"}


def load(context, log):
    for role, address in DEMO_ADDRESSES.items():
        user = context["users"].get(role)
        if user is not None and not user.email:
            user.email = address
            user.save(update_fields=["email"])
    today = services.job_today()
    recorded = 0
    for back in range(REPLAY_DAYS, -1, -1):
        day = today - datetime.timedelta(days=back)
        morning = datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=VIETNAM)
        recorded += services.run(day, now=min(morning, timezone.now()), deliver=False).recorded
    log(f"Thông báo: {recorded} thông báo mới (việc nhắc hạn hằng ngày chạy lại cho {REPLAY_DAYS} ngày qua)")
