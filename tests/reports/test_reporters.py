"""Reporters other than the association (issue 14 §5): the province's Department of Education and
Training reports on the learning units it manages — the registry's schools, kindergartens and
continuing-education centres the province manages — as data (`schedules.yaml` `reporters:` and the
report type `education_units`). The department's role starts and sends it, nobody else writes it,
the province's association receives it; its figures are frozen at sending and equal a recount."""

import datetime

import pytest
from django.http import Http404

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.registry.models import Organisation
from hoctap.reports import reporters, services
from hoctap.reports.loader import load_schedules
from hoctap.reports.models import Report, ReportAddressee, ReportState, ReportType
from hoctap.reports.pdf import report_pdf
from tests.conftest import make_user
from tests.pdfs import pdf_text
from tests.reports import builders

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def department(small_map):
    return make_user("sogddt", Role.EDUCATION_DEPARTMENT, small_map["province"])


@pytest.fixture
def schools(small_map, province_officer):
    """Three units the department manages (two schools, a kindergarten), one school a commune
    manages and a province-managed enterprise (neither is the department's). School A holds the
    title this year, the kindergarten from 2024 (three years' validity), school B is registered."""
    load_schedules()
    builders.campaign(YEAR)

    def organisation(name, kind, unit, managing_level="province"):
        return Organisation.objects.create(name=name, kind=kind, unit=unit, managing_level=managing_level)

    found = {
        "school_a": organisation("Trường THPT An Lạc", "school", small_map["commune_a"]),
        "school_b": organisation("Trường THPT Bình Minh", "school", small_map["commune_b"]),
        "kindergarten": organisation("Trường Mầm non Hoa Sen", "kindergarten", small_map["village_a"]),
        "commune_school": organisation("Trường Tiểu học An Lạc", "school", small_map["commune_a"], "commune"),
        "enterprise": organisation("Công ty May Hưng Yên", "enterprise", small_map["commune_b"]),
    }
    scope = Scope(province_officer)
    for key, year, state in (
        ("school_a", YEAR, State.RECOGNISED),
        ("school_b", YEAR, State.REGISTERED),
        ("kindergarten", YEAR - 1, State.RECOGNISED),
        ("commune_school", YEAR, State.RECOGNISED),
        ("enterprise", YEAR, State.RECOGNISED),
    ):
        assessment = workflow.register(scope, Title.UNIT, found[key], year)
        Assessment.objects.filter(pk=assessment.pk).update(state=state, validity_years=3)
    return found


def _education():
    return ReportType.objects.get(code="education_units")


def test_the_reporter_is_data(schools):
    education = _education()
    assert education.reporter == "education_department"
    reporter = reporters.of(education)
    assert (reporter.role, reporter.level, reporter.body) == (
        Role.EDUCATION_DEPARTMENT,
        "province",
        "Sở Giáo dục và Đào tạo",
    )
    assert reporters.of(ReportType.objects.get(code="annual")) is None
    with pytest.raises(ValueError, match="role"):
        reporters.parse([{**vars(reporter), "role": Role.VIEWER}])
    with pytest.raises(ValueError, match="organisation kinds"):
        reporters.parse([{**vars(reporter), "organisation_kinds": ["bakery"]}])


def test_only_the_department_starts_and_sends_it_and_the_association_receives_it(
    schools, small_map, department, province_officer, officer_a, central_admin
):
    education, province = _education(), small_map["province"]
    # The province's association writes its own reports, not the department's; a commune neither.
    for outsider in (province_officer, officer_a, central_admin):
        with pytest.raises(Http404):
            services.start_report(Scope(outsider), education, YEAR, province, actor=outsider)
    # The department writes its own report only, never the association's.
    with pytest.raises(Http404):
        services.start_report(
            Scope(department), ReportType.objects.get(code="annual"), YEAR, province, actor=department
        )
    with pytest.raises(Http404):  # it sends at the province it is assigned at, not for a commune
        services.start_report(Scope(department), education, YEAR, small_map["commune_a"], actor=department)
    report = services.start_report(Scope(department), education, YEAR, province, actor=department)
    assert report.due_date == datetime.date(YEAR, 12, 1)
    assert (report.signer_title, report.recipient_lines()) == (
        "Giám đốc",
        ["Hội Khuyến học tỉnh Hưng Yên (để báo cáo);", "Lưu: VT."],
    )
    assert services.available_actions(Scope(department), report) == ["submit"]
    assert services.available_actions(Scope(province_officer), report) == []
    report = services.update_narrative(
        Scope(department), report, {"results": "3 cơ sở giáo dục tham gia.", "signer_name": "Trần Văn Học"}
    )
    with pytest.raises(Http404):
        services.submit(Scope(province_officer), report, actor=province_officer)
    report = services.submit(Scope(department), report, actor=department, now=_moment())
    assert report.state == ReportState.SUBMITTED and report.number == "1/BC-SGDĐT"
    assert not ReportAddressee.objects.filter(report=report).exists()  # the association reads it as reviewer
    # The level that receives it is the province's association: it accepts; the department cannot.
    with pytest.raises(Http404):
        services.accept(Scope(department), report, actor=department)
    assert services.available_actions(Scope(province_officer), report) == ["accept", "return"]
    assert services.accept(Scope(province_officer), report, actor=province_officer).state == ReportState.ACCEPTED
    # Its numbering is the department's own: the association's first report of the year is 1/BC-HKH.
    annual = services.start_report(
        Scope(province_officer), ReportType.objects.get(code="annual"), YEAR, province, actor=province_officer
    )
    assert services.next_number(annual, datetime.date(YEAR, 12, 10)) == "1/BC-HKH"


def _moment():
    return datetime.datetime(YEAR, 11, 20, 9, tzinfo=datetime.UTC)


def test_its_figures_are_the_units_it_manages_frozen_at_sending(schools, small_map, department):
    report = services.start_report(Scope(department), _education(), YEAR, small_map["province"], actor=department)
    report = services.update_narrative(Scope(department), report, {"results": "Đạt.", "signer_name": "Trần Văn Học"})
    report = services.submit(Scope(department), report, actor=department, now=_moment())
    table = report.snapshot["table"]
    rows = {row["name"]: row["cells"]["unit"] for row in table["rows"]}
    # The three units the department manages, nothing the commune manages, no enterprise.
    assert set(rows) == {"Trường THPT An Lạc", "Trường THPT Bình Minh", "Trường Mầm non Hoa Sen"}
    assert rows["Trường THPT An Lạc"] == {"registered": 1, "recognised": 1, "rate": "100.0", "target": None}
    assert rows["Trường THPT Bình Minh"]["recognised"] == 0
    assert rows["Trường Mầm non Hoa Sen"] == {"registered": 0, "recognised": 1, "rate": "100.0", "target": None}
    # The total equals a recount of the registry and the assessments: 2 of 3 units hold the title.
    managed = Organisation.objects.filter(kind__in=["school", "kindergarten"], managing_level="province")
    assert table["total"]["cells"]["unit"]["recognised"] == 2 and managed.count() == 3
    assert table["total"]["cells"]["unit"]["rate"] == "66.7"
    assert [title["code"] for title in table["titles"]] == ["unit"] and report.snapshot["sections"] == {}
    # Later changes do not alter what was sent; "compare" shows them.
    Assessment.objects.filter(organisation=schools["school_b"]).update(state=State.RECOGNISED)
    report = Report.objects.get(pk=report.pk)
    assert services.current_table(report) == table
    changed = {(d["unit_id"], d["metric"]): d for d in services.differences(report)}
    assert changed[(None, "recognised")]["delta"] == 1
    text = pdf_text(report_pdf(report, table))
    assert "Sở Giáo dục và Đào tạo" in text and "Trường THPT An Lạc" in text and "1/BC-SGDĐT" in text


def test_the_department_uses_the_pages(client, schools, small_map, department, province_officer):
    from hoctap.web.navigation import menu_for

    # Its menu leads to the board (the entry asked for the association's «report» capability).
    entries = {item["url"] for group in menu_for(Scope(department)) for item in group.items}
    assert "/reports/" in entries
    client.force_login(department)
    board = client.get(f"/reports/?report_type=education_units&year={YEAR}&unit={small_map['province'].pk}")
    assert "Lập báo cáo" in board.content.decode()
    started = client.post(
        "/reports/start/", {"report_type": "education_units", "year": YEAR, "unit": small_map["province"].pk}
    )
    report = Report.objects.get(report_type__code="education_units")
    assert started["Location"] == f"/reports/{report.pk}/"
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Gửi báo cáo lên cấp trên" in page and "Trường THPT An Lạc" in page
    # The association's annual report is not the department's to start.
    annual = client.get(f"/reports/?report_type=annual&year={YEAR}&unit={small_map['province'].pk}")
    assert "Lập báo cáo" not in annual.content.decode()
    client.force_login(province_officer)
    board = client.get(f"/reports/?report_type=education_units&year={YEAR}&unit={small_map['province'].pk}")
    assert "Lập báo cáo" not in board.content.decode()
