"""Figures rolled up the territory hierarchy, with their coverage: described once for every app that
counts what units recorded (funds, members, learning).

A unit's figures are its total and one line per child (provinces of the nation, communes of a
province, and for some figures villages of a commune), summed from rows read in a few grouped
queries. Each app says only what differs: its numbers (a `Totals` subclass), its queries, and which
children it lists. It lives here, with the units it is about, because every app that rolls figures
up sits to the right of territory (core stays free of the domain; stats is to the right of the apps).

Honest coverage (issue 14 §4). Figures that communes *declare* are known only for the communes that
declared: a `Share` carries how many communes it covers out of how many there are
("3/104 xã đã báo cáo"), and with no commune reporting its rate is unknown (None, shown "–"), never
0 % or 100 %.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from fractions import Fraction
from typing import Self

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hoctap.core.sections import Column, Section, SectionFigures

from .models import Level, Unit, child_under


def percent(numerator, denominator) -> Fraction | None:
    """numerator / denominator as a percentage; None when the denominator is unknown or zero."""
    if not denominator:
        return None
    return Fraction(numerator or 0) * 100 / Fraction(denominator)


def grouped(value) -> str:
    """1240 → "1.240" in Vietnamese, "1,240" in English."""
    return number_format(int(value), force_grouping=True)


@dataclass(frozen=True)
class Share:
    """A share with the communes it covers: `covered` of `expected` communes reported."""

    numerator: int
    denominator: int
    covered: int
    expected: int

    @property
    def rate(self) -> Fraction | None:
        # Nothing reported: unknown, whatever the arithmetic would say.
        return percent(self.numerator, self.denominator) if self.covered else None

    @property
    def coverage(self) -> str:
        return _("%(covered)s/%(expected)s xã đã báo cáo") % {
            "covered": grouped(self.covered),
            "expected": grouped(self.expected),
        }


@dataclass
class Totals:
    """Whole numbers that add up the hierarchy. A subclass declares them as `int = 0` fields, in the
    order they are shown; anything else it keeps (counts by topic) it adds by extending `add`."""

    @classmethod
    def numbers(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if type(f.default) is int)

    def add(self, other: Self) -> None:
        for name in self.numbers():
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def minus(self, other: Self) -> Self:
        """What is left of these numbers without `other`'s (a commune's own branches, without its
        villages')."""
        return type(self)(**{name: getattr(self, name) - getattr(other, name) for name in self.numbers()})

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.numbers()}


@dataclass
class Rollup[T: Totals]:
    """A unit's figures for a year: its total, and a line per child in the map's order."""

    unit: Unit
    year: int
    total: T
    children: list[tuple[Unit, T]] = field(default_factory=list)

    def section(self, line: Callable[[T], dict] | None = None, notes: Sequence[str] = ()) -> SectionFigures:
        """The figures as a periodic report's section reads them: each of the total and the
        children's lines as `line` gives it (by default every number by name)."""
        line = line or type(self.total).as_dict
        return SectionFigures(line(self.total), [(child, line(totals)) for child, totals in self.children], notes)

    def visible_children(self, scope) -> set[int]:
        """The children this user may open (the others are shown by name only)."""
        ids = [child.pk for child, _line in self.children]
        return set(scope.filter(Unit.objects.filter(pk__in=ids)).values_list("pk", flat=True))


class Gathering[T: Totals]:
    """The lines of a rollup while its rows are read: the unit's total and one line per child."""

    def __init__(self, unit: Unit, totals: Callable[..., T]):
        self.unit, self.totals = unit, totals
        self.total = totals()
        self.lines: dict[int, T] = defaultdict(totals)
        self._depth = unit.depth

    def spread(self, path: str, **numbers) -> None:
        """A row of the unit at `path`: into the total, and into the line of the child it sits under
        (a row on the unit itself, such as a commune's own fund, is in the total only)."""
        line = self.totals(**numbers)
        self.total.add(line)
        child = child_under(path, self._depth)
        if child is not None:
            self.lines[child].add(line)

    def total_of_lines(self) -> None:
        """The total as the sum of the lines, for rows grouped by child in the database."""
        self.total = self.totals()
        for line in self.lines.values():
            self.total.add(line)

    def children(self, *, villages: bool) -> list[tuple[Unit, T]]:
        """Each child of the unit on its map with its line (zero where no row fell under it);
        villages are listed only for figures kept per village."""
        lowest = Level.VILLAGE if villages else Level.COMMUNE
        if self.unit.level == lowest:
            return []
        children = self.unit.children.filter(era=self.unit.era)
        if not villages:
            children = children.exclude(level=Level.VILLAGE)
        return [(child, self.lines.get(child.pk) or self.totals()) for child in children.in_order()]

    def rollup(self, year: int, *, villages: bool = False) -> Rollup[T]:
        return Rollup(self.unit, year, self.total, self.children(villages=villages))


def rollup_section[R: Rollup](
    code: str,
    label: str,
    order: int,
    columns: Sequence[Column],
    figures: Callable[[Unit, int], R],
    *,
    line: Callable | None = None,
    notes: Callable[[R], Sequence[str]] | None = None,
) -> Section:
    """A periodic report's section (`hoctap.core.sections`) drawn from an app's roll-up:
    `figures(unit, year)` rolls the figures up, `Rollup.section` reads them (with `line`, by
    default every number by name), and `notes` says what to print under them (coverage)."""

    def compute(unit: Unit, year: int) -> SectionFigures:
        rollup = figures(unit, year)
        return rollup.section(line, notes(rollup) if notes else ())

    return Section(code, label, order, columns, compute)
