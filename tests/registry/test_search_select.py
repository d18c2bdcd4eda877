"""Search selects: a person's household and employer and a household's clan branch are chosen through a
search box (htmx) instead of a <select> of every record in the territory."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoctap.accounts.scoping import Scope
from hoctap.registry.choices import MAX_SUGGESTIONS
from hoctap.registry.forms import PersonForm
from hoctap.registry.models import ClanBranch, Household, Organisation, Person

pytestmark = pytest.mark.django_db

SUGGEST = "/registry/suggest/households/"


def many_households(village, n, *, head="Trần Văn Học"):
    """`n` households of `village` whose heads are "<head> 0".."<head> n-1" (search and sort columns only)."""
    households = [Household(code=f"S{i:03d}", village=village, commune=village.parent) for i in range(n)]
    for i, household in enumerate(households):
        household.refresh_derived(head_name=f"{head} {i:02d}")
    return Household.objects.bulk_create(households)


def select_options(html: str, name: str) -> list[str]:
    """The <option> tags of the select named `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r"<option[^>]*>[^<]*</option>", select.group(1))


def options(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r"<option[^>]*>[^<]*</option>", response.content.decode())


def values(response) -> list[str]:
    return [re.search(r'value="([^"]*)"', option).group(1) for option in options(response)]


# -- the form pages ----------------------------------------------------------------------------


def test_the_person_form_lists_only_the_chosen_household_and_a_search_box(client_a, small_map, household_a):
    many_households(small_map["village_a"], 30)
    head = household_a.head
    page = client_a.get(f"/registry/people/{head.pk}/edit/").content.decode()
    household_options = select_options(page, "household")
    assert len(household_options) <= 2
    assert household_options[0] == '<option value="">— Không —</option>'
    assert (
        household_options[1] == f'<option value="{household_a.pk}" selected>H0001 · Nguyễn Văn An · Thôn Đông</option>'
    )
    assert "S000" not in page and "S029" not in page
    search = re.search(r'<input type="search"[^>]*hx-get="/registry/suggest/households/"[^>]*>', page).group(0)
    assert 'aria-label="Tìm theo mã hộ hoặc tên chủ hộ"' in search
    assert 'hx-trigger="input changed delay:300ms, search"' in search
    assert 'hx-target="#id_household"' in search and 'hx-swap="innerHTML"' in search
    # Not part of the form: never posted with it, and Enter in it cannot submit the form.
    assert 'form="search-select-detached"' in search and 'id="search-select-detached"' not in page

    new_page = client_a.get("/registry/people/new/").content.decode()
    assert len(select_options(new_page, "household")) == 1
    assert len(select_options(new_page, "employer")) == 1
    assert 'hx-get="/registry/suggest/organisations/"' in new_page


def test_the_household_form_lists_only_the_chosen_clan_branch(client_a, small_map, household_a):
    clans = ClanBranch.objects.bulk_create(
        [
            ClanBranch(
                name=f"Họ Phạm {i}", commune=small_map["commune_a"], name_folded=f"ho pham {i}", sort_key=f"{i:03d}"
            )
            for i in range(25)
        ]
    )
    household_a.clan_branch = clans[7]
    household_a.save()
    page = client_a.get(f"/registry/households/{household_a.pk}/edit/").content.decode()
    assert select_options(page, "clan_branch") == [
        '<option value="">— Không —</option>',
        f'<option value="{clans[7].pk}" selected>Họ Phạm 7</option>',
    ]
    assert 'hx-get="/registry/suggest/clan-branches/"' in page


def test_rendering_the_widget_reads_only_the_chosen_record(
    small_map, household_a, officer_a, django_assert_num_queries
):
    many_households(small_map["village_a"], 30)
    form = PersonForm(instance=household_a.head, scope=Scope(officer_a))
    with django_assert_num_queries(1):
        html = str(form["household"])
    assert html.count("<option") == 2


# -- submitting --------------------------------------------------------------------------------


def person_data(**extra):
    return {
        "full_name": "Vũ Thị Hoa",
        "sex": "female",
        "birth_year": "1990",
        "ethnicity": "",  # a new person has no consent to record it yet (tests/privacy/test_sensitive_writes.py)
        "occupation_group": "farmer",
        "digital_skill": "basic",
        **extra,
    }


def test_a_household_chosen_in_the_search_is_saved(client_a, small_map, household_a):
    [other, *_] = many_households(small_map["village_a"], 3)
    response = client_a.post("/registry/people/new/", person_data(household=other.pk))
    person = Person.objects.get(full_name="Vũ Thị Hoa")
    assert response.status_code == 302 and person.household == other and person.unit == small_map["village_a"]


def test_a_household_outside_the_scope_is_refused_by_the_field(client_a, small_map, household_a):
    [foreign] = many_households(small_map["village_b"], 1)
    for value in (foreign.pk, "abc", "99999999"):
        response = client_a.post("/registry/people/new/", person_data(household=value))
        assert response.status_code == 200
        assert response.context["form"].errors["household"]
        # Re-rendered with the empty choice alone: nothing of the refused record is shown.
        assert select_options(response.content.decode(), "household") == ['<option value="">— Không —</option>']
    assert not Person.objects.filter(full_name="Vũ Thị Hoa").exists()


# -- the suggestions ---------------------------------------------------------------------------


def test_households_are_found_by_code_and_by_the_head_name_without_diacritics(
    client_a, small_map, household_a, officer_a
):
    many_households(small_map["village_a"], 3)
    for query in ("nguyen van", "NGUYỄN VĂN", "van an", "h0001", "H000"):
        found = options(client_a.get(SUGGEST, {"q": query}))
        assert found[0] == '<option value="">— Không —</option>'
        assert f'<option value="{household_a.pk}">H0001 · Nguyễn Văn An · Thôn Đông</option>' in found, query
    # The label is the form's own.
    form = PersonForm(scope=Scope(officer_a))
    assert form.fields["household"].label_from_instance(household_a) == "H0001 · Nguyễn Văn An · Thôn Đông"


def test_suggestions_are_capped_and_in_name_order(client_a, small_map):
    households = many_households(small_map["village_a"], 30)
    response = client_a.get(SUGGEST, {"q": "tran van"})
    assert values(response)[1 : MAX_SUGGESTIONS + 1] == [str(h.pk) for h in households[:MAX_SUGGESTIONS]]
    assert len(options(response)) == 1 + MAX_SUGGESTIONS + 1  # the empty choice, 20, "type more"
    assert "disabled>Chỉ hiện 20 kết quả đầu" in response.content.decode()


def test_too_short_a_search_or_an_id_number_returns_only_the_empty_choice(client_a, small_map, household_a):
    for query in ("", "n", " a ", "034075001234"):
        assert options(client_a.get(SUGGEST, {"q": query})) == ['<option value="">— Không —</option>']


def test_nothing_found_says_so_and_keeps_the_current_record(client_a, small_map, household_a):
    response = client_a.get(SUGGEST, {"q": "khong co ai", "field": "household", "household": household_a.pk})
    assert options(response) == [
        '<option value="">— Không —</option>',
        f'<option value="{household_a.pk}" selected>H0001 · Nguyễn Văn An · Thôn Đông</option>',
        '<option value="" disabled>Không tìm thấy.</option>',
    ]
    # The current record is not repeated among the matches.
    assert values(client_a.get(SUGGEST, {"q": "nguyen", "field": "household", "household": household_a.pk})) == [
        "",
        str(household_a.pk),
    ]


def test_organisations_and_clan_branches_are_found_by_name(client_a, small_map, school_a):
    clan = ClanBranch.objects.create(name="Họ Đặng", branch="Chi 2", commune=small_map["commune_a"])
    assert f'<option value="{school_a.pk}">Trường Tiểu học An Lạc</option>' in options(
        client_a.get("/registry/suggest/organisations/", {"q": "tieu hoc"})
    )
    assert f'<option value="{clan.pk}">Họ Đặng · Chi 2</option>' in options(
        client_a.get("/registry/suggest/clan-branches/", {"q": "dang"})
    )


def test_nothing_outside_the_scope_is_suggested(client, small_map, officer_a, officer_b):
    foreign = Household.objects.create(code="HB-7", village=small_map["village_b"])
    head = Person.objects.create(full_name="Lê Bình Minh", sex="male", birth_year=1980, household=foreign)
    foreign.head = head
    foreign.save()
    Organisation.objects.create(name="Trường Bình Minh", kind="school", unit=small_map["commune_b"])
    ClanBranch.objects.create(name="Họ Bình Minh", commune=small_map["commune_b"])
    searches = [
        (SUGGEST, "binh minh"),
        (SUGGEST, "hb-7"),
        ("/registry/suggest/organisations/", "binh minh"),
        ("/registry/suggest/clan-branches/", "binh minh"),
    ]
    client.force_login(officer_b)  # the same searches find them for commune B's officer
    for url, query in searches:
        assert len(options(client.get(url, {"q": query}))) == 2, url
    client.force_login(officer_a)
    for url, query in searches:
        response = client.get(url, {"q": query, "field": "household", "household": foreign.pk})
        assert len(options(response)) == 2 and "Không tìm thấy" in response.content.decode(), url
        assert "Bình Minh" not in response.content.decode() and "HB-7" not in response.content.decode()


def test_a_province_officer_finds_households_of_every_commune(client, small_map, province_officer, household_a):
    many_households(small_map["village_b"], 1, head="Nguyễn Văn Bình")
    client.force_login(province_officer)
    assert len(options(client.get(SUGGEST, {"q": "nguyen van"}))) == 3


def test_suggestions_need_a_signed_in_user_and_a_get(client, officer_a):
    response = client.get(SUGGEST, {"q": "nguyen"})
    assert response.status_code == 302 and response.url.startswith("/login/")
    client.force_login(officer_a)
    assert client.post(SUGGEST, {"q": "nguyen"}).status_code == 405


def test_suggestions_run_a_constant_number_of_queries(client_a, small_map, household_a):
    client_a.get(SUGGEST, {"q": "tran van"})  # warm caches (session, content types)
    params = {"q": "tran van", "field": "household", "household": household_a.pk}
    with CaptureQueriesContext(connection) as few:
        assert len(options(client_a.get(SUGGEST, params))) == 3  # nothing found
    many_households(small_map["village_a"], 40)
    with CaptureQueriesContext(connection) as many:
        assert len(options(client_a.get(SUGGEST, params))) == 1 + 1 + MAX_SUGGESTIONS + 1
    assert len(many) == len(few) <= 5  # session, user, roles, the current record, the matches
