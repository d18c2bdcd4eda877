"""The registry's demo step: the demo communes' households, organisations and clan branches,
loaded the way a commune loads them, through the Excel import (so a second run changes nothing),
and the first commune's declared totals for the current year (the demo's years are relative to today)."""

import io

from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.core.demo import demo_years
from hoctap.core.imports import import_file, template_workbook

from .imports import CLANS, HOUSEHOLDS, ORGANISATIONS
from .models import DeclaredTotals, TotalKind
from .services import registry_count, save_declared_totals

HOUSEHOLDS_PER_VILLAGE = 6
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MEN = ["Văn Hùng", "Văn Dũng", "Đức Minh", "Quang Huy", "Văn Thắng", "Mạnh Cường"]
WOMEN = ["Thị Hương", "Thị Lan", "Thị Thu", "Thị Mai", "Ngọc Anh", "Thu Hà"]
# Children's ages (not birth years), so they stay children whatever the year.
CHILDREN = [("Minh Khôi", "Nam", 14), ("Bảo Ngọc", "Nữ", 11), ("Gia Huy", "Nam", 7)]
OCCUPATIONS = [
    "Nông dân và lao động nông thôn",
    "Công nhân, thợ thủ công, lao động tự do",
    "Cán bộ, công chức, viên chức, người lao động trong cơ quan, tổ chức",
]
SKILLS = ["Chưa có", "Cơ bản", "Thành thạo"]
# CCCD: the province of birth registration (033 Hưng Yên), then century and sex, then the year.
PROVINCE_CODE = "033"


def _id_number(sex: str, year: int, serial: int) -> str:
    century_and_sex = (0 if year < 2000 else 2) + (1 if sex == "Nữ" else 0)
    return f"{PROVINCE_CODE}{century_and_sex}{year % 100:02d}{serial:06d}"


def _workbook(template, rows) -> io.BytesIO:
    workbook = load_workbook(io.BytesIO(template_workbook(template)))
    sheet = workbook[template.sheet_title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _household_rows(context):
    this_year = demo_years()[-1]
    rows, serial = [], 0
    for c, commune in enumerate(context["communes"]):
        for v, village in enumerate(context["villages"][commune.pk]):
            if village.valid_to is not None:
                # merged since the first run (territory demo): its households live in the merged village
                village = village.changed_into.order_by("-effective_on").first().receiving
            for h in range(HOUSEHOLDS_PER_VILLAGE):
                index = c * 100 + v * 10 + h
                surname = SURNAMES[index % len(SURNAMES)]
                code = f"DEMO-{v + 1}{h + 1:02d}"
                husband = (f"{surname} {MEN[index % len(MEN)]}", "Nam", this_year - 66 + index % 30)
                wife = (
                    f"{SURNAMES[(index + 3) % len(SURNAMES)]} {WOMEN[index % len(WOMEN)]}",
                    "Nữ",
                    this_year - 63 + index % 30,
                )
                child = CHILDREN[index % len(CHILDREN)]
                members = [husband, wife, (f"{surname} {child[0]}", child[1], this_year - child[2])]
                for m, (name, sex, year) in enumerate(members):
                    serial += 1
                    adult = this_year - year >= 15
                    rows.append(
                        [
                            # No ethnicity in the file: it is sensitive, written only by the commune
                            # officer once the person's own consent is recorded (the privacy demo does).
                            code,
                            village.code,
                            f"Xóm {h + 1}" if m == 0 else None,
                            name,
                            sex,
                            None,
                            year,
                            None,
                            _id_number(sex, year, serial) if adult else None,
                            OCCUPATIONS[(index + m) % len(OCCUPATIONS)] if adult else "Khác",
                            SKILLS[(index + m) % len(SKILLS)],
                            "x" if m == 0 else None,
                        ]
                    )
    return rows


def _organisation_rows(context):
    this_year = demo_years()[-1]
    rows = []
    for commune in context["communes"]:
        rows += [
            [
                "UBND " + commune.name,
                "Cơ quan",
                "Cấp xã quản lý",
                commune.code,
                None,
                "Lương Văn Khoa",
                "Nam",
                None,
                this_year - 48,
                None,
                None,
                None,
                "Thành thạo",
            ],
            [
                "UBND " + commune.name,
                "Cơ quan",
                "Cấp xã quản lý",
                commune.code,
                None,
                "Đinh Thị Nga",
                "Nữ",
                None,
                this_year - 41,
                None,
                None,
                None,
                "Thành thạo",
            ],
            [
                "Trường THCS " + commune.short_name,
                "Trường học",
                "Cấp xã quản lý",
                commune.code,
                None,
                "Tạ Văn Bình",
                "Nam",
                None,
                this_year - 46,
                None,
                None,
                None,
                "Cơ bản",
            ],
            [
                "Hợp tác xã Nông nghiệp " + commune.short_name,
                "Hợp tác xã",
                "Cấp xã quản lý",
                context["villages"][commune.pk][0].code,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ]
    return rows


def _clan_rows(context):
    rows = []
    for commune in context["communes"]:
        for v in range(2):
            rows += [["Họ Trần Đình", "Chi 1", commune.code, "Trần Đình Lộc", f"DEMO-{v + 1}{h:02d}"] for h in (1, 2)]
        rows.append(["Họ Phạm Văn", "", commune.code, "Phạm Văn Tiến", "DEMO-301"])
    return rows


def load(context, log) -> None:
    officer = context["users"]["province_officer"]
    scope = Scope(officer)
    summary = []
    for template, rows in (
        (HOUSEHOLDS, _household_rows(context)),
        (ORGANISATIONS, _organisation_rows(context)),
        (CLANS, _clan_rows(context)),
    ):
        result = import_file(_workbook(template, rows), template, scope=scope, actor=officer)
        if not result.committed:
            raise RuntimeError(f"demo import {template.code}: {result.file_error or result.errors[:3]}")
        created = sum(outcomes["create"] for outcomes in result.counts.values())
        summary.append(f"{template.title} {result.rows} dòng ({created} bản ghi mới)")
    commune = context["communes"][0]
    DEMO_YEAR = demo_years()[-1]
    if not DeclaredTotals.objects.filter(commune=commune, year=DEMO_YEAR).exists():
        # The registry holds part of the commune: the commune declares its totals until it is complete.
        totals = DeclaredTotals(commune=commune, year=DEMO_YEAR, villages_complete=True, organisations_complete=True)
        for kind, extra in (
            (TotalKind.HOUSEHOLDS, 1150),
            (TotalKind.CLAN_BRANCHES, 14),
            (TotalKind.WORKING_AGE_ADULTS, 2300),
        ):
            setattr(totals, kind.value, registry_count(commune, DEMO_YEAR, kind) + extra)
        save_declared_totals(Scope(context["users"]["commune_officer"]), totals, context["users"]["commune_officer"])
    log("Sổ theo dõi (nhập từ Excel): " + "; ".join(summary) + f"; số liệu khai báo {commune.name} {DEMO_YEAR}")
