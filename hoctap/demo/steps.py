"""The demo years in the demo province: Hưng Yên on the current map (it absorbed Thái Bình).

The years are relative to today (`hoctap.core.demo.demo_years`: the current year and the two
before), so the demo never goes stale: no step names a fixed year.

Each capability adds a step here, in data-flow order, so `make run` always shows everything the
product does. Every step is idempotent: it looks records up by natural key before creating them.
"""

from hoctap.accounts.models import RoleAssignment, User
from hoctap.accounts.roles import Role
from hoctap.core.demo import demo_years, not_after_today
from hoctap.core.text import fold
from hoctap.territory.models import Era, Level, Unit
from hoctap.territory.services import next_village_code

DEMO_PASSWORD = "hoctap-demo-2026"
DEMO_PROVINCE = "hưng yên"
DEMO_COMMUNE_COUNT = 3
VILLAGES = ["Thôn Đông", "Thôn Đoài", "Thôn Nam", "Thôn Bắc", "Tổ dân phố 1"]


def _province():
    province = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE, short_name__iexact="Hưng Yên").first()
    if province is None:
        province = Unit.objects.filter(
            era=Era.CURRENT, level=Level.PROVINCE, name_folded__endswith=fold(DEMO_PROVINCE)
        ).first()
    if province is None:
        raise LookupError("Không tìm thấy tỉnh Hưng Yên trên bản đồ hiện hành")
    return province


def _communes(province):
    """A stable pick: the first commune formed from old Hưng Yên and the first two from old Thái Bình,
    so the demo shows figures on both maps."""
    by_old_province: dict[str, list[Unit]] = {}
    for commune in province.children.filter(level=Level.COMMUNE).in_order():
        first_source = commune.predecessors().first()
        if first_source is None:
            continue
        old_province = first_source.ancestors()[1].short_name
        by_old_province.setdefault(old_province, []).append(commune)
        if len(by_old_province.get("Hưng Yên", [])) >= 1 and len(by_old_province.get("Thái Bình", [])) >= 2:
            break
    picked = by_old_province.get("Hưng Yên", [])[:1] + by_old_province.get("Thái Bình", [])[:2]
    if len(picked) < DEMO_COMMUNE_COUNT:
        raise LookupError("Bản đồ chưa có quan hệ kế thừa Hưng Yên, Thái Bình")
    return picked


def demo_village(commune, division_type: str, short_name: str) -> Unit:
    """The commune's village of that name, created on the current map the first time."""
    village = commune.children.filter(level=Level.VILLAGE, short_name=short_name).first()
    if village is None:
        village = Unit.objects.create(
            era=Era.CURRENT,
            level=Level.VILLAGE,
            code=next_village_code(commune),
            name=f"{division_type} {short_name}",
            short_name=short_name,
            division_type=division_type,
            parent=commune,
        )
    return village


def territory_step(context, log):
    province = _province()
    communes = _communes(province)
    villages = {}
    for commune in communes:
        for name in VILLAGES:
            division_type, short_name = name.rsplit(" ", 1) if name.startswith("Tổ") else name.split(" ", 1)
            villages.setdefault(commune.pk, []).append(demo_village(commune, division_type, short_name))
    context.update(province=province, communes=communes, villages=villages, nation=province.parent)
    log(f"Địa bàn mẫu: {province.name}; {', '.join(c.name for c in communes)}")


def areas_step(context, log):
    """Disadvantaged areas: Cao Bằng's Bảo Lâm and Lý Bôn communes in zone III (hoctap.territory)."""
    from hoctap.territory import demo

    demo.load(context, log)


def _account(username, full_name, role, unit, logins):
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
    logins.append((Role(role).label, username, unit.name))
    return user


def accounts_step(context, log):
    logins = context.setdefault("logins", [])
    commune = context["communes"][0]
    village = context["villages"][commune.pk][0]
    province, nation = context["province"], context["nation"]
    context["users"] = {
        "citizen": _account("congdan", "Nguyễn Thị Lan", Role.CITIZEN, village, logins),
        "village_officer": _account("canbothon", "Trần Văn Bình", Role.VILLAGE_OFFICER, village, logins),
        "commune_officer": _account("canboxa", "Lê Thị Hoa", Role.COMMUNE_OFFICER, commune, logins),
        "commune_approver": _account("chutichxa", "Phạm Văn Đức", Role.COMMUNE_APPROVER, commune, logins),
        "province_officer": _account("canbotinh", "Vũ Thị Mai", Role.PROVINCE_OFFICER, province, logins),
        "province_approver": _account("lanhdaotinh", "Hoàng Văn Nam", Role.PROVINCE_APPROVER, province, logins),
        "central_admin": _account("quantri", "Đỗ Minh Tuấn", Role.CENTRAL_ADMIN, nation, logins),
        "viewer": _account("sogiaoduc", "Sở Giáo dục và Đào tạo", Role.VIEWER, province, logins),
    }
    # A second commune's officer, to show that territories do not see each other.
    if len(context["communes"]) > 1:
        context["users"]["other_commune_officer"] = _account(
            "canboxa2", "Bùi Văn Khánh", Role.COMMUNE_OFFICER, context["communes"][1], logins
        )


# Hưng Yên's own citizen set (sample content), in two versions so the diff page has something to show.
DEMO_PROVINCIAL_SET = "citizen-hung-yen-2025"


def _provincial_citizen_set(version: int) -> str:
    import datetime
    from decimal import Decimal

    from hoctap.criteria import loader

    _first, last_year, this_year = demo_years()
    national = loader.load_file(loader.SHIPPED_SETS_DIR / "citizen-677-2022.yaml")
    data = national.model_dump(mode="python", exclude_defaults=True)
    data.update(
        code=DEMO_PROVINCIAL_SET,
        version=version,
        status="provisional",
        name_vi="Bộ tiêu chí Công dân học tập tỉnh Hưng Yên (bản mẫu)",
        name_en="Hưng Yên Learning Citizen criteria (sample)",
        effective_from=datetime.date(last_year, 7, 1) if version == 1 else datetime.date(this_year, 1, 1),
        gaps=[
            {
                "text_vi": "Bản mẫu của dữ liệu demo, phỏng theo bộ toàn quốc citizen-677-2022; không phải văn bản của tỉnh.",
                "text_en": "Demo sample adapted from the national set citizen-677-2022; not a provincial document.",
            }
        ],
    )
    data.pop("issuing_document", None)
    data.pop("issued_on", None)
    if version >= 2:
        # What the province changed: a lower pass mark in disadvantaged areas, a softer floor for the
        # foreign-language indicator, and a mandatory law-abiding indicator.
        data["scoring"]["pass_marks"][1]["min"] = Decimal(65)
        language = next(i for c in data["criteria"] for i in c["indicators"] if i["code"] == "CS6")
        language["floor"] = Decimal(3)
        language["evidence_hints"] = [*language.get("evidence_hints", ()), "Xác nhận tham gia lớp ngoại ngữ cộng đồng"]
        last = data["criteria"][-1]
        last["indicators"] = [
            *last["indicators"],
            {
                "code": "CS11",
                "kind": "pass_fail",
                "mandatory": True,
                "tag": "I",
                "text_vi": "Chấp hành chủ trương, chính sách của Đảng, pháp luật của Nhà nước và quy định của địa phương.",
                "text_en": "Abides by the Party's policies, the State's laws and local rules.",
            },
        ]
    return loader.to_yaml(loader.load_mapping(data, DEMO_PROVINCIAL_SET))


def criteria_step(context, log):
    """The shipped criteria sets, and Hưng Yên's own citizen set (v1, v2) published by its officer."""
    from hoctap.accounts.scoping import Scope
    from hoctap.criteria import services
    from hoctap.criteria.models import CriteriaSetVersion
    from hoctap.criteria.shipped import publish_shipped_sets

    shipped = publish_shipped_sets(log=lambda _message: None)
    officer = context["users"]["province_officer"]
    for version in (1, 2):
        if not CriteriaSetVersion.objects.filter(code=DEMO_PROVINCIAL_SET, version=version).exists():
            services.publish(
                Scope(officer),
                _provincial_citizen_set(version),
                province=context["province"],
                user=officer,
                source_name=f"{DEMO_PROVINCIAL_SET}.yaml",
            )
    log(f"Bộ tiêu chí: {len(shipped)} bộ toàn quốc; bộ riêng của {context['province'].name} (2 phiên bản)")


def registry_step(context, log):
    """The registry of the demo communes, loaded through the Excel import, and declared totals."""
    from hoctap.registry import demo

    demo.load(context, log)


def mountain_step(context, log):
    """A mountain commune of Cao Bằng (Xã Bảo Lâm, zone III): bản and xóm, Tày, H'Mông and Dao
    households, an elderly household, a clan, a province-managed upper-secondary school, officers."""
    from hoctap.demo import mountain

    mountain.load(context, log)


def funds_step(context, log):
    """Study-promotion funds: a year of receipts and scholarships in each demo commune."""
    from hoctap.funds import demo

    demo.load(context, log)


def members_step(context, log):
    """The association: branches, members with joins and leaves, dues, officers and their training."""
    from hoctap.members import demo

    demo.load(context, log)


def learning_step(context, log):
    """Learning centres: classes across the year, the Lifelong Learning Week in October, literacy
    declarations with their source (one commune only for this year: coverage shows)."""
    from hoctap.learning import demo

    demo.load(context, log)


def assessments_step(context, log):
    """The yearly cycle in the first commune: campaigns of the demo years, assessments of every title in
    every state, decisions with signed certificates, a correction, the demo citizen's own record."""
    from django.conf import settings
    from django.core.management import call_command

    from hoctap.assessments import demo

    if not settings.CERTIFICATE_SIGNING_KEY and settings.DEBUG:
        call_command("ensure_dev_keys")  # `make run` makes the key after the demo; certificates need it now
    demo.load(context, log)


def village_history_step(context, log):
    """Two villages of the first demo commune merged this year (hoctap.territory.village_changes): their
    households, with the years recorded on the old map, move to the merged village."""
    from hoctap.territory import demo

    demo.merge_villages(context, log)


def privacy_step(context, log):
    """Personal data: consents, bases on paper, a pending request of each kind (hoctap.privacy). After
    the assessments step, which links the demo citizen's account to their registry person."""
    from hoctap.privacy import demo

    demo.load(context, log)


def openrosa_step(context, log):
    """ODK Collect: a device credential for the demo commune officer (hoctap.openrosa)."""
    from hoctap.openrosa import demo

    demo.load(context, log)


def stats_step(context, log):
    """Statistics: the provincial yearly steps (Thái Bình, Cao Bằng), a commune target, association
    capacity for the demo communes, and counters recounted from whatever the steps before wrote."""
    from hoctap.stats import recompute
    from hoctap.stats.models import AssociationCapacity, Target
    from hoctap.stats.targets import seed_provincial_targets

    seed_provincial_targets()
    communes = context["communes"]
    years = demo_years()
    Target.objects.update_or_create(
        indicator="family",
        year=years[-1],
        unit=communes[0],
        defaults={"value": 75, "source": "Nghị quyết HĐND xã (mẫu)"},
    )
    for index, commune in enumerate(communes):
        for step, year in enumerate(years):
            officers = 9 + index
            AssociationCapacity.objects.update_or_create(
                unit=commune,
                year=year,
                defaults={
                    "chair_manages_clc": step >= 1 or index == 0,
                    "officers": officers,
                    "officers_in_clc": 5,
                    "officers_in_clc_it_trained": min(5, 2 + step + index),
                    "officers_and_members": 420 + 40 * index,
                    "briefed": 300 + 30 * step,
                    "briefed_citizen": 250 + 40 * step,
                },
            )
    rows = recompute.recompute(None, context["province"])
    log(f"Thống kê: chỉ tiêu tỉnh Thái Bình, Cao Bằng; năng lực Hội {len(communes)} xã; {rows} dòng số liệu")


def report_year() -> int:
    """The last complete reporting season: last year (its 01/12 deadline has passed)."""
    return demo_years()[1]


def _at(*args):
    """A moment in Vietnamese time (the demo's submissions around the 01/12 deadline)."""
    import datetime
    from zoneinfo import ZoneInfo

    return datetime.datetime(*args, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _written_report(scope, report_type, year: int, unit, narrative: dict):
    """A report started by the scope's user, its narrative written (results, difficulties, proposals,
    signer), not yet submitted."""
    from hoctap.reports import services

    report = services.start_report(scope, report_type, year, unit, actor=scope.user)
    services.update_narrative(scope, report, narrative)
    return report


def reports_step(context, log):
    """Last year's reporting season (Hưng Yên communes due 01/12): one commune on time and accepted, one
    late, one returned with reasons, and the province's report naming the communes outstanding."""
    REPORT_YEAR = report_year()
    import datetime

    from hoctap.accounts.scoping import Scope
    from hoctap.reports import services
    from hoctap.reports.loader import load_schedules
    from hoctap.reports.models import Report, ReportType

    load_schedules()
    annual = ReportType.objects.get(code="annual")
    users, communes, logins = context["users"], context["communes"], context.setdefault("logins", [])
    province_officer = users["province_officer"]
    officers = [users["commune_officer"], users.get("other_commune_officer")]
    if len(communes) > 2:
        officers.append(_account("canboxa3", "Đinh Thị Yến", Role.COMMUNE_OFFICER, communes[2], logins))
    season = [  # (submitted at, then: accept / return / wait)
        (_at(REPORT_YEAR, 11, 28, 9, 30), "accept"),
        (_at(REPORT_YEAR, 12, 3, 14, 0), "wait"),
        (_at(REPORT_YEAR, 11, 30, 16, 45), "return"),
    ]
    for commune, officer, (moment, then) in zip(communes, officers, season, strict=False):
        if officer is None or Report.objects.filter(report_type=annual, year=REPORT_YEAR, unit=commune).exists():
            continue
        scope = Scope(officer)
        report = _written_report(
            scope,
            annual,
            REPORT_YEAR,
            commune,
            {
                "results": f"{commune.name} đã tuyên truyền Chương trình tới 100% thôn, tổ dân phố; tổ chức đăng ký, "
                "tự đánh giá và công nhận các danh hiệu học tập theo kế hoạch.",
                "difficulties": "Kinh phí cho Trung tâm học tập cộng đồng còn hạn chế; một số hộ chưa quen phần mềm.",
                "proposals": "Đề nghị tỉnh mở lớp tập huấn sử dụng phần mềm cho cán bộ thôn.",
                "signer_name": "Nguyễn Văn Hùng",
            },
        )
        report = services.submit(scope, report, actor=officer, now=moment)
        reviewer = Scope(province_officer)
        if then == "accept":
            services.accept(reviewer, report, actor=province_officer, now=moment + datetime.timedelta(days=1))
        elif then == "return":
            services.return_report(
                reviewer,
                report,
                actor=province_officer,
                now=_at(REPORT_YEAR, 12, 2, 8, 0),
                reason="Biểu số liệu thiếu thôn Tổ dân phố 1; đề nghị bổ sung và gửi lại.",
            )
    province = context["province"]
    if not Report.objects.filter(report_type=annual, year=REPORT_YEAR, unit=province).exists():
        scope = Scope(province_officer)
        report = _written_report(
            scope,
            annual,
            REPORT_YEAR,
            province,
            {
                "results": f"Các xã triển khai đăng ký, đánh giá và công nhận danh hiệu học tập năm {REPORT_YEAR} theo kế hoạch.",
                "difficulties": "Nhiều xã mới sau sắp xếp chưa kiện toàn cán bộ phụ trách.",
                "proposals": "Đề nghị Trung ương Hội hướng dẫn bộ tiêu chí áp dụng sau sắp xếp đơn vị hành chính.",
                "signer_name": "Trần Thị Lan",
            },
        )
        outstanding = services.outstanding_children(report)
        note = "Các xã sau chưa gửi hoặc chưa được tiếp nhận báo cáo; tỉnh tiếp tục đôn đốc:\n"
        services.submit(
            scope,
            report,
            actor=province_officer,
            outstanding_note=note + services.suggested_note(outstanding),
            now=_at(REPORT_YEAR, 12, 12, 10, 0),
        )
    log(
        f"Báo cáo năm {REPORT_YEAR}: {Report.objects.filter(year=REPORT_YEAR, report_type=annual).count()} báo cáo "
        f"(đúng hạn, muộn, bị trả lại; báo cáo tỉnh)"
    )
    _review_and_recipients(context, log)
    _department_report(context, log)


# Upper-secondary schools the province manages (the Department of Education's learning units).
PROVINCE_SCHOOLS = ("Trường THPT Nguyễn Trãi", "Trường THPT Chu Văn An")


def _department_report(context, log):
    """A reporter other than the association: the province's Department of Education and Training
    (the demo's "sogiaoduc" account, which also reads as a viewer) reports on the schools the
    province manages (one of them registered for "Đơn vị học tập" this year), and the province's
    association accepts last year's report."""
    import datetime

    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import workflow
    from hoctap.assessments.models import Assessment
    from hoctap.criteria.titles import Title
    from hoctap.registry.models import ManagingLevel, Organisation
    from hoctap.reports import services
    from hoctap.reports.models import Report, ReportType

    year = report_year()
    education = ReportType.objects.filter(code="education_units").first()
    communes, province = context["communes"], context["province"]
    province_officer = context["users"]["province_officer"]
    department = _account("sogiaoduc", "Sở Giáo dục và Đào tạo", Role.EDUCATION_DEPARTMENT, province, context["logins"])
    if education is None or Report.objects.filter(report_type=education, year=year, unit=province).exists():
        return
    schools = [
        Organisation.objects.filter(name=name, commune=commune).first()
        or Organisation.objects.create(name=name, kind="school", managing_level=ManagingLevel.PROVINCE, unit=commune)
        for name, commune in zip(PROVINCE_SCHOOLS, communes, strict=False)
    ]
    # The school registers in this year's cycle, not in the report's year: the demo's past years are
    # complete, and a school of a past year would have to be carried to its certificate with staff
    # who are learning citizens.
    this_year = demo_years()[-1]
    if schools and not Assessment.objects.filter(title=Title.UNIT, organisation=schools[0], campaign__year=this_year):
        workflow.register(Scope(province_officer), Title.UNIT, schools[0], this_year)
    scope = Scope(department)
    report = _written_report(
        scope,
        education,
        year,
        province,
        {
            "results": f"{len(schools)} trường trung học phổ thông do tỉnh quản lý triển khai xây dựng "
            "«Đơn vị học tập»; các trường chuẩn bị đăng ký đánh giá năm sau (biểu kèm theo).",
            "difficulties": "Các trường mới làm quen với Bộ tiêu chí Đơn vị học tập (TT 24/2023).",
            "proposals": "Đề nghị Hội Khuyến học tỉnh phối hợp tập huấn tự đánh giá cho các trường.",
            "signer_name": "Lương Văn Thành",
        },
    )
    moment = _at(year, 11, 26, 10, 0)
    report = services.submit(scope, report, actor=department, now=moment)
    services.accept(Scope(province_officer), report, actor=province_officer, now=moment + datetime.timedelta(days=1))
    log(
        f"{education.name} {year}: Sở Giáo dục và Đào tạo đã gửi ({len(schools)} trường), Hội Khuyến học tỉnh đã tiếp nhận"
    )


def _review_and_recipients(context, log):
    """The bodies the reports are sent to (the first commune's People's Committee, the province's
    steering committee) with an account each, and the five-year review: the first commune sends
    it in the year the plans hold it (from the data, never a year written here) and the province
    accepts it."""
    import datetime

    from django.utils import timezone

    from hoctap.accounts.scoping import Scope
    from hoctap.reports import services
    from hoctap.reports.models import Report, ReportSchedule, ReportType

    users, communes, logins = context["users"], context["communes"], context["logins"]
    commune, province = communes[0], context["province"]
    _account("ubndxa", f"Ủy ban nhân dân {commune.name}", Role.PEOPLES_COMMITTEE, commune, logins)
    _account(
        "bcdtinh", f"Ban Chỉ đạo xây dựng xã hội học tập {province.name}", Role.STEERING_COMMITTEE, province, logins
    )
    review = ReportType.objects.filter(code="review_2025").first()
    held = ReportSchedule.objects.filter(report_type=review, year__isnull=False).values_list("year", flat=True).first()
    officer, province_officer = users["commune_officer"], users["province_officer"]
    if review is None or held is None or held > timezone.localdate().year:
        return
    if (
        services.due_date_for(review, commune, held) is None
        or Report.objects.filter(report_type=review, year=held, unit=commune).exists()
    ):
        return
    scope = Scope(officer)
    report = _written_report(
        scope,
        review,
        held,
        commune,
        {
            "results": f"Sau 5 năm, {commune.name} duy trì Trung tâm học tập cộng đồng, quỹ khuyến học và các chi hội; "
            "tỷ lệ gia đình, dòng họ, công dân học tập tăng qua từng năm (biểu kèm theo).",
            "difficulties": "Sắp xếp đơn vị hành chính năm 2025 làm gián đoạn việc theo dõi số liệu của các xã cũ.",
            "proposals": "Đề nghị tỉnh hướng dẫn chỉ tiêu giai đoạn 2026 - 2030 cho xã mới.",
            "signer_name": "Nguyễn Văn Hùng",
        },
    )
    moment = min(_at(held, 5, 20, 9, 30), timezone.now())
    report = services.submit(scope, report, actor=officer, now=moment)
    services.accept(Scope(province_officer), report, actor=province_officer, now=moment + datetime.timedelta(days=2))
    log(f"{review.name}: {commune.name} đã gửi, tỉnh đã tiếp nhận; gửi đến UBND, Ban Chỉ đạo, Đảng ủy xã")


def _recognised_for_inspection(context, year):
    """Recognised assessments of the demo communes; a few learning citizens are put through the
    workflow when the steps before recognised none, so the inspection has something to sample."""
    import datetime

    from hoctap.accounts.scoping import Scope
    from hoctap.assessments import workflow
    from hoctap.assessments.campaigns import campaign_for
    from hoctap.assessments.decisions import issue_decision
    from hoctap.assessments.states import Action
    from hoctap.criteria.shipped import publish_shipped_sets
    from hoctap.criteria.titles import Title
    from hoctap.inspections.services import population
    from hoctap.registry.models import OccupationGroup, Person, Sex

    communes = context["communes"][:2]
    if population(year, communes).exists():
        return communes
    publish_shipped_sets(log=lambda *args: None)
    campaign_for(Title.CITIZEN, year, None)  # opens the national default if nobody has
    users, logins = context["users"], context["logins"]
    # Separation of duties: a village officer submits, a commune officer reviews, the chairman decides.
    authorities = [(users["village_officer"], users["commune_officer"], users["commune_approver"])]
    if "other_commune_officer" in users:
        other_village = context["villages"][communes[1].pk][0]
        authorities.append(
            (
                _account("canbothon2", "Đinh Thị Yến", Role.VILLAGE_OFFICER, other_village, logins),
                users["other_commune_officer"],
                _account("chutichxa2", "Ngô Văn Lực", Role.COMMUNE_APPROVER, communes[1], logins),
            )
        )
    for commune, (submitter, reviewer, approver) in zip(communes, authorities, strict=False):
        officer_scope, reviewer_scope, approver_scope = Scope(submitter), Scope(reviewer), Scope(approver)
        village = context["villages"][commune.pk][0]
        proposed = []
        for number, name in enumerate(["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Thị Nga", "Phạm Văn Tâm"], start=1):
            person = Person.objects.create(
                full_name=name,
                sex=Sex.FEMALE if number % 2 else Sex.MALE,
                birth_year=year - 51 + number,
                unit=village,
                occupation_group=OccupationGroup.FARMER,
            )
            assessment = workflow.register(officer_scope, Title.CITIZEN, person, year)
            answers = {
                i.code: True if i.kind == "pass_fail" else format(i.max_points, "f")
                for i in assessment.criteria_set.definition.indicators
            }
            assessment = workflow.transition(officer_scope, assessment, Action.START_SELF_ASSESSMENT)
            assessment = workflow.transition(officer_scope, assessment, Action.SUBMIT, answers=answers)
            assessment = workflow.transition(reviewer_scope, assessment, Action.START_REVIEW)
            proposed.append(workflow.transition(reviewer_scope, assessment, Action.PROPOSE, answers=answers))
        issue_decision(
            approver_scope,
            proposed[0].campaign,
            proposed,
            issuer=commune,
            issued_on=datetime.date(year, 11, 20),
            signer_name=approver.full_name,
        )
    return communes


def inspections_step(context, log):
    """The province inspects two communes' recognitions: a seeded sample, one finding in agreement,
    one not (with a recommendation to revoke)."""
    from hoctap.accounts.scoping import Scope
    from hoctap.inspections import services
    from hoctap.inspections.models import Inspection

    REPORT_YEAR = report_year()
    inspector = context["users"]["province_officer"]
    name = f"Kiểm tra công nhận danh hiệu năm {REPORT_YEAR}"
    inspection = Inspection.objects.filter(province=context["province"], year=REPORT_YEAR, name=name).first()
    if inspection is None:
        communes = _recognised_for_inspection(context, REPORT_YEAR)
        inspection = services.plan(
            Scope(inspector),
            province=context["province"],
            year=REPORT_YEAR,
            communes=communes,
            name=name,
            sample_size=4,
            seed=REPORT_YEAR * 10000 + 1201,
            actor=inspector,
        )
        findings = list(inspection.findings.select_related("assessment__criteria_set", "inspection__province"))
        for finding, verdict in zip(findings, ("agree", "disagree"), strict=False):
            answers = services.starting_answers(finding)
            if verdict == "disagree":
                answers = {code: (False if value is True else "0") for code, value in answers.items()}
            services.rescore(
                Scope(inspector),
                finding,
                answers=answers,
                verdict=verdict,
                actor=inspector,
                reasons="" if verdict == "agree" else "Không có minh chứng tham gia lớp học tại TTHTCĐ.",
                recommendation="" if verdict == "agree" else "revoke",
            )
    log(f"Kiểm tra: {inspection.name}, mẫu {inspection.findings.count()} hồ sơ (mã chọn mẫu {inspection.seed})")


def _congress():
    """The latest congress (Đại hội biểu dương) up to this year, from the programme's occasions."""
    from hoctap.awards import emulation

    this_year = demo_years()[-1]
    congresses = [o for o in emulation.programme().occasions if o.kind == "congress" and o.year <= this_year]
    return max(congresses, key=lambda o: o.year)


def awards_step(context, log):
    """The latest congress: nominations from the communes, honoured at the commune and the province,
    a Giấy khen recorded; and the commune association's emulation self-report of last year."""
    import datetime

    from hoctap.accounts.scoping import Scope
    from hoctap.awards import services
    from hoctap.awards.models import Award, EmulationSelfReport, Nomination

    REPORT_YEAR = report_year()
    congress = _congress()

    users, communes = context["users"], context["communes"]
    officer, province_officer = users["commune_officer"], users["province_officer"]
    commune = communes[0]
    nominees = [
        (
            "family",
            "Gia đình ông Nguyễn Văn Thành",
            context["villages"][commune.pk][0],
            "Ba thế hệ cùng học tập; hai con tốt nghiệp đại học, ông bà tham gia lớp tin học tại TTHTCĐ.",
        ),
        (
            "clan",
            "Dòng họ Trần (chi 2)",
            commune,
            "Quỹ khuyến học dòng họ 120 triệu đồng; 100% hộ trong chi đạt Gia đình học tập.",
        ),
        (
            "citizen",
            "Bà Lê Thị Hoà",
            context["villages"][commune.pk][1],
            "Tự học tiếng Anh và kỹ năng số ở tuổi 58, hướng dẫn 30 hội viên cài ứng dụng học tập.",
        ),
    ]
    for kind, name, unit, achievements in nominees:
        if Nomination.objects.filter(occasion=congress.code, nominee_name=name, unit=unit).exists():
            continue
        nomination = services.create_nomination(
            Scope(officer),
            occasion=congress.code,
            nominee_kind=kind,
            nominee_name=name,
            unit=unit,
            achievements=achievements,
            actor=officer,
        )
        services.transition(Scope(officer), nomination, "honour", actor=officer)
        services.transition(Scope(officer), nomination, "propose", actor=officer)
        if kind != "citizen":
            services.transition(Scope(province_officer), nomination, "honour", actor=province_officer)
    family = Nomination.objects.get(occasion=congress.code, nominee_name=nominees[0][1])
    if not Award.objects.filter(nomination=family).exists():
        services.record_award(
            Scope(province_officer),
            kind="giay_khen",
            issuer="Chủ tịch Hội Khuyến học tỉnh Hưng Yên",
            decision_number="45/QĐ-HKH",
            decision_date=not_after_today(datetime.date(congress.year, 10, 15)),
            recipient_name=family.nominee_name,
            recipient_kind="family",
            unit=family.unit,
            nomination=family,
            actor=province_officer,
        )
    body_name = f"Hội Khuyến học {commune.name}"
    if not EmulationSelfReport.objects.filter(year=REPORT_YEAR, body="commune_association", unit=commune).exists():
        report = services.save_self_report(
            Scope(officer),
            year=REPORT_YEAR,
            body="commune_association",
            body_name=body_name,
            unit=commune,
            answers={
                "C1": {"met": True, "note": "Nghị quyết HĐND xã về học tập suốt đời"},
                "C2": {"met": True, "note": "12 buổi tuyên truyền trên loa truyền thanh"},
                "C3": {"met": True, "note": "Mô hình «Tủ sách dòng họ»"},
                "C4": {"met": False, "note": "Đang hoàn thiện hồ sơ Cộng đồng học tập cấp xã"},
            },
        )
        services.submit_self_report(Scope(officer), report, actor=officer)
    honoured = (
        Nomination.objects.filter(occasion=congress.code, decisions__action="honour", decisions__stage="province")
        .distinct()
        .count()
    )
    log(f"Thi đua, khen thưởng: {congress.name}, {honoured} mô hình được tỉnh biểu dương")


def exports_step(context, log):
    """A list export that became a background job, finished, with its file and audit entry."""
    from hoctap.exports import demo

    demo.load(context, log)


def notifications_step(context, log):
    """The inbox as the daily reminder job would have filled it over the last month."""
    from hoctap.notifications import demo

    demo.load(context, log)


STEPS = [
    territory_step,
    areas_step,
    accounts_step,
    criteria_step,
    registry_step,
    mountain_step,
    funds_step,
    members_step,
    learning_step,
    assessments_step,
    privacy_step,
    village_history_step,
    openrosa_step,
    stats_step,
    reports_step,
    inspections_step,
    awards_step,
    exports_step,
    notifications_step,
]


def run_all(log=print):
    context: dict = {}
    for step in STEPS:
        step(context, log)
    return context
