"""Each registry list is described once (registry.lists): the page, the API and the export take the
same filters and list the same records in the same order, and refuse the same filters."""

import datetime
import re

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.accounts.scoping import Scope
from hoctap.registry import exports, forms
from hoctap.registry.lists import params_of
from hoctap.registry.models import ClanBranch, Household, Organisation, Person

pytestmark = pytest.mark.django_db

FULL_ID = "034075001234"
YEAR = datetime.date.today().year


@pytest.fixture
def registry(small_map, household_a, school_a):
    """Two villages' worth of records in commune A (the officer's) and one of each in commune B."""
    village_a, village_b = small_map["village_a"], small_map["village_b"]
    clan = ClanBranch.objects.create(name="Họ Nguyễn", branch="Chi 2", commune=small_map["commune_a"])
    ClanBranch.objects.create(name="Họ Trần", commune=small_map["commune_a"])
    ClanBranch.objects.create(name="Họ Nguyễn", commune=small_map["commune_b"])
    second = Household.objects.create(code="H0002", village=village_a, clan_branch=clan)
    second.head = Person.objects.create(
        full_name="Lê Văn Cường",
        sex="male",
        birth_year=YEAR - 70,
        household=second,
        occupation_group="worker",
        digital_skill="basic",
    )
    second.save()
    Person.objects.create(full_name="Nguyễn Thị Dung", sex="female", birth_year=YEAR - 30, unit=small_map["commune_a"])
    other = Household.objects.create(code="H0009", village=village_b)
    Person.objects.create(full_name="Nguyễn Văn Bình", sex="male", birth_year=YEAR - 40, household=other)
    Organisation.objects.create(name="Hợp tác xã Đông", kind="cooperative", unit=village_a)
    Organisation.objects.create(name="Trường Tiểu học Bình", kind="school", unit=small_map["commune_b"])
    return small_map


@pytest.fixture
def lists_of(client, officer_a):
    """(records on the page, records in the API, records in the export) for one list and filters."""
    client.force_login(officer_a)
    _, token = ApiToken.issue(officer_a, "lists")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def through_all(path, params, form_class, export):
        html = client.get(f"/registry/{path}/", params).content.decode()
        on_page = [int(pk) for pk in re.findall(rf'<tr><td><a href="/registry/{path}/(\d+)/"', html)]
        body = client.get(f"/api/v1/registry/{path}", {**params, "limit": 200}, **headers).json()
        in_api = [item["id"] for item in body["items"]]
        filters = form_class(params, scope=Scope(officer_a), from_url=True).filters()
        in_export = [record.pk for record in export.rows(Scope(officer_a), params_of(filters))]
        return on_page, in_api, in_export

    return through_all


LISTS = {
    "households": ("HouseholdFilterForm", exports.HOUSEHOLDS),
    "people": ("PersonFilterForm", exports.PEOPLE),
    "clans": ("ListFilterForm", exports.CLANS),
    "organisations": ("OrganisationFilterForm", exports.ORGANISATIONS),
}


def filter_cases(registry):
    village_a, household = registry["village_a"].pk, Household.objects.get(code="H0001").pk
    return {
        "households": [{}, {"q": "nguyen"}, {"q": "h0002"}, {"village": village_a}, {"q": "khong co"}],
        "people": [
            {},
            {"q": "Nguyễn"},
            {"q": "tran thi"},
            {"village": village_a},
            {"household": household},
            {"occupation_group": "farmer"},
            {"digital_skill": "basic"},
            {"working_age": "true"},
            {"q": "nguyen", "working_age": "true"},
        ],
        "clans": [{}, {"q": "nguyen"}, {"q": "Họ Trần"}, {"q": "khong co"}],
        "organisations": [{}, {"q": "truong"}, {"kind": "cooperative"}, {"kind": "school", "q": "hop tac"}],
    }


@pytest.mark.parametrize("path", LISTS)
def test_the_page_the_api_and_the_export_list_alike(lists_of, registry, path):
    form_name, export = LISTS[path]
    seen_any = False
    for params in filter_cases(registry)[path]:
        on_page, in_api, in_export = lists_of(path, params, getattr(forms, form_name), export)
        assert on_page == in_api == in_export, params
        seen_any |= bool(on_page)
    assert seen_any
    # Commune B's records are in none of them.
    _, everything, _ = lists_of(path, {}, getattr(forms, form_name), export)
    assert (
        everything
        and len(everything)
        < {
            "households": Household,
            "people": Person,
            "clans": ClanBranch,
            "organisations": Organisation,
        }[path].objects.count()
    )


def test_an_id_number_is_found_alike_by_the_page_and_the_api_search(client, officer_a, registry):
    client.force_login(officer_a)
    _, token = ApiToken.issue(officer_a, "lists")
    for path in ("households", "people"):
        html = client.post(f"/registry/{path}/", {"q": FULL_ID}).content.decode()
        on_page = [int(pk) for pk in re.findall(rf'<tr><td><a href="/registry/{path}/(\d+)/"', html)]
        body = client.post(
            f"/api/v1/registry/{path}/search",
            {"q": FULL_ID},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ).json()
        assert on_page == [item["id"] for item in body["items"]] and len(on_page) == 1, path


@pytest.mark.parametrize(
    "path, params",
    [
        ("people", {"q": FULL_ID}),
        ("households", {"q": FULL_ID}),
        ("people", {"village": "village_b"}),
        ("households", {"village": "village_b"}),
        ("people", {"occupation_group": "astronaut"}),
        ("organisations", {"kind": "spaceport"}),
    ],
)
def test_the_page_and_the_api_refuse_the_same_filters(client, officer_a, registry, path, params):
    """An ID number in an address, a village outside the scope, an unknown choice: the page says what
    is wrong with the filter, the API answers 422 naming the same field."""
    params = {key: (registry[value].pk if key == "village" else value) for key, value in params.items()}
    client.force_login(officer_a)
    _, token = ApiToken.issue(officer_a, "lists")
    page = client.get(f"/registry/{path}/", params).content.decode()
    assert 'class="errorlist' in page
    response = client.get(f"/api/v1/registry/{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert set(params) <= set(response.json()["errors"])
