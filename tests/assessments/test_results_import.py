"""Results import: a campaign's results from Excel, row by row through the workflow, all or nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from hoctap.accounts.scoping import Scope
from hoctap.assessments.campaigns import create_campaign, pick_criteria_set
from hoctap.assessments.models import Assessment, Decision, StateChange
from hoctap.assessments.results_import import ResultsTemplate
from hoctap.assessments.states import State
from hoctap.core.imports import check_file, error_report, import_file, template_workbook
from hoctap.criteria.titles import Title
from hoctap.registry.models import ImportJob, Person
from tests.assessments.conftest import YEAR, full_answers

THIS_YEAR = 2026  # today is in 2026 (the brief's date); YEAR (2025) is an earlier year
COMMUNE_A = "12001"
COMMUNE_B = "12002"


def sheet_file(template, rows) -> io.BytesIO:
    """The downloaded template with `rows` (dicts of column key → value) typed in from row 2."""
    workbook = load_workbook(io.BytesIO(template_workbook(template)))
    sheet = workbook[template.sheet_title]
    keys = [column.key for column in template.columns]
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "ket-qua.xlsx"
    return buffer


def scores(template, answers):
    return {f"i:{code}": ("x" if value is True else value) for code, value in answers.items()}


def top_result(campaign):
    """(total, classification) of the best result the campaign's set gives."""
    definition = campaign.criteria_sets.get().definition
    if definition.scoring.bands:
        band = definition.scoring.bands[0]
        return str(band.min), band.code
    return str(max(mark.min for mark in definition.scoring.pass_marks)), "achieved"


def verify_stats(capsys):
    call_command("stats", "verify")
    assert "equal a recount" in capsys.readouterr().out


@pytest.fixture
def family_now(published):
    return create_campaign(Title.FAMILY, THIS_YEAR)


@pytest.fixture
def family_answers(family_now):
    return full_answers(family_now.criteria_sets.get(), "9")


def test_a_good_file_submits_every_self_assessment_and_a_second_upload_changes_nothing(
    family_now, family_answers, people, users, capsys
):
    template = ResultsTemplate(family_now)
    officer = Scope(users["commune_officer"])
    rows = [
        {"commune_code": COMMUNE_A, "household_code": "H001", **scores(template, family_answers)},
        {"commune_code": COMMUNE_A, "household_code": "h002", **scores(template, family_answers)},
    ]
    checked = check_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"])
    assert checked.ok, checked.errors
    assert checked.counts["assessment"] == {"create": 2, "change": 0, "unchanged": 0}
    assert Assessment.objects.count() == 0 and StateChange.objects.count() == 0  # the dry run wrote nothing

    done = import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"])
    assert done.committed
    assessments = Assessment.objects.filter(campaign=family_now).order_by("household__code")
    assert [a.household.code for a in assessments] == ["H001", "H002"]
    for assessment in assessments:
        assert assessment.state == State.SUBMITTED
        assert assessment.submitted_by == users["commune_officer"]
        assert assessment.self_result["total"] is not None
        assert list(assessment.state_changes.values_list("action", flat=True)) == ["register", "start", "submit"]
    verify_stats(capsys)

    again = import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"])
    assert again.committed and again.counts["assessment"] == {"create": 0, "change": 0, "unchanged": 2}
    assert StateChange.objects.count() == 6
    verify_stats(capsys)


def test_the_importer_cannot_review_what_the_file_submitted(family_now, family_answers, people, users):
    from hoctap.assessments import workflow

    template = ResultsTemplate(family_now)
    officer = Scope(users["commune_officer"])
    rows = [{"commune_code": COMMUNE_A, "household_code": "H001", **scores(template, family_answers)}]
    assert import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"]).committed
    assessment = Assessment.objects.get()
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(officer, assessment, "start_review")
    assert refused.value.code == "own_assessment"


def test_every_kind_of_bad_row_is_reported_at_once_and_nothing_is_written(family_now, family_answers, people, users):
    template = ResultsTemplate(family_now)
    officer = Scope(users["commune_officer"])
    good = scores(template, family_answers)
    first_code = next(iter(family_answers))
    too_many = {**good, f"i:{first_code}": 99}
    rows = [
        {"commune_code": COMMUNE_A, "household_code": "H001", **good},  # 2: fine
        {"commune_code": COMMUNE_A, "household_code": "H999", **good},  # 3: unknown subject
        {"commune_code": COMMUNE_B, "household_code": "HB01", **good},  # 4: outside the scope
        {"commune_code": COMMUNE_A, "household_code": "H002", **too_many},  # 5: above the maximum
        {"commune_code": COMMUNE_A, "household_code": "H001", **good},  # 6: duplicate of row 2
        {"commune_code": COMMUNE_A, "household_code": "H002"},  # 7: no scores (and row 5's)
    ]
    result = import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"])
    assert not result.committed
    by_row = {error["row"]: error for error in reversed(result.errors)}  # each row's first error
    assert sorted(by_row) == [3, 4, 5, 6, 7] and result.error_count == 6
    assert by_row[3]["column"] == "B" and "H999" in by_row[3]["reason"]
    assert by_row[4]["column"] == "B" and "Trong địa bàn bạn được giao" in by_row[4]["reason"]
    assert "HB01" in by_row[4]["reason"]
    letter = by_row[5]["column"]
    assert by_row[5]["header"] == first_code and letter == "C"
    assert "Trùng đối tượng với dòng 2" in by_row[6]["reason"]
    assert [e["reason"] for e in result.errors if e["row"] == 7] == [
        "Dòng chưa có điểm: ghi điểm từng chỉ số, hoặc Tổng điểm và Xếp loại.",
        "Trùng đối tượng với dòng 5.",
    ]
    assert Assessment.objects.count() == 0 and StateChange.objects.count() == 0
    marked = load_workbook(io.BytesIO(error_report(sheet_file(template, rows), template, result.errors)))
    assert marked["Kết quả"]["C5"].comment is not None and "Lỗi" in marked.sheetnames


def test_an_id_number_outside_the_scope_cannot_be_used_here(campaigns, people, users):
    template = ResultsTemplate(campaigns[Title.CITIZEN])
    Person.objects.filter(pk=people["person_b"].pk).update(id_number="034090001111")
    Person.objects.filter(pk=people["head"].pk).update(id_number="034080002222")
    answers = full_answers(campaigns[Title.CITIZEN].criteria_sets.first())
    rows = [
        {"id_number": "034090001111", **scores(template, answers)},
        {"id_number": "034099999999", **scores(template, answers)},
    ]
    result = check_file(sheet_file(template, rows), template, scope=Scope(users["village_officer"]))
    reasons = [error["reason"] for error in result.errors]
    assert len(reasons) == 2 and reasons[0] == reasons[1] and "không dùng được ở đây" in reasons[0]
    assert all(error["value"].startswith("********") for error in result.errors)  # never the whole number


# -- earlier years: recognitions from the archive -----------------------------------------------


def test_past_recognitions_with_totals_recognise_through_the_workflow_and_reuploads_change_nothing(
    campaigns, people, users, capsys
):
    campaign = campaigns[Title.FAMILY]
    template = ResultsTemplate(campaign)
    approver = Scope(users["commune_approver"])
    total, top = top_result(campaign)
    rows = [
        {
            "commune_code": COMMUNE_A,
            "household_code": code,
            "total": total,
            "classification": top,
            "decision_number": "12/QĐ-UBND",
            "decision_date": datetime.date(YEAR, 12, 20),
            "signer_name": "Phạm Văn Đức",
        }
        for code in ("H001", "H002")
    ]
    checked = check_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"])
    assert checked.ok, checked.errors
    assert Decision.objects.count() == 0 and Assessment.objects.count() == 0
    assert import_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"]).committed
    decision = Decision.objects.get()
    assert decision.number == "12/QĐ-UBND" and decision.issued_on == datetime.date(YEAR, 12, 20)
    assert decision.issuer == people["household"].village.parent
    for assessment in Assessment.objects.all():
        assert assessment.state == State.RECOGNISED and assessment.decision == decision
        assert assessment.classification == top and assessment.review_result["recorded"]
        steps = list(assessment.state_changes.values_list("action", "actor"))
        assert steps[:5] == [("register", users["commune_approver"].pk)] + [
            (action, None) for action in ("start", "submit", "start_review", "propose")
        ]
        assert steps[-1] == ("recognise", users["commune_approver"].pk)
    verify_stats(capsys)
    again = import_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"])
    assert again.committed and again.counts["recognition"] == {"create": 0, "change": 0, "unchanged": 2}
    assert Decision.objects.count() == 1 and Assessment.objects.count() == 2
    verify_stats(capsys)


def test_past_recognitions_with_scores_are_scored_by_the_engine(campaigns, people, users, capsys):
    campaign = campaigns[Title.CITIZEN]
    template = ResultsTemplate(campaign)
    Person.objects.filter(pk=people["head"].pk).update(id_number="034080002222")
    answers = full_answers(pick_criteria_set(campaign, group="farmers"), "10")
    rows = [
        {
            "id_number": "034080002222",
            **scores(template, answers),
            "decision_number": "3/QĐ-UBND",
            "decision_date": datetime.date(YEAR, 12, 1),
        }
    ]
    result = import_file(
        sheet_file(template, rows), template, scope=Scope(users["commune_approver"]), actor=users["commune_approver"]
    )
    assert result.committed, result.errors
    assessment = Assessment.objects.get()
    assert assessment.state == State.RECOGNISED and assessment.review_result["achieved"]
    assert assessment.decision.number == "03/QĐ-UBND"
    verify_stats(capsys)


def test_recognition_rows_need_the_recognising_authority_a_date_and_an_earlier_year(
    campaigns, family_now, family_answers, people, users
):
    past = ResultsTemplate(campaigns[Title.FAMILY])
    now = ResultsTemplate(family_now)
    row = {
        "commune_code": COMMUNE_A,
        "household_code": "H001",
        "total": "90",
        "classification": "achieved",
        "decision_number": "12/QĐ-UBND",
        "decision_date": datetime.date(YEAR, 12, 20),
    }
    officer = check_file(sheet_file(past, [row]), past, scope=Scope(users["commune_officer"]))
    assert "Chỉ lãnh đạo có thẩm quyền công nhận" in officer.errors[0]["reason"]
    no_date = check_file(
        sheet_file(past, [{**row, "decision_date": None}]), past, scope=Scope(users["commune_approver"])
    )
    assert [(e["header"], e["reason"]) for e in no_date.errors] == [
        ("Ngày quyết định", "Có số quyết định thì cần cả ngày quyết định.")
    ]
    this_year = check_file(
        sheet_file(
            now,
            [
                {
                    **row,
                    **scores(now, family_answers),
                    "total": None,
                    "classification": None,
                    "decision_date": datetime.date(THIS_YEAR, 11, 1),
                }
            ],
        ),
        now,
        scope=Scope(users["commune_approver"]),
    )
    assert any("các năm trước" in e["reason"] for e in this_year.errors)
    totals_only = check_file(
        sheet_file(past, [{**row, "decision_number": None, "decision_date": None}]),
        past,
        scope=Scope(users["commune_officer"]),
    )
    assert "phải kèm số và ngày quyết định" in totals_only.errors[0]["reason"]
    assert Assessment.objects.count() == 0 and Decision.objects.count() == 0


def test_an_approver_cannot_record_a_recognition_of_their_own_household(campaigns, people, users):
    Person.objects.filter(pk=people["spouse"].pk).update(account=users["commune_approver"])
    template = ResultsTemplate(campaigns[Title.FAMILY])
    row = {
        "commune_code": COMMUNE_A,
        "household_code": "H001",
        "total": "90",
        "classification": "achieved",
        "decision_number": "12/QĐ-UBND",
        "decision_date": datetime.date(YEAR, 12, 20),
    }
    total, top = top_result(campaigns[Title.FAMILY])
    row.update(total=total, classification=top)
    result = check_file(sheet_file(template, [row]), template, scope=Scope(users["commune_approver"]))
    assert result.error_count == 1 and "của chính mình" in result.errors[0]["reason"]
    assert Assessment.objects.count() == 0


# -- through the pages ---------------------------------------------------------------------------


def test_upload_from_the_campaign_page_then_confirm(client, family_now, family_answers, people, users, capsys):
    client.force_login(users["commune_officer"])
    page = client.get(f"/campaigns/{family_now.pk}/").content.decode()
    assert "Nhập kết quả từ Excel" in page and "Tải mẫu kết quả" in page
    download = client.get(f"/campaigns/{family_now.pk}/results/template/")
    assert download["Content-Disposition"] == f'attachment; filename="mau-ket-qua-gia-dinh-hoc-tap-{THIS_YEAR}.xlsx"'
    workbook = load_workbook(io.BytesIO(download.content))
    assert workbook.sheetnames[:2] == ["Kết quả", "Hướng dẫn"]
    template = ResultsTemplate(family_now)
    rows = [{"commune_code": COMMUNE_A, "household_code": "H001", **scores(template, family_answers)}]
    response = client.post(f"/campaigns/{family_now.pk}/results/import/", {"file": sheet_file(template, rows)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/imports/{job.pk}/"
    assert job.status == ImportJob.Status.CHECKED and Assessment.objects.count() == 0
    result_page = client.get(response.url).content.decode()
    assert "Ghi kết quả" in result_page and f"/campaigns/{family_now.pk}/" in result_page
    client.post(f"/registry/imports/{job.pk}/commit/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Assessment.objects.get().state == State.SUBMITTED
    verify_stats(capsys)


def test_a_file_of_another_campaign_is_refused_by_name(campaigns, family_now, people, users):
    past, now = ResultsTemplate(campaigns[Title.FAMILY]), ResultsTemplate(family_now)
    result = check_file(
        sheet_file(past, [{"commune_code": COMMUNE_A, "household_code": "H001"}]),
        now,
        scope=Scope(users["commune_officer"]),
    )
    assert "không phải mẫu" in result.file_error and str(YEAR) in result.file_error


def test_a_viewer_gets_no_upload_form(client, family_now, users):
    client.force_login(users["viewer"])
    assert "Nhập kết quả từ Excel" not in client.get(f"/campaigns/{family_now.pk}/").content.decode()
    assert client.get(f"/campaigns/{family_now.pk}/results/template/").status_code == 404


def test_a_long_results_file_goes_to_the_worker(client, campaigns, people, users, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from hoctap.registry import jobs

    campaign = campaigns[Title.FAMILY]
    template = ResultsTemplate(campaign)
    total, classification = top_result(campaign)
    rows = [
        {
            "commune_code": COMMUNE_A,
            "household_code": f"X{i:04d}",
            "total": total,
            "classification": classification,
            "decision_number": "12/QĐ-UBND",
            "decision_date": datetime.date(YEAR, 12, 20),
        }
        for i in range(120)
    ]
    client.force_login(users["commune_approver"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/campaigns/{campaign.pk}/results/import/", {"file": sheet_file(template, rows)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKING and DBTaskResult.objects.get().args_kwargs["args"] == [job.pk, False]
    jobs.run_import_job.call(job.pk, False)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and job.error_count == 120  # no such households


def test_review_scores_for_what_another_officer_submitted(family_now, family_answers, people, users, capsys):
    template = ResultsTemplate(family_now)
    village = Scope(users["village_officer"])
    submitted = [{"commune_code": COMMUNE_A, "household_code": "H001", **scores(template, family_answers)}]
    assert import_file(
        sheet_file(template, submitted), template, scope=village, actor=users["village_officer"]
    ).committed
    reviewed_scores = {**family_answers, next(iter(family_answers)): "7"}
    rows = [
        {"commune_code": COMMUNE_A, "household_code": "H001", "stage": "Thẩm định", **scores(template, reviewed_scores)}
    ]
    refused = check_file(sheet_file(template, rows), template, scope=village)
    assert refused.errors[0]["header"] == "Điểm của" and "không có quyền thẩm định" in refused.errors[0]["reason"]
    officer = Scope(users["commune_officer"])
    done = import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"])
    assert done.committed and done.counts["review"]["change"] == 1
    assessment = Assessment.objects.get()
    assert assessment.state == State.UNDER_REVIEW and assessment.reviewed_by == users["commune_officer"]
    assert assessment.review_answers[next(iter(family_answers))] == "7"
    again = import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"])
    assert again.committed and again.counts["review"] == {"create": 0, "change": 0, "unchanged": 1}
    verify_stats(capsys)


def test_nobody_reviews_from_a_file_what_they_submitted(family_now, family_answers, people, users):
    template = ResultsTemplate(family_now)
    officer = Scope(users["commune_officer"])
    rows = [{"commune_code": COMMUNE_A, "household_code": "H001", **scores(template, family_answers)}]
    assert import_file(sheet_file(template, rows), template, scope=officer, actor=users["commune_officer"]).committed
    review = [{**rows[0], "stage": "Thẩm định"}]
    result = check_file(sheet_file(template, review), template, scope=officer)
    assert result.error_count == 1 and result.errors[0]["header"] == "Điểm của"
    assert "hồ sơ do mình nộp" in result.errors[0]["reason"] or "của chính mình" in result.errors[0]["reason"]
    assert Assessment.objects.get().state == State.SUBMITTED
