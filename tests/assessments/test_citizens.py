"""Citizen self-service: sign-up with duplicate checks, the commune linking an account to the
registry, and the citizen self-assessing their own record."""

import pytest
from django.core.exceptions import ValidationError

from hoctap.accounts.models import RoleAssignment
from hoctap.accounts.roles import Role
from hoctap.assessments import citizens, workflow
from hoctap.assessments.models import CitizenSignup
from hoctap.criteria.titles import Title
from hoctap.registry.models import Person, Sex
from tests.assessments.conftest import YEAR, full_answers, scope_of

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-rat-dai-2025"


def sign_up(small_map, **overrides):
    data = {
        "username": "lan.nguyen",
        "password": PASSWORD,
        "full_name": "Nguyễn Thị Lan",
        "birth_year": 1990,
        "sex": Sex.FEMALE,
        "commune": small_map["commune_a"],
        "occupation_group": "farmer",
        "notice_version": 1,
        **overrides,
    }
    return citizens.sign_up(**data)


def test_a_new_citizen_gets_an_account_and_a_registry_person(small_map):
    signup = sign_up(small_map)
    assert signup.status == CitizenSignup.Status.CREATED
    assert signup.person.account == signup.user and signup.person.commune == small_map["commune_a"]
    assert RoleAssignment.objects.get(user=signup.user).role == Role.CITIZEN


def test_same_folded_name_and_birth_year_waits_for_the_commune_never_refused(small_map):
    first = sign_up(small_map)
    second = sign_up(small_map, username="lan2", full_name="nguyen thi LAN")
    assert first.status == CitizenSignup.Status.CREATED
    assert second.status == CitizenSignup.Status.PENDING and second.person is None
    other_commune = sign_up(small_map, username="lan3", full_name="Nguyễn Thị Lan", commune=small_map["commune_b"])
    assert other_commune.status == CitizenSignup.Status.CREATED


def test_an_id_number_is_a_claim_the_commune_checks_never_a_refusal(small_map):
    # The number typed online is checked by the commune whoever holds it (tests/assessments/test_citizen_claims.py).
    first = sign_up(small_map, id_number="034190001234")
    second = sign_up(small_map, username="other", full_name="Người Khác", birth_year=1970, id_number="034190001234")
    assert first.status == second.status == CitizenSignup.Status.PENDING
    assert first.person is None and second.person is None and not Person.objects.exists()


def test_a_bad_id_number_and_weak_password_are_named(small_map):
    with pytest.raises(ValidationError) as refused:
        sign_up(small_map, id_number="12345", password="123")
    assert {"id_number", "password"} <= set(refused.value.message_dict)


def test_a_registry_match_waits_for_the_commune_which_links_it(small_map, people, officer_a):
    # The spouse is in the registry of commune A's village, without an account.
    signup = sign_up(small_map, full_name="Trần Thị Bình", birth_year=1982)
    assert signup.status == CitizenSignup.Status.PENDING and signup.person is None
    assert [p.pk for p in citizens.candidates_for(scope_of(officer_a), signup)] == [people["spouse"].pk]
    citizens.link(scope_of(officer_a), signup, people["spouse"])
    people["spouse"].refresh_from_db()
    assert people["spouse"].account == signup.user and signup.status == CitizenSignup.Status.LINKED
    namesake = sign_up(small_map, username="binh2", full_name="Trần Thị Bình", birth_year=1982)
    assert namesake.status == CitizenSignup.Status.PENDING  # a namesake: the commune confirms who it is


def test_the_commune_may_create_the_person_instead(small_map, people, officer_a):
    signup = sign_up(small_map, full_name="Trần Thị Bình", birth_year=1982)
    citizens.link(scope_of(officer_a), signup, None)
    assert Person.objects.filter(account=signup.user, unit=small_map["commune_a"]).exists()


def test_another_commune_cannot_link(small_map, people, officer_b):
    from django.http import Http404

    signup = sign_up(small_map, full_name="Trần Thị Bình", birth_year=1982)
    with pytest.raises(Http404):
        citizens.link(scope_of(officer_b), signup, None)


def test_a_citizen_registers_self_assesses_and_submits(small_map, campaigns):
    signup = sign_up(small_map)
    scope = scope_of(signup.user)
    assessment = workflow.register(scope, Title.CITIZEN, signup.person, YEAR)
    assert assessment.subject_group == "farmers"
    assessment = workflow.save_answers(scope, assessment, {"CS1": "8"})
    assert assessment.state == "self_assessing"
    submitted = workflow.transition(scope, assessment, "submit", answers=full_answers(assessment.criteria_set, "9"))
    assert submitted.state == "submitted" and submitted.self_result["achieved"]
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.transition(scope, submitted, "start_review")
    assert refused.value.code == "no_capability"


def test_a_citizen_cannot_register_someone_else(small_map, campaigns, people):
    from django.http import Http404

    signup = sign_up(small_map)
    with pytest.raises(Http404):
        workflow.register(scope_of(signup.user), Title.CITIZEN, people["spouse"], YEAR)


def test_signup_page_creates_the_account_and_signs_in(client, small_map, campaigns):
    page = client.get("/signup/")
    assert page.status_code == 200 and "Đăng ký tài khoản công dân" in page.content.decode()
    communes = client.get("/signup/", {"province": small_map["province"].pk}, HTTP_HX_REQUEST="true")
    assert "Xã An Lạc" in communes.content.decode()
    response = client.post(
        "/signup/",
        {
            "full_name": "Nguyễn Thị Lan",
            "birth_year": "1990",
            "sex": "female",
            "province": small_map["province"].pk,
            "commune": small_map["commune_a"].pk,
            "id_number": "",
            "occupation_group": "farmer",
            "username": "lan",
            "password": PASSWORD,
            "notice_version": "1",
            "consent": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/my/"
    mine = client.get("/my/")
    assert "Đăng ký Công dân học tập" in mine.content.decode() or "Nguyễn Thị Lan" in mine.content.decode()


def _posted_messages(client):
    response = client.post("/my/", follow=True)
    assert response.redirect_chain == [("/my/", 302)]
    return [str(message) for message in response.context["messages"]]


def test_registering_without_a_linked_person_or_a_campaign_says_what_to_do(client, small_map):
    linked = sign_up(small_map)
    waiting = sign_up(small_map, username="lan2")  # the same name and year: waits for the commune
    assert waiting.person is None
    client.force_login(waiting.user)
    assert _posted_messages(client) == [
        "Tài khoản chưa gắn sổ nhân khẩu: khi xã xác nhận tài khoản, hãy đăng ký lại tại đây."
    ]

    client.force_login(linked.user)  # no citizen campaign is open in the province this year
    assert _posted_messages(client) == [
        "Năm nay tỉnh chưa mở đợt đánh giá công dân học tập: hãy đăng ký khi xã thông báo."
    ]


def test_a_citizens_dossier_page_leads_back_to_their_own_dossiers(client, small_map, campaigns, users):
    """The citizen came from «Hồ sơ của tôi»; the page's way back named the officers' list «Hồ sơ
    đánh giá». An officer's page keeps the list."""
    signup = sign_up(small_map)
    assessment = workflow.register(scope_of(signup.user), Title.CITIZEN, signup.person, YEAR)
    client.force_login(signup.user)
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert '<p class="crumbs"><a href="/my/">Hồ sơ của tôi</a></p>' in page
    client.force_login(users["commune_officer"])
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert '<p class="crumbs"><a href="/assessments/">Hồ sơ đánh giá</a></p>' in page
