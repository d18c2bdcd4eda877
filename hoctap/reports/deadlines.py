"""Deadlines in Vietnamese local time. Pure functions: no database, no clock of their own.

A plan's "trước ngày 15/11" is read, as offices do, as "by the end of 15/11 in Vietnam": a report
sent at 23:59 on 15/11 in Hà Nội is on time even though it is 16:59 UTC, and one sent at 00:01 on
16/11 is late even though it is still 15/11 in UTC. So every comparison converts to
Asia/Ho_Chi_Minh first, whatever the server's or the user's time zone.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` ends in Vietnam; a submission before it is on time."""
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=VIETNAM)


def local_date(moment: datetime.datetime) -> datetime.date:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: deadlines compare aware moments only")
    return moment.astimezone(VIETNAM).date()


def is_on_time(submitted_at: datetime.datetime, due: datetime.date | None) -> bool:
    if due is None:
        return True
    if submitted_at.tzinfo is None:
        raise ValueError("naive datetime: deadlines compare aware moments only")
    return submitted_at < end_of_day(due)


def days_left(due: datetime.date | None, now: datetime.datetime) -> int | None:
    """Whole days from today (in Vietnam) to the due day: 0 on the day itself, negative once past."""
    if due is None:
        return None
    return (due - local_date(now)).days
