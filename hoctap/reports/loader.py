"""Load report types and deadlines from `schedules.yaml` (idempotent: a second run changes nothing)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction
from django.db.models import Q

from hoctap.core.text import fold
from hoctap.territory.models import Era, Level, Unit

from . import reporters
from .models import ReportLevel, ReportSchedule, ReportType

DEFAULT_FILE = Path(__file__).with_name("schedules.yaml")


def _province(name: str) -> Unit | None:
    provinces = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE)
    folded = fold(name)
    return provinces.filter(Q(name_folded=folded) | Q(name_folded__endswith=f" {folded}")).order_by("pk").first()


def _due(text: str) -> tuple[int, int]:
    day, month = (int(part) for part in str(text).split("/"))
    return day, month


def _sections(entry) -> list[str]:
    from .sections import registry

    codes = list(entry.get("sections") or [])
    unknown = [code for code in codes if code not in registry()]
    if unknown:
        raise ValueError(f"report type {entry['code']}: unknown sections {unknown}; known: {list(registry())}")
    return codes


def _distribution(entry) -> dict[str, list[str]]:
    from .distribution import KINDS

    found = {}
    for level, kinds in (entry.get("distribution") or {}).items():
        level = ReportLevel(level).value
        unknown = [kind for kind in kinds if kind not in KINDS]
        if unknown:
            raise ValueError(f"report type {entry['code']}: unknown recipients {unknown}; known: {list(KINDS)}")
        found[level] = list(kinds)
    return found


def _reporter(entry, known) -> str:
    code = entry.get("reporter") or ""
    if code and code not in known:
        raise ValueError(f"report type {entry['code']}: unknown reporter {code!r}; known: {list(known)}")
    if code and set(entry.get("distribution") or {}) - {known[code].level}:
        raise ValueError(f"report type {entry['code']}: its reporter sends at {known[code].level!r} only")
    return code


@transaction.atomic
def load_schedules(path: Path = DEFAULT_FILE, log=lambda message: None) -> dict[str, int]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    known_reporters = reporters.parse(data.get("reporters"))
    counts = {"types": 0, "schedules": 0, "skipped": 0}
    types = {}
    for entry in data["report_types"]:
        period = entry.get("period") or [None, None]
        report_type, _ = ReportType.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "heading": entry["heading"],
                "order": entry.get("order", 0),
                "sections": _sections(entry),
                "distribution": _distribution(entry),
                "period_first": period[0],
                "period_last": period[1],
                "reporter": _reporter(entry, known_reporters),
            },
        )
        types[report_type.code] = report_type
        counts["types"] += 1
    for entry in data["schedules"]:
        province = None
        if entry.get("province"):
            province = _province(entry["province"])
            if province is None:
                # A map without that province (a test map, a partial load): nothing to attach to.
                log(f"Bỏ qua hạn báo cáo của {entry['province']}: chưa có tỉnh này trên bản đồ.")
                counts["skipped"] += 1
                continue
        level = ReportLevel(entry["level"])
        day, month = _due(entry["due"])
        ReportSchedule.objects.update_or_create(
            report_type=types[entry["report_type"]],
            province=province,
            year=entry.get("year"),
            level=level,
            defaults={"due_day": day, "due_month": month, "source": entry.get("source", "")},
        )
        counts["schedules"] += 1
    return counts
