"""The demo's mountain commune: Xã Bảo Lâm, Tỉnh Cao Bằng (code 01290 on the map since 01/07/2025,
formed from Mông Ân, Pác Miầu and Vĩnh Phong of the former Bảo Lâm district), a zone III commune.

What a commune of the north-eastern mountains holds, as sample records (the names of people,
villages and the school are samples, not real residents): a bản and a xóm (village kinds are data,
`territory/data/village_kinds.yaml`); Tày, H'Mông and Dao households with their ethnicity as the
General Statistics Office's code (`registry/ethnicity.py`), two men with the same name and birth
year and different ID numbers, an elderly household (nobody aged 15-60), a clan branch, an
upper-secondary school managed by the province (a TT 24/2023 unit) and its staff, and the officers
who keep, review and recognise the files. `tests/demo/test_mountain_season.py` plays this
commune's current year through the workflow.

Idempotent: records are found by natural key (household code, name, village name) before creating.
"""

from __future__ import annotations

from hoctap.accounts.roles import Role
from hoctap.core.demo import demo_years
from hoctap.registry.ethnicity import resolve_ethnicity
from hoctap.registry.models import ClanBranch, Household, ManagingLevel, OccupationGroup, Organisation, Person, Sex
from hoctap.territory.models import Era, Level, Unit
from hoctap.territory.village_kinds import village_kind_named

COMMUNE_CODE = "01290"  # Xã Bảo Lâm, Tỉnh Cao Bằng
PROVINCE_ID_CODE = "004"  # Cao Bằng: the first three digits of an ID number registered there
# (kind, name): the kinds are looked up in the village-kinds data, so a kind missing there fails loudly.
VILLAGES = [("Bản", "Nà Pồng"), ("Xóm", "Khuổi Khon")]
M, F = Sex.MALE, Sex.FEMALE
# (household code, village index, members as (name, sex, age this year, ethnic group), in the clan).
# Ages, not birth years: the demo stays as it is whatever the year.
HOUSEHOLDS = [
    (
        "BL-01",
        0,
        [("Nông Văn Dền", M, 48, "Tày"), ("Hoàng Thị Mai", F, 45, "Tày"), ("Nông Văn Tú", M, 12, "Tày")],
        True,
    ),
    ("BL-02", 0, [("Nông Văn Tương", M, 41, "Tày"), ("Hà Thị Hoa", F, 39, "Tày")], True),
    ("BL-03", 0, [("Nông Văn Pản", M, 72, "Tày"), ("Lý Thị Sao", F, 68, "Tày")], True),  # elderly: nobody 15-60
    ("BL-04", 1, [("Thào A Dình", M, 36, "H'Mông"), ("Lầu Thị Mai", F, 34, "H'Mông")], False),
    ("BL-05", 1, [("Thào A Dình", M, 36, "H'Mông"), ("Vàng Thị Dợ", F, 33, "H'Mông")], False),  # a namesake
    ("BL-06", 1, [("Triệu Văn Lâm", M, 44, "Dao"), ("Bàn Thị Mảy", F, 42, "Dao")], False),
    ("BL-07", 1, [("Đặng Văn Sinh", M, 50, "Dao"), ("Triệu Thị Dung", F, 47, "Dao")], False),
]
CLAN = ("Họ Nông", "Chi Nà Pồng", "Nông Văn Pản")
SCHOOL = "Trường THPT Bảo Lâm (mẫu)"
# The school's learners by years back from the current one: (learners, of whom learning citizens).
# TT 24/2023 asks a province-managed school for at least 95 % (criterion 3 item 1): 96,1 % and 95,7 %.
SCHOOL_LEARNERS = {0: (412, 396), 1: (398, 381)}
SCHOOL_STAFF = [("Lương Văn Khánh", M, 45, "Tày"), ("Hoàng Thị Nhung", F, 38, "Nùng"), ("Vi Văn Thắng", M, 31, "Tày")]
# (key, username, full name, role, where: "commune", "province" or a village index)
OFFICERS = [
    ("village_officer_0", "canbonapong", "Nông Thị Hằng", Role.VILLAGE_OFFICER, 0),
    ("village_officer_1", "canbokhuoikhon", "Thào Văn Chứ", Role.VILLAGE_OFFICER, 1),
    ("commune_keeper", "vanphongbaolam", "Lục Văn Hiếu", Role.COMMUNE_OFFICER, "commune"),
    ("commune_officer", "canboxabaolam", "Hoàng Thị Thu", Role.COMMUNE_OFFICER, "commune"),
    ("commune_approver", "chutichbaolam", "Nông Văn Quân", Role.COMMUNE_APPROVER, "commune"),
    ("province_officer", "canbocaobang", "Bế Thị Lan", Role.PROVINCE_OFFICER, "province"),
    ("province_approver", "lanhdaocaobang", "Đàm Văn Hùng", Role.PROVINCE_APPROVER, "province"),
]
# Zone III (QĐ 861/QĐ-TTg, 04/06/2021, kept for the merged commune by the province) is recorded by
# the territory demo step (`hoctap.territory.demo`, by code); assessments take it when opened.


def commune() -> Unit | None:
    return Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, code=COMMUNE_CODE).first()


def _id_number(sex: str, birth_year: int, serial: int) -> str:
    century_and_sex = (0 if birth_year < 2000 else 2) + (1 if sex == Sex.FEMALE else 0)
    return f"{PROVINCE_ID_CODE}{century_and_sex}{birth_year % 100:02d}{serial:06d}"


def _person(this_year: int, serial: int, name: str, sex: str, age: int, group: str, **where) -> Person:
    found = Person.objects.filter(full_name=name, **where).first()
    if found is not None:
        return found
    birth_year = this_year - age
    return Person.objects.create(
        full_name=name,
        sex=sex,
        birth_year=birth_year,
        ethnicity=resolve_ethnicity(group),
        id_number=_id_number(sex, birth_year, 29000 + serial) if age >= 15 else None,
        occupation_group=OccupationGroup.FARMER if age >= 15 else OccupationGroup.OTHER,
        **where,
    )


def load(context, log) -> dict | None:
    """The mountain commune's villages, registry and officers (None when the map lacks the commune)."""
    from hoctap.demo.steps import _account, demo_village

    place = commune()
    if place is None:
        log(f"Xã miền núi mẫu: bản đồ chưa có xã mã {COMMUNE_CODE} (Cao Bằng), bỏ qua")
        return None
    this_year = demo_years()[-1]
    villages = []
    for kind, name in VILLAGES:
        division_type = village_kind_named(kind)
        if division_type is None:
            raise LookupError(f"village kind {kind} missing from village_kinds.yaml")
        villages.append(demo_village(place, division_type, name))
    clan, _created = ClanBranch.objects.get_or_create(
        commune=place, name=CLAN[0], branch=CLAN[1], defaults={"representative": CLAN[2]}
    )
    households, serial = [], 0
    for code, village_index, members, in_clan in HOUSEHOLDS:
        household = Household.objects.filter(commune=place, code=code).first() or Household.objects.create(
            code=code, village=villages[village_index], clan_branch=clan if in_clan else None
        )
        people = []
        for name, sex, age, group in members:
            serial += 1
            people.append(_person(this_year, serial, name, sex, age, group, household=household))
        if household.head_id is None:
            household.head = people[0]
            household.save()
        households.append(household)
    school = Organisation.objects.filter(commune=place, name=SCHOOL).first() or Organisation.objects.create(
        name=SCHOOL, kind="school", managing_level=ManagingLevel.PROVINCE, unit=place
    )
    staff = []
    for name, sex, age, group in SCHOOL_STAFF:
        serial += 1
        staff.append(_person(this_year, serial, name, sex, age, group, employer=school, unit=place))
    logins = context.setdefault("logins", [])
    where = {"commune": place, "province": place.parent}
    users = {
        key: _account(username, full_name, role, villages[at] if isinstance(at, int) else where[at], logins)
        for key, username, full_name, role, at in OFFICERS
    }
    _learner_figures(school, users["commune_keeper"], this_year)
    mountain = {
        "commune": place,
        "villages": villages,
        "households": households,
        "clan": clan,
        "school": school,
        "staff": staff,
        "users": users,
    }
    context["mountain"] = mountain
    log(
        f"Xã miền núi mẫu: {place.name}, {place.parent.name} ({', '.join(v.name for v in villages)}; "
        f"{len(households)} hộ Tày, H'Mông, Dao; {clan.name} {clan.branch}; {school.name})"
    )
    return mountain


def _learner_figures(school: Organisation, keeper, this_year: int) -> None:
    """The school's learners, declared by the commune office that keeps its file, through the same
    service as the page (`assessments.learners.record`), each year with a sample list as evidence."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import learners
    from hoctap.assessments.models import LearnerFigures

    for back, (count, citizens) in SCHOOL_LEARNERS.items():
        year = this_year - back
        if LearnerFigures.objects.filter(organisation=school, year=year).exists():
            continue
        page = Image.new("RGB", (595, 200), "white")
        ImageDraw.Draw(page).text((24, 24), f"Danh sach nguoi hoc {year} (mau): {citizens}/{count}", fill="black")
        out = io.BytesIO()
        page.save(out, "PDF")
        learners.record(
            Scope(keeper),
            school,
            year,
            learners=count,
            citizens=citizens,
            uploaded=SimpleUploadedFile(f"danh-sach-nguoi-hoc-{year}.pdf", out.getvalue()),
        )
