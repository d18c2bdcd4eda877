"""Home is the work waiting for each role; anonymous visitors get a landing page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hoctap.accounts.models import ApiToken
from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.models import Campaign, CitizenSignup
from hoctap.criteria.titles import Title
from hoctap.registry.models import Household, Person, Sex
from hoctap.web.todo import todo_for
from tests.assessments.conftest import YEAR, full_answers
from tests.conftest import make_unit, make_user

pytestmark = pytest.mark.django_db


def submit_citizen(person, village_officer):
    scope = Scope(village_officer)
    assessment = workflow.register(scope, Title.CITIZEN, person, YEAR)
    assessment = workflow.transition(scope, assessment, "start")
    return workflow.transition(scope, assessment, "submit", answers=full_answers(assessment.criteria_set))


def new_person(village, name):
    household = Household.objects.create(code=f"X-{name}", village=village)
    person = Person.objects.create(full_name=name, sex=Sex.MALE, birth_year=1985, household=household)
    household.head = person
    household.save()
    return person


def items_of(user):
    return {item.key: item for item in todo_for(Scope(user))}


def test_commune_officer_sees_dossiers_to_review_per_village(small_map, campaigns, people, users):
    submit_citizen(people["head"], users["village_officer"])
    submit_citizen(people["spouse"], users["village_officer"])
    items = items_of(users["commune_officer"])
    review = items["review"]
    assert review.count == 2
    [line] = review.lines
    assert line.count == 2 and line.text.startswith("Thôn Đông · Công dân học tập 2025")
    # the board opens on the dossiers waiting (it opened on all, the two among the village's others)
    assert (
        line.url == f"/campaigns/{campaigns[Title.CITIZEN].pk}/units/{small_map['village_a'].pk}/review/?show=waiting"
    )
    # the village officer sends dossiers, the council reviews them: nothing to review for the village
    assert "review" not in items_of(users["village_officer"])


def test_dossiers_of_another_commune_are_not_counted(small_map, campaigns, people, users):
    officer_b = make_user("officer_b_home", Role.COMMUNE_OFFICER, small_map["commune_b"])
    village_b_officer = make_user("village_b_officer", Role.VILLAGE_OFFICER, small_map["village_b"])
    submit_citizen(people["person_b"], village_b_officer)
    assert "review" not in items_of(users["commune_officer"])
    assert items_of(officer_b)["review"].count == 1
    # the province sees both communes
    assert items_of(users["province_officer"])["review"].count == 1


def test_sign_ups_returned_dossiers_and_deadlines(small_map, campaigns, people, users):
    citizen = make_user("citizen_new", Role.CITIZEN, small_map["commune_a"])
    CitizenSignup.objects.create(
        user=citizen, full_name="Công Dân Mới", birth_year=1990, sex=Sex.FEMALE, commune=small_map["commune_a"]
    )
    assessment = submit_citizen(people["head"], users["village_officer"])
    council = Scope(users["commune_officer"])
    assessment = workflow.transition(council, assessment, "start_review")
    workflow.transition(council, assessment, "return", reason="Thiếu minh chứng")
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaigns[Title.FAMILY].pk).update(
        self_assessment_deadline=today + datetime.timedelta(days=3),
        review_deadline=today + datetime.timedelta(days=7),
        recognition_deadline=today + datetime.timedelta(days=8),
    )
    items = items_of(users["commune_officer"])
    assert items["signups"].count == 1 and items["signups"].url == "/signups/"
    assert items["returned"].count == 1 and "state=returned" in items["returned"].url
    deadlines = items["deadlines"]
    assert [(line.date - today).days for line in deadlines.lines] == [3, 7]  # day 8 is beyond the week
    assert deadlines.lines[0].text.startswith("Hạn tự đánh giá: Gia đình học tập 2025")
    # the village officer keeps the register: returned dossiers yes, the council's review deadline no
    village_items = items_of(users["village_officer"])
    assert village_items["returned"].count == 1
    assert [(line.date - today).days for line in village_items["deadlines"].lines] == [3]


def test_citizen_sees_own_dossiers_to_finish(small_map, campaigns, people, users):
    account = make_user("head_account", Role.CITIZEN, small_map["commune_a"])
    Person.objects.filter(pk=people["head"].pk).update(account=account)
    workflow.register(Scope(users["village_officer"]), Title.CITIZEN, people["head"], YEAR)
    items = items_of(account)
    assert set(items) == {"mine"}
    assert items["mine"].count == 1 and items["mine"].lines[0].text == "Công dân học tập 2025 · Đã đăng ký"


def test_home_costs_the_same_queries_whatever_the_data_size(client, small_map, campaigns, people, users):
    officer = users["commune_officer"]
    client.force_login(officer)
    submit_citizen(people["head"], users["village_officer"])
    client.get("/")  # warm caches (content types, translations)
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    # ten times the work in three more villages: more dossiers, sign-ups, deadlines
    for index in range(3):
        village = make_unit(
            "village", f"12001-10{index}", f"Thôn Mới {index}", small_map["commune_a"], division_type="Thôn"
        )
        officer_here = make_user(f"village_{index}", Role.VILLAGE_OFFICER, village)
        for number in range(3):
            submit_citizen(new_person(village, f"Người {index}-{number}"), officer_here)
            citizen = make_user(f"c{index}{number}", Role.CITIZEN, small_map["commune_a"])
            CitizenSignup.objects.create(
                user=citizen, full_name="Công dân", birth_year=1990, sex=Sex.MALE, commune=small_map["commune_a"]
            )
    Campaign.objects.update(self_assessment_deadline=timezone.localdate() + datetime.timedelta(days=2))
    with CaptureQueriesContext(connection) as large:
        response = client.get("/")
    assert response.context["items"][0].count == 10
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_same_queue_through_the_api(client, small_map, campaigns, people, users):
    submit_citizen(people["head"], users["village_officer"])
    _, token = ApiToken.issue(users["commune_officer"], "todo")
    body = client.get("/api/v1/todo/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [(item["key"], item["count"]) for item in body] == [
        (item.key, item.count) for item in todo_for(Scope(users["commune_officer"]))
    ]
    assert body[0]["key"] == "review" and body[0]["lines"][0]["count"] == 1
    assert client.get("/api/v1/todo/").status_code == 401


def test_home_page_lists_the_work_not_the_menu(client, small_map, campaigns, people, users):
    submit_citizen(people["head"], users["village_officer"])
    client.force_login(users["commune_officer"])
    page = client.get("/").content.decode()
    assert "Việc cần làm" in page and "Hồ sơ chờ thẩm định" in page
    main = page.split("<main", 1)[1]
    assert "/registry/households/" not in main  # the menu lives behind the menu button only


def test_anonymous_visitor_gets_a_landing_page(client, small_map):
    page = client.get("/").content.decode()
    for href in ('href="/signup/"', 'href="/verify/"', 'href="/login/"', 'action="/public/"'):
        assert href in page
    assert 'value="33"' in page  # the province picker of public statistics
    response = client.get("/public/", {"code": "33"})
    assert response.status_code == 302 and response["Location"] == "/public/province/33/"
    assert client.get("/public/", {"code": "nope"})["Location"] == "/"


def test_an_item_counts_every_record_not_only_the_lines_it_shows(small_map, users):
    """Eleven requests wait: the badge says 11, eight lines show and «và 3 mục khác» the rest (the
    item read nine rows and said 9)."""
    from hoctap.privacy import services as privacy
    from hoctap.web.todo import MAX_LINES

    officer = users["commune_officer"]
    for number in range(MAX_LINES + 3):
        privacy.office_request(Scope(officer), new_person(small_map["village_a"], f"Người {number}"), kind="access")
    item = items_of(officer)["data_requests"]
    assert (item.count, len(item.lines), item.more) == (MAX_LINES + 3, MAX_LINES, 3)


def test_your_area_links_only_to_units_the_user_may_open(client, small_map, users):
    """A People's Committee receives reports and reads no unit page: home named its commune with a
    link that answered 404 (the demo's ubndxa). An officer's link stays and opens."""
    committee = make_user("ubnd_home", Role.PEOPLES_COMMITTEE, small_map["commune_a"])
    unit_page = f'href="/units/{small_map["commune_a"].pk}/"'
    client.force_login(committee)
    assert unit_page not in client.get("/").content.decode()
    client.force_login(users["commune_officer"])
    assert unit_page in client.get("/").content.decode()
    assert client.get(f"/units/{small_map['commune_a'].pk}/").status_code == 200


def test_the_review_items_head_lists_every_dossier_it_counts(client, small_map, campaigns, people, users):
    """«Hồ sơ chờ thẩm định» counts the dossiers sent in and those the council has started on; its
    «xem tất cả» opens the list on both (state=waiting), not on the sent ones only."""
    sent = submit_citizen(people["head"], users["village_officer"])
    started = submit_citizen(new_person(small_map["village_a"], "Người Thứ Hai"), users["village_officer"])
    reviewer = next(u for u in users.values() if Scope(u).can("review", started.unit))
    workflow.transition(Scope(reviewer), started, "start_review")
    item = items_of(users["commune_officer"])["review"]
    assert item.count == 2 and item.url.endswith("?state=waiting")
    client.force_login(users["commune_officer"])
    listed = client.get(item.url).context["page"].object_list
    assert {a.pk for a in listed} == {sent.pk, started.pk}
