"""The learning-citizen indicators cut by ethnic group (issue 11 §5), for a unit of the current map
and a year: working-age adults of the registry, recognised learning citizens holding the title that
year, those with digital skills (the one rule, `digital.py`) and those proficient, per group of the
General Statistics Office's list, "not recorded" as its own row.

Ethnicity is sensitive personal data: a cell of 1 to 4 people is shown as "<5" and any share
computed from it as "—"; when a column would have only one hidden cell, the next smallest is
hidden too, so the hidden one cannot be found back by subtracting from the total. Nothing below the
group is ever shown (no names, no villages).

A fixed number of queries whatever the size of the unit: the adults by group, the citizens by group
and registry skill, then the citizens whom only their scores show to have digital skills (one query
per criteria-set version in use).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count

from hoctap.registry.ethnicity import NOT_RECORDED, ethnic_groups, ethnicity_name
from hoctap.registry.models import WORKING_AGE_MAX, WORKING_AGE_MIN, DigitalSkill, Person
from hoctap.territory.models import Unit

from . import digital

SMALL_CELL = 5  # fewer people than this are not shown
HIDDEN = "<5"
NOT_SHOWN = "—"
COLUMNS = ("adults", "citizens", "digital", "proficient")
# share name → (numerator column, denominator column)
SHARES = {
    "citizens_share": ("citizens", "adults"),
    "digital_share": ("digital", "citizens"),
    "proficient_share": ("proficient", "digital"),
}


@dataclass
class Row:
    code: str  # the 2008 code, "" for not recorded
    label: str
    counts: dict[str, int]
    hidden: set[str] = field(default_factory=set)

    def shown(self, column: str) -> int | None:
        return None if column in self.hidden else self.counts[column]

    def display(self, column: str) -> str:
        return HIDDEN if column in self.hidden else f"{self.counts[column]:,}".replace(",", ".")

    def share(self, name: str) -> Fraction | None:
        top, bottom = SHARES[name]
        if top in self.hidden or bottom in self.hidden or not self.counts[bottom]:
            return None
        return Fraction(self.counts[top], self.counts[bottom])

    def share_display(self, name: str) -> str:
        share = self.share(name)
        if share is None:
            return NOT_SHOWN
        return f"{float(share) * 100:.1f}".replace(".", ",") + " %"

    @property
    def cells(self) -> list[tuple[str, str]]:
        """(display, share display) in the table's column order, for templates and spreadsheets."""
        return [
            (self.display("adults"), ""),
            (self.display("citizens"), self.share_display("citizens_share")),
            (self.display("digital"), self.share_display("digital_share")),
            (self.display("proficient"), self.share_display("proficient_share")),
        ]


@dataclass
class Cut:
    unit: Unit
    year: int
    rows: list[Row]
    total: Row

    @property
    def any_hidden(self) -> bool:
        return any(row.hidden for row in self.rows)


def _counts(unit: Unit, year: int) -> dict[str, Counter]:
    counts = {column: Counter() for column in COLUMNS}
    under = {"unit__path__startswith": unit.path}
    adults = (
        Person.objects.filter(
            household__isnull=False,
            birth_year__gte=year - WORKING_AGE_MAX,
            birth_year__lte=year - WORKING_AGE_MIN,
            **under,
        )
        .values_list("ethnicity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for code, n in adults:
        counts["adults"][code or NOT_RECORDED] += n
    holding = digital.holding_in(year).filter(person__unit__path__startswith=unit.path)
    citizens = (
        holding.values_list("person__ethnicity", "person__digital_skill")
        .annotate(n=Count("person", distinct=True))
        .order_by()
    )
    for code, skill, n in citizens:
        code = code or NOT_RECORDED
        counts["citizens"][code] += n
        if digital.registry_says(skill):
            counts["digital"][code] += n
        if skill == DigitalSkill.PROFICIENT:
            counts["proficient"][code] += n
    shown_by_scores = dict(
        digital.shown_by_assessments(
            holding.exclude(person__digital_skill__in=digital.REGISTRY_DIGITAL),
            fields=("person_id", "person__ethnicity"),
        )
    )
    for code in shown_by_scores.values():
        counts["digital"][code or NOT_RECORDED] += 1
    return counts


def _suppress(rows: list[Row]) -> None:
    for row in rows:
        row.hidden = {column for column in COLUMNS if 0 < row.counts[column] < SMALL_CELL}
    for column in COLUMNS:
        hidden = [row for row in rows if column in row.hidden]
        if len(hidden) == 1:
            # One hidden cell is the total minus the others: hide the next smallest as well.
            others = sorted(
                (row for row in rows if column not in row.hidden and row.counts[column]),
                key=lambda row: row.counts[column],
            )
            if others:
                others[0].hidden.add(column)


def cut(unit: Unit, year: int) -> Cut:
    counts = _counts(unit, year)
    present = {code for column in COLUMNS for code, n in counts[column].items() if n}
    order = [group["code"] for group in ethnic_groups()]
    codes = [code for code in order if code in present]
    codes += sorted(present - set(order) - {NOT_RECORDED})  # an unknown code still counts, by its code
    if NOT_RECORDED in present:
        codes.append(NOT_RECORDED)
    rows = [
        Row(
            code,
            ethnicity_name(code) if code in order or code == NOT_RECORDED else code,
            {column: counts[column][code] for column in COLUMNS},
        )
        for code in codes
    ]
    _suppress(rows)
    total = Row("*", "", {column: sum(counts[column].values()) for column in COLUMNS})
    total.hidden = {column for column in COLUMNS if 0 < total.counts[column] < SMALL_CELL}
    return Cut(unit, year, rows, total)
