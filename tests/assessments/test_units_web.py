"""The rules of TT 24 units and TT 25 commune files through the web pages (the service and API
tests are in test_tt24_units.py, test_learners.py and test_commune_community_duties.py)."""

import pytest

from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment, Decision
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, full_answers, scope_of
from tests.assessments.test_tt24_units import agency  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_review_page_proposes_level_1_and_the_province_decides(client, agency, users, small_map):  # noqa: F811
    keeper = scope_of(users["commune_officer"])
    assessment = workflow.register(keeper, Title.UNIT, agency, YEAR)
    assessment = workflow.transition(keeper, assessment, "start")
    assessment = workflow.transition(keeper, assessment, "submit", answers=full_answers(assessment.criteria_set))
    client.force_login(users["province_officer"])
    url = f"/assessments/{assessment.pk}/transition/"
    client.post(url, {"action": "start_review"})
    client.post(url, {"action": "propose"})
    proposed = Assessment.objects.get(pk=assessment.pk)
    assert (proposed.state, proposed.classification) == ("proposed", "level_1")
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "Đạt Mức độ 1: Mức độ 2 chỉ được xét sau ít nhất 12 tháng" in page

    # the commune chairman is not offered this campaign's province-managed unit
    client.force_login(users["commune_approver"])
    form = client.get(f"/campaigns/{proposed.campaign_id}/decisions/new/")
    refused = client.post(
        f"/campaigns/{proposed.campaign_id}/decisions/new/",
        {
            "issuer": small_map["commune_a"].pk,
            "issued_on": f"{YEAR}-12-01",
            "signer_name": "Chủ tịch xã",
            "signer_title": "Chủ tịch",
            "legal_bases": "Căn cứ Thông tư 24/2023/TT-BGDĐT;",
            "recipients": "Như Điều 3;",
            "assessment": [proposed.pk],
        },
    )
    # the form does not list it, and a forged post signs nothing
    assert form.status_code == 200 and "Chi cục Thủy lợi" not in form.content.decode()
    assert refused.status_code == 200 and "Chọn ít nhất một hồ sơ" in refused.content.decode()
    assert not Decision.objects.filter(assessments=proposed).exists()
    client.force_login(users["province_approver"])
    assert "Chi cục Thủy lợi" in client.get(f"/campaigns/{proposed.campaign_id}/decisions/new/").content.decode()
    decided = client.post(
        f"/campaigns/{proposed.campaign_id}/decisions/new/",
        {
            "issuer": small_map["province"].pk,
            "issued_on": f"{YEAR}-12-01",
            "signer_name": "Chủ tịch tỉnh",
            "signer_title": "Chủ tịch",
            "legal_bases": "Căn cứ Thông tư 24/2023/TT-BGDĐT;",
            "recipients": "Như Điều 3;",
            "assessment": [proposed.pk],
        },
    )
    assert decided.status_code == 302, decided.content.decode()[:2000]
    assert Assessment.objects.get(pk=assessment.pk).state == "recognised"


def test_a_communes_own_officers_get_no_review_button_and_a_refusal(client, campaigns, small_map, users):
    keeper = scope_of(users["commune_officer"])
    assessment = workflow.register(keeper, Title.COMMUNE_COMMUNITY, small_map["commune_a"], YEAR)
    assessment = workflow.transition(keeper, assessment, "start")
    assessment = workflow.transition(keeper, assessment, "submit", answers=full_answers(assessment.criteria_set))
    client.force_login(users["commune_approver"])
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'value="start_review"' not in page
    response = client.post(f"/assessments/{assessment.pk}/transition/", {"action": "start_review"}, follow=True)
    assert "cấp trên (tỉnh)" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).state == "submitted"
    client.force_login(users["province_officer"])
    assert 'value="start_review"' in client.get(f"/assessments/{assessment.pk}/").content.decode()
