"""Notice and consent at sign-up (issue 19 §1): shown before, refused without, recorded with version and
time; ethnicity asked apart; officers record the basis of the people they register, never assumed."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from hoctap.accounts.models import User
from hoctap.accounts.scoping import Scope
from hoctap.assessments import citizens
from hoctap.assessments.models import CitizenSignup
from hoctap.privacy import services
from hoctap.privacy.models import BasisKind, Controller, ControllerKind, Covers, LegalBasis, Notice
from hoctap.registry.models import Person
from hoctap.web.todo import todo_for

from .conftest import PASSWORD, signup_post

pytestmark = pytest.mark.django_db


def test_the_first_notice_is_in_force_and_public(client, small_map):
    notice = services.current_notice()
    assert notice.version == 1 and notice.published_on == datetime.date(2026, 1, 1)
    page = client.get("/privacy/").content.decode()
    for words in (
        "Ai kiểm soát dữ liệu",
        "Để làm gì",
        "Ai được xem",
        "Lưu giữ bao lâu",
        "Quyền của bạn",
        "Hội Khuyến học xã, phường nơi bạn đăng ký",
        "91/2025/QH15",
    ):
        assert words in page


def test_the_province_sets_who_controls_the_data(client, small_map):
    Controller.objects.create(province=small_map["province"], kind=ControllerKind.COMMITTEE)
    page = client.get("/privacy/", {"province": small_map["province"].pk}).content.decode()
    assert "Ủy ban nhân dân xã, phường nơi bạn đăng ký (Tỉnh Hưng Yên quy định)" in page
    assert services.controller_name(small_map["commune_a"]) == "Ủy ban nhân dân Xã An Lạc"
    assert services.controller_name(small_map["old_commune_b"]) == "Hội Khuyến học Xã Minh Quang"  # no province set


def test_the_sign_up_page_shows_the_notice_before_the_form_and_every_page_links_it(client, small_map):
    page = client.get("/signup/").content.decode()
    assert page.index("Thông báo xử lý dữ liệu cá nhân") < page.index('name="full_name"')
    assert 'name="notice_version" value="1"' in page and 'name="consent"' in page and 'name="sensitive_consent"' in page
    assert 'href="/privacy/"' in client.get("/login/").content.decode()  # the footer of every page


def test_sign_up_is_refused_without_consent_and_nothing_is_written(client, small_map):
    response = client.post("/signup/", signup_post(small_map, notice_version="1"))
    assert response.status_code == 200
    assert "đánh dấu ô «Tôi đồng ý» để đăng ký" in response.content.decode()
    assert not User.objects.filter(username="lan").exists() and not CitizenSignup.objects.exists()
    with pytest.raises(ValidationError) as refused:
        citizens.sign_up(
            username="lan",
            password=PASSWORD,
            full_name="Nguyễn Thị Lan",
            birth_year=1990,
            sex="female",
            commune=small_map["commune_a"],
        )
    assert "consent" in refused.value.message_dict


def test_consent_to_an_outdated_notice_is_asked_again(client, small_map):
    Notice.objects.create(
        version=2,
        published_on=timezone.localdate(),
        data_kinds="a",
        purpose="b",
        recipients="c",
        retention="d",
        rights="e",
        sensitive="f",
    )
    response = client.post("/signup/", signup_post(small_map, notice_version="1", consent="on"))
    assert "vừa được cập nhật" in response.content.decode()
    assert not User.objects.filter(username="lan").exists()
    assert 'name="notice_version" value="2"' in response.content.decode()


def test_consent_is_recorded_with_version_and_time_and_ethnicity_only_when_ticked(client, small_map):
    before = timezone.now()
    response = client.post("/signup/", signup_post(small_map, notice_version="1", consent="on"))
    assert response.status_code == 302
    person = Person.objects.get(account__username="lan")
    [basis] = LegalBasis.objects.filter(person=person)
    assert (basis.covers, basis.kind, basis.notice.version) == (Covers.GENERAL, BasisKind.CONSENT_ONLINE, 1)
    assert basis.recorded_at >= before and basis.controller == "Hội Khuyến học Xã An Lạc"
    assert LogEntry.objects.get_for_object(basis).filter(action=LogEntry.Action.CREATE).exists()
    client.logout()
    client.post(
        "/signup/",
        signup_post(
            small_map,
            username="lan2",
            full_name="Phạm Thị Hoa",
            notice_version="1",
            consent="on",
            sensitive_consent="on",
        ),
    )
    covers = set(LegalBasis.objects.filter(person__account__username="lan2").values_list("covers", flat=True))
    assert covers == {Covers.GENERAL, Covers.SENSITIVE}


def test_a_waiting_sign_up_keeps_its_consent_and_hands_it_to_the_linked_person(small_map, officer_a, person_a):
    signup = citizens.sign_up(
        username="an",
        password=PASSWORD,
        full_name=person_a.full_name,
        birth_year=person_a.birth_year,
        sex="male",
        commune=small_map["commune_a"],
        notice_version=1,
    )
    assert signup.status == CitizenSignup.Status.PENDING
    assert LegalBasis.objects.get(user=signup.user).person is None
    citizens.link(Scope(officer_a), signup, person_a)
    assert LegalBasis.objects.get(user=signup.user).person == person_a


def test_the_officer_records_the_basis_never_assumed(client, small_map, officer_a, person_a):
    client.force_login(officer_a)
    assert "missing_basis" in {item.key for item in todo_for(Scope(officer_a))}
    page = client.post(f"/privacy/people/{person_a.pk}/basis/", {"kind": BasisKind.CONSENT_PAPER, "covers": "general"})
    text = page.content.decode()
    assert "Ghi họ tên cán bộ đã nhận phiếu đồng ý" in text and "Ghi ngày người dân đồng ý" in text
    page = client.post(f"/privacy/people/{person_a.pk}/basis/", {"kind": BasisKind.LEGAL_DUTY, "covers": "general"})
    assert "Ghi số, tên văn bản pháp luật" in page.content.decode()
    page = client.post(
        f"/privacy/people/{person_a.pk}/basis/",
        {"kind": BasisKind.LEGAL_DUTY, "covers": "sensitive", "reference": "Luật X"},
    )
    assert "chỉ ghi khi người dân đồng ý riêng" in page.content.decode()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = client.post(
        f"/privacy/people/{person_a.pk}/basis/",
        {
            "kind": BasisKind.CONSENT_PAPER,
            "covers": "general",
            "collected_by": "Trần Văn Thu",
            "collected_on": tomorrow,
        },
    )
    assert "không được ở tương lai" in page.content.decode()
    assert not LegalBasis.objects.exists()
    response = client.post(
        f"/privacy/people/{person_a.pk}/basis/",
        {
            "kind": BasisKind.CONSENT_PAPER,
            "covers": "general",
            "collected_by": "Trần Văn Thu",
            "collected_on": "2026-03-02",
        },
    )
    assert response.status_code == 302
    basis = LegalBasis.objects.get(person=person_a)
    assert (basis.collected_by, basis.collected_on, basis.recorded_by) == (
        "Trần Văn Thu",
        datetime.date(2026, 3, 2),
        officer_a,
    )
    assert LogEntry.objects.get_for_object(basis).exists()
    assert "missing_basis" not in {item.key for item in todo_for(Scope(officer_a))}


def test_a_basis_for_many_people_at_once_after_an_import(client, small_map, officer_a, household_a):
    from hoctap.registry.models import Person

    others = [
        Person.objects.create(full_name=f"Người {n}", sex="male", birth_year=1990, household=household_a)
        for n in range(3)
    ]
    client.force_login(officer_a)
    page = client.get("/privacy/basis/").content.decode()
    assert "Người 0" in page and "Nguyễn Văn An" in page
    refused = client.post(
        "/privacy/basis/",
        {
            "kind": BasisKind.CONSENT_PAPER,
            "covers": "general",
            "collected_by": "Trưởng thôn",
            "collected_on": "2026-03-02",
        },
    )
    assert "Chọn ít nhất một người" in refused.content.decode()
    client.post(
        "/privacy/basis/",
        {
            "person": [p.pk for p in others[:2]],
            "kind": BasisKind.CONSENT_PAPER,
            "covers": "general",
            "collected_by": "Trưởng thôn",
            "collected_on": "2026-03-02",
        },
    )
    assert set(LegalBasis.objects.values_list("person__full_name", flat=True)) == {"Người 0", "Người 1"}
    assert services.people_without_basis(Scope(officer_a)).count() == 2


def test_another_communes_person_is_not_found(client, small_map, officer_a, person_b):
    client.force_login(officer_a)
    assert client.get(f"/privacy/people/{person_b.pk}/basis/").status_code == 404
    page = client.post(
        "/privacy/basis/",
        {
            "person": [person_b.pk],
            "kind": BasisKind.CONSENT_PAPER,
            "covers": "general",
            "collected_by": "X",
            "collected_on": "2026-03-02",
        },
    )
    assert page.status_code == 200 and not LegalBasis.objects.exists()


def test_the_api_records_the_basis_of_a_person_it_registered(client, small_map, officer_a, person_a, person_b):
    client.force_login(officer_a)
    url = f"/api/v1/privacy/people/{person_a.pk}/basis"
    refused = client.post(url, {"kind": "consent_paper"}, content_type="application/json")
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"collected_by", "collected_on"}
    created = client.post(
        url,
        {"kind": "consent_office", "collected_by": "Lê Thị Hoa", "collected_on": "2026-04-01"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["kind"] == "consent_office"
    assert (
        client.post(
            f"/api/v1/privacy/people/{person_b.pk}/basis",
            {"kind": "legal_duty", "reference": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert [b["kind"] for b in client.get(url).json()] == ["consent_office"]
