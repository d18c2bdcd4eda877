"""Figure sections of a report: the shape an app gives its figures so the reports app can print,
freeze and compare them without knowing the app.

An app that has figures for the periodic reports writes a module `report_sections.py` exposing
`SECTIONS`, a list of `Section`; the reports app finds every installed app's module (nothing in
the app imports the reports app, so the data flow stays one way). A section is a table: the unit's
child units in rows, the app's figures in columns, and the total:

    from hoctap.core.sections import Column, Section, SectionFigures

    def _figures(unit, year):
        data = services.figures(unit, year)            # the app's own roll-up
        return SectionFigures(data.total.as_dict(), [(child, t.as_dict()) for child, t in data.children])

    SECTIONS = [Section("funds", _("Quỹ khuyến học"), 50, [
        Column("mobilised", _("Huy động (đồng)"), "money"), ...], _figures)]

`Section.compute(unit, year)` turns the figures into plain JSON (what a report freezes):

    {"columns": [{"code", "label", "kind", "group"}],
     "rows": [{"key", "name", "values": {column: value}}],
     "total": {"values": {...}}, "notes": [text]}

Values are ints (counts, whole đồng), decimal strings with one decimal for percentages ("55.0"),
or None when the figure is unknown ("–" on paper, never 0): nothing is lost to floats and a frozen
section reads back exactly as it was computed.

Several sections stand on the same underlying figures (the titles, citizens, digital and capacity
sections all read the statistics roll-up and the targets of the same unit and year). A report is
built inside `one_build()`, and an app fetches such a figure through `shared(key, compute)`: within
one build it is computed once and handed to every section that asks; outside a build (a dashboard,
a test calling one section) `shared` simply computes it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

KINDS = ("count", "money", "percent", "text")

# The figures computed so far in the current build (None outside one). A context variable, so two
# requests or tasks building reports at once never share a build.
_BUILD: ContextVar[dict | None] = ContextVar("report_build", default=None)


@contextmanager
def one_build() -> Iterator[None]:
    """Within it, each figure fetched through `shared` is computed once. Nested builds join the
    outer one; the figures are dropped when the outermost ends (the next build reads fresh data)."""
    if _BUILD.get() is not None:
        yield
        return
    token = _BUILD.set({})
    try:
        yield
    finally:
        _BUILD.reset(token)


def shared(key: Hashable, compute: Callable[[], object]):
    """The figure named `key` (e.g. ("stats.figures", unit id, year)), computed by `compute` once
    per build. The figure must be read-only for those who share it."""
    figures = _BUILD.get()
    if figures is None:
        return compute()
    if key not in figures:
        figures[key] = compute()
    return figures[key]


@dataclass(frozen=True)
class Column:
    code: str
    label: str  # a lazy translation: the reports print it in Vietnamese whatever the reader's language
    kind: str = "count"
    group: str = ""  # a heading over several columns (an indicator's count, rate and target)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"column kind {self.kind!r} is not one of {KINDS}")


@dataclass
class SectionFigures:
    """What an app's figures function returns: the total, one line per child unit, and notes
    (coverage such as "3/104 xã đã báo cáo")."""

    total: dict
    children: Sequence[tuple] = ()  # (Unit, dict) in the order to print
    notes: Sequence[str] = ()


@dataclass(frozen=True)
class Section:
    code: str
    label: str
    order: int
    columns: Sequence[Column]
    figures: Callable[..., SectionFigures] = field(compare=False)  # (unit, year) -> SectionFigures

    def compute(self, unit, year: int) -> dict:
        found = self.figures(unit, year)
        return {
            "columns": [
                {"code": c.code, "label": str(c.label), "kind": c.kind, "group": str(c.group)} for c in self.columns
            ],
            "rows": [
                {"key": str(child.pk), "name": child.name, "values": self._values(values)}
                for child, values in found.children
            ],
            "total": {"values": self._values(found.total)},
            "notes": [str(note) for note in found.notes],
        }

    def _values(self, values: dict) -> dict:
        return {c.code: plain(values.get(c.code), c.kind) for c in self.columns}


def plain(value, kind: str = "count"):
    """A figure as JSON: ints stay ints, fractions and decimals become "55.0"."""
    if value is None:
        return None
    if kind == "text":
        return str(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Fraction):
        if kind != "percent" and value.denominator == 1:
            return int(value)
        value = Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, (Decimal, float)) or kind == "percent":
        return format(Decimal(str(value)).quantize(Decimal("0.1")), "f")
    return int(value)
