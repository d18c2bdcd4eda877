"""Demo data for the yearly cycle (called by hoctap.demo.steps.assessments_step).

In the first demo commune, for the demo years (`hoctap.core.demo.demo_years`: the current year and
the two before, so the demo never goes stale): campaigns (national defaults and Hưng Yên's own),
households, a clan branch and a school in the registry, the two earlier years complete, and
assessments of every title in every state in the current year,
decisions with signed certificates, a correction (revocation and a new assessment), a photo of
evidence, the demo citizen's own record, and a sign-up waiting for the commune. Everything goes
through the workflow, so the statistics and the audit log see what a real year produces.
Idempotent: records are found by natural key first, and the assessments are made once.
"""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from hoctap.accounts.scoping import Scope
from hoctap.core.demo import demo_years, not_after_today
from hoctap.criteria.titles import Title
from hoctap.privacy import services as privacy
from hoctap.registry.models import ClanBranch, Household, OccupationGroup, Organisation, Person, Sex
from hoctap.territory.models import Level

from . import citizens, evidence, workflow
from .campaigns import campaign_for, create_campaign, default_criteria_sets, ensure_national_campaigns
from .decisions import issue_certificates, issue_decision
from .models import Assessment, CitizenSignup
from .sets import definition_of
from .states import Action, State
from .subjects import adapter_for_title

MARKER = "HT-DEMO"
# (household code suffix, head, spouse) with their ages this year (not birth years, so the demo
# never ages out of working age); the head's sex decides "Hộ ông" or "Hộ bà".
HOUSEHOLDS = [
    ("01", ("Nguyễn Văn Thành", Sex.MALE, 54), ("Trần Thị Mai", Sex.FEMALE, 51)),
    ("02", ("Lê Văn Hùng", Sex.MALE, 46), ("Phạm Thị Hạnh", Sex.FEMALE, 43)),
    ("03", ("Đỗ Thị Hương", Sex.FEMALE, 57), ("Vũ Văn Khải", Sex.MALE, 59)),
    ("04", ("Bùi Văn Lộc", Sex.MALE, 41), ("Ngô Thị Yến", Sex.FEMALE, 38)),
    ("05", ("Hoàng Văn Minh", Sex.MALE, 48), ("Đinh Thị Thu", Sex.FEMALE, 47)),
    ("06", ("Phan Văn Nghĩa", Sex.MALE, 36), ("Lý Thị Oanh", Sex.FEMALE, 34)),
    ("07", ("Trịnh Văn Phúc", Sex.MALE, 61), ("Mai Thị Quế", Sex.FEMALE, 60)),
    ("08", ("Đặng Văn Sơn", Sex.MALE, 43), ("Tạ Thị Tâm", Sex.FEMALE, 40)),
]
STAFF = [("Cao Thị Uyên", Sex.FEMALE, 42), ("Lương Văn Vinh", Sex.MALE, 47), ("Kiều Thị Xuân", Sex.FEMALE, 36)]


def _full_marks(assessment: Assessment, points: str | None = None) -> dict:
    return {
        i.code: True
        if i.kind == "pass_fail"
        else (points if points and float(points) <= float(i.max_points) else format(i.max_points, "f"))
        for i in definition_of(assessment.criteria_set).indicators
    }


class Cycle:
    """The demo's three actors, and the steps they take on an assessment."""

    def __init__(self, village_officer, commune_officer, approver, commune):
        self.village, self.commune, self.approver = Scope(village_officer), Scope(commune_officer), Scope(approver)
        self.approver_user, self.commune_unit = approver, commune

    def register(self, title, subject, year):
        """The village officer registers what lives in the village; the commune officer the rest."""
        in_village = adapter_for_title(title).unit(subject).level == Level.VILLAGE
        return workflow.register(self.village if in_village else self.commune, title, subject, year)

    def submit(self, assessment, points=None):
        assessment = workflow.transition(self.village, assessment, Action.START_SELF_ASSESSMENT)
        return workflow.transition(self.village, assessment, Action.SUBMIT, answers=_full_marks(assessment, points))

    def propose(self, assessment, points=None):
        assessment = self.submit(assessment, points)
        assessment = workflow.transition(self.commune, assessment, Action.START_REVIEW)
        return workflow.transition(self.commune, assessment, Action.PROPOSE)

    def decide(self, assessments, year, day, *, certify=True):
        decision = issue_decision(
            self.approver,
            assessments[0].campaign,
            assessments,
            issuer=self.commune_unit,
            issued_on=not_after_today(datetime.date(year, 12, day)),
            signer_name=self.approver_user.full_name,
        )
        if certify:
            issue_certificates(self.approver, decision)
        return decision


def _campaigns(province, log):
    for year in demo_years():
        ensure_national_campaigns(year)
        # Hưng Yên's own campaigns for families and citizens: earlier deadlines (reports go up
        # before 01/12, as the Thái Bình plan asks) and the province's own citizen set where it has one.
        for title in (Title.FAMILY, Title.CITIZEN):
            found = campaign_for(title, year, province)
            if found is None or found.province_id is None:
                create_campaign(
                    title,
                    year,
                    province=province,
                    criteria_sets=default_criteria_sets(title, year, province),
                    self_assessment_deadline=datetime.date(year, 11, 10),
                    review_deadline=datetime.date(year, 11, 20),
                    recognition_deadline=datetime.date(year, 11, 30),
                )
    log(f"Đợt đánh giá {', '.join(map(str, demo_years()))}: mặc định toàn quốc và đợt riêng của {province.name}")


def _registry(commune, village):
    this_year = demo_years()[-1]
    households = []
    for suffix, head, spouse in HOUSEHOLDS:
        household, _created = Household.objects.get_or_create(
            commune=commune,
            code_folded=f"{MARKER}-{suffix}".lower(),
            defaults={"code": f"{MARKER}-{suffix}", "village": village},
        )
        members = []
        for name, sex, age in (head, spouse):
            person = Person.objects.filter(household=household, full_name=name).first() or Person.objects.create(
                full_name=name,
                sex=sex,
                birth_year=this_year - age,
                household=household,
                occupation_group=OccupationGroup.FARMER,
            )
            members.append(person)
        if household.head_id is None:
            household.head = members[0]
            household.save()
        households.append(household)
    clan, _created = ClanBranch.objects.get_or_create(
        commune=commune,
        name_folded="ho nguyen van",
        branch_folded="chi 2",
        defaults={"name": "Họ Nguyễn Văn", "branch": "Chi 2", "representative": "Nguyễn Văn Thành"},
    )
    Household.objects.filter(pk__in=[h.pk for h in households[:4]], clan_branch=None).update(clan_branch=clan)
    school = Organisation.objects.filter(
        commune=commune, name="Trường Tiểu học xã (mẫu)"
    ).first() or Organisation.objects.create(name="Trường Tiểu học xã (mẫu)", kind="school", unit=commune)
    for name, sex, age in STAFF:
        if not Person.objects.filter(employer=school, full_name=name).exists():
            Person.objects.create(
                full_name=name,
                sex=sex,
                birth_year=this_year - age,
                employer=school,
                unit=commune,
                occupation_group=OccupationGroup.OFFICIAL,
            )
    return households, clan, school


def _photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (1200, 800), (236, 244, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1140, 740), outline=(11, 83, 148), width=12)
    draw.text((120, 380), "Lop hoc Trung tam hoc tap cong dong (anh minh hoa)", fill=(11, 83, 148))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("lop-hoc-cong-dong.jpg", out.getvalue(), content_type="image/jpeg")


def _year(cycle: Cycle, year: int, households, clan, school, village, commune, demo_citizen):
    people = [household.members.order_by("pk") for household in households]
    heads = [members[0] for members in people]
    spouses = [members[1] for members in people]
    # Citizens first: the family title rests on the household's adults holding it.
    recognised = [cycle.propose(cycle.register(Title.CITIZEN, person, year)) for person in heads[:6] + spouses[:2]]
    cycle.decide(recognised, year, 1)
    families = [cycle.propose(cycle.register(Title.FAMILY, household, year)) for household in households[:3]]
    cycle.decide(families, year, 5)
    if year != demo_years()[-1]:
        if year == demo_years()[0]:
            _commune_community(cycle, commune, year)
        return
    # The current year: every state of the cycle, across titles.
    fourth = cycle.propose(cycle.register(Title.FAMILY, households[3], year))
    cycle.decide([fourth], year, 8, certify=False)  # recognised, no certificate yet
    cycle.propose(cycle.register(Title.FAMILY, households[4], year))  # proposed
    under_review = cycle.submit(cycle.register(Title.FAMILY, households[5], year))
    workflow.transition(cycle.commune, under_review, Action.START_REVIEW)  # under review
    returned = cycle.submit(cycle.register(Title.CITIZEN, spouses[2], year))
    returned = workflow.transition(cycle.commune, returned, Action.START_REVIEW)
    workflow.transition(
        cycle.commune, returned, Action.RETURN, reason="Bổ sung ảnh giấy chứng nhận lớp tin học (chỉ số CS5)."
    )  # returned
    rejected = cycle.submit(cycle.register(Title.CITIZEN, spouses[3], year), points="5")
    rejected = workflow.transition(cycle.commune, rejected, Action.START_REVIEW)
    workflow.transition(cycle.commune, rejected, Action.REJECT, reason="Tổng điểm dưới ngưỡng đạt.")  # not recognised
    cycle.submit(cycle.register(Title.CITIZEN, spouses[4], year))  # submitted
    self_assessing = workflow.transition(
        cycle.commune, cycle.register(Title.CLAN, clan, year), Action.START_SELF_ASSESSMENT
    )  # self-assessing, with evidence
    evidence.attach(
        cycle.commune,
        self_assessing,
        _photo(),
        effective_date=not_after_today(datetime.date(year, 9, 15)),
        description="Buổi sinh hoạt khuyến học của dòng họ",
    )
    cycle.register(Title.COMMUNITY, village, year)  # registered
    cycle.register(Title.UNIT, school, year)
    # (the commune learning community recognised two years ago holds for 3 years: not assessed again)
    # A correction: a certified family revoked (with the revoking decision) and assessed again.
    revoked = Assessment.objects.get(household=households[2], campaign__year=year, state=State.CERTIFIED)
    workflow.correct(
        cycle.approver,
        revoked,
        reason="Hộ kê khai trùng minh chứng với hộ khác.",
        revocation_reference=f"15/QĐ-UBND ngày {not_after_today(datetime.date(year, 12, 20)):%d/%m/%Y}",
    )
    # The demo citizen's own record: registered, sheet half filled, to finish on a phone.
    mine = cycle.register(Title.CITIZEN, demo_citizen, year)
    workflow.save_answers(Scope(demo_citizen.account), mine, {"CS1": "8", "CS2": "9"})


def _commune_community(cycle: Cycle, commune, year: int) -> None:
    """The commune as a learning community (TT 25/2023): its file reviewed and recognised by the
    province; valid 3 years, so the statistics of the next two years still count it."""
    assessment = workflow.register(cycle.commune, Title.COMMUNE_COMMUNITY, commune, year)
    assessment = workflow.transition(cycle.commune, assessment, Action.START_SELF_ASSESSMENT)
    assessment = workflow.transition(cycle.commune, assessment, Action.SUBMIT, answers=_full_marks(assessment))
    assessment = workflow.transition(cycle.province, assessment, Action.START_REVIEW)
    assessment = workflow.transition(cycle.province, assessment, Action.PROPOSE)
    decision = issue_decision(
        cycle.province_approver,
        assessment.campaign,
        [assessment],
        issuer=commune.parent,
        issued_on=datetime.date(year + 1, 3, 20),
        signer_name=cycle.province_approver.user.full_name,
    )
    issue_certificates(cycle.province_approver, decision)


def load(context, log) -> None:
    province, commune = context["province"], context["communes"][0]
    village = context["villages"][commune.pk][0]
    users = context["users"]
    _campaigns(province, log)
    households, clan, school = _registry(commune, village)
    demo_citizen = Person.objects.filter(account=users["citizen"]).first() or Person.objects.create(
        full_name=users["citizen"].full_name,
        sex=Sex.FEMALE,
        birth_year=demo_years()[-1] - 40,
        household=households[-1],
        occupation_group=OccupationGroup.FARMER,
        account=users["citizen"],
    )
    cycle = Cycle(users["village_officer"], users["commune_officer"], users["commune_approver"], commune)
    cycle.province, cycle.province_approver = Scope(users["province_officer"]), Scope(users["province_approver"])
    for year in demo_years():
        if not Assessment.objects.filter(household__in=households, campaign__year=year).exists():
            _year(cycle, year, households, clan, school, village, commune, demo_citizen)
    _past_results(users["commune_approver"], commune, households, log)
    _old_map_results(users["commune_approver"], commune, context["villages"][commune.pk], log)
    # A sign-up the commune has to confirm: the registry already has someone with that name and year.
    waiting = households[6].members.order_by("pk")[1]
    if not CitizenSignup.objects.filter(commune=commune, name_folded=waiting.name_folded).exists():
        citizens.sign_up(
            username="congdan2",
            password="hoctap-demo-2026",
            full_name=waiting.full_name,
            birth_year=waiting.birth_year,
            sex=waiting.sex,
            commune=commune,
            occupation_group="farmer",
            notice_version=privacy.current_notice().version,
        )
    # Two claims of one ID number typed online (issue 16 §4): its owner's and a stranger's. Neither
    # is refused and neither reaches the registry; the commune officer sees the card and resolves both.
    owner = households[5].members.exclude(id_number=None).filter(account=None).order_by("pk").first()
    if owner is not None and not CitizenSignup.objects.filter(id_number=owner.id_number).exists():
        for username, full_name, birth_year in (
            ("congdan3", owner.full_name, owner.birth_year),
            ("congdan4", "Đặng Văn Lạ", owner.birth_year - 7),
        ):
            citizens.sign_up(
                username=username,
                password="hoctap-demo-2026",
                full_name=full_name,
                birth_year=birth_year,
                sex=owner.sex,
                commune=commune,
                id_number=owner.id_number,
                occupation_group="farmer",
                notice_version=privacy.current_notice().version,
                sensitive_consent=username == "congdan3",
            )
    counts = {State(s).label: n for s, n in _count_by_state(commune)}
    log("Hồ sơ đánh giá: " + ", ".join(f"{label} {n}" for label, n in counts.items()))


def _family_results_template(commune, year: int):
    """That year's family campaign's results template, and the total and classification that recognise
    a family under its criteria (the top band's, else five points above the pass mark)."""
    from .results_import import ResultsTemplate

    template = ResultsTemplate(campaign_for(Title.FAMILY, year, commune.parent))
    definition = definition_of(template.versions[0])
    total = max(mark.min for mark in definition.scoring.pass_marks) + 5
    classification = "achieved"
    if definition.scoring.bands:
        band = definition.scoring.bands[-1]
        total, classification = band.min, band.code
    return template, {"total": str(total), "classification": classification}


def _results_file(template, rows: list[dict]) -> io.BytesIO:
    """The results template filled in, one row a household (its values by column key)."""
    from openpyxl import load_workbook

    from hoctap.core.imports import template_workbook

    workbook = load_workbook(io.BytesIO(template_workbook(template)))
    sheet = workbook[template.sheet_title]
    keys = [column.key for column in template.columns]
    for values in rows:
        sheet.append([values.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _import_results(approver, template, source, what: str) -> dict:
    """A results file imported by the commune chairman (the demo stops if it is refused): the counts of
    its recognitions."""
    from hoctap.core.imports import import_file

    result = import_file(source, template, scope=Scope(approver), actor=approver)
    if not result.ok:
        raise RuntimeError(f"demo {what} file refused: {result.file_error or result.errors[:3]}")
    return result.counts["recognition"]


def past_results_file(commune, households, year: int):
    """The Excel file a commune keeps of an earlier year: only totals and classifications, with the
    chairman's decision (the results template of that year's family campaign, filled in)."""
    template, recognised = _family_results_template(commune, year)
    rows = [
        {
            "commune_code": commune.code,
            "household_code": household.code,
            **recognised,
            "decision_number": "09/QĐ-UBND",
            "decision_date": datetime.date(year, 12, 15),
            "signer_name": "Nguyễn Văn Bình",
        }
        for household in households
    ]
    return template, _results_file(template, rows)


def _past_results(approver, commune, households, log) -> None:
    """The year before the demo's first: four families recognised on paper, entered by the commune
    chairman through the results import (a second run of the demo changes nothing)."""
    year = demo_years()[0] - 1
    ensure_national_campaigns(year)
    template, source = past_results_file(commune, households[3:7], year)
    counts = _import_results(approver, template, source, "results")
    log(f"Nhập kết quả {year} từ Excel (QĐ 09/QĐ-UBND): thêm {counts['create']}, giữ nguyên {counts['unchanged']}")


# Households of Thôn Nam and Thôn Bắc whose learning-family recognitions of the years before the
# 2025 reform were kept by the old communes (issue 15 §2); the territory demo then merges the two
# villages, and the five-year comparison shows both.
OLD_MAP_HOUSEHOLDS = [
    ("N1", 2, ("Vương Văn Cần", Sex.MALE, 52), ("Lại Thị Duyên", Sex.FEMALE, 49)),
    ("N2", 2, ("Chu Văn Định", Sex.MALE, 45), ("Lò Thị Gấm", Sex.FEMALE, 44)),
    ("B1", 3, ("Khổng Văn Hải", Sex.MALE, 58), ("Âu Thị Hằng", Sex.FEMALE, 55)),
    ("B2", 3, ("Quách Văn Kiên", Sex.MALE, 39), ("Tăng Thị Lan", Sex.FEMALE, 37)),
]


def old_map_years() -> list[int]:
    """Two years of the old map before the demo's own: 2021 and 2022 (the review's first years)."""
    from hoctap.territory.models import REFORM_DATE

    return [year for year in (REFORM_DATE.year - 4, REFORM_DATE.year - 3) if year < demo_years()[0] - 1]


def _old_map_results(approver, commune, villages, log) -> None:
    """The archive of the old communes that formed the demo commune: their families recognised in
    2021 and 2022, keyed on the old commune's code («cũ»), entered by the chairman through the
    results import; the lineage finds the commune of today (naming it when the old commune was
    split) and each assessment keeps the old commune as recorded."""
    sources = list(commune.predecessors())
    if not sources or len(villages) < 4:
        return
    households = []
    this_year = demo_years()[-1]
    for code, village_index, *members in OLD_MAP_HOUSEHOLDS:
        household = Household.objects.filter(commune=commune, code_folded=f"{MARKER}-{code}".lower()).first()
        if household is None:
            household = Household.objects.create(code=f"{MARKER}-{code}", village=villages[village_index])
            people = [
                Person.objects.create(
                    full_name=name,
                    sex=sex,
                    birth_year=this_year - age,
                    household=household,
                    occupation_group=OccupationGroup.FARMER,
                )
                for name, sex, age in members
            ]
            household.head = people[0]
            household.save()
        households.append(household)
    for year in old_map_years():
        ensure_national_campaigns(year)
        template, recognised = _family_results_template(commune, year)
        rows = []
        for index, household in enumerate(households):
            old = sources[index // 2 % len(sources)]  # Thôn Nam's in the first old commune, Thôn Bắc's in the next
            split = old.successors().count() > 1
            rows.append(
                {
                    "commune_code": old.code,
                    "era": "cũ",
                    "current_place": commune.code if split else None,
                    "household_code": household.code,
                    **recognised,
                    "decision_number": "05/QĐ-UBND",
                    "decision_date": datetime.date(year, 12, 10),
                    "signer_name": "Nguyễn Văn Bình",
                }
            )
        counts = _import_results(approver, template, _results_file(template, rows), "old-map")
        log(
            f"Nhập kết quả {year} theo xã cũ ({', '.join(s.name for s in sources[:2])}): thêm {counts['create']}, "
            f"giữ nguyên {counts['unchanged']}"
        )


def _count_by_state(commune):
    from django.db.models import Count

    return (
        Assessment.objects.filter(unit__path__startswith=commune.path)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by("state")
    )
