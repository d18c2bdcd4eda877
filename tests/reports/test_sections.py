"""A report's figure sections (issue 14 §5, §7): every figure frozen at submission equals the live
figure of its app at that moment, a report sent before sections existed still renders, the review
reports carry their period, and the distribution list decides who reads a report."""

import datetime
import io

import pytest
from django.http import Http404
from openpyxl import load_workbook

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.funds import services as funds
from hoctap.funds.models import EntryKind, Fund
from hoctap.members import services as members
from hoctap.members.models import Branch
from hoctap.reports import sections, services
from hoctap.reports.loader import load_schedules
from hoctap.reports.models import Report, ReportAddressee, ReportType
from hoctap.reports.pdf import report_pdf
from hoctap.reports.tables import report_table_xlsx
from hoctap.stats import figures as stats_figures
from hoctap.stats.indicators import Indicator
from hoctap.stats.models import AssociationCapacity, Target
from tests.conftest import make_user
from tests.pdfs import pdf_text
from tests.reports import builders

YEAR = 2025


def _draft(officer, report_type, unit, year=YEAR):
    report = services.start_report(Scope(officer), report_type, year, unit, actor=officer)
    return services.update_narrative(
        Scope(officer), report, {"results": "Đạt kế hoạch.", "signer_name": "Nông Văn Dền"}
    )


@pytest.fixture
def season(small_map, officer_a, officer_b):
    """A year of everything the sections count in both communes: recognised citizens, a fund with
    receipts and a scholarship, a branch with members and dues, a capacity declaration."""
    load_schedules()
    builders.recognised_citizens(officer_a, small_map["village_a"], 2)
    builders.recognised_citizens(officer_b, small_map["village_b"], 1)
    for officer, commune, village in ((officer_a, "commune_a", "village_a"), (officer_b, "commune_b", "village_b")):
        scope = Scope(officer)
        fund = Fund.objects.create(unit=small_map[commune], name=f"Quỹ khuyến học {commune}")
        funds.record(
            scope,
            fund,
            kind=EntryKind.RECEIPT,
            date=datetime.date(YEAR, 3, 1),
            amount="5.000.000",
            party="Ông Nguyễn Văn Hảo",
        )
        funds.record(
            scope,
            fund,
            kind=EntryKind.PAYMENT,
            date=datetime.date(YEAR, 9, 5),
            amount="1.250.000",
            party="Em Lê Thu Trang",
            purpose="scholarship",
            reason="Học sinh giỏi cấp tỉnh",
        )
        branch = members.save_branch(scope, Branch(unit=small_map[village], kind="village", name=f"Chi hội {village}"))
        member = members.join(scope, branch, joined_on=datetime.date(YEAR, 2, 1), full_name="Lê Văn Cường").member
        members.record_dues(scope, member, year=YEAR, amount="50.000", paid_on=datetime.date(YEAR, 3, 2))
    AssociationCapacity.objects.create(
        unit=small_map["commune_a"],
        year=YEAR,
        chair_manages_clc=True,
        officers=4,
        officers_in_clc=3,
        officers_in_clc_it_trained=1,
        officers_and_members=30,
        briefed=20,
        briefed_citizen=10,
    )
    # The national targets of 677/QĐ-TTg are in the database (stats' migration): 40 % and 70 % in 2025.
    assert Target.objects.filter(indicator=Indicator.WORKERS_CITIZENS, year=YEAR, unit=None, value=40).exists()
    return ReportType.objects.get(code="annual")


def test_every_section_is_frozen_equal_to_the_live_figures(season, small_map, officer_a, province_officer):
    """§7: every figure of every section, as sent, equals what the apps count at that moment, for
    a commune and for the province summing it."""
    commune = services.submit(Scope(officer_a), _draft(officer_a, season, small_map["commune_a"]), actor=officer_a)
    accepted = services.accept(Scope(province_officer), commune, actor=province_officer)
    province = _draft(province_officer, season, small_map["province"])
    province = services.submit(
        Scope(province_officer), province, actor=province_officer, outstanding_note="Xã Bình Minh chưa gửi báo cáo."
    )
    for report in (accepted, province):
        frozen = sections.frozen(report)
        assert report.snapshot["version"] == sections.SNAPSHOT_VERSION
        # Every section the apps provide is in the annual report (a new app's section included).
        assert set(frozen) == {s.code for s in sections.registry().values() if s.by_default}
        for code, section in sections.registry().items():
            if code in frozen:
                assert frozen[code] == section.compute(report.unit, YEAR, report.report_type), code
        assert services.differences(report) == []

    # And against the apps' own roll-ups, figure by figure.
    frozen = sections.frozen(province)
    fund_totals = funds.figures(small_map["province"], YEAR).total
    assert (
        frozen["funds"]["total"]["values"]
        == {
            "funds": 2,
            "mobilised": 10_000_000,
            "paid": 2_500_000,
            "scholarships": 2_500_000,
            "beneficiaries": 2,
            "balance": 7_500_000,
        }
        == fund_totals.as_dict()
    )
    assert frozen["members"]["total"]["values"] == members.figures(small_map["province"], YEAR).total.as_dict()
    assert frozen["members"]["total"]["values"]["members"] == 2
    live = stats_figures.figures(small_map["province"], [YEAR])
    digital = live.value(Indicator.CITIZENS_DIGITAL, YEAR)
    assert frozen["digital"]["total"]["values"]["citizens_digital.denominator"] == digital.denominator == 3
    assert frozen["digital"]["total"]["values"]["citizens_digital.target"] == "70.0"
    assert frozen["citizens"]["total"]["values"]["workers_citizens.target"] == "40.0"
    # Capacity: one commune of two reported; the share of communes is over both, and says so.
    capacity = frozen["capacity"]
    assert capacity["total"]["values"]["reporting"] == 1
    assert capacity["total"]["values"]["chair_in_clc.rate"] == "50.0"
    assert capacity["notes"] == ["1/2 xã đã báo cáo năng lực Hội."]
    rows = {row["key"]: row["values"] for row in capacity["rows"]}
    assert rows[str(small_map["commune_b"].pk)]["chair_in_clc.rate"] is None  # not reported: "–", never 0 %


def test_figures_moving_on_after_sending_are_listed_by_section(season, small_map, officer_a):
    report = services.submit(Scope(officer_a), _draft(officer_a, season, small_map["commune_a"]), actor=officer_a)
    fund = Fund.objects.get(unit=small_map["commune_a"])
    funds.record(
        Scope(officer_a),
        fund,
        kind=EntryKind.RECEIPT,
        date=datetime.date(YEAR, 10, 1),
        amount="300000",
        party="Bà Lê Thị Hoa",
    )
    report = Report.objects.get(pk=report.pk)
    assert sections.frozen(report)["funds"]["total"]["values"]["mobilised"] == 5_000_000  # what was sent
    changes = {(d["section"], d["metric"]): d for d in services.differences(report)}
    assert changes[("funds", "mobilised")]["delta"] == 300_000
    assert changes[("funds", "balance")]["live"] == 4_050_000


def test_a_report_sent_before_sections_existed_still_renders(season, small_map, officer_a, province_officer, client):
    report = services.submit(Scope(officer_a), _draft(officer_a, season, small_map["commune_a"]), actor=officer_a)
    # The snapshot as version 1 wrote it: the titles table and the outstanding units, nothing more.
    Report.objects.filter(pk=report.pk).update(
        snapshot={"frozen_at": report.snapshot["frozen_at"], "table": report.snapshot["table"], "outstanding": []}
    )
    report = Report.objects.get(pk=report.pk)
    assert list(sections.frozen(report)) == ["titles"]
    client.force_login(province_officer)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "chỉ có số liệu các danh hiệu" in page and 'id="section-funds"' not in page
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 200
    assert client.get(f"/reports/{report.pk}/table.xlsx").status_code == 200
    assert client.get(f"/reports/{report.pk}/differences/").status_code == 200
    body = client.get(f"/api/v1/reports/{report.pk}").json()
    assert [s["code"] for s in body["sections"]] == ["titles"] and body["table"] == report.snapshot["table"]


def test_the_paper_carries_every_section_and_its_recipients(season, small_map, officer_a):
    report = services.submit(Scope(officer_a), _draft(officer_a, season, small_map["commune_a"]), actor=officer_a)
    data = sections.frozen(report)
    text = " ".join(pdf_text(report_pdf(report, data["titles"], data)).split())
    for line in (
        "Hội Khuyến học tỉnh Hưng Yên (để báo cáo);",
        "Ủy ban nhân dân xã An Lạc (để báo cáo);",
        "Ban Chỉ đạo xây dựng xã hội học tập xã An Lạc (để báo cáo);",
        "Đảng ủy xã An Lạc (để báo cáo);",
    ):
        assert line in text
    for label in (
        "Công dân học tập có kỹ năng số",
        "Năng lực Hội Khuyến học",
        "Quỹ khuyến học",
        "Hội viên, chi hội khuyến học",
        "5.000.000 đ",
        "1.250.000 đ",
    ):
        assert label in text, label
    book = load_workbook(io.BytesIO(report_table_xlsx(report, data["titles"], data)))
    assert len(book.sheetnames) == 1 + len(data) - 1
    first = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row if cell]
    assert "Nơi nhận:" in first and "- Đảng ủy xã An Lạc (để báo cáo);" in first
    funds_sheet = next(ws for ws in book.worksheets if "Quỹ" in ws.title)
    cells = [cell for row in funds_sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert 5_000_000 in cells and 1_250_000 in cells


def test_the_five_year_review_carries_the_period(season, small_map, officer_a):
    review = ReportType.objects.get(code="review_2025")
    assert services.due_date_for(review, small_map["commune_a"], 2026) == datetime.date(2026, 5, 31)
    assert services.due_date_for(review, small_map["commune_a"], 2027) is None  # held once
    report = services.submit(
        Scope(officer_a),
        _draft(officer_a, review, small_map["commune_a"], year=2026),
        actor=officer_a,
        now=datetime.datetime(2026, 5, 20, 9, 0, tzinfo=datetime.UTC),
    )
    assert sections.figures_year(report) == 2025 and report.snapshot["figures_year"] == 2025
    frozen = sections.frozen(report)
    assert frozen["titles"]["year"] == 2025 and frozen["titles"]["total"]["cells"]["citizen"]["recognised"] == 2
    period = frozen["period"]
    assert [row["name"] for row in period["rows"]] == ["2021", "2022", "2023", "2024", "2025"]
    assert period == sections.period_table(report.unit, 2026, review)
    final = ReportType.objects.get(code="final_review_2030")
    assert (final.period_first, final.period_last) == (2021, 2030)
    assert services.due_date_for(final, small_map["province"], 2030) == datetime.date(2030, 7, 31)


def test_recipients_read_what_was_sent_to_them_and_nothing_else(season, small_map, officer_a, client):
    committee_a = make_user("ubnd_an_lac", Role.PEOPLES_COMMITTEE, small_map["commune_a"])
    party_b = make_user("dang_uy_binh_minh", Role.PARTY_COMMITTEE, small_map["commune_b"])
    province_committee = make_user("ubnd_tinh", Role.PEOPLES_COMMITTEE, small_map["province"])
    draft = _draft(officer_a, season, small_map["commune_a"])
    assert not Scope(committee_a).filter(Report.objects.all()).exists()  # a draft is sent to nobody
    report = services.submit(Scope(officer_a), draft, actor=officer_a)
    assert {(a.role, a.unit_id) for a in ReportAddressee.objects.filter(report=report)} == {
        (role, small_map["commune_a"].pk)
        for role in (Role.PEOPLES_COMMITTEE, Role.STEERING_COMMITTEE, Role.PARTY_COMMITTEE)
    }
    assert list(Scope(committee_a).filter(Report.objects.all())) == [report]
    for outsider in (party_b, province_committee):  # another commune's body; the province's (not addressed)
        assert not Scope(outsider).filter(Report.objects.all()).exists()
    # Read-only: the committee neither decides on it nor writes it.
    with pytest.raises(Http404):
        services.accept(Scope(committee_a), report, actor=committee_a)
    client.force_login(committee_a)
    assert f'href="/reports/{report.pk}/"' in client.get("/reports/received/").content.decode()
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Bạn chỉ xem" in page and "Tiếp nhận" not in page and "Gửi báo cáo lên cấp trên" not in page
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 200
    assert client.post(f"/reports/{report.pk}/transition/", {"action": "accept"}).status_code == 404
    assert client.get("/reports/").status_code == 404  # the board is the association's
    home = client.get("/").content.decode()
    assert "Báo cáo gửi đến" in home
    assert (
        client.get(f"/api/v1/reports/{report.pk}").json()["addressees"][0] == "Ủy ban nhân dân xã An Lạc (để báo cáo);"
    )
    client.force_login(party_b)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(f"/reports/{report.pk}/report.pdf").status_code == 404
    assert "Chưa có báo cáo nào gửi đến" in client.get("/reports/received/").content.decode()
