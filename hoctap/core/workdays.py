"""Working days in Vietnam: Monday to Friday, less the public holidays.

Fixed solar holidays (Bộ luật Lao động 2019, Điều 112) are known for every year; Tết and the Hùng Kings'
day follow the lunar calendar and days off move each year, so they are data: `data/public_holidays_vn.txt`
(one date a line, added each year from the Bộ Nội vụ's notice). A date past the file's last year
counts only weekends and the solar holidays, so a deadline then can only come early, never late.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path

HOLIDAY_FILE = Path(__file__).parent / "data" / "public_holidays_vn.txt"
SOLAR_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))  # (month, day)


@cache
def listed_holidays() -> frozenset[datetime.date]:
    days = set()
    for line in HOLIDAY_FILE.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            days.add(datetime.date.fromisoformat(text))
    return frozenset(days)


def is_holiday(day: datetime.date) -> bool:
    return (day.month, day.day) in SOLAR_HOLIDAYS or day in listed_holidays()


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (the day of receipt itself does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
