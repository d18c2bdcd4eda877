"""The learners' share of a TT 24/2023 school: entered by the unit's officer with evidence (page and
API), shown to the reviewer, read by the rule (at least 95 % of learners are learning citizens)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hoctap.accounts.models import ApiToken
from hoctap.assessments import learners, workflow
from hoctap.assessments.decisions import issue_decision
from hoctap.assessments.models import LearnerFigures
from hoctap.criteria.titles import Title
from hoctap.registry.models import ManagingLevel, Organisation, Person, Sex
from tests.assessments.conftest import YEAR, full_answers, scope_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def png(name="danh-sach.png"):
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def school(campaigns, small_map, users):
    """A province-managed upper-secondary school whose one teacher is a learning citizen of YEAR."""
    commune = small_map["commune_a"]
    school = Organisation.objects.create(
        name="Trường THPT An Lạc", kind="school", unit=commune, managing_level=ManagingLevel.PROVINCE
    )
    teacher = Person.objects.create(full_name="Vi Văn Tú", sex=Sex.MALE, birth_year=1980, employer=school)
    citizen = walk(workflow.register(scope_of(users["commune_officer"]), Title.CITIZEN, teacher, YEAR), users)
    issue_decision(
        scope_of(users["commune_approver"]),
        citizen.campaign,
        [citizen],
        issuer=commune,
        issued_on=datetime.date(YEAR, 6, 1),
        signer_name="Phạm Văn Đức",
    )
    return school


def walk(assessment, users, *, propose=True):
    keep, review = scope_of(users["commune_officer"]), scope_of(users["province_officer"])
    assessment = workflow.transition(keep, assessment, "start")
    assessment = workflow.transition(keep, assessment, "submit", answers=full_answers(assessment.criteria_set))
    assessment = workflow.transition(review, assessment, "start_review")
    return workflow.transition(review, assessment, "propose") if propose else assessment


def test_without_figures_the_school_is_refused_and_told_why(school, users):
    under_review = walk(
        workflow.register(scope_of(users["commune_officer"]), Title.UNIT, school, YEAR), users, propose=False
    )
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(scope_of(users["province_officer"]), under_review, "propose")
    assert "người học" in refused.value.text


@pytest.mark.parametrize(("citizens", "passes"), [(96, True), (95, True), (94, False)])
def test_the_rule_reads_the_declared_share(school, users, citizens, passes):
    learners.record(scope_of(users["commune_officer"]), school, YEAR, learners=100, citizens=citizens, uploaded=png())
    under_review = walk(
        workflow.register(scope_of(users["commune_officer"]), Title.UNIT, school, YEAR), users, propose=False
    )
    if passes:
        proposed = workflow.transition(scope_of(users["province_officer"]), under_review, "propose")
        assert proposed.classification == "level_1"
    else:
        with pytest.raises(workflow.TransitionRefused) as refused:
            workflow.transition(scope_of(users["province_officer"]), under_review, "propose")
        assert "người học" in refused.value.text


def test_the_service_names_each_bad_field_and_writes_nothing(school, users, people):
    officer = scope_of(users["commune_officer"])
    with pytest.raises(Exception) as no_file:
        learners.record(officer, school, YEAR, learners=100, citizens=96)
    assert "evidence" in no_file.value.message_dict
    with pytest.raises(Exception) as too_many:
        learners.record(officer, school, YEAR, learners=10, citizens=11, uploaded=png())
    assert "citizens" in too_many.value.message_dict and "11" in too_many.value.message_dict["citizens"][0]
    with pytest.raises(Exception) as none:
        learners.record(officer, school, YEAR, learners=0, citizens=0, uploaded=png())
    assert "learners" in none.value.message_dict
    with pytest.raises(Exception) as not_a_file:
        learners.record(
            officer, school, YEAR, learners=10, citizens=9, uploaded=SimpleUploadedFile("x.png", b"not an image")
        )
    assert "evidence" in not_a_file.value.message_dict
    with pytest.raises(Exception) as agency:
        learners.record(
            officer,
            Organisation.objects.create(name="Kho bạc", kind="agency", unit=school.unit),
            YEAR,
            learners=10,
            citizens=9,
            uploaded=png(),
        )
    assert "không phải cơ sở giáo dục" in str(agency.value)
    with pytest.raises(workflow.TransitionRefused) as viewer:
        learners.record(scope_of(users["viewer"]), school, YEAR, learners=10, citizens=9, uploaded=png())
    assert viewer.value.code == "no_capability"
    assert not LearnerFigures.objects.exists()
    # a correction keeps the first file; an import may come without one, and says so
    learners.record(officer, school, YEAR, learners=100, citizens=90, uploaded=png())
    learners.record(officer, school, YEAR, learners=100, citizens=97)
    imported = learners.record(officer, school, YEAR + 1, learners=80, citizens=80, source="imported")
    figures = LearnerFigures.objects.get(organisation=school, year=YEAR)
    assert (figures.citizens, figures.evidence_id is not None) == (97, True)
    assert (imported.source, imported.evidence_id) == ("imported", None)


def test_figures_of_a_decided_year_no_longer_change(school, users, small_map):
    officer = scope_of(users["commune_officer"])
    learners.record(officer, school, YEAR, learners=100, citizens=96, uploaded=png())
    proposed = walk(workflow.register(officer, Title.UNIT, school, YEAR), users)
    issue_decision(
        scope_of(users["province_approver"]),
        proposed.campaign,
        [proposed],
        issuer=small_map["province"],
        issued_on=datetime.date(YEAR, 12, 1),
        signer_name="Chủ tịch tỉnh",
    )
    with pytest.raises(workflow.TransitionRefused) as refused:
        learners.record(officer, school, YEAR, learners=100, citizens=50)
    assert refused.value.code == "wrong_state" and "thu hồi" in refused.value.text


def test_the_unit_enters_them_on_its_page_and_the_reviewer_sees_them(client, school, users, small_map):
    client.force_login(users["commune_officer"])
    url = f"/organisations/{school.pk}/learners/"
    assert "Số liệu người học" in client.get(f"/registry/organisations/{school.pk}/").content.decode()
    refused = client.post(url, {"year": YEAR, "learners": "100", "citizens": "96"})
    assert refused.status_code == 200 and "Cần tải lên minh chứng" in refused.content.decode()
    too_many = client.post(url, {"year": YEAR, "learners": "10", "citizens": "12", "evidence": png()})
    assert "không thể lớn hơn số người học" in too_many.content.decode()
    saved = client.post(url, {"year": YEAR, "learners": "100", "citizens": "96", "evidence": png()})
    assert saved.status_code == 302
    page = client.get(url).content.decode()
    assert "96 %" in page and "danh-sach.png" in page  # the file's name, on its link
    figures = LearnerFigures.objects.get(organisation=school)
    assert client.get(f"/learner-figures/{figures.pk}/evidence/").status_code == 200

    under_review = walk(
        workflow.register(scope_of(users["commune_officer"]), Title.UNIT, school, YEAR), users, propose=False
    )
    client.force_login(users["province_officer"])
    review = client.get(f"/assessments/{under_review.pk}/").content.decode()
    assert f"Người học năm {YEAR}" in review and "96 %" in review and "Cần ít nhất 95 %" in review
    assert client.get(f"/learner-figures/{figures.pk}/evidence/").status_code == 200
    # the province officer reads the page but a viewer cannot write
    client.force_login(users["viewer"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"year": YEAR, "learners": "1", "citizens": "1", "evidence": png()}).status_code == 404
    # outside its territory nothing is seen
    client.force_login(make_user("other_commune", "commune_officer", small_map["commune_b"]))
    assert client.get(url).status_code == 404
    assert client.get(f"/learner-figures/{figures.pk}/evidence/").status_code == 404


def test_the_api_writes_through_the_same_rule(client, school, users):
    _, token = ApiToken.issue(users["commune_officer"], "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"/api/v1/learners/{school.pk}"
    missing = client.post(url, {"year": YEAR, "learners": 100, "citizens": 96}, **headers)
    assert missing.status_code == 422 and "evidence" in missing.json()["errors"]
    too_many = client.post(url, {"year": YEAR, "learners": 10, "citizens": 11, "evidence": png()}, **headers)
    assert too_many.status_code == 422 and "citizens" in too_many.json()["errors"]
    created = client.post(url, {"year": YEAR, "learners": 100, "citizens": 96, "evidence": png()}, **headers)
    assert created.status_code == 201, created.content
    assert created.json()["share"] == "0.9600" and created.json()["has_evidence"]
    assert client.get(url, **headers).json()[0]["learners"] == 100
    _, viewer_token = ApiToken.issue(users["viewer"], "test")
    refused = client.post(
        url,
        {"year": YEAR, "learners": 100, "citizens": 96, "evidence": png()},
        HTTP_AUTHORIZATION=f"Bearer {viewer_token}",
    )
    assert refused.status_code == 403
