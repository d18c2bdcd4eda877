"""Every inspection page and action, as the people who use them meet them: the province plans and
scores, the inspected commune reads the findings about itself and acts on them, and nobody sees
another commune's findings or the province's plan from a commune."""

import re

import pytest
from django.contrib.messages import get_messages

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.states import Action, State
from hoctap.inspections import sampling, services
from hoctap.inspections.models import Finding, FollowUp, Inspection, Verdict
from tests.reports import builders

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _text(response) -> str:
    """The page's text without its tags and with its white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _answer_fields(finding, *, full: bool) -> dict:
    """What the scoring form posts: a ticked box for a pass, points as typed; everything passed
    (`full`) or nothing at all."""
    fields = {}
    for indicator in finding.assessment.criteria_set.definition.indicators:
        name = f"answer_{indicator.code}"
        if indicator.kind == "pass_fail":
            if full:
                fields[name] = "on"
        else:
            fields[name] = format(indicator.max_points, "f") if full else "0"
    return fields


def _score_on_page(client, finding, *, full=True, **form):
    data = {"verdict": "agree", "reasons": "", "recommendation": "", **form, **_answer_fields(finding, full=full)}
    return client.post(f"/inspections/findings/{finding.pk}/", data)


# -- the list ---------------------------------------------------------------------------------------


def test_the_list_shows_the_province_its_inspections_and_each_commune_only_its_own_findings(
    client, inspection, small_map, province_officer, officer_a, officer_b
):
    client.force_login(province_officer)
    page = client.get("/inspections/").content.decode()
    assert f'href="/inspections/{inspection.pk}/"' in page and 'href="/inspections/new/"' in page
    assert "/inspections/findings/" not in page  # the province reads findings inside its inspections

    for officer, own, other in ((officer_a, "commune_a", "commune_b"), (officer_b, "commune_b", "commune_a")):
        client.force_login(officer)
        page = client.get("/inspections/").content.decode()
        own_findings = inspection.findings.filter(commune=small_map[own])
        assert own_findings.exists()
        for finding in own_findings:
            assert f'href="/inspections/findings/{finding.pk}/"' in page
        for finding in inspection.findings.filter(commune=small_map[other]):
            assert f'href="/inspections/findings/{finding.pk}/"' not in page
        assert f'href="/inspections/{inspection.pk}/"' not in page and 'href="/inspections/new/"' not in page


# -- planning ---------------------------------------------------------------------------------------


def _plan_form(small_map, **extra):
    return {
        "name": "Kiểm tra xã An Lạc",
        "province": small_map["province"].pk,
        "year": 2025,
        "title": "",
        "communes": [small_map["commune_a"].pk],
        "sample_size": "3",
        "sample_percent": "",
        "seed": "42",
        **extra,
    }


def test_planning_on_the_page_draws_the_sample_its_seed_reproduces(client, recognised, small_map, province_officer):
    client.force_login(province_officer)
    form = client.get("/inspections/new/").content.decode()
    for commune in ("commune_a", "commune_b"):
        assert f'value="{small_map[commune].pk}"' in form
    assert f'value="{small_map["old_commune_b"].pk}"' not in form  # the old map is not inspected

    response = client.post("/inspections/new/", _plan_form(small_map))
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/{inspection.pk}/"
    assert "Đã chọn mẫu 3 hồ sơ" in _messages(response)
    assert (inspection.seed, inspection.population, inspection.planned_by) == (42, 6, province_officer)
    # Anyone can check the sample: the same seed over the same recognised assessments draws it again.
    population = [a.pk for a in recognised["a"]]
    drawn = list(inspection.findings.order_by("position").values_list("assessment_id", flat=True))
    assert drawn == sampling.draw(population, 3, 42)
    detail = _text(client.get(f"/inspections/{inspection.pk}/"))
    assert "42" in detail and "chọn lại cho cùng mẫu" in detail and "trong 6 hồ sơ được công nhận" in detail


def test_a_refused_plan_names_the_field_and_writes_nothing(client, recognised, small_map, province_officer):
    client.force_login(province_officer)
    both = client.post("/inspections/new/", _plan_form(small_map, sample_percent="20"))
    assert both.status_code == 200
    assert "Nhập số hồ sơ hoặc tỷ lệ chọn mẫu (một trong hai)." in both.context["form"].errors["sample_size"]
    neither = client.post("/inspections/new/", _plan_form(small_map, sample_size=""))
    assert "sample_size" in neither.context["form"].errors
    foreign = client.post("/inspections/new/", _plan_form(small_map, communes=[small_map["old_commune_b"].pk]))
    assert "communes" in foreign.context["form"].errors
    assert not Inspection.objects.exists()


def test_an_inspection_of_a_title_nobody_holds_draws_nothing_and_says_so(
    client, recognised, small_map, province_officer
):
    client.force_login(province_officer)
    client.post("/inspections/new/", _plan_form(small_map, title="family"))
    inspection = Inspection.objects.get()
    assert inspection.population == 0 and not inspection.findings.exists()
    assert "Không có hồ sơ được công nhận nào để chọn mẫu." in _text(client.get(f"/inspections/{inspection.pk}/"))


def test_a_commune_officer_is_told_that_the_province_plans(client, recognised, small_map, officer_a):
    client.force_login(officer_a)
    for response in (client.get("/inspections/new/"), client.post("/inspections/new/", _plan_form(small_map))):
        assert response.status_code == 302 and response["Location"] == "/inspections/"
        assert "đề nghị cán bộ tỉnh lập kế hoạch" in _messages(response)
    assert not Inspection.objects.exists()


# -- the sample and its reproducibility -------------------------------------------------------------


def test_the_detail_lists_the_sample_and_says_when_the_recognitions_changed(
    client, inspection, recognised, small_map, province_officer
):
    client.force_login(province_officer)
    page = client.get(f"/inspections/{inspection.pk}/")
    text = _text(page)
    assert "chọn lại cho cùng mẫu" in text
    for finding in inspection.findings.all():
        assert f'href="/inspections/findings/{finding.pk}/"' in page.content.decode()
    # A recognition revoked after the draw: today's population no longer gives the same sample.
    revoked = recognised["a"][0]
    workflow.transition(
        Scope(builders.approver_for(small_map["commune_a"])),
        revoked,
        Action.REVOKE,
        reason="Sai sót",
        revocation_reference="1/QĐ-UBND",
    )
    assert "danh sách công nhận đã thay đổi từ khi chọn mẫu" in _text(client.get(f"/inspections/{inspection.pk}/"))


# -- scoring ----------------------------------------------------------------------------------------


def test_scoring_on_the_page_re_scores_with_the_criteria_engine(client, inspection, small_map, province_officer):
    client.force_login(province_officer)
    first, second = inspection.findings.select_related("assessment__criteria_set")[:2]

    agreed = _score_on_page(client, first, full=True)
    assert agreed.status_code == 302 and "Đã ghi kết quả kiểm tra" in _messages(agreed)
    first.refresh_from_db()
    assert first.verdict == Verdict.AGREE and first.matches_recorded is True and first.inspector == province_officer
    assert first.result["achieved"] is True
    assert "trùng kết quả đã công nhận" in _text(client.get(f"/inspections/findings/{first.pk}/"))

    # A disagreement needs its reasons: the form says so on the field, and nothing is written.
    refused = _score_on_page(client, second, full=False, verdict="disagree")
    assert refused.status_code == 200
    assert "Phải nêu lý do không đồng ý." in refused.context["form"].errors["reasons"]
    second.refresh_from_db()
    assert second.verdict == Verdict.PENDING and second.result == {}

    _score_on_page(
        client, second, full=False, verdict="disagree", reasons="Không có minh chứng.", recommendation="revoke"
    )
    second.refresh_from_db()
    assert second.verdict == Verdict.DISAGREE and second.recommendation == FollowUp.REVOKE
    assert second.matches_recorded is False and second.result["achieved"] is False
    assert "khác kết quả đã công nhận" in _text(client.get(f"/inspections/findings/{second.pk}/"))


def test_a_recommendation_goes_with_a_disagreement_only(client, inspection, province_officer):
    client.force_login(province_officer)
    finding = inspection.findings.select_related("assessment__criteria_set").first()
    refused = _score_on_page(client, finding, full=True, recommendation="revoke")
    assert "Chỉ kiến nghị xử lý khi không đồng ý kết quả." in refused.context["form"].errors["recommendation"]
    assert Finding.objects.get(pk=finding.pk).verdict == Verdict.PENDING


def test_the_inspected_commune_reads_its_findings_but_does_not_score_them(
    client, inspection, small_map, officer_a, officer_b
):
    finding_b = inspection.findings.filter(commune=small_map["commune_b"]).select_related("assessment").first()
    client.force_login(officer_b)
    page = client.get(f"/inspections/findings/{finding_b.pk}/")
    assert page.status_code == 200 and "Ghi kết quả kiểm tra" not in page.content.decode()
    refused = _score_on_page(client, finding_b, full=True)
    assert refused.status_code == 302 and "Chỉ đoàn kiểm tra của tỉnh ghi kết quả kiểm tra" in _messages(refused)
    assert Finding.objects.get(pk=finding_b.pk).verdict == Verdict.PENDING
    # The province's plan, sample and report are the province's.
    assert client.get(f"/inspections/{inspection.pk}/").status_code == 404
    assert client.get(f"/inspections/{inspection.pk}/report/").status_code == 404

    # Another commune meets 'not found' on every page and action of B's finding.
    client.force_login(officer_a)
    assert client.get(f"/inspections/findings/{finding_b.pk}/").status_code == 404
    assert _score_on_page(client, finding_b, full=True).status_code == 404
    assert client.post(f"/inspections/findings/{finding_b.pk}/follow-up/", {"action": "revoke"}).status_code == 404
    assert client.get(f"/inspections/findings/{finding_b.pk}/follow-up/").status_code == 404


# -- follow-up --------------------------------------------------------------------------------------


def _disagreed(inspection, commune, province_officer):
    finding = inspection.findings.filter(commune=commune).first()
    return services.rescore(
        Scope(province_officer),
        finding,
        answers=services.starting_answers(finding),
        verdict="disagree",
        reasons="Hồ sơ khống.",
        recommendation="revoke",
        actor=province_officer,
    )


def test_revoking_after_a_disagreement_goes_through_the_workflow(client, inspection, small_map, province_officer):
    finding = _disagreed(inspection, small_map["commune_a"], province_officer)
    url = f"/inspections/findings/{finding.pk}/"

    # The province inspects but does not revoke: the page says who does, and a post is refused.
    client.force_login(province_officer)
    assert "do cấp có thẩm quyền thực hiện" in _text(client.get(url))
    refused = client.post(f"{url}follow-up/", {"action": "revoke", "reason": "x", "revocation_reference": "5/QĐ"})
    assert refused["Location"] == url and "thuộc thẩm quyền của" in _messages(refused)
    assert finding.assessment.state_changes.filter(action=Action.REVOKE).count() == 0

    chairman = builders.approver_for(small_map["commune_a"])
    client.force_login(chairman)
    page = client.get(url).content.decode()
    assert '<option value="revoke" selected>Thu hồi công nhận</option>' in page
    incomplete = client.post(f"{url}follow-up/", {"action": "revoke", "reason": ""})
    assert "Cần chọn cách xử lý và ghi lý do." in _messages(incomplete)
    no_reference = client.post(f"{url}follow-up/", {"action": "revoke", "reason": "Hồ sơ khống."})
    assert _messages(no_reference) and Finding.objects.get(pk=finding.pk).follow_up == ""
    assert client.get(f"{url}follow-up/").status_code == 405

    done = client.post(
        f"{url}follow-up/", {"action": "revoke", "reason": "Hồ sơ khống.", "revocation_reference": "5/QĐ-UBND"}
    )
    assert "Đã xử lý hồ sơ theo kết luận kiểm tra" in _messages(done)
    finding.refresh_from_db()
    finding.assessment.refresh_from_db()
    assert finding.follow_up == FollowUp.REVOKE and finding.assessment.state == State.REVOKED
    after = _text(client.get(url))
    assert "Đã xử lý" in after and "Thực hiện" not in after
    # Once acted on, the verdict stands: the inspector can no longer re-score it.
    client.force_login(province_officer)
    assert "Ghi kết quả kiểm tra" not in client.get(url).content.decode()


def test_returning_on_the_page_links_the_assessment_the_commune_does_again(
    client, inspection, small_map, province_officer
):
    finding = _disagreed(inspection, small_map["commune_a"], province_officer)
    url = f"/inspections/findings/{finding.pk}/"
    chairman = builders.approver_for(small_map["commune_a"])
    client.force_login(chairman)
    before = _text(client.get(url))
    assert "“Trả lại xã” mở lại hồ sơ trong cùng đợt" in before  # what each choice does, before choosing
    done = client.post(
        f"{url}follow-up/", {"action": "return", "reason": "Bổ sung minh chứng.", "revocation_reference": "7/QĐ-UBND"}
    )
    assert "Đã xử lý hồ sơ theo kết luận kiểm tra" in _messages(done)
    again = finding.assessment.replaced_by.get()
    page = client.get(url).content.decode()
    assert f'href="/assessments/{again.pk}/">hồ sơ đánh giá lại</a>' in page
    # Another commune's officer never meets the finding, nor the link.
    client.force_login(builders.approver_for(small_map["commune_b"]))
    assert client.get(url).status_code == 404


# -- the report -------------------------------------------------------------------------------------


def _row_cells(text: str, label: str) -> list[str]:
    """The cells after `label` in the report's agreement table, up to the next row."""
    return text.split(label, 1)[1].split("|", 1)[0].split()


def test_the_report_gives_agreement_per_commune_and_title(client, inspection, small_map, province_officer):
    findings = list(inspection.findings.select_related("commune"))
    in_b = [f for f in findings if f.commune == small_map["commune_b"]]
    in_a = [f for f in findings if f.commune == small_map["commune_a"]]
    for finding in in_a:
        services.rescore(
            Scope(province_officer),
            finding,
            answers=services.starting_answers(finding),
            verdict="agree",
            actor=province_officer,
        )
    # Commune B: one disagreement, one agreement, the rest not yet checked.
    _disagreed(inspection, small_map["commune_b"], province_officer)
    other = next(f for f in in_b if Finding.objects.get(pk=f.pk).verdict == Verdict.PENDING)
    services.rescore(
        Scope(province_officer),
        other,
        answers=services.starting_answers(other),
        verdict="agree",
        actor=province_officer,
    )

    client.force_login(province_officer)
    response = client.get(f"/inspections/{inspection.pk}/report/")
    rows = {row.commune.pk: row for row in response.context["rows"]}
    assert (rows[small_map["commune_a"].pk].checked, rows[small_map["commune_a"].pk].rate) == (6, 100)
    b = rows[small_map["commune_b"].pk]
    assert (b.sampled, b.checked, b.agreed, b.disagreed, b.rate) == (4, 2, 1, 1, 50)
    html = re.sub(r"</t[dh]>\s*<td[^>]*>", " ", response.content.decode()).replace("</td></tr>", "|")
    text = re.sub(r"\s+", " ", re.sub(r"<(?!/td)[^>]+>", " ", html))
    # Commune, title, sampled, checked, agreed, disagreed, rate in percent (one decimal), returned, revoked.
    assert _row_cells(text, "Xã Bình Minh Công dân học tập")[:5] == ["4", "2", "1", "1", "50,0"]
    assert _row_cells(text, "Xã An Lạc Công dân học tập")[:5] == ["6", "6", "6", "0", "100,0"]
    assert _row_cells(text, "Toàn đợt")[:5] == ["10", "8", "7", "1", "87,5"]
    # The disagreements, each with its reasons and the inspector's recommendation.
    assert "Hồ sơ khống." in text and "kiến nghị: Thu hồi công nhận" in text


@pytest.mark.parametrize("year", [1999, "next"])
def test_the_page_and_the_api_refuse_the_same_years(client, recognised, small_map, province_officer, year):
    """The inspected year is checked once, in services.plan: a year before the records, or one that
    has not come yet, is refused on its field by the page and by the API alike."""
    import json

    from hoctap.accounts.models import ApiToken
    from hoctap.core.limits import current_year

    year = current_year() + 1 if year == "next" else year
    client.force_login(province_officer)
    page = client.post("/inspections/new/", _plan_form(small_map, year=year))
    assert page.status_code == 200 and "year" in page.context["form"].errors
    _, token = ApiToken.issue(province_officer, "t")
    api = client.post(
        "/api/v1/inspections/",
        json.dumps(
            {
                "province_id": small_map["province"].pk,
                "year": year,
                "name": "Kiểm tra",
                "sample_size": 1,
                "commune_ids": [small_map["commune_a"].pk],
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 422 and "year" in json.dumps(api.json())
    assert not Inspection.objects.exists()
