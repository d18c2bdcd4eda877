"""What changed between two criteria sets, usually two versions of one code.

Pure Python, like the schema: it compares two validated :class:`CriteriaSet` objects and returns a
list of changes grouped by part of the set (indicators, bands, pass marks, levels, dependencies...).
Items are matched by their code (pass marks by area class), so an indicator that moved to another
criterion shows as changed in its ``criterion`` field, not as removed and added.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from hoctap.criteria.schema import CriteriaSet

ChangeKind = Literal["added", "removed", "changed"]

# In the order a scoring sheet reads; the template shows sections in this order.
SECTIONS = (
    "set",
    "gaps",
    "groups",
    "criteria",
    "indicators",
    "pass_marks",
    "area_rules",
    "bands",
    "levels",
    "dependencies",
    "recognition",
)

# Top-level facts of a set compared one by one. `version` is left out: it always differs between
# versions and the page names both versions already.
_SET_FIELDS = (
    "title",
    "code",
    "name_vi",
    "name_en",
    "issuing_document",
    "issued_on",
    "related_documents",
    "effective_from",
    "effective_to",
    "status",
    "sources",
    "source_urls",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    @property
    def old_text(self) -> str:
        return display(self.old)

    @property
    def new_text(self) -> str:
        return display(self.new)


@dataclass(frozen=True)
class Change:
    """One item added, removed or changed. ``key`` is its code (or area class, or gap text)."""

    section: str
    key: str
    kind: ChangeKind
    fields: tuple[FieldChange, ...] = ()
    # The whole item as data, for added and removed ones (their content is the change).
    old: Mapping[str, Any] | None = None
    new: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "key": self.key,
            "kind": self.kind,
            "fields": [{"field": f.field, "old": f.old_text, "new": f.new_text} for f in self.fields],
        }


@dataclass(frozen=True)
class SetDiff:
    old_code: str
    old_version: int
    new_code: str
    new_version: int
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def section(self, name: str) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.section == name)

    def by_section(self) -> list[tuple[str, tuple[Change, ...]]]:
        """Sections that have changes, in sheet order."""
        return [(name, self.section(name)) for name in SECTIONS if self.section(name)]

    def counts(self) -> dict[str, int]:
        counted = {"added": 0, "removed": 0, "changed": 0}
        for change in self.changes:
            counted[change.kind] += 1
        return counted

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"code": self.old_code, "version": self.old_version},
            "new": {"code": self.new_code, "version": self.new_version},
            "changes": [change.to_dict() for change in self.changes],
        }


def display(value: Any) -> str:
    """A value as short, language-neutral text: numbers without trailing zeros, lists joined."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Mapping):
        if "group" in value:  # a group's wording of an indicator
            return f"{value['group']}: {value.get('text_vi', '')}"
        if "fact" in value:  # a `when` condition
            return " ".join(display(value.get(key)) for key in ("fact", "op", "value") if value.get(key) is not None)
        if "text_vi" in value:
            return str(value["text_vi"])
        return ", ".join(f"{key}={display(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(display(item) for item in value) if value else "—"
    return str(value)


def _compare(old: Mapping[str, Any], new: Mapping[str, Any], names: Iterable[str]) -> tuple[FieldChange, ...]:
    # Decimal compares by value, so 10 and 10.0 are equal; tuples and dicts compare deeply.
    return tuple(FieldChange(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name))


def _keyed(
    section: str,
    old_items: Iterable[Mapping[str, Any]],
    new_items: Iterable[Mapping[str, Any]],
    key: str = "code",
    exclude: frozenset[str] = frozenset(),
) -> list[Change]:
    old_by_key = {str(item[key]): item for item in old_items}
    new_by_key = {str(item[key]): item for item in new_items}
    changes: list[Change] = []
    # New order first (what the reader sees now), then what disappeared, in old order.
    for item_key, new in new_by_key.items():
        old = old_by_key.get(item_key)
        if old is None:
            changes.append(Change(section, item_key, "added", new=new))
            continue
        names = [name for name in {**old, **new} if name != key and name not in exclude]
        fields = _compare(old, new, names)
        if fields:
            changes.append(Change(section, item_key, "changed", fields, old=old, new=new))
    for item_key, old in old_by_key.items():
        if item_key not in new_by_key:
            changes.append(Change(section, item_key, "removed", old=old))
    return changes


def _indicators(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {**indicator, "criterion": criterion["code"]}
        for criterion in data["criteria"]
        for indicator in criterion["indicators"]
    ]


def diff_sets(old: CriteriaSet, new: CriteriaSet) -> SetDiff:
    """Every difference between ``old`` and ``new`` that changes how a sheet is read or scored."""
    a = old.model_dump(mode="python")
    b = new.model_dump(mode="python")
    changes: list[Change] = []

    set_fields = list(_compare(a, b, _SET_FIELDS))
    for name in ("admin_levels", "area_classes"):
        if a["applicability"][name] != b["applicability"][name]:
            set_fields.append(FieldChange(name, a["applicability"][name], b["applicability"][name]))
    if a["scoring"]["method"] != b["scoring"]["method"]:
        set_fields.append(FieldChange("method", a["scoring"]["method"], b["scoring"]["method"]))
    if old.max_total != new.max_total:
        set_fields.append(FieldChange("max_total", old.max_total, new.max_total))
    if set_fields:
        changes.append(Change("set", new.code, "changed", tuple(set_fields)))

    old_gaps = {gap["text_vi"]: gap for gap in a["gaps"]}
    new_gaps = {gap["text_vi"]: gap for gap in b["gaps"]}
    changes += [Change("gaps", text, "added", new=gap) for text, gap in new_gaps.items() if text not in old_gaps]
    changes += [Change("gaps", text, "removed", old=gap) for text, gap in old_gaps.items() if text not in new_gaps]

    changes += _keyed("groups", a["applicability"]["subject_groups"], b["applicability"]["subject_groups"])
    changes += _keyed("criteria", a["criteria"], b["criteria"], exclude=frozenset({"indicators"}))
    changes += _keyed("indicators", _indicators(a), _indicators(b))
    changes += _keyed("pass_marks", a["scoring"]["pass_marks"], b["scoring"]["pass_marks"], key="area_class")
    changes += _keyed("area_rules", a["scoring"]["area_rules"], b["scoring"]["area_rules"], key="designation")
    changes += _keyed("bands", a["scoring"]["bands"], b["scoring"]["bands"])
    changes += _keyed("levels", a["scoring"]["levels"], b["scoring"]["levels"])
    changes += _keyed("dependencies", a["dependencies"], b["dependencies"])

    recognition = _compare(a["recognition"], b["recognition"], a["recognition"].keys())
    if recognition:
        changes.append(Change("recognition", "recognition", "changed", recognition))

    return SetDiff(old.code, old.version, new.code, new.version, tuple(changes))
