"""Units under TT 24/2023 (province-managed agencies, schools, continuing-education centres):
recognised for 3 years through the one validity rule, by the role the campaign names for their level
(not the commune chairman), and at level 2 only 12 months after a level-1 decision — on every path."""

import datetime

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import campaign_for, create_campaign, level_rule
from hoctap.assessments.decisions import issue_certificates, issue_decision
from hoctap.assessments.models import Assessment, Certificate
from hoctap.assessments.subjects import holders
from hoctap.criteria.titles import Title
from hoctap.registry.models import ManagingLevel, Organisation, Person, Sex
from tests.assessments.conftest import YEAR, full_answers, scope_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency(campaigns, small_map, users):
    """A province-managed agency in commune A whose one staff member is a learning citizen of YEAR."""
    commune = small_map["commune_a"]
    agency = Organisation.objects.create(
        name="Chi cục Thủy lợi", kind="agency", unit=commune, managing_level=ManagingLevel.PROVINCE
    )
    staff = Person.objects.create(full_name="Đỗ Văn Hải", sex=Sex.MALE, birth_year=1985, employer=agency)
    citizen = workflow.register(scope_of(users["commune_officer"]), Title.CITIZEN, staff, YEAR)
    proposed = walk(citizen, users, keeper="commune_officer", reviewer="province_officer")
    issue_decision(
        scope_of(users["commune_approver"]),
        proposed.campaign,
        [proposed],
        issuer=commune,
        issued_on=datetime.date(YEAR, 6, 1),
        signer_name="Phạm Văn Đức",
    )
    return agency


def walk(assessment, users, *, keeper="commune_officer", reviewer="province_officer"):
    keep, review = scope_of(users[keeper]), scope_of(users[reviewer])
    assessment = workflow.transition(keep, assessment, "start")
    assessment = workflow.transition(keep, assessment, "submit", answers=full_answers(assessment.criteria_set))
    assessment = workflow.transition(review, assessment, "start_review")
    return workflow.transition(review, assessment, "propose")


def test_a_unit_campaign_gives_province_managed_units_their_own_rule(campaigns):
    campaign = campaigns[Title.UNIT]
    assert campaign.level_rules["province"] == {
        "recognising_role": Role.PROVINCE_APPROVER,
        "validity_years": 3,
        "upgrade_after_months": 12,
    }
    assert level_rule(campaign, "province").validity_years == 3
    # commune-managed units keep the campaign's own rule: the commune chairman, 1 year
    assert level_rule(campaign, "commune") == level_rule(campaign, None)
    assert (level_rule(campaign, "commune").recognising_role, level_rule(campaign, "commune").validity_years) == (
        Role.COMMUNE_APPROVER,
        1,
    )


def test_a_province_campaign_inherits_and_changes_the_level_rule(campaigns, small_map):
    from django.core.exceptions import ValidationError

    own = create_campaign(
        Title.UNIT, YEAR, province=small_map["province"], level_overrides={"province": {"validity_years": 2}}
    )
    assert own.level_rules["province"] == {
        "recognising_role": Role.PROVINCE_APPROVER,
        "validity_years": 2,
        "upgrade_after_months": 12,
    }
    # a province-managed unit is never the commune chairman's; nonsense periods are refused
    for bad in ({"recognising_role": Role.COMMUNE_APPROVER}, {"validity_years": 0}, {"upgrade_after_months": 500}):
        with pytest.raises(ValidationError) as refused:
            create_campaign(Title.UNIT, YEAR + 1, province=small_map["province"], level_overrides={"province": bad})
        assert "level_rules" in refused.value.message_dict


def test_three_years_recognised_by_the_province_not_the_commune_chairman(agency, users, small_map, settings):
    assessment = workflow.register(scope_of(users["commune_officer"]), Title.UNIT, agency, YEAR)
    assert assessment.criteria_set.code == "unit-tt24-2023" and assessment.validity_years == 3
    proposed = walk(assessment, users)
    with pytest.raises(workflow.TransitionRefused) as refused:
        issue_decision(
            scope_of(users["commune_approver"]),
            proposed.campaign,
            [proposed],
            issuer=small_map["commune_a"],
            issued_on=datetime.date(YEAR, 12, 1),
            signer_name="Chủ tịch xã",
        )
    assert refused.value.code == "no_capability" and "Lãnh đạo tỉnh" in refused.value.text
    approver = scope_of(users["province_approver"])
    decision = issue_decision(
        approver,
        proposed.campaign,
        [proposed],
        issuer=small_map["province"],
        issued_on=datetime.date(YEAR, 12, 1),
        signer_name="Chủ tịch tỉnh",
    )
    [certificate] = issue_certificates(approver, decision)
    assert certificate.valid_until == datetime.date(YEAR + 3, 12, 31)
    assert [y for y in range(YEAR - 1, YEAR + 6) if holders(Title.UNIT, y).filter(organisation=agency).exists()] == [
        YEAR,
        YEAR + 1,
        YEAR + 2,
        YEAR + 3,
    ]


def test_a_commune_managed_unit_keeps_one_year(campaigns, people, users):
    assessment = workflow.register(scope_of(users["commune_officer"]), Title.UNIT, people["organisation"], YEAR)
    assert assessment.criteria_set.code != "unit-tt24-2023" and assessment.validity_years == 1


def test_a_decision_does_not_mix_validities(agency, people, users, small_map):
    """One decision prints one "valid until": 3-year and 1-year subjects go in separate decisions."""
    province_unit = walk(workflow.register(scope_of(users["commune_officer"]), Title.UNIT, agency, YEAR), users)
    campaign = province_unit.campaign
    campaign.recognising_role = Role.PROVINCE_APPROVER  # the province signs every unit of this campaign
    campaign.save()
    teacher = Person.objects.create(
        full_name="Lò Thị Hoa", sex=Sex.FEMALE, birth_year=1990, employer=people["organisation"]
    )
    citizen = walk(workflow.register(scope_of(users["commune_officer"]), Title.CITIZEN, teacher, YEAR), users)
    issue_decision(
        scope_of(users["commune_approver"]),
        citizen.campaign,
        [citizen],
        issuer=small_map["commune_a"],
        issued_on=datetime.date(YEAR, 6, 2),
        signer_name="Phạm Văn Đức",
    )
    commune_unit = walk(
        workflow.register(scope_of(users["commune_officer"]), Title.UNIT, people["organisation"], YEAR), users
    )
    with pytest.raises(Exception) as refused:
        issue_decision(
            scope_of(users["province_approver"]),
            campaign,
            [province_unit, commune_unit],
            issuer=small_map["province"],
            issued_on=datetime.date(YEAR, 12, 1),
            signer_name="Chủ tịch tỉnh",
        )
    assert "thời hạn công nhận khác nhau" in str(refused.value)


def test_level_2_waits_12_months_after_level_1(agency, users, small_map):
    keeper, approver = scope_of(users["commune_officer"]), scope_of(users["province_approver"])
    first = walk(workflow.register(keeper, Title.UNIT, agency, YEAR), users)
    # every indicator met, but no level-1 decision yet: proposed at level 1, saying why
    assert first.review_result["levels"][-1]["reached"] and first.classification == "level_1"
    capped = [r for r in first.review_result["reasons"] if r["code"] == "level_capped"]
    assert capped and "12 tháng" in capped[0]["message_vi"] and capped[0]["message_vi"].startswith("Đạt Mức độ 1")
    assert not [r for r in first.review_result["reasons"] if r["code"] == "level_reached"]
    assert first.self_result["classification"] == "level_1"  # the unit's own result says the same
    issue_decision(
        approver,
        first.campaign,
        [first],
        issuer=small_map["province"],
        issued_on=datetime.date(YEAR, 6, 1),
        signer_name="Chủ tịch tỉnh",
    )

    # a year later the citizen title has been renewed and the unit asks for level 2
    renewed = workflow.register(keeper, Title.CITIZEN, Person.objects.get(employer=agency), YEAR + 1)
    renewed = walk(renewed, users)
    issue_decision(
        scope_of(users["commune_approver"]),
        renewed.campaign,
        [renewed],
        issuer=small_map["commune_a"],
        issued_on=datetime.date(YEAR + 1, 6, 1),
        signer_name="Chủ tịch xã",
    )
    second = walk(workflow.register(keeper, Title.UNIT, agency, YEAR + 1), users)
    assert second.classification == "level_2"
    # the decision must come 12 months after the level-1 one (01/06/YEAR)
    with pytest.raises(workflow.TransitionRefused) as refused:
        issue_decision(
            approver,
            second.campaign,
            [second],
            issuer=small_map["province"],
            issued_on=datetime.date(YEAR + 1, 5, 31),
            signer_name="Chủ tịch tỉnh",
        )
    assert refused.value.code == "upgrade_too_early" and f"01/06/{YEAR + 1}" in refused.value.text
    issue_decision(
        approver,
        second.campaign,
        [second],
        issuer=small_map["province"],
        issued_on=datetime.date(YEAR + 1, 6, 1),
        signer_name="Chủ tịch tỉnh",
    )
    assert Assessment.objects.get(pk=second.pk).state == "recognised"


@pytest.fixture
def api(client):
    def as_user(user):
        _, token = ApiToken.issue(user, "test")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

        class Caller:
            def get(self, url):
                return client.get(f"/api/v1{url}", **headers)

            def post(self, url, body):
                return client.post(f"/api/v1{url}", data=body, content_type="application/json", **headers)

        return Caller()

    return as_user


def test_the_same_rules_through_the_api(agency, users, small_map, api):
    keeper, reviewer = api(users["commune_officer"]), api(users["province_officer"])
    created = keeper.post("/assessments/", {"title": "unit", "subject_id": agency.pk, "year": YEAR}).json()
    assert created["validity_years"] == 3
    url = f"/assessments/{created['id']}/transitions"
    keeper.post(url, {"action": "start"})
    answers = full_answers(Assessment.objects.get(pk=created["id"]).criteria_set)
    assert keeper.post(url, {"action": "submit", "answers": answers}).status_code == 200
    reviewer.post(url, {"action": "start_review"})
    proposed = reviewer.post(url, {"action": "propose"}).json()
    assert proposed["classification"] == "level_1"
    campaign = api(users["province_officer"]).get(f"/campaigns/{created['campaign_id']}").json()
    assert campaign["level_rules"]["province"]["recognising_role"] == Role.PROVINCE_APPROVER
    refused = api(users["commune_approver"]).post(
        "/decisions/",
        {
            "campaign_id": created["campaign_id"],
            "issuer_id": small_map["commune_a"].pk,
            "issued_on": f"{YEAR}-12-01",
            "signer_name": "Chủ tịch xã",
            "assessment_ids": [created["id"]],
        },
    )
    assert refused.status_code == 403, refused.content
    decided = api(users["province_approver"]).post(
        "/decisions/",
        {
            "campaign_id": created["campaign_id"],
            "issuer_id": small_map["province"].pk,
            "issued_on": f"{YEAR}-12-01",
            "signer_name": "Chủ tịch tỉnh",
            "assessment_ids": [created["id"]],
        },
    )
    assert decided.status_code == 201, decided.content
    issued = api(users["province_approver"]).post(f"/decisions/{decided.json()['id']}/certificates", {})
    [code] = issued.json()["certificate_codes"]
    assert Certificate.objects.get(code=code).valid_until == datetime.date(YEAR + 3, 12, 31)


def test_the_campaign_page_shows_who_recognises_each_level(client, campaigns, users):
    client.force_login(users["province_officer"])
    page = client.get(f"/campaigns/{campaigns[Title.UNIT].pk}/").content.decode()
    assert "Đơn vị cấp tỉnh quản lý" in page and "Lãnh đạo tỉnh (ký công nhận); 3 năm; nâng mức sau 12 tháng" in page


def test_the_province_sets_the_level_rule_in_its_campaign_form(client, campaigns, users, small_map):
    client.force_login(users["province_officer"])
    response = client.post(
        "/campaigns/new/",
        {
            "title": Title.UNIT,
            "year": YEAR,
            "province": small_map["province"].pk,
            "province_units_role": Role.PROVINCE_APPROVER,
            "province_units_validity": "2",
            "allow_bulk_accept": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    own = campaign_for(Title.UNIT, YEAR, small_map["province"])
    assert own.province_id == small_map["province"].pk and own.level_rules["province"]["validity_years"] == 2


def test_campaigns_made_before_level_rules_get_them(agency, campaigns, users):
    """Migration 0005: an existing unit campaign takes its rules from its pinned sets; an open file of
    a province-managed unit takes their validity, a decided one keeps its own."""
    import importlib

    from django.apps import apps

    from hoctap.assessments.models import Campaign

    fill = importlib.import_module("hoctap.assessments.migrations.0005_fill_level_rules").fill
    campaign = campaigns[Title.UNIT]
    open_file = workflow.register(scope_of(users["commune_officer"]), Title.UNIT, agency, YEAR)
    Campaign.objects.filter(pk=campaign.pk).update(level_rules={})
    Assessment.objects.filter(pk=open_file.pk).update(validity_years=1)
    fill(apps, None)
    campaign.refresh_from_db()
    assert campaign.level_rules["province"] == {
        "recognising_role": Role.PROVINCE_APPROVER,
        "validity_years": 3,
        "upgrade_after_months": 12,
    }
    assert Assessment.objects.get(pk=open_file.pk).validity_years == 3
    family = campaigns[Title.FAMILY]
    family.refresh_from_db()
    assert family.level_rules == {}


def test_the_home_queue_gives_a_province_unit_to_the_province_approver(agency, users):
    from hoctap.web.todo import todo_for

    walk(workflow.register(scope_of(users["commune_officer"]), Title.UNIT, agency, YEAR), users)
    queue = {
        user: {item.key: item.count for item in todo_for(scope_of(users[user]))}
        for user in ("commune_approver", "province_approver")
    }
    assert "recognise" not in queue["commune_approver"] and queue["province_approver"]["recognise"] == 1
