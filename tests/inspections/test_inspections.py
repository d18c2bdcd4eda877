import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.assessments.states import HOLDING_STATES, State
from hoctap.inspections import sampling, services
from hoctap.inspections.models import Finding
from tests.inspections.conftest import plan
from tests.reports import builders

pytestmark = pytest.mark.django_db


# -- sampling, pure ------------------------------------------------------------------------------


@given(
    st.sets(st.integers(min_value=1, max_value=10_000), max_size=300),
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=2**63 - 1),
)
def test_a_seed_always_draws_the_same_sample_from_the_population(ids, k, seed):
    ordered = sorted(ids)
    sample = sampling.draw(ids, k, seed)
    assert sample == sampling.draw(list(reversed(ordered)), k, seed)  # input order does not matter
    assert len(sample) == min(k, len(ids)) and len(set(sample)) == len(sample)
    assert set(sample) <= ids


def test_sample_size_by_number_or_share():
    assert sampling.sample_size(40, size=10) == 10
    assert sampling.sample_size(4, size=10) == 4
    assert sampling.sample_size(5, percent=Decimal("10")) == 1  # rounded up: a 10% sample of 5 is 1
    assert sampling.sample_size(40, percent=Decimal("25")) == 10
    assert sampling.sample_size(0, percent=Decimal("50")) == 0
    with pytest.raises(ValueError):
        sampling.sample_size(10, size=2, percent=Decimal("5"))


# -- planning ------------------------------------------------------------------------------------


def test_the_sample_is_reproducible_and_stays_in_the_chosen_communes(
    recognised, small_map, province_officer, third_commune
):
    commune_c = third_commune[0]
    chosen = [small_map["commune_a"], commune_c]
    inspection = plan(province_officer, small_map, chosen, seed=20251126)
    sample = list(inspection.findings.values_list("assessment_id", flat=True))
    assert len(sample) == 5 and inspection.population == 11 and inspection.seed == 20251126
    allowed = {a.pk for a in recognised["a"] + recognised["c"]}
    assert set(sample) <= allowed
    assert set(inspection.findings.values_list("commune", flat=True)) <= {c.pk for c in chosen}
    # The same seed over the same communes draws the same sample, in the same order.
    again = plan(province_officer, small_map, list(reversed(chosen)), seed=20251126)
    assert list(again.findings.values_list("assessment_id", flat=True)) == sample
    assert services.redraw(inspection) == sample
    other = plan(province_officer, small_map, chosen, seed=7)
    assert list(other.findings.values_list("assessment_id", flat=True)) != sample


def test_share_of_recognised_and_a_seed_chosen_by_the_system(recognised, small_map, province_officer):
    inspection = plan(province_officer, small_map, [small_map["commune_b"]], sample_percent=Decimal("50"))
    assert inspection.findings.count() == 2 and inspection.population == 4
    assert 0 <= inspection.seed < 2**63
    assert {f.commune for f in inspection.findings.all()} == {small_map["commune_b"]}


def test_only_recognised_assessments_are_drawn(small_map, officer_a, province_officer):
    builders.recognised_citizens(officer_a, small_map["village_a"], 2)
    builders.registered_citizen(officer_a, small_map["village_a"])
    inspection = plan(province_officer, small_map, [small_map["commune_a"]], sample_size=10)
    assert inspection.population == 2 and inspection.findings.count() == 2
    assert set(inspection.findings.values_list("assessment__state", flat=True)) == {State.RECOGNISED}


def test_planning_is_validated_and_belongs_to_the_province(recognised, small_map, province_officer, officer_a):
    with pytest.raises(ValidationError) as error:
        plan(province_officer, small_map, [], sample_size=None)
    assert {"communes", "sample_size"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        plan(province_officer, small_map, [small_map["commune_a"]], sample_percent=Decimal("120"))
    assert "sample_percent" in error.value.message_dict
    # A commune officer reviews in the commune but does not inspect for the province.
    with pytest.raises(Http404):
        plan(officer_a, small_map, [small_map["commune_a"]])


# -- re-scoring and follow-up ---------------------------------------------------------------------


def test_rescoring_uses_the_same_criteria_and_records_agreement(inspection, province_officer):
    finding = inspection.findings.select_related("assessment__criteria_set").first()
    answers = services.starting_answers(finding)
    finding = services.rescore(
        Scope(province_officer), finding, answers=answers, verdict="agree", actor=province_officer
    )
    assert finding.matches_recorded is True
    assert finding.result["criteria_set_code"] == finding.assessment.criteria_set.code
    low = {code: (False if value is True else "0") for code, value in answers.items()}
    other = inspection.findings.exclude(pk=finding.pk).first()
    with pytest.raises(ValidationError) as error:
        services.rescore(Scope(province_officer), other, answers=low, verdict="disagree", actor=province_officer)
    assert "reasons" in error.value.message_dict
    other = services.rescore(
        Scope(province_officer),
        other,
        answers=low,
        verdict="disagree",
        reasons="Không có minh chứng tham gia lớp học.",
        recommendation="revoke",
        actor=province_officer,
    )
    assert other.matches_recorded is False and other.result["achieved"] is False
    with pytest.raises(ValidationError) as error:
        services.rescore(Scope(province_officer), other, answers={"NOPE": 3}, verdict="agree", actor=province_officer)
    assert "answers" in error.value.message_dict


def test_a_disagreement_leads_to_revocation_through_the_workflow(inspection, small_map, province_officer):
    finding = inspection.findings.filter(commune=small_map["commune_a"]).first()
    finding = services.rescore(
        Scope(province_officer),
        finding,
        answers=services.starting_answers(finding),
        verdict="disagree",
        reasons="Hồ sơ khống.",
        recommendation="revoke",
        actor=province_officer,
    )
    # The province inspects, but revoking belongs to the authority that recognised (the commune chairman).
    assert services.follow_up_actions(Scope(province_officer), finding) == []
    with pytest.raises(ValidationError):
        services.follow_up(
            Scope(province_officer), finding, "revoke", reason="Hồ sơ khống.", revocation_reference="5/QĐ-UBND"
        )
    chairman = builders.approver_for(small_map["commune_a"])
    finding = Finding.objects.get(pk=finding.pk)
    assert services.follow_up_actions(Scope(chairman), finding) == ["return", "revoke"]
    with pytest.raises(ValidationError) as error:
        services.follow_up(Scope(chairman), finding, "revoke", reason="Hồ sơ khống.")
    assert "revocation_reference" in error.value.message_dict
    finding = services.follow_up(
        Scope(chairman), finding, "revoke", reason="Hồ sơ khống.", revocation_reference="5/QĐ-UBND"
    )
    finding.assessment.refresh_from_db()
    assert finding.follow_up == "revoke" and finding.assessment.state == State.REVOKED
    assert finding.assessment.state_changes.filter(action="revoke").exists()
    rows, total = services.summary(inspection)
    assert total.revoked == 1 and total.disagreed == 1


def test_returning_to_the_commune_revokes_and_opens_the_assessment_again(inspection, small_map, province_officer):
    """A sampled assessment is recognised, so "Trả lại xã" cannot be the review step's return: the
    authority revokes the recognition and the commune assesses the subject again in the same campaign."""
    finding = inspection.findings.filter(commune=small_map["commune_a"]).first()
    finding = services.rescore(
        Scope(province_officer),
        finding,
        answers=services.starting_answers(finding),
        verdict="disagree",
        reasons="Thiếu minh chứng tham gia lớp học.",
        recommendation="return",
        actor=province_officer,
    )
    chairman = builders.approver_for(small_map["commune_a"])
    finding = services.follow_up(
        Scope(chairman),
        Finding.objects.get(pk=finding.pk),
        "return",
        reason="Đánh giá lại có minh chứng.",
        revocation_reference="6/QĐ-UBND",
    )
    revoked = finding.assessment
    revoked.refresh_from_db()
    again = revoked.replaced_by.get()
    assert finding.follow_up == "return" and revoked.state == State.REVOKED
    assert again.campaign_id == revoked.campaign_id and again.state not in HOLDING_STATES
    assert services.follow_up_actions(Scope(chairman), finding) == []
    rows, total = services.summary(inspection)
    assert total.returned == 1 and total.disagreed == 1


def test_agreement_rate_per_commune_and_title(inspection, small_map, province_officer):
    verdicts = {}
    for index, finding in enumerate(inspection.findings.select_related("commune")):
        verdict = "disagree" if finding.commune == small_map["commune_b"] and index % 2 == 0 else "agree"
        services.rescore(
            Scope(province_officer),
            finding,
            answers=services.starting_answers(finding),
            verdict=verdict,
            reasons="Thiếu minh chứng." if verdict == "disagree" else "",
            actor=province_officer,
        )
        verdicts.setdefault(finding.commune_id, []).append(verdict)
    rows, total = services.summary(inspection)
    by_commune = {row.commune.pk: row for row in rows}
    assert {row.title for row in rows} == {"citizen"}
    for commune_id, given_verdicts in verdicts.items():
        row = by_commune[commune_id]
        assert row.checked == row.sampled == len(given_verdicts)
        agreed = given_verdicts.count("agree")
        assert row.agreed == agreed
        assert row.rate == (Decimal(100 * agreed) / len(given_verdicts)).quantize(Decimal("0.1"))
    assert total.sampled == 10 and total.checked == 10


def test_api(client, recognised, small_map, province_officer):
    _, token = ApiToken.issue(province_officer, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    payload = {
        "province_id": small_map["province"].pk,
        "year": 2025,
        "name": "Kiểm tra",
        "seed": 99,
        "commune_ids": [small_map["commune_a"].pk],
        "sample_percent": "50",
    }
    created = client.post("/api/v1/inspections/", json.dumps(payload), **auth)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["seed"] == 99 and len(body["findings"]) == 3 and body["population"] == 6
    bad = client.post("/api/v1/inspections/", json.dumps({**payload, "sample_size": 3}), **auth)
    assert bad.status_code == 422 and "sample_size" in bad.json()["errors"]
    finding = body["findings"][0]
    scored = client.post(
        f"/api/v1/inspections/findings/{finding['id']}/score",
        json.dumps({"answers": {}, "verdict": "disagree"}),
        **auth,
    )
    assert scored.status_code == 422 and "reasons" in scored.json()["errors"]
    detail = client.get(f"/api/v1/inspections/{body['id']}", HTTP_AUTHORIZATION=auth["HTTP_AUTHORIZATION"])
    assert detail.json()["total"]["sampled"] == 3
