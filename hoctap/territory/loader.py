"""Load the administrative map of both eras, and the lineage between them, from `vietnam-provinces`.

The package is read here and only here, at load time (`manage.py load_territories`); requests read
the `Unit` table. The load is idempotent: units are matched on their natural key (era, level, code),
names that changed are updated, and a second run changes nothing. Everything runs in one
transaction with bulk inserts and updates, so the ~14,200 units and ~10,800 lineage rows load in
seconds on SQLite as on PostgreSQL.

Known glitches of the package (vietnam-provinces 2026.9.0) that are corrected while loading; each
correction is reported in `LoadResult.notes`:

* every name is normalised to NFC with single spaces (the package's are NFC today; nothing
  guarantees it), and one apostrophe: its JSON writes "Ea H’Leo" where its Python objects write
  "Ea H'Leo"; ' everywhere;
* one current commune is "xã Bắc Sơn" (lowercase prefix), two legacy districts are
  "Thành Phố …", seven legacy communes have a lowercase syllable ("Xã Mường é"): the division
  prefix is rewritten from the division type and every syllable starts with a capital;
* the package's Python objects mark 9 current provinces as centrally-run cities (Quảng Ninh,
  Bắc Ninh, Đồng Nai too, named "Thành phố …") while the law and the package's own JSON have 6:
  `CURRENT_CENTRALLY_RUN` decides, and names are rebuilt from it ("Tỉnh Quảng Ninh");
* the ward conversion table labels two old communes with the wrong old province (27691 Phường 4
  of Tân An is in Long An, not Tiền Giang; 30781 Tiên Hải is in Kiên Giang, not An Giang), which is
  why its province table says Tiền Giang went partly to Tây Ninh. Province lineage is therefore
  derived from the commune lineage, using the province each old commune really belongs to;
* the legacy commune list and the conversion table were not taken on the same day: 28 legacy
  communes are absent from the conversion table and 10 old codes of the table are absent from the
  legacy list. See `_reconcile_unmapped` for how the 28 get successors.
"""

from __future__ import annotations

import datetime
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.db.models import Count, Value
from django.db.models.functions import Replace

from hoctap.core.text import fold, normalise, sort_key

from .models import LAST_LEGACY_DAY, REFORM_DATE, Era, Level, Unit, UnitLineage

# ---------------------------------------------------------------------------------------------
# Official figures. `territory_check` compares the loaded map with these and fails on any
# difference; they are deliberately NOT computed from the package.
#
# Current map (from 01/07/2025):
#   - 34 provinces, of which 6 centrally-run cities: Nghị quyết 202/2025/QH15 of 12/06/2025 on the
#     reorganisation of provincial units (domain/criteria.md, sources S66, S67).
#   - 3,321 commune-level units: the 34 resolutions of the UBTVQH on the communes of each province
#     (S66, S67); breakdown 2,621 xã + 687 phường + 13 đặc khu per the Bộ Nội vụ figures (S70).
#     (The earlier plan NQ 125 and 126/NQ-CP had 2,636 / 672 / 13, S69: superseded.)
#   - 5 special zones formed from island districts that had no commune level (Bạch Long Vĩ,
#     Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo), hence no source commune.
# Legacy map (until 30/06/2025):
#   - 63 provinces and 696 district-level units at 30/06/2025 (the figures the reform started
#     from, S66).
#   - 10,051 communes: the figure of the brief, and the size of the package's legacy list.
#     CAUTION: the count announced by the Bộ Nội vụ for 30/06/2025 is 10,035 ("giảm 6.714 ĐVHC
#     cấp xã, 66,91%", 10,035 - 6,714 = 3,321). The package's legacy list is an earlier snapshot
#     that still holds communes merged in the first half of 2025 (see `_reconcile_unmapped`).
#     Keep 10,051 while the legacy map is the package's list; change it if the list is replaced.
# ---------------------------------------------------------------------------------------------
FIGURES = {
    Era.CURRENT: {
        Level.NATION: 1,
        Level.PROVINCE: {"tỉnh": 28, "thành phố trung ương": 6},
        Level.DISTRICT: 0,
        Level.COMMUNE: {"xã": 2621, "phường": 687, "đặc khu": 13},
    },
    Era.LEGACY: {
        Level.PROVINCE: 63,
        Level.DISTRICT: 696,
        Level.COMMUNE: 10_051,
    },
    "centrally_run": {Era.CURRENT: 6},
    "has_no_source": 5,
}
OFFICIAL_LEGACY_COMMUNES_30_06_2025 = 10_035  # Bộ Nội vụ; printed by territory_check for reference


def figure_total(era, level) -> int:
    value = FIGURES[era].get(level, 0)
    return sum(value.values()) if isinstance(value, dict) else value


# The six centrally-run cities since 01/07/2025 (NQ 202/2025/QH15): Hà Nội, Hải Phòng, Huế,
# Đà Nẵng, Hồ Chí Minh, Cần Thơ.
CURRENT_CENTRALLY_RUN = frozenset({"01", "31", "46", "48", "79", "92"})
# The legacy map is the map of 30/06/2025. Huế (Thừa Thiên Huế) became a centrally-run city on
# 01/01/2025 (NQ 1314/NQ-UBTVQH15), so on that day there were six as well, and the package's
# legacy list names it "Thành phố Huế" with its new districts Thuận Hóa and Phú Xuân. To mark the
# map of 2022-2024 instead (five cities), remove "46" here: the province is then loaded as
# "Tỉnh Huế" of type "tỉnh".
LEGACY_CENTRALLY_RUN = frozenset({"01", "31", "46", "48", "79", "92"})

NATION_CODE = "VN"
NATION_NAME = "Việt Nam"
BATCH_SIZE = 500

# Display prefix of each division type; the stored division type is the key.
_PREFIX = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố",
    "thành phố thuộc tỉnh": "Thành phố",
    "thành phố thuộc thành phố trung ương": "Thành phố",
    "huyện": "Huyện",
    "quận": "Quận",
    "thị xã": "Thị xã",
    "xã": "Xã",
    "phường": "Phường",
    "thị trấn": "Thị trấn",
    "đặc khu": "Đặc khu",
}
_ANY_PREFIX = re.compile(r"^(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@dataclass(frozen=True)
class Record:
    """One unit as the package describes it, after the corrections."""

    era: str
    level: str
    code: str
    name: str
    short_name: str
    division_type: str
    is_centrally_run: bool = False
    parent: tuple | None = None  # natural key of the parent
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    has_no_source: bool = False

    @property
    def key(self):
        return (self.era, self.level, self.code)


@dataclass
class PackageMap:
    records: list[Record]
    lineage: dict[tuple, bool]  # (old key, new key) -> is_partial
    notes: list[str]


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)  # (era, level) -> n
    updated: Counter = field(default_factory=Counter)
    lineage_created: int = 0
    lineage_updated: int = 0
    lineage_deleted: int = 0
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values())
            or sum(self.updated.values())
            or self.lineage_created
            or self.lineage_updated
            or self.lineage_deleted
        )


def clean_name(raw: str, division_type: str) -> tuple[str, str]:
    """(name, short name): NFC, one kind of apostrophe, the prefix of the division type, every
    syllable capitalised. Numbered units keep their prefix in the short name ("Phường 14")."""
    text = normalise(raw).translate(_APOSTROPHES)
    rest = _ANY_PREFIX.sub("", text, count=1)
    words = [w[0].upper() + w[1:] if w[:1].islower() else w for w in rest.split(" ")]
    rest = " ".join(words)
    name = f"{_PREFIX[division_type]} {rest}"
    short = name if rest.replace(" ", "").isdigit() else rest
    return name, short


def _province_record(era, code: str, raw_name: str, centrally_run: frozenset, nation_key, valid_from, valid_to):
    is_city = code in centrally_run
    division_type = "thành phố trung ương" if is_city else "tỉnh"
    name, short = clean_name(raw_name, division_type)
    return Record(era, Level.PROVINCE, code, name, short, division_type, is_city, nation_key, valid_from, valid_to)


def _local_record(era, level, code: str, raw_name: str, division_type: str, parent_key, valid_from, valid_to):
    """A district or commune, its name cleaned (only a province can be a centrally-run city)."""
    name, short = clean_name(raw_name, division_type)
    return Record(era, level, code, name, short, division_type, False, parent_key, valid_from, valid_to)


def read_package() -> PackageMap:
    """Everything the loader needs from the package, corrected; no database access."""
    import json

    import vietnam_provinces
    from vietnam_provinces import _lookup as current
    from vietnam_provinces import _ward_conversion_2025 as conversion
    from vietnam_provinces.legacy import _lookup as legacy

    notes: list[str] = []
    records: list[Record] = []

    def note_fix(kind, code, raw, fixed):
        if raw != fixed:
            notes.append(f"tên {kind} {code}: {raw!r} → {fixed!r}")

    def commune_record(kind, era, ward, parent: Record, valid_from, valid_to) -> Record:
        """A current or legacy commune of the package under `parent`, its name cleaned (and noted)."""
        code = f"{ward.code.value:05d}"
        rec = _local_record(
            era, Level.COMMUNE, code, ward.name, ward.division_type.value, parent.key, valid_from, valid_to
        )
        note_fix(kind, code, ward.name, rec.name)
        return rec

    nation_key = (Era.CURRENT, Level.NATION, NATION_CODE)
    records.append(Record(Era.CURRENT, Level.NATION, NATION_CODE, NATION_NAME, NATION_NAME, "quốc gia"))

    # Current provinces: names and types from the package's JSON (it has the official six cities;
    # the Python objects have nine), checked against CURRENT_CENTRALLY_RUN.
    nested = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    cur_prov = {}
    for item in nested:
        code = f"{item['code']:02d}"
        rec = _province_record(Era.CURRENT, code, item["name"], CURRENT_CENTRALLY_RUN, nation_key, REFORM_DATE, None)
        note_fix("tỉnh hiện hành", code, item["name"], rec.name)
        cur_prov[item["code"]] = rec
        records.append(rec)
    python_cities = {
        f"{p.code.value:02d}"
        for p in current.PROVINCE_MAPPING.values()
        if p.division_type.value == "thành phố trung ương"
    }
    if python_cities != CURRENT_CENTRALLY_RUN:
        notes.append(
            "gói đánh dấu thành phố trung ương (đối tượng Python): "
            + ", ".join(sorted(python_cities))
            + "; dùng danh sách chính thức: "
            + ", ".join(sorted(CURRENT_CENTRALLY_RUN))
        )
    json_codes = {p["code"] for p in nested}
    if json_codes != set(current.PROVINCE_MAPPING):
        raise ValueError("vietnam-provinces: JSON and Python province lists differ")

    # Current communes: the Python objects (same set as the JSON, ASCII apostrophes).
    cur_ward = {
        w.code.value: commune_record("xã hiện hành", Era.CURRENT, w, cur_prov[w.province_code.value], REFORM_DATE, None)
        for w in current.WARD_MAPPING.values()
    }

    # Legacy provinces, districts, communes.
    leg_prov = {}
    for p in legacy.PROVINCE_MAPPING.values():
        code = f"{p.code.value:02d}"
        rec = _province_record(Era.LEGACY, code, p.name, LEGACY_CENTRALLY_RUN, nation_key, None, LAST_LEGACY_DAY)
        note_fix("tỉnh cũ", code, p.name, rec.name)
        leg_prov[p.code.value] = rec
        records.append(rec)
    leg_dist = {}
    for d in legacy.DISTRICT_MAPPING.values():
        code = f"{d.code.value:03d}"
        division_type = d.division_type.value
        province = leg_prov[d.province_code.value]
        if division_type == "thành phố":
            division_type = (
                "thành phố thuộc thành phố trung ương" if province.is_centrally_run else "thành phố thuộc tỉnh"
            )
        rec = _local_record(
            Era.LEGACY, Level.DISTRICT, code, d.name, division_type, province.key, None, LAST_LEGACY_DAY
        )
        note_fix("huyện cũ", code, d.name, rec.name)
        leg_dist[d.code.value] = rec
    records.extend(leg_dist.values())
    leg_ward = {}
    ward_district = {}
    for w in legacy.WARD_MAPPING.values():
        district = leg_dist[w.district_code.value]
        leg_ward[w.code.value] = commune_record("xã cũ", Era.LEGACY, w, district, None, LAST_LEGACY_DAY)
        ward_district[w.code.value] = w.district_code.value
    district_province = {d.code.value: d.province_code.value for d in legacy.DISTRICT_MAPPING.values()}

    # Commune lineage from the conversion table. A commune is partial when the table flags it
    # "partly merged" or sends it to several new communes.
    successors: dict[int, dict[int, bool]] = {}
    unknown_old = []
    for old_code, entry in conversion.OLD_TO_NEW.items():
        new_codes = [n.code for n in entry.new_wards if n.code in cur_ward]
        if len(new_codes) != len(entry.new_wards):
            raise ValueError(f"vietnam-provinces: conversion of {old_code} names an unknown new commune")
        if old_code not in leg_ward:
            unknown_old.append((old_code, entry))
            continue
        partial = entry.old_ward.is_partly_merged or len(new_codes) > 1
        successors[old_code] = {n: partial for n in new_codes}
    if unknown_old:
        notes.append(
            f"bảng chuyển đổi có {len(unknown_old)} mã xã cũ không có trong danh mục cũ của gói, bỏ qua: "
            + "; ".join(
                f"{c:05d} (huyện {e.old_ward.district_code:03d}) → " + ", ".join(f"{n.code:05d}" for n in e.new_wards)
                for c, e in sorted(unknown_old)
            )
        )
    for old_code, new, partial, why in _reconcile_unmapped(leg_ward, ward_district, cur_ward, successors):
        successors.setdefault(old_code, {})[new] = partial
        notes.append(
            f"kế thừa suy ra cho {leg_ward[old_code].name} ({old_code:05d}) → "
            f"{cur_ward[new].name} ({new:05d}){' [một phần]' if partial else ''}: {why}"
        )

    # Current communes with no source: the special zones formed from island districts without
    # communes. Derived, then announced, so a change of data shows up.
    with_source = {n for links in successors.values() for n in links}
    no_source = sorted(c for c in cur_ward if c not in with_source)
    for c in no_source:
        cur_ward[c] = replace(cur_ward[c], has_no_source=True)
    notes.append(
        "đơn vị mới không có đơn vị cũ nguồn: " + ", ".join(f"{cur_ward[c].name} ({c:05d})" for c in no_source)
    )
    records.extend(cur_ward.values())
    records.extend(leg_ward.values())

    lineage: dict[tuple, bool] = {}
    province_flows: dict[int, set[int]] = defaultdict(set)
    for old_code, links in successors.items():
        old_province = district_province[ward_district[old_code]]
        for new_code, partial in links.items():
            lineage[(leg_ward[old_code].key, cur_ward[new_code].key)] = partial
            province_flows[old_province].add(current.WARD_MAPPING[new_code].province_code.value)

    # Province lineage: from the communes (see the module docstring), compared with the table.
    from vietnam_provinces import _province_conversion_2025 as province_conversion

    table = {(o, n.code) for o, e in province_conversion.OLD_TO_NEW.items() for n in e.new_provinces}
    derived = {(o, n) for o, ns in province_flows.items() for n in ns}
    for o, n in sorted(table - derived):
        notes.append(
            f"bảng tỉnh của gói ghi {leg_prov[o].name} → {cur_prov[n].name}, "
            "nhưng không xã nào đi theo đường đó: bỏ qua"
        )
    for o, n in sorted(derived - table):
        notes.append(f"{leg_prov[o].name} → {cur_prov[n].name} suy từ cấp xã, bảng tỉnh của gói không có")
    for o, ns in province_flows.items():
        for n in ns:
            lineage[(leg_prov[o].key, cur_prov[n].key)] = len(ns) > 1

    return PackageMap(records=records, lineage=lineage, notes=notes)


def _reconcile_unmapped(leg_ward, ward_district, cur_ward, successors):
    """Successors for legacy communes that the conversion table does not know.

    The package's legacy list predates the list the conversion table was built on: 28 of its
    communes were merged into a neighbour before 30/06/2025 (or renumbered) and the table, which
    describes the communes of 30/06/2025, no longer has them. Their data (2022-2024) must still
    reach the new map, so each gets successors by the first rule that applies:

    1. a commune of the same name in the same old district that the table knows (a "xã X" merged
       into the "thị trấn X"): its successors, with its flags;
    2. a new commune of the same name that the table already feeds from the same old district
       ("Thị trấn Phù Yên" → "Xã Phù Yên"): that commune, whole;
    3. otherwise every new commune the old district feeds, each marked partial: a superset that
       is certainly true of the territory, never a guess at one commune.

    Yields (old code, new code, is_partial, reason).
    """
    by_district: dict[int, list[int]] = defaultdict(list)
    for code, district in ward_district.items():
        by_district[district].append(code)
    for old_code in sorted(c for c in leg_ward if c not in successors):
        district = ward_district[old_code]
        short = fold(leg_ward[old_code].short_name)
        known = [c for c in by_district[district] if c in successors]
        fed = sorted({n for c in known for n in successors[c]})
        twins = [c for c in known if fold(leg_ward[c].short_name) == short]
        if len(twins) == 1:
            twin = twins[0]
            for new, partial in successors[twin].items():
                yield old_code, new, partial, f"cùng tên với {leg_ward[twin].name} ({twin:05d}) cùng huyện"
            continue
        same_name = [n for n in fed if fold(cur_ward[n].short_name) == short]
        if len(same_name) == 1:
            yield old_code, same_name[0], False, "trùng tên với đơn vị mới nhận các xã cùng huyện"
            continue
        for new in fed:
            yield old_code, new, True, "không rõ: mọi đơn vị mới nhận các xã cùng huyện"


# ----------------------------------------------------------------------------------------------
# Writing to the database
# ----------------------------------------------------------------------------------------------
_LEVEL_ORDER = [Level.NATION, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
_MANAGED_FIELDS = [
    "name",
    "short_name",
    "division_type",
    "is_centrally_run",
    "parent_id",
    "name_folded",
    "sort_key",
    "valid_from",
    "valid_to",
    "has_no_source",
]


def load_territories(package: PackageMap | None = None) -> LoadResult:
    """Create or update every unit of both eras and the lineage; idempotent; one transaction."""
    started = time.monotonic()
    package = package or read_package()
    result = LoadResult(notes=list(package.notes))
    with transaction.atomic():
        by_key = _sync_units(package.records, result)
        _sync_lineage(package.lineage, by_key, result)
    result.seconds = time.monotonic() - started
    return result


def _sync_units(records: list[Record], result: LoadResult) -> dict[tuple, Unit]:
    existing = {(u.era, u.level, u.code): u for u in Unit.objects.exclude(level=Level.VILLAGE)}
    by_key: dict[tuple, Unit] = {}
    moved: list[tuple[str, str]] = []  # (old path, new path) of units that existed before
    for level in _LEVEL_ORDER:
        level_records = [r for r in records if r.level == level]
        to_create, to_update, fields = [], [], set()
        for r in level_records:
            parent = by_key[r.parent] if r.parent else None
            name, short = normalise(r.name), normalise(r.short_name or r.name)
            values = {
                "name": name,
                "short_name": short,
                "division_type": r.division_type,
                "is_centrally_run": r.is_centrally_run,
                "parent_id": parent.pk if parent else None,
                "name_folded": fold(name),
                "sort_key": sort_key(short),  # as Unit.save() computes them
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "has_no_source": r.has_no_source,
            }
            unit = existing.get(r.key)
            if unit is None:
                unit = Unit(era=r.era, level=r.level, code=r.code, path="", **values)
                to_create.append(unit)
            else:
                changed = [f for f, v in values.items() if getattr(unit, f) != v]
                for f in changed:
                    setattr(unit, f, values[f])
                if changed:
                    to_update.append(unit)
                    fields.update(changed)
            by_key[r.key] = unit
        if to_create:
            Unit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            if any(u.pk is None for u in to_create):  # a backend that does not return ids
                rows = Unit.objects.filter(level=level).values_list("era", "level", "code", "pk")
                ids = {(era, lvl, code): pk for era, lvl, code, pk in rows}
                for u in to_create:
                    u.pk = ids[(u.era, u.level, u.code)]
            for u in to_create:
                result.created[(u.era, u.level)] += 1
        for u in to_update:
            result.updated[(u.era, u.level)] += 1
        # Paths hold ids, so they are known only now ("/<nation>/<province>/.../<self>/").
        updated_ids = {u.pk for u in to_update}
        for r in level_records:
            unit = by_key[r.key]
            path = f"{by_key[r.parent].path if r.parent else '/'}{unit.pk}/"
            if unit.path != path:
                if unit.path:
                    moved.append((unit.path, path))
                unit.path = path
                if unit.pk not in updated_ids:
                    to_update.append(unit)
                    updated_ids.add(unit.pk)
                fields.add("path")
        if to_update:
            Unit.objects.bulk_update(to_update, sorted(fields), batch_size=BATCH_SIZE)
    # Villages (created by users under current communes) follow their commune if its path moved.
    for old, new in moved:
        Unit.objects.filter(level=Level.VILLAGE, path__startswith=old).update(
            path=Replace("path", Value(old), Value(new))
        )
    return by_key


def _sync_lineage(lineage: dict[tuple, bool], by_key: dict[tuple, Unit], result: LoadResult) -> None:
    desired = {(by_key[o].pk, by_key[n].pk): partial for (o, n), partial in lineage.items()}
    managed = UnitLineage.objects.filter(old_unit__era=Era.LEGACY, old_unit__level__in=[Level.PROVINCE, Level.COMMUNE])
    existing = {(link.old_unit_id, link.new_unit_id): link for link in managed}
    to_create, to_update = [], []
    for pair, partial in desired.items():
        link = existing.get(pair)
        if link is None:
            to_create.append(
                UnitLineage(old_unit_id=pair[0], new_unit_id=pair[1], is_partial=partial, effective_on=REFORM_DATE)
            )
        elif link.is_partial != partial or link.effective_on != REFORM_DATE:
            link.is_partial, link.effective_on = partial, REFORM_DATE
            to_update.append(link)
    stale = [link.pk for pair, link in existing.items() if pair not in desired]
    UnitLineage.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitLineage.objects.bulk_update(to_update, ["is_partial", "effective_on"], batch_size=BATCH_SIZE)
    for start in range(0, len(stale), BATCH_SIZE):
        UnitLineage.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    result.lineage_created = len(to_create)
    result.lineage_updated = len(to_update)
    result.lineage_deleted = len(stale)


# ----------------------------------------------------------------------------------------------
# Checking the loaded map against the official figures
# ----------------------------------------------------------------------------------------------
@dataclass
class CheckResult:
    lines: list[str]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_map() -> CheckResult:
    """Counts per era, level and division type, compared with FIGURES; lineage completeness;
    path consistency. Reads the database only."""
    lines, problems = [], []
    rows = (
        Unit.objects.values("era", "level", "division_type")
        .annotate(n=Count("id"))
        .order_by("era", "level", "division_type")
    )
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        counts[(row["era"], row["level"])][row["division_type"]] = row["n"]

    for era in (Era.CURRENT, Era.LEGACY):
        for level in (Level.NATION, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
            by_type = counts.get((era, level), Counter())
            total = sum(by_type.values())
            if not total and level not in FIGURES[era]:
                continue
            detail = ", ".join(f"{t}: {n:,}" for t, n in sorted(by_type.items()))
            lines.append(f"{era:<8} {level:<9} {total:>6,}" + (f"  ({detail})" if detail else ""))
            expected = FIGURES[era].get(level)
            if expected is None:
                continue
            if isinstance(expected, dict):
                for t in sorted(set(expected) | set(by_type)):
                    if by_type.get(t, 0) != expected.get(t, 0):
                        problems.append(
                            f"{era} {level} «{t}»: {by_type.get(t, 0):,}, chính thức {expected.get(t, 0):,}"
                        )
            elif total != expected:
                problems.append(f"{era} {level}: {total:,}, chính thức {expected:,}")
    lines.append(
        f"(số xã cũ Bộ Nội vụ công bố tại 30/06/2025: {OFFICIAL_LEGACY_COMMUNES_30_06_2025:,}; "
        f"danh mục cũ của gói: {figure_total(Era.LEGACY, Level.COMMUNE):,})"
    )

    cities = list(
        Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, is_centrally_run=True)
        .order_by("code")
        .values_list("code", flat=True)
    )
    lines.append(f"current  thành phố trực thuộc trung ương: {len(cities)} ({', '.join(cities)})")
    if len(cities) != FIGURES["centrally_run"][Era.CURRENT] or set(cities) != CURRENT_CENTRALLY_RUN:
        problems.append(
            f"thành phố trực thuộc trung ương hiện hành: {cities}, chính thức {sorted(CURRENT_CENTRALLY_RUN)}"
        )

    # Lineage.
    for era, level, attr, label in [
        (Era.LEGACY, Level.COMMUNE, "successor_links", "xã cũ không có đơn vị kế thừa"),
        (Era.LEGACY, Level.PROVINCE, "successor_links", "tỉnh cũ không có đơn vị kế thừa"),
        (Era.CURRENT, Level.PROVINCE, "predecessor_links", "tỉnh mới không có đơn vị cũ"),
    ]:
        orphans = list(
            Unit.objects.filter(era=era, level=level, **{f"{attr}__isnull": True}).values_list("code", flat=True)[:20]
        )
        if orphans:
            problems.append(f"{label}: {', '.join(orphans)}")
    orphans = list(
        Unit.objects.filter(
            era=Era.CURRENT, level=Level.COMMUNE, has_no_source=False, predecessor_links__isnull=True
        ).values_list("code", flat=True)[:20]
    )
    if orphans:
        problems.append(f"xã mới không có đơn vị cũ (và không đánh dấu 'không có nguồn'): {', '.join(orphans)}")
    no_source = list(Unit.objects.filter(has_no_source=True).order_by("code").values_list("name", flat=True))
    lines.append(f"không có đơn vị cũ nguồn: {len(no_source)} ({', '.join(no_source)})")
    if len(no_source) != FIGURES["has_no_source"]:
        problems.append(f"đơn vị không có nguồn: {len(no_source)}, chính thức {FIGURES['has_no_source']}")
    if Unit.objects.filter(has_no_source=True, predecessor_links__isnull=False).exists():
        problems.append("đơn vị đánh dấu 'không có nguồn' nhưng có đơn vị cũ")
    wrong_way = UnitLineage.objects.exclude(old_unit__era=Era.LEGACY, new_unit__era=Era.CURRENT).count()
    if wrong_way:
        problems.append(f"{wrong_way} quan hệ kế thừa không đi từ bản đồ cũ sang bản đồ mới")
    links = UnitLineage.objects.count()
    partial = UnitLineage.objects.filter(is_partial=True).count()
    lines.append(f"kế thừa: {links:,} quan hệ, {partial:,} một phần")

    # Paths (bulk loads bypass Unit.save(), so check them).
    paths = dict(Unit.objects.values_list("id", "path"))
    bad = [
        pk
        for pk, parent in Unit.objects.values_list("id", "parent_id")
        if paths[pk] != f"{paths[parent] if parent else '/'}{pk}/"
    ]
    if bad:
        problems.append(f"{len(bad)} đơn vị có đường dẫn (path) sai, ví dụ id {bad[:5]}")
    return CheckResult(lines=lines, problems=problems)
