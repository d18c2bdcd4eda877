"""The figure sections of a report, and their frozen snapshot.

A report carries named sections of figures: the titles (this app's own table, `figures.py`), and
those the apps to its left provide in a `report_sections.py` module exposing `SECTIONS`
(`hoctap.core.sections`: stats gives citizens, digital and capacity; funds gives funds; members gives
members). Adding a section is writing that module in the app: this app finds it when Django starts
and prints, freezes and compares it like the others. A report type lists the sections it carries
(`schedules.yaml`, `sections:`); a type that lists none carries every section shown by default,
so a new app's section appears in the annual report without touching this app.

The snapshot frozen at submission is versioned:

    version 1 (reports sent before sections existed): {"frozen_at", "table", "outstanding"}
    version 2: {"version": 2, "frozen_at", "figures_year", "table", "sections": {code: data},
                "outstanding"}

`table` stays the titles table in both, so a version-1 report still renders (with its titles only)
and the API's `table` keeps its meaning; `frozen(report)` reads either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hoctap.core.documents import in_official_language
from hoctap.core.sections import Section, one_build, plain
from hoctap.criteria.titles import Title
from hoctap.stats import figures as stats_figures
from hoctap.stats.targets import Targets

from . import figures, managed, reporters

SNAPSHOT_VERSION = 2
TITLES = "titles"
PERIOD = "period"


def _identity(data: dict) -> dict:
    return data


@dataclass(frozen=True)
class ReportSection:
    """A section as a report uses it: how to compute its data for a report (`compute(unit, year,
    report_type)`, JSON-safe), and how to show the data as a table of the common shape
    (`as_table`, the identity for the apps' sections, whose data already has it)."""

    code: str
    label: str
    order: int
    compute: Callable = field(compare=False)
    as_table: Callable[[dict], dict] = field(default=_identity, compare=False)
    by_default: bool = True  # carried by a report type that lists no sections

    @classmethod
    def of(cls, section: Section) -> ReportSection:
        return cls(
            section.code, section.label, section.order, lambda unit, year, report_type: section.compute(unit, year)
        )


# -- the titles: this app's own table -------------------------------------------------------------


def titles_as_table(table: dict) -> dict:
    """`figures.table` in the common shape: per title its four metrics under one heading."""
    columns = [
        {
            "code": f"{t['code']}.{metric}",
            "label": label,
            "kind": "percent" if metric in ("rate", "target") else "count",
            "group": t["label"],
        }
        for t in table["titles"]
        for metric, label in figures.METRIC_LABELS.items()
    ]

    def values(cells):
        return {
            f"{code}.{metric}": cells.get(code, {}).get(metric)
            for code in (t["code"] for t in table["titles"])
            for metric in figures.METRICS
        }

    return {
        "columns": columns,
        "rows": [
            {"key": str(row["unit_id"]), "name": row["name"], "values": values(row["cells"])} for row in table["rows"]
        ],
        "total": {"values": values(table["total"]["cells"])},
        "notes": [],
    }


# -- the period of a review: each year's rates against the period's targets ------------------------


def _period_years(report_type, year: int) -> list[int]:
    first, last = report_type.period_first or year, report_type.period_last or year
    return list(range(first, last + 1))


def period_table(unit, year: int, report_type) -> dict:
    """One row per year of the reviewed period (2021–2025), each title's recognition rate; the
    closing row is the target of the period's last year."""
    years = _period_years(report_type, year)
    data = stats_figures.figures(unit, years)
    applied = Targets([unit])
    targets = {code: applied.applied(unit, code, years[-1]) for code in Title.values}
    return {
        "columns": [
            {"code": code, "label": str(label), "kind": "percent", "group": ""} for code, label in Title.choices
        ],
        "rows": [
            {
                "key": str(each),
                "name": str(each),
                "values": {code: plain(data.value(code, each).rate, "percent") for code in Title.values},
            }
            for each in years
        ],
        "total": {"values": {code: plain(t.value if t else None, "percent") for code, t in targets.items()}},
        "total_label": str(pgettext_lazy("report row", "Chỉ tiêu năm %(year)s") % {"year": years[-1]}),
        "notes": [str(_("Tỷ lệ công nhận (%) từng năm của giai đoạn, tính trên bản đồ hành chính hiện hành."))],
    }


def titles_table(unit, year: int, report_type) -> dict:
    """The titles table: the unit's child units, or for a report another body sends, the learning
    units it manages (`managed.py`)."""
    reporter = reporters.of(report_type)
    return managed.table(unit, year, reporter) if reporter else figures.table(unit, year)


OWN = [
    ReportSection(
        TITLES,
        _("Kết quả công nhận các danh hiệu"),
        10,
        titles_table,
        titles_as_table,
    ),
    ReportSection(PERIOD, _("Kết quả qua các năm của giai đoạn"), 15, period_table, by_default=False),
]

_REGISTRY: dict[str, ReportSection] | None = None


def registry() -> dict[str, ReportSection]:
    """Every section: this app's, then each installed app's `report_sections.SECTIONS`, by order."""
    global _REGISTRY
    if _REGISTRY is None:
        found = {section.code: section for section in OWN}
        for config in apps.get_app_configs():
            if config.name == "hoctap.reports" or not module_has_submodule(config.module, "report_sections"):
                continue
            for section in import_module(f"{config.name}.report_sections").SECTIONS:
                if section.code in found:
                    raise ValueError(f"two report sections are named {section.code!r}")
                found[section.code] = ReportSection.of(section)
        _REGISTRY = dict(sorted(found.items(), key=lambda item: (item[1].order, item[0])))
    return _REGISTRY


def for_type(report_type) -> list[ReportSection]:
    known = registry()
    if report_type.sections:
        return [known[code] for code in known if code in report_type.sections]
    return [section for section in known.values() if section.by_default]


# -- live and frozen ------------------------------------------------------------------------------


def figures_year(report) -> int:
    """The year a report's figures are of: its own, or the last year of the period it reviews."""
    return report.report_type.period_last or report.year


def live(report) -> dict[str, dict]:
    """Every section of the report as the apps count it now; one build, so a figure several
    sections stand on is computed once (`core.sections.shared`)."""
    year = figures_year(report)
    with one_build():
        return {
            section.code: section.compute(report.unit, year, report.report_type)
            for section in for_type(report.report_type)
        }


@in_official_language  # the labels frozen are the paper's, whatever the sender reads
def snapshot(report, now, outstanding: list[dict]) -> dict:
    """What submission freezes: every section's data exactly as computed now."""
    with one_build():
        data = live(report)
        table = data.pop(TITLES, None) or titles_table(report.unit, figures_year(report), report.report_type)
    return {
        "version": SNAPSHOT_VERSION,
        "frozen_at": now.isoformat(),
        "figures_year": figures_year(report),
        "table": table,
        "sections": data,
        "outstanding": outstanding,
    }


def frozen(report) -> dict[str, dict] | None:
    """The sections a sent report froze, whatever the snapshot's version (None for a draft)."""
    if not report.snapshot:
        return None
    return {TITLES: report.snapshot["table"], **report.snapshot.get("sections", {})}


def current(report) -> dict[str, dict]:
    return frozen(report) or live(report)


@dataclass
class Shown:
    """A section ready for a template: its label and its data in the common table shape."""

    code: str
    label: str
    table: dict

    @property
    def groups(self) -> list[tuple[str, int, bool]]:
        """The first header row: (heading, span, is a group); a column in no group is its own
        heading spanning both rows."""
        out: list[tuple[str, int, bool]] = []
        for column in self.table["columns"]:
            if column["group"] and out and out[-1][2] and out[-1][0] == column["group"]:
                out[-1] = (out[-1][0], out[-1][1] + 1, True)
            elif column["group"]:
                out.append((column["group"], 1, True))
            else:
                out.append((column["label"], 1, False))
        return out

    @property
    def grouped(self) -> bool:
        return any(column["group"] for column in self.table["columns"])

    def cells(self, values: dict) -> list:
        """The raw values in column order (numbers for a spreadsheet)."""
        return [values.get(column["code"]) for column in self.table["columns"]]

    def printed(self, values: dict) -> list[str]:
        """The values as printed: 1.234; 55,0; 1.250.000 đ; "–" for unknown."""
        return [show(values.get(column["code"]), column["kind"]) for column in self.table["columns"]]

    @property
    def body(self) -> list[tuple[str, list[str]]]:
        return [(row["name"], self.printed(row["values"])) for row in self.table["rows"]]

    @property
    def total(self) -> list[str]:
        return self.printed(self.table["total"]["values"])

    @property
    def notes(self) -> list[str]:
        return self.table.get("notes") or []

    @property
    def total_label(self) -> str:
        return self.table.get("total_label") or str(pgettext_lazy("report row", "Tổng cộng"))


def show(value, kind: str) -> str:
    if value is None or value == "":
        return "–"
    if kind == "text":
        return str(value)
    if kind == "percent" or isinstance(value, str):
        return format(Decimal(str(value)), "f").replace(".", ",")
    text = f"{int(value):,}".replace(",", ".")
    return f"{text} đ" if kind == "money" else text


def shown(report, data: dict[str, dict] | None = None) -> list[Shown]:
    """The report's sections in order (frozen once sent), for pages, PDF and xlsx. A frozen section
    whose app is gone is still shown from its stored table."""
    data = data if data is not None else current(report)
    known = registry()
    out = []
    for code in sorted(data, key=lambda c: (known[c].order if c in known else 999, c)):
        section = known.get(code)
        table = section.as_table(data[code]) if section else data[code]
        out.append(Shown(code, str(section.label) if section else code, table))
    return out


# -- comparing -----------------------------------------------------------------------------------


def _delta(old, new):
    if old is None or new is None:
        return None
    if isinstance(old, int) and isinstance(new, int):
        return new - old
    try:
        return format(Decimal(str(new)) - Decimal(str(old)), "f")
    except ArithmeticError:
        return None


def compare(before: dict[str, dict], after: dict[str, dict]) -> list[dict]:
    """Every figure that differs between the frozen sections and the live ones. The titles keep
    their own comparison (`figures.compare`, unchanged for the API); the other sections are compared
    cell by cell, rows by key, a row present on one side only against empty cells."""
    out = []
    if TITLES in before and TITLES in after:
        out += [{**d, "section": TITLES} for d in figures.compare(before[TITLES], after[TITLES])]
    known = registry()
    for code in before:
        if code == TITLES or code not in after:
            continue
        section = known.get(code)
        label = str(section.label) if section else code
        old, new = (section.as_table if section else _identity)(before[code]), after[code]
        if section:
            new = section.as_table(new)
        columns = {c["code"]: c for c in old["columns"] + new["columns"]}

        def keyed(table):
            rows = {row["key"]: row for row in table["rows"]}
            rows[None] = {
                "key": None,
                "name": table.get("total_label") or "Tổng cộng",
                "values": table["total"]["values"],
            }
            return rows

        a, b = keyed(old), keyed(new)
        for key in dict.fromkeys([*a, *b]):
            name = (a.get(key) or b.get(key))["name"]
            for column_code, column in columns.items():
                frozen_value = a.get(key, {"values": {}})["values"].get(column_code)
                live_value = b.get(key, {"values": {}})["values"].get(column_code)
                if frozen_value != live_value:
                    out.append(
                        {
                            "section": code,
                            "unit_id": int(key) if key and key.isdigit() and code != PERIOD else None,
                            "unit_name": name,
                            "title": code,
                            "title_label": column["group"] or label,
                            "metric": column_code,
                            "metric_label": column["label"],
                            "frozen": frozen_value,
                            "live": live_value,
                            "delta": _delta(frozen_value, live_value),
                        }
                    )
    return out
