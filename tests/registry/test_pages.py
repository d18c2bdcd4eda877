"""Pages: forms, lists, search, masking of ID numbers, the audited full-ID view, a citizen's own data."""

import json
import re

import pytest
from auditlog.models import LogEntry

from hoctap.accounts.roles import Role
from hoctap.registry.models import ClanBranch, DeclaredTotals, Household, Organisation, Person
from tests.conftest import make_user

FULL_ID = "034075001234"


def members_data(*members, village, code="", address=""):
    data = {
        "village": village.pk,
        "code": code,
        "address": address,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
    }
    for index, member in enumerate(members):
        for field, value in member.items():
            data[f"members-{index}-{field}"] = value
    return data


def test_a_village_officer_adds_a_household_with_its_members_in_one_form(client, small_map, village_officer_a):
    client.force_login(village_officer_a)
    assert client.get("/registry/households/new/").status_code == 200
    response = client.post(
        "/registry/households/new/",
        members_data(
            {
                "full_name": "Phạm Văn Hùng",
                "sex": "male",
                "birth_year": "1980",
                "occupation_group": "farmer",
                "digital_skill": "basic",
            },
            {
                "full_name": "Đỗ Thị Lan",
                "sex": "female",
                "birth_date": "1982-04-30",
                "occupation_group": "worker",
                "digital_skill": "none",
                "is_head": "on",
            },
            village=small_map["village_a"],
            address="Xóm 2",
        ),
    )
    household = Household.objects.get()
    assert response.status_code == 302 and response.url == f"/registry/households/{household.pk}/"
    assert household.code == "H0001" and household.head.full_name == "Đỗ Thị Lan"
    assert sorted(household.members.values_list("birth_year", flat=True)) == [1980, 1982]
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=village_officer_a).count() == 3


def test_the_household_form_refuses_a_village_outside_the_scope_and_two_heads(client_a, small_map):
    response = client_a.post(
        "/registry/households/new/",
        members_data(
            {
                "full_name": "A",
                "sex": "male",
                "birth_year": "1980",
                "occupation_group": "other",
                "digital_skill": "none",
            },
            village=small_map["village_b"],
        ),
    )
    assert response.status_code == 200 and "village" in response.context["form"].errors
    response = client_a.post(
        "/registry/households/new/",
        members_data(
            *[
                {
                    "full_name": name,
                    "sex": "male",
                    "birth_year": "1980",
                    "occupation_group": "other",
                    "digital_skill": "none",
                    "is_head": "on",
                }
                for name in ("A", "B")
            ],
            village=small_map["village_a"],
        ),
    )
    assert "Chỉ đánh dấu một chủ hộ" in response.content.decode()
    response = client_a.post(
        "/registry/households/new/",
        members_data(
            *[
                {
                    "full_name": name,
                    "sex": "male",
                    "birth_year": "1980",
                    "occupation_group": "other",
                    "digital_skill": "none",
                    "id_number": "034080007777",
                }
                for name in ("A", "B")
            ],
            village=small_map["village_a"],
        ),
    )
    assert "trùng lặp" in response.content.decode()  # the model formset compares unique fields across members
    assert not Household.objects.exists()


def test_adding_a_member_without_javascript_keeps_what_was_typed(client_a, small_map):
    data = members_data({"full_name": "Giữ Lại", "sex": "male", "birth_year": "1980"}, village=small_map["village_a"])
    page = client_a.post("/registry/households/new/", {**data, "add_member": "1"}).content.decode()
    assert 'value="Giữ Lại"' in page and 'name="members-1-full_name"' in page
    assert not Household.objects.exists()


def test_the_member_form_fragment_bumps_the_form_count(client_a):
    page = client_a.get("/registry/households/member-form/?members-TOTAL_FORMS=2").content.decode()
    assert 'name="members-2-full_name"' in page and "autofocus" in page
    assert 'id="id_members-TOTAL_FORMS" hx-swap-oob="true"' in page and 'value="3"' in page


def test_duplicate_hints_while_typing(client_a, small_map, household_a):
    post = {
        "prefix": "members-0",
        "village": small_map["village_a"].pk,
        "members-0-full_name": "nguyen van an",
        "members-0-birth_year": "1975",
    }
    page = client_a.post("/registry/households/duplicates/", post).content.decode()
    assert "Nguyễn Văn An" in page and "có thể trùng" in page
    by_id = client_a.post("/registry/households/duplicates/", {"prefix": "m", "m-id_number": FULL_ID}).content.decode()
    assert "Số CCCD đã được ghi cho Nguyễn Văn An" in by_id
    assert client_a.get("/registry/households/duplicates/").status_code == 405  # never by GET


def test_duplicate_warnings_are_shown_after_saving(client_a, small_map, household_a):
    response = client_a.post(
        "/registry/households/new/",
        members_data(
            {
                "full_name": "NGUYỄN VĂN AN",
                "sex": "male",
                "birth_year": "1975",
                "occupation_group": "other",
                "digital_skill": "none",
            },
            village=small_map["village_a"],
        ),
        follow=True,
    )
    assert "có thể trùng người" in response.content.decode()


# -- lists -------------------------------------------------------------------------------------


def test_lists_mask_id_numbers(client_a, household_a):
    pages = ("/registry/people/", f"/registry/households/{household_a.pk}/", f"/registry/people/{household_a.head_id}/")
    for url in pages:
        page = client_a.get(url).content.decode()
        assert "********1234" in page and FULL_ID not in page, url


def test_search_by_name_code_and_id_number(client_a, household_a, small_map):
    Household.objects.create(code="H0002", village=small_map["village_a"])
    page = client_a.post("/registry/households/", {"q": "nguyen van"}).content.decode()
    assert "H0001" in page and "H0002" not in page
    assert "H0002" in client_a.post("/registry/households/", {"q": "h0002"}).content.decode()
    by_id = client_a.post("/registry/households/", {"q": FULL_ID}).content.decode()
    assert "H0001" in by_id and "H0002" not in by_id
    people = client_a.post("/registry/people/", {"q": FULL_ID}, HTTP_HX_REQUEST="true").content.decode()
    assert "Nguyễn Văn An" in people and "Trần Thị Bích" not in people and "<html" not in people


def test_an_id_number_in_the_address_bar_is_not_searched(client_a, household_a):
    page = client_a.get(f"/registry/people/?q={FULL_ID}").content.decode()
    assert "không ghi vào địa chỉ trang" in page


def test_person_filters(client_a, household_a):
    page = client_a.post("/registry/people/", {"occupation_group": "farmer"}).content.decode()
    assert "Nguyễn Văn An" in page and "Trần Thị Bích" not in page


@pytest.mark.parametrize(
    "url", ["/registry/households/", "/registry/people/", "/registry/clans/", "/registry/organisations/"]
)
def test_list_pages_run_a_constant_number_of_queries(client_a, small_map, django_assert_max_num_queries, url):
    def grow(n):
        for i in range(n):
            household = Household.objects.create(code=f"Q{Household.objects.count()}", village=small_map["village_a"])
            clan = ClanBranch.objects.create(name=f"Họ {household.code}", commune=small_map["commune_a"])
            household.clan_branch = clan
            organisation = Organisation.objects.create(
                name=f"Cơ quan {household.code}", kind="agency", unit=small_map["commune_a"]
            )
            person = Person.objects.create(
                full_name=f"Người {i}", sex="male", birth_year=1980, household=household, employer=organisation
            )
            household.head = person
            household.save()

    grow(2)
    client_a.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(20) as few:
        client_a.get(url)
    grow(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client_a.post(url, {"page": "1"}).status_code == 200


# -- the full ID number ------------------------------------------------------------------------


def test_showing_the_full_id_number_is_a_post_that_is_audited(client_a, household_a, officer_a):
    url = f"/registry/people/{household_a.head_id}/id-number/"
    assert client_a.get(url).status_code == 405
    response = client_a.post(url, HTTP_HX_REQUEST="true")
    assert FULL_ID in response.content.decode() and response["Cache-Control"] == "no-store"
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == officer_a and entry.object_pk == str(household_a.head_id)
    assert entry.additional_data == {"field": "id_number"}
    assert FULL_ID not in json.dumps(entry.changes or {})
    history = client_a.get(f"/history/registry.person/{household_a.head_id}/").content.decode()
    assert "xem dữ liệu cá nhân" in history


def test_roles_without_the_capability_cannot_see_the_full_id_number(client, household_a, village_officer_a):
    client.force_login(village_officer_a)
    page = client.get(f"/registry/people/{household_a.head_id}/").content.decode()
    assert "Hiện số đầy đủ" not in page
    assert client.post(f"/registry/people/{household_a.head_id}/id-number/").status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


# -- a citizen's own data ----------------------------------------------------------------------


def test_a_citizen_sees_and_downloads_everything_held_about_them(client, small_map, household_a):
    citizen = make_user("citizen_an", Role.CITIZEN, small_map["village_a"])
    head = household_a.head
    head.account = citizen
    head.save()
    client.force_login(citizen)
    assert 'href="/registry/me/"' in client.get("/").content.decode()  # in the citizen's menu
    page = client.get("/registry/me/").content.decode()
    assert "Nguyễn Văn An" in page and "H0001" in page and "Trần Thị Bích" not in page
    download = client.get("/registry/me/download/")
    data = json.loads(download.content)
    assert download["Content-Disposition"].startswith("attachment")
    assert data["people"][0]["id_number"] == FULL_ID and data["people"][0]["household"]["code"] == "H0001"
    assert data["people"][0]["household"]["is_head"]
    assert data["people"][0]["history"]
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=citizen)
    # One access entry on the person whose data left, one for the export itself (with its row count).
    assert accesses.count() == 2 and accesses.filter(additional_data__rows=1).count() == 1
    # A citizen sees no one else.
    assert client.get(f"/registry/people/{household_a.members.exclude(pk=head.pk).get().pk}/").status_code == 404
    assert client.get(f"/registry/people/{head.pk}/").status_code == 200


# -- declared totals ---------------------------------------------------------------------------


def test_declared_totals_form_refuses_a_figure_below_the_registry(client_a, small_map, household_a):
    url = f"/registry/totals/{small_map['commune_a'].pk}/2025/"
    page = client_a.get(url).content.decode()
    assert "đếm từ sổ" in page
    response = client_a.post(url, {"households": "0", "villages": "3"})
    assert "Số hộ gia đình khai báo (0) nhỏ hơn số đã có trong sổ theo dõi (1)" in response.content.decode()
    assert not DeclaredTotals.objects.exists()
    assert client_a.post(url, {"households": "80", "working_age_adults_complete": "on"}).status_code == 302
    totals = DeclaredTotals.objects.get()
    assert totals.households == 80 and totals.working_age_adults_complete
    assert "80" in client_a.get("/registry/totals/?year=2025").content.decode()


def test_subject_forms(client_a, small_map):
    response = client_a.post(
        "/registry/clans/new/", {"name": "Họ Vũ", "branch": "Chi 1", "commune": small_map["commune_a"].pk}
    )
    clan = ClanBranch.objects.get()
    assert response.url == f"/registry/clans/{clan.pk}/"
    again = client_a.post(
        "/registry/clans/new/", {"name": "HỌ VU", "branch": "chi 1", "commune": small_map["commune_a"].pk}
    )
    assert "Xã đã có chi dòng họ này" in again.content.decode()
    response = client_a.post(
        "/registry/organisations/new/",
        {"name": "UBND xã", "kind": "agency", "managing_level": "commune", "unit": small_map["commune_a"].pk},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    response = client_a.post(
        "/registry/people/new/",
        {
            "full_name": "Cán Bộ",
            "sex": "female",
            "birth_year": "1990",
            "occupation_group": "official",
            "digital_skill": "proficient",
            "employer": organisation.pk,
        },
    )
    person = Person.objects.get()
    assert response.url == f"/registry/people/{person.pk}/"
    assert person.unit == small_map["commune_a"] and person.ethnicity == ""  # not recorded, never Kinh by default


def test_edit_forms_never_show_the_full_id_number_and_keep_it_when_left_empty(
    client, household_a, small_map, village_officer_a
):
    client.force_login(village_officer_a)
    head = household_a.head
    page = client.get(f"/registry/people/{head.pk}/edit/").content.decode()
    assert FULL_ID not in page and 'placeholder="********1234"' in page
    assert FULL_ID not in client.get(f"/registry/households/{household_a.pk}/edit/").content.decode()
    response = client.post(
        f"/registry/people/{head.pk}/edit/",
        {
            "full_name": "Nguyễn Văn Ân",
            "sex": "male",
            "birth_year": "1975",
            "id_number": "",
            "occupation_group": "farmer",
            "digital_skill": "basic",
            "household": household_a.pk,
        },
    )
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.id_number == FULL_ID and head.full_name == "Nguyễn Văn Ân"
    update = LogEntry.objects.get_for_object(head).filter(action=LogEntry.Action.UPDATE).get()
    assert "id_number" not in update.changes_dict


def test_an_id_number_on_record_can_be_removed_and_the_removal_is_audited(client, household_a, village_officer_a):
    client.force_login(village_officer_a)
    head = household_a.head
    url = f"/registry/people/{head.pk}/edit/"
    page = client.get(url).content.decode()
    assert 'name="remove_id_number"' in page
    # no ethnicity: a village officer's form has no such field (sensitive data, issue 19)
    fields = {
        "full_name": head.full_name,
        "sex": "male",
        "birth_year": "1975",
        "occupation_group": "farmer",
        "digital_skill": "basic",
        "household": household_a.pk,
    }
    # a new number and a removal at once: which one is meant? The form asks.
    refused = client.post(url, {**fields, "id_number": "034075009999", "remove_id_number": "on"})
    assert refused.status_code == 200 and "Để trống ô số CCCD khi xoá số đang lưu." in refused.content.decode()
    head.refresh_from_db()
    assert head.id_number == FULL_ID
    response = client.post(url, {**fields, "id_number": "", "remove_id_number": "on"})
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.id_number is None
    removal = LogEntry.objects.get_for_object(head).filter(action=LogEntry.Action.UPDATE).get()
    assert removal.changes_dict["id_number"] == ["********1234", "None"] and FULL_ID not in str(removal.changes)
    assert 'name="remove_id_number"' not in client.get(url).content.decode()  # nothing left to remove


def test_a_member_id_number_is_removed_from_the_household_form(client, household_a, village_officer_a):
    client.force_login(village_officer_a)
    page = client.get(f"/registry/households/{household_a.pk}/edit/").content.decode()
    assert len(re.findall(r'name="members-\d+-remove_id_number"', page)) == 1  # only the member who has a number


def test_the_audit_log_keeps_only_the_last_four_digits(household_a):
    created = LogEntry.objects.get_for_object(household_a.head).get(action=LogEntry.Action.CREATE)
    assert created.changes_dict["id_number"][1] == "********1234"
