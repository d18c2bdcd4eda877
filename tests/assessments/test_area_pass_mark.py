"""The 70-point mark of the citizen set in disadvantaged areas: an assessment takes its area class
from its unit's designation when it is opened (a village's own, else its commune's, mapped by the
set's area rules), keeps it, and the mark applies on the pages and through the API."""

import datetime

import pytest
from django.urls import reverse

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.assessments import workflow
from hoctap.criteria.titles import Title
from hoctap.registry.models import OccupationGroup, Person, Sex
from hoctap.territory.models import AreaDesignation
from tests.assessments.conftest import YEAR, full_answers, scope_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

BASIS = {"basis_number": "861/QĐ-TTg", "basis_date": datetime.date(2021, 6, 4), "basis_issuer": "Thủ tướng Chính phủ"}


def designate(unit, designation, year=YEAR):
    return AreaDesignation.objects.create(unit=unit, year=year, designation=designation, **BASIS)


def submit(assessment, user, points="7.5"):
    scope = scope_of(user)
    assessment = workflow.transition(scope, assessment, "start")
    return workflow.transition(scope, assessment, "submit", answers=full_answers(assessment.criteria_set, points))


def test_75_points_pass_in_a_zone_iii_commune_and_fail_elsewhere(campaigns, people, users, small_map):
    designate(small_map["commune_a"], "zone_3")
    in_zone_iii = workflow.register(scope_of(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    assert (in_zone_iii.area_class, in_zone_iii.area_designation) == ("disadvantaged", "zone_3")
    assert in_zone_iii.pass_mark_line == "Ngưỡng đạt: 70 điểm — xã khu vực III"
    result = submit(in_zone_iii, users["village_officer"]).self_result
    assert result["achieved"] and result["total"] == "75.0" and result["pass_mark"] == "70"

    officer_b = make_user("village_officer_b", Role.VILLAGE_OFFICER, small_map["village_b"])
    ordinary = workflow.register(scope_of(officer_b), Title.CITIZEN, people["person_b"], YEAR)
    assert (ordinary.area_class, ordinary.area_designation) == ("normal", "")
    assert ordinary.pass_mark_line == "Ngưỡng đạt: 80 điểm"
    result = submit(ordinary, officer_b).self_result
    assert not result["achieved"] and result["pass_mark"] == "80"
    assert any("thấp hơn ngưỡng đạt 80" in r["message_vi"] for r in result["reasons"])


def test_the_class_is_kept_from_opening_and_a_villages_own_designation_wins(campaigns, people, users, small_map):
    commune, village = small_map["commune_a"], small_map["village_a"]
    record = designate(commune, "zone_1")  # zone I: the citizen set keeps the ordinary mark
    head = workflow.register(scope_of(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    assert (head.area_class, head.area_designation) == ("normal", "zone_1")
    assert head.pass_mark_line == "Ngưỡng đạt: 80 điểm — xã khu vực I"
    designate(village, "village_extreme")
    spouse = workflow.register(scope_of(users["village_officer"]), Title.CITIZEN, people["spouse"], YEAR)
    assert (spouse.area_class, spouse.area_designation) == ("disadvantaged", "village_extreme")
    assert spouse.pass_mark_line == "Ngưỡng đạt: 70 điểm — thôn đặc biệt khó khăn"
    # a designation changed later does not re-score what was opened before it
    record.designation = "zone_3"
    record.save()
    head = submit(head, users["village_officer"])
    assert head.area_class == "normal" and not head.self_result["achieved"]
    # a title without area rules in its set (the family set) stays ordinary, designation recorded
    family = workflow.register(scope_of(users["village_officer"]), Title.FAMILY, people["neighbour"], YEAR)
    assert (family.area_class, family.area_designation) == ("normal", "village_extreme")


def test_pages_show_the_pass_mark_and_its_area(client, campaigns, people, users, small_map):
    designate(small_map["commune_a"], "zone_3")
    assessment = workflow.register(scope_of(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    client.force_login(users["village_officer"])
    sheet = client.get(reverse("assessments:self_assessment", args=[assessment.pk])).content.decode()
    assert "Ngưỡng đạt: 70 điểm — xã khu vực III" in sheet
    submit(assessment, users["village_officer"])
    client.force_login(users["commune_officer"])
    detail = client.get(reverse("assessments:assessment_detail", args=[assessment.pk])).content.decode()
    assert "Ngưỡng đạt: 70 điểm — xã khu vực III" in detail
    board = client.get(reverse("assessments:review_board", args=[assessment.campaign_id, small_map["village_a"].pk]))
    assert "Ngưỡng đạt: 70 điểm — xã khu vực III" in board.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(
        reverse("assessments:assessment_detail", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Pass mark: 70 points — zone III commune" in english


def test_the_api_registers_in_the_units_class_and_applies_the_70_point_mark(
    client, campaigns, people, users, small_map
):
    designate(small_map["commune_a"], "zone_3")
    _, token = ApiToken.issue(users["village_officer"], "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(url, body):
        return client.post(f"/api/v1{url}", data=body, content_type="application/json", **headers)

    # an area class sent by the caller is not an input: the unit's designation decides
    created = post(
        "/assessments/", {"title": "citizen", "subject_id": people["head"].pk, "year": YEAR, "area_class": "normal"}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["area_class"], body["area_designation"], body["pass_mark"]) == ("disadvantaged", "zone_3", "70")
    assert body["pass_mark_text"] == "Ngưỡng đạt: 70 điểm — xã khu vực III"
    url = f"/assessments/{body['id']}/transitions"
    post(url, {"action": "start"})
    answers = {f"CS{n}": "7.5" for n in range(1, 11)}
    submitted = post(url, {"action": "submit", "answers": answers})
    assert submitted.status_code == 200 and submitted.json()["self_result"]["achieved"]
    # and a person of an ordinary commune with the same answers is refused
    person = Person.objects.create(
        full_name="Hoàng Thị Én",
        sex=Sex.FEMALE,
        birth_year=1988,
        unit=small_map["village_b"],
        occupation_group=OccupationGroup.FARMER,
    )
    officer_b = make_user("village_officer_b", Role.VILLAGE_OFFICER, small_map["village_b"])
    _, token_b = ApiToken.issue(officer_b, "test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_b}"}
    ordinary = post("/assessments/", {"title": "citizen", "subject_id": person.pk, "year": YEAR}).json()
    assert ordinary["area_class"] == "normal" and ordinary["pass_mark"] == "80"
    url = f"/assessments/{ordinary['id']}/transitions"
    post(url, {"action": "start"})
    assert not post(url, {"action": "submit", "answers": answers}).json()["self_result"]["achieved"]
