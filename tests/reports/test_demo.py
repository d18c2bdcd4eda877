"""The demo's reporting season, inspection and congress, on the real map; loading it twice changes nothing."""

import pytest

from hoctap.awards.models import Award, EmulationSelfReport, Nomination
from hoctap.demo.steps import run_all
from hoctap.inspections.models import Finding, Inspection
from hoctap.reports import services
from hoctap.reports.models import Report, ReportState


@pytest.mark.django_db
def test_demo_reporting_season(loaded_map):
    context = run_all(log=lambda *args: None)
    counts = [model.objects.count() for model in (Report, Inspection, Finding, Nomination, Award, EmulationSelfReport)]
    run_all(log=lambda *args: None)
    assert [model.objects.count() for model in (Report, Inspection, Finding, Nomination, Award,
                                                EmulationSelfReport)] == counts
    communes = context["communes"]
    reports = {r.unit_id: r for r in Report.objects.filter(year=2025)}
    board = {services.board_status(reports[c.pk], reports[c.pk].due_date) for c in communes}
    assert board == {services.BoardStatus.ACCEPTED, services.BoardStatus.LATE, services.BoardStatus.RETURNED}
    province_report = reports[context["province"].pk]
    assert province_report.state == ReportState.SUBMITTED
    named = {item["name"] for item in province_report.snapshot["outstanding"]}
    assert communes[1].name in named and communes[2].name in named and communes[0].name not in named
    inspection = Inspection.objects.get()
    assert inspection.findings.count() == 4
    assert set(inspection.findings.values_list("verdict", flat=True)) == {"agree", "disagree", "pending"}
    assert Nomination.objects.filter(decisions__stage="province", decisions__action="honour").distinct().count() == 2
