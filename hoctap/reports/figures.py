"""The statistical table of a report, shaped from the statistics app's figures.

The statistics app owns every count and roll-up; this module only arranges its figures into the
layout of a report (the unit's child units in rows, titles in columns, a total row) and compares a
frozen table with a live one. Tables are plain JSON-safe dicts so they can be frozen as they are:

    {"unit_id", "unit_name", "year",
     "titles": [{"code", "label"}],
     "rows": [{"unit_id", "code", "name", "cells": {title: {"registered", "recognised", "rate", "target"}}}],
     "total": {"cells": {...}}}

Counts are integers; rates and targets are decimal strings ("55.0"), so nothing is lost to floats.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hoctap.criteria.titles import Title
from hoctap.stats.report_sections import roll_up
from hoctap.territory.models import Unit

METRICS = ("registered", "recognised", "rate", "target")
METRIC_LABELS = {"registered": "Đăng ký", "recognised": "Được công nhận", "rate": "Tỷ lệ (%)", "target": "Chỉ tiêu (%)"}


def _text(value) -> str | None:
    if value is None:
        return None
    return format(Decimal(value).quantize(Decimal("0.1")), "f")


def _number(value: Fraction | int | None):
    """Counts are whole on the current map; a shared (approximate) count keeps one decimal."""
    if value is None:
        return None
    value = Fraction(value)
    return int(value) if value.denominator == 1 else _text(Decimal(value.numerator) / Decimal(value.denominator))


def _percent(value: Fraction | None) -> str | None:
    if value is None:
        return None
    return _text(Decimal(value.numerator) / Decimal(value.denominator))


def _cells(data, year: int, child: Unit | None, targets: dict[str, str | None]) -> dict:
    cells = {}
    for title in Title.values:
        value = data.value(title, year, child)
        counts = data.title_counts(title, year, child)
        cells[title] = {
            "registered": _number(counts.registered),
            "recognised": _number(value.numerator),
            "rate": _percent(value.rate),
            "target": targets.get(title),
        }
    return cells


def table(unit: Unit, year: int) -> dict:
    """The unit's table for `year` on the current map: one row per child unit, and the total.
    Targets are those the statistics app applies to each unit (its own, inherited, or national)."""
    data, applied = roll_up(unit, year)

    def targets_of(member: Unit) -> dict[str, str | None]:
        found = {title: applied.applied(member, title, year) for title in Title.values}
        return {title: _text(target.value) if target else None for title, target in found.items()}

    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "year": year,
        "titles": [{"code": code, "label": str(label)} for code, label in Title.choices],
        "rows": [
            {
                "unit_id": child.pk,
                "code": child.code,
                "name": child.name,
                "cells": _cells(data, year, child, targets_of(child)),
            }
            for child in data.children
        ],
        "total": {"cells": _cells(data, year, None, targets_of(unit))},
    }


def _delta(frozen, live):
    if frozen is None or live is None:
        return None
    if isinstance(frozen, int) and isinstance(live, int):
        return live - frozen
    return _text(Decimal(live) - Decimal(frozen))


def compare(frozen: dict, live: dict) -> list[dict]:
    """Every (unit, title, metric) whose live value differs from the frozen one, in table order;
    units present on only one side are compared against empty cells."""
    labels = {t["code"]: t["label"] for t in frozen["titles"] + live["titles"]}
    codes = list(dict.fromkeys([t["code"] for t in frozen["titles"]] + [t["code"] for t in live["titles"]]))

    def keyed(t):
        rows = {row["unit_id"]: row for row in t["rows"]}
        rows[None] = {"unit_id": None, "name": "Tổng cộng", "cells": t["total"]["cells"]}
        return rows

    before, after = keyed(frozen), keyed(live)
    differences = []
    for unit_id in list(dict.fromkeys(list(before) + list(after))):
        name = (before.get(unit_id) or after.get(unit_id))["name"]
        for code in codes:
            old = before.get(unit_id, {"cells": {}})["cells"].get(code, {})
            new = after.get(unit_id, {"cells": {}})["cells"].get(code, {})
            for metric in METRICS:
                if old.get(metric) != new.get(metric):
                    differences.append(
                        {
                            "unit_id": unit_id,
                            "unit_name": name,
                            "title": code,
                            "title_label": labels.get(code) or Title(code).label,
                            "metric": metric,
                            "metric_label": METRIC_LABELS[metric],
                            "frozen": old.get(metric),
                            "live": new.get(metric),
                            "delta": _delta(old.get(metric), new.get(metric)),
                        }
                    )
    return differences
