"""The demo's years, relative to today, so `make run` never goes stale: the current year (in every
state of the cycle) and the two before it (complete). Every demo step takes its years from here."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hoctap.core.limits import current_year


def demo_years() -> tuple[int, int, int]:
    """(two years ago, last year, this year)."""
    year = current_year()
    return year - 2, year - 1, year


def not_after_today(day: datetime.date) -> datetime.date:
    """A demo date in the current year that has not come yet is moved to today."""
    return min(day, timezone.localdate())


def communes_without(context, model) -> list[tuple[int, object]]:
    """The demo communes (with their place in the demo's list) that hold no `model` record yet: a step
    fills those only, so a second run of the demo adds nothing."""
    return [
        (index, commune)
        for index, commune in enumerate(context["communes"])
        if not model.objects.filter(commune=commune).exists()
    ]
