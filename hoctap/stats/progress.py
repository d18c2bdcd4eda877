"""Actual against target: status and the year a target will be reached at the current pace.

Pure functions on exact fractions (no float rounding decides a status or a year):

* `trend(points)` — the least-squares line through (year, rate) points; None with fewer than two
  distinct years.
* `projected_year(points, target)` — the first whole year in which the trend line reaches the
  target; None when the trend is flat or falling (the target is never reached at this pace).
* `status(actual, target, projected, deadline)` — met / on track / behind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    MET = "met", _("Đạt")
    ON_TRACK = "on_track", _("Đúng tiến độ")
    BEHIND = "behind", _("Chậm")


# A text symbol for each status, so colour is never the only signal.
SYMBOLS = {Status.MET: "✓", Status.ON_TRACK: "↗", Status.BEHIND: "✗", None: "–"}


def _fraction(value) -> Fraction:
    return (
        value if isinstance(value, Fraction) else Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    )


@dataclass(frozen=True)
class Trend:
    slope: Fraction  # rate points per year
    intercept: Fraction

    def at(self, year: int) -> Fraction:
        return self.intercept + self.slope * year


def trend(points: Iterable[tuple[int, object]]) -> Trend | None:
    pts = [(int(year), _fraction(value)) for year, value in points if value is not None]
    years = {year for year, _ in pts}
    if len(years) < 2:
        return None
    n = len(pts)
    sx = sum(year for year, _ in pts)
    sy = sum(value for _, value in pts)
    sxx = sum(year * year for year, _ in pts)
    sxy = sum(year * value for year, value in pts)
    slope = Fraction(n * sxy - sx * sy, n * sxx - sx * sx)
    intercept = (sy - slope * sx) / n
    return Trend(slope, intercept)


def projected_year(points, target) -> int | None:
    """The first whole year in which the trend reaches `target` (None: flat, falling, too little
    data). A target already reached by the trend gives a year in the past: the line crossed it then."""
    if target is None:
        return None
    line = trend(points)
    if line is None or line.slope <= 0:
        return None
    crossing = (_fraction(target) - line.intercept) / line.slope
    return math.ceil(crossing)


def status(actual, target, projected: int | None, deadline: int | None) -> str | None:
    if actual is None or target is None:
        return None
    if _fraction(actual) >= _fraction(target):
        return Status.MET
    if projected is not None and deadline is not None and projected <= deadline:
        return Status.ON_TRACK
    return Status.BEHIND
