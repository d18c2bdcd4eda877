"""Anonymous sign-up with an ID number (issue 16 §4): one answer for the visitor whatever the
registry holds, never a second holder of a number, a pending claim the commune officer resolves
(linked or not confirmed, audited), invisible to other communes, never blocking the real owner."""

import re

import pytest
from auditlog.models import LogEntry
from django.db import transaction
from django.test import Client

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import citizens
from hoctap.assessments.models import CitizenSignup
from hoctap.registry.models import Person, Sex
from hoctap.web.todo import todo_for
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-rat-dai-2025"
NUMBER = "034190001234"
OTHER_NUMBER = "034190005678"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|csrftoken=[^;"]*')


def visitor_post(small_map, **overrides):
    return {
        "full_name": "Hoàng Văn Khách",
        "birth_year": "1988",
        "sex": "male",
        "province": small_map["province"].pk,
        "commune": small_map["commune_a"].pk,
        "id_number": NUMBER,
        "occupation_group": "farmer",
        "username": "khach",
        "password": PASSWORD,
        "notice_version": "1",
        "consent": "on",
        **overrides,
    }


def sign_up(small_map, username, full_name, birth_year, id_number=NUMBER, commune="commune_a"):
    return citizens.sign_up(
        username=username,
        password=PASSWORD,
        full_name=full_name,
        birth_year=birth_year,
        sex=Sex.FEMALE,
        commune=small_map[commune],
        id_number=id_number,
        occupation_group="farmer",
        notice_version=1,
    )


def _already_registered(small_map, people):
    """The number is behind a citizen account, in the other commune."""
    owner = make_user("chu_so", Role.CITIZEN, small_map["commune_b"])
    people["person_b"].id_number, people["person_b"].account = NUMBER, owner
    people["person_b"].save()


def _held_by_someone_else(small_map, people):
    """The number is recorded for a registry person of the visitor's commune, with no account."""
    people["spouse"].id_number = NUMBER
    people["spouse"].save()


CASES = {
    "unknown": lambda small_map, people: None,
    "already registered": _already_registered,
    "held by someone else": _held_by_someone_else,
}


def _visitor_sees(small_map, people, setup, post):
    """What the visitor gets from POST /signup/ and the page it leads to, then everything undone."""
    with transaction.atomic():
        setup(small_map, people)
        visitor = Client()
        answer = visitor.post("/signup/", post)
        seen = [answer.status_code, answer.get("Location", ""), CSRF.sub("", answer.content.decode())]
        if answer.status_code == 302:
            landing = visitor.get(answer["Location"])
            seen += [landing.status_code, CSRF.sub("", landing.content.decode())]
            signup = CitizenSignup.objects.get(user__username=post["username"])
            assert signup.status == CitizenSignup.Status.PENDING and signup.person is None
            assert not Person.objects.filter(account=signup.user).exists()
        assert Person.objects.filter(id_number=NUMBER).count() <= 1  # never a second holder
        transaction.set_rollback(True)
    return seen


def test_the_three_cases_give_the_visitor_byte_identical_answers(small_map, people):
    answers = {name: _visitor_sees(small_map, people, setup, visitor_post(small_map)) for name, setup in CASES.items()}
    assert answers["unknown"][:2] == [302, "/my/"]
    assert "chờ cán bộ Xã An Lạc xác nhận" in answers["unknown"][4]
    assert answers["unknown"] == answers["already registered"] == answers["held by someone else"]
    # a refused form (weak password) says the same too, and nothing about the number
    weak = {
        name: _visitor_sees(small_map, people, setup, visitor_post(small_map, password="123"))
        for name, setup in CASES.items()
    }
    assert weak["unknown"][0] == 200 and "CCCD" not in re.sub(
        r"<label[^>]*>[^<]*</label>", "", weak["unknown"][2].split("errorlist", 1)[1]
    )
    assert weak["unknown"] == weak["already registered"] == weak["held by someone else"]


def test_a_claim_never_creates_a_second_holder_nor_blocks_the_real_owner(small_map, people, officer_a):
    spouse = people["spouse"]
    spouse.id_number = NUMBER
    spouse.save()
    people_before = Person.objects.count()
    stranger = sign_up(small_map, "mao_danh", "Kẻ Mạo Danh", 1970)
    owner = sign_up(small_map, "binh", "Trần Thị Bình", 1982)  # the owner, after the stranger: not refused
    assert stranger.status == owner.status == CitizenSignup.Status.PENDING
    assert Person.objects.count() == people_before
    scope = Scope(officer_a)
    # the owner's claim shows the registry person holding the number; the stranger's shows them too
    assert [p.pk for p in citizens.candidates_for(scope, owner)] == [spouse.pk]
    assert [p.pk for p in citizens.candidates_for(scope, stranger)] == [spouse.pk]
    citizens.link(scope, owner, spouse)
    spouse.refresh_from_db()
    assert spouse.account == owner.user and spouse.id_number == NUMBER
    with pytest.raises(Exception) as refused:
        citizens.link(scope, stranger, spouse)
    assert "đã gắn với một tài khoản khác" in " ".join(refused.value.messages)
    with pytest.raises(Exception) as refused:  # nor a second person with that number
        citizens.link(scope, stranger, None)
    assert "Trần Thị Bình" in " ".join(refused.value.messages)  # inside the officer's commune: named
    assert Person.objects.filter(id_number=NUMBER).count() == 1
    citizens.reject(scope, stranger, "Không phải chủ số CCCD.")
    assert CitizenSignup.objects.get(pk=stranger.pk).status == CitizenSignup.Status.REJECTED


def test_the_commune_officer_links_a_claim_from_the_to_do_list_audited(client, small_map, people, officer_a):
    spouse = people["spouse"]
    spouse.id_number = NUMBER
    spouse.save()
    owner = sign_up(small_map, "binh", "Trần Thị Bình", 1982)
    items = {item.key: item for item in todo_for(Scope(officer_a))}
    assert items["signups"].count == 1
    client.force_login(officer_a)
    todo = client.get(items["signups"].url).content.decode()
    assert f"/signups/{owner.pk}/" in todo
    page = client.get(f"/signups/{owner.pk}/").content.decode()
    assert "cùng số CCCD" in page and "********1234" in page and NUMBER not in page
    response = client.post(f"/signups/{owner.pk}/", {"person": spouse.pk})
    assert response.status_code == 302
    spouse.refresh_from_db()
    owner.refresh_from_db()
    assert spouse.account == owner.user and owner.status == CitizenSignup.Status.LINKED
    assert owner.linked_by == officer_a
    entry = LogEntry.objects.get_for_object(owner).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == officer_a and "linked" in str(entry.changes)
    assert LogEntry.objects.get_for_object(spouse).filter(action=LogEntry.Action.UPDATE).latest("pk").actor == officer_a
    # the citizen can now self-assess
    client.force_login(owner.user)
    assert "Trần Thị Bình" in client.get("/my/").content.decode()


def test_the_commune_officer_rejects_a_claim_with_a_reason_the_citizen_reads(client, small_map, people, officer_a):
    people["spouse"].id_number = NUMBER
    people["spouse"].save()
    stranger = sign_up(small_map, "mao_danh", "Kẻ Mạo Danh", 1970)
    client.force_login(officer_a)
    missing = client.post(f"/signups/{stranger.pk}/", {"person": "reject", "reason": "  "})
    assert missing.status_code == 200 and "Hãy ghi lý do" in missing.content.decode()
    assert CitizenSignup.objects.get(pk=stranger.pk).status == CitizenSignup.Status.PENDING
    client.post(f"/signups/{stranger.pk}/", {"person": "reject", "reason": "Căn cước không khớp."})
    stranger.refresh_from_db()
    assert stranger.status == CitizenSignup.Status.REJECTED and stranger.person is None
    assert not Person.objects.filter(account=stranger.user).exists()
    entry = LogEntry.objects.get_for_object(stranger).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == officer_a and "rejected" in str(entry.changes)
    assert NUMBER not in str(entry.changes)  # the number is masked in the log
    again = client.post(f"/signups/{stranger.pk}/", {"person": "new"})
    assert "đã được xử lý" in again.content.decode()
    client.force_login(stranger.user)
    mine = client.get("/my/").content.decode()
    assert "không xác nhận đăng ký này: Căn cước không khớp." in mine and "mang căn cước" in mine


def test_another_communes_officer_cannot_see_or_resolve_the_claim(client, small_map, people, officer_a, officer_b):
    claim = sign_up(small_map, "khach", "Hoàng Văn Khách", 1988)
    assert "signups" not in {item.key for item in todo_for(Scope(officer_b))}
    client.force_login(officer_b)
    assert f"/signups/{claim.pk}/" not in client.get("/signups/").content.decode()
    assert client.get(f"/signups/{claim.pk}/").status_code == 404
    assert client.post(f"/signups/{claim.pk}/", {"person": "new"}).status_code == 404
    from django.http import Http404

    with pytest.raises(Http404):
        citizens.reject(Scope(officer_b), claim, "Không rõ.")
    assert CitizenSignup.objects.get(pk=claim.pk).status == CitizenSignup.Status.PENDING


def test_a_number_held_in_another_commune_only_cannot_be_used_here(client, small_map, people, officer_a):
    people["person_b"].id_number = OTHER_NUMBER
    people["person_b"].save()
    claim = sign_up(small_map, "dong", "Phạm Văn Đông", 1990, id_number=OTHER_NUMBER)
    assert list(citizens.candidates_for(Scope(officer_a), claim)) == []  # nobody outside the commune
    client.force_login(officer_a)
    page = client.post(f"/signups/{claim.pk}/", {"person": "new"}).content.decode()
    assert "không dùng được ở đây" in page and "Bình Minh" not in page and "Thôn Đoài" not in page
    assert Person.objects.filter(id_number=OTHER_NUMBER).count() == 1
    assert CitizenSignup.objects.get(pk=claim.pk).status == CitizenSignup.Status.PENDING


def test_an_unknown_number_is_recorded_when_the_commune_confirms(small_map, people, officer_a):
    scope = Scope(officer_a)
    new = sign_up(small_map, "khach", "Hoàng Văn Khách", 1988)
    linked = citizens.link(scope, new, None)
    assert linked.person.id_number == NUMBER and linked.person.account == new.user
    # a namesake without a number takes the claimed number when it is free
    namesake = sign_up(small_map, "an2", "Nguyễn Văn An", 1980, id_number=OTHER_NUMBER)
    assert [p.pk for p in citizens.candidates_for(scope, namesake)] == [people["head"].pk]
    citizens.link(scope, namesake, people["head"])
    people["head"].refresh_from_db()
    assert people["head"].id_number == OTHER_NUMBER and people["head"].account == namesake.user
