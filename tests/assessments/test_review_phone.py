"""Issue 12 §5: the review board as cards a village officer can follow, bulk accept as a confirmed
two-step action (the count asked is the count accepted, enforced by the domain function), and
registration pages that search and page through every subject, saying how many there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.accounts.scoping import Scope
from hoctap.assessments import registration, review, workflow
from hoctap.assessments.models import Assessment
from hoctap.assessments.states import State
from hoctap.criteria.titles import Title
from hoctap.registry.models import Person, Sex
from tests.assessments.conftest import YEAR, scope_of
from tests.assessments.test_pages import submitted_citizens

pytestmark = pytest.mark.django_db


def board(campaign, village):
    return f"/campaigns/{campaign.pk}/units/{village.pk}/review/"


def test_the_board_asks_before_a_bulk_accept_and_names_the_count(client, campaigns, users, small_map):
    rows = submitted_citizens(3, small_map, users)
    url = board(rows[0].campaign, small_map["village_a"])
    client.force_login(users["commune_officer"])
    page = client.get(url).content.decode()
    assert "Chấp nhận điểm tự chấm của mọi hồ sơ đạt…" in page and "?confirm=accept" in page
    asked = client.get(url + "?confirm=accept").content.decode()
    assert "Chấp nhận 3 hồ sơ?" in asked
    assert all(r.person.full_name in asked for r in rows)
    assert set(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {
        State.SUBMITTED
    }
    done = client.post(url, {"bulk": "accept", "confirm": [f"{r.pk}:{r.version}" for r in rows]}, follow=True)
    assert "Đã chấp nhận điểm tự chấm của 3 hồ sơ" in done.content.decode()
    assert set(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {
        State.PROPOSED
    }


def test_a_row_changed_after_the_confirmation_is_not_accepted_but_named(client, campaigns, users, small_map):
    kept, changed = submitted_citizens(2, small_map, users)
    confirmed = {kept.pk: kept.version, changed.pk: changed.version}
    commune = scope_of(users["commune_officer"])
    review.return_row(commune, changed, "Thiếu ảnh", expected_version=changed.version)
    later = submitted_citizens(1, small_map, users)[0]  # sent in after the confirmation: not taken along
    accepted, refused = review.accept_all(commune, kept.campaign, small_map["village_a"], confirmed=confirmed)
    assert accepted == 1 and len(refused) == 1 and changed.person.full_name in refused[0]
    assert Assessment.objects.get(pk=kept.pk).state == State.PROPOSED
    assert Assessment.objects.get(pk=changed.pk).state == State.RETURNED
    assert Assessment.objects.get(pk=later.pk).state == State.SUBMITTED


def test_bulk_accept_without_a_confirmation_accepts_nothing(client, campaigns, users, small_map):
    rows = submitted_citizens(2, small_map, users)
    commune = scope_of(users["commune_officer"])
    with pytest.raises(workflow.TransitionRefused) as refusal:
        review.accept_all(commune, rows[0].campaign, small_map["village_a"], confirmed={})
    assert refusal.value.code == "not_confirmed"
    client.force_login(users["commune_officer"])
    answer = client.post(board(rows[0].campaign, small_map["village_a"]), {"bulk": "accept", "confirm": ["x:y"]})
    assert answer.status_code == 200 and "Chấp nhận 2 hồ sơ?" in answer.content.decode()
    assert set(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {
        State.SUBMITTED
    }


def test_the_village_officer_follows_the_board_but_cannot_act(client, campaigns, users, small_map):
    rows = submitted_citizens(2, small_map, users)
    url = board(rows[0].campaign, small_map["village_a"])
    client.force_login(users["village_officer"])
    page = client.get(url).content.decode()
    assert rows[0].person.full_name in page and "Cán bộ xã thẩm định" in page
    assert "Chấp nhận" not in page and "Trả lại" not in page and "confirm=accept" not in page
    assert client.get(url + "?confirm=accept").status_code == 404
    assert client.post(url, {"bulk": "accept", "confirm": [f"{r.pk}:{r.version}" for r in rows]}).status_code == 404
    assert set(Assessment.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {
        State.SUBMITTED
    }
    campaign_page = client.get(f"/campaigns/{rows[0].campaign_id}/").content.decode()
    assert "Tình trạng hồ sơ" in campaign_page


def test_every_card_carries_its_actions(client, campaigns, users, small_map):
    rows = submitted_citizens(2, small_map, users)
    client.force_login(users["commune_officer"])
    page = client.get(board(rows[0].campaign, small_map["village_a"])).content.decode()
    assert page.count('class="row-actions"') == 2 and page.count(">Trả lại</button>") == 2
    assert 'class="review cards"' in page and page.count('data-label="Tự chấm"') == 2


# -- registration --------------------------------------------------------------------------------


def citizens(count, village, prefix="Người Thử"):
    return [
        Person.objects.create(
            full_name=f"{prefix} {i:03d}", sex=Sex.FEMALE, birth_year=1980, unit=village, occupation_group="farmer"
        )
        for i in range(count)
    ]


def register_url(campaign, village):
    return f"/campaigns/{campaign.pk}/units/{village.pk}/register/"


def test_registration_pages_through_every_subject_and_says_how_many(client, campaigns, users, small_map):
    village = small_map["village_a"]
    made = citizens(registration.PAGE_SIZE + 12, village)
    url = register_url(campaigns[Title.CITIZEN], village)
    client.force_login(users["village_officer"])
    first = client.get(url).content.decode()
    assert f"{len(made)} đối tượng trong sổ" in first and "0 đã đăng ký" in first
    assert first.count('name="subject"') == registration.PAGE_SIZE and "Trang 1 / 2" in first
    second = client.get(url + "?page=2").content.decode()
    assert second.count('name="subject"') == 12 and made[-1].full_name in second


def test_registration_search_filter_and_return_to_the_same_page(client, campaigns, users, small_map):
    village = small_map["village_a"]
    citizens(3, village)
    mai = citizens(2, village, prefix="Đặng Thị Mai")
    campaign = campaigns[Title.CITIZEN]
    url = register_url(campaign, village)
    client.force_login(users["village_officer"])
    found = client.get(url + "?q=dang thi mai").content.decode()  # typed without diacritics
    assert found.count('name="subject"') == 2 and "Tìm thấy 2 đối tượng" in found
    back = client.post(url, {"subject": [mai[0].pk], "q": "dang thi mai"})
    assert back.status_code == 302 and back["Location"].endswith("?q=dang+thi+mai")
    todo = client.get(url + "?q=dang thi mai&show=todo").content.decode()
    assert todo.count('name="subject"') == 1 and mai[1].full_name in todo
    refused = client.get(url + "?q=001085012345&show=todo")
    assert refused.status_code == 302 and refused["Location"].endswith("/register/?show=todo")
    page = client.get(refused["Location"]).content.decode()
    assert "không tìm theo số định danh" in page and "001085012345" not in page


def test_registration_costs_the_same_number_of_queries_for_more_subjects(client, campaigns, users, small_map):
    village = small_map["village_a"]
    campaign = campaigns[Title.CITIZEN]
    url = register_url(campaign, village)
    client.force_login(users["village_officer"])
    citizens(3, village)
    village_scope = scope_of(users["village_officer"])
    workflow.register(village_scope, Title.CITIZEN, Person.objects.first(), YEAR)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    citizens(registration.PAGE_SIZE + 5, village, prefix="Thêm")
    with CaptureQueriesContext(connection) as many:
        assert "Trang 1 / 2" in client.get(url).content.decode()
    assert len(many) == len(few)


def test_registration_names_the_subject_it_could_not_register(client, campaigns, users, small_map):
    village = small_map["village_a"]
    person = citizens(1, village)[0]
    scope = Scope(users["village_officer"])
    workflow.register(scope, Title.CITIZEN, person, YEAR)
    done, refused = registration.register_chosen(scope, campaigns[Title.CITIZEN], village, [person.pk])
    assert done == 0 and refused and refused[0].startswith(person.full_name)
    assert registration.register_chosen(scope, campaigns[Title.CITIZEN], village, [])[1]
