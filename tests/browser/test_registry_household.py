"""A village officer adds a household with two members on a 360×740 phone, partly by keyboard."""

import datetime
import re

import pytest

from hoctap.registry.models import Household
from tests.browser.conftest import login
from tests.registry.conftest import household_a, village_officer_a  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_village_officer_adds_a_household_with_two_members_on_a_phone(
    phone, live_server, small_map, village_officer_a
):  # noqa: F811
    login(phone, live_server, "village_officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/registry/households/new/")
    phone.select_option("#id_village", label="Thôn Đông · Xã An Lạc")
    phone.fill("#id_address", "Xóm 5")

    phone.fill("#id_members-0-full_name", "Hoàng Văn Sơn")
    phone.select_option("#id_members-0-sex", "male")
    phone.fill("#id_members-0-birth_year", "1979")
    phone.select_option("#id_members-0-occupation_group", "farmer")

    phone.get_by_role("button", name="Thêm thành viên").click()
    second = phone.locator("#id_members-1-full_name")
    second.wait_for()
    # The new member's name field has the focus: the rest is typed with the keyboard alone.
    phone.wait_for_function("document.activeElement && document.activeElement.id === 'id_members-1-full_name'")
    phone.keyboard.type("Vi Thị Hoa")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "id_members-1-sex"
    phone.keyboard.press("ArrowDown")  # the first choice after "---------": Nam
    phone.keyboard.press("ArrowDown")  # Nữ
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.type") == "date"
    # Debian's headless chromium orders the date field month, day, year whatever the page's locale.
    phone.keyboard.type("07151983")
    phone.check("#id_members-1-is_head")
    assert phone.locator("#id_members-TOTAL_FORMS").input_value() == "2"

    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    phone.get_by_role("button", name="Lưu", exact=True).click()
    phone.wait_for_url(re.compile(r"/registry/households/\d+/$"))

    household = Household.objects.get()
    assert household.head.full_name == "Vi Thị Hoa" and household.head.sex == "female"
    assert household.head.birth_date == datetime.date(1983, 7, 15)
    assert sorted(household.members.values_list("full_name", "birth_year")) == [
        ("Hoàng Văn Sơn", 1979),
        ("Vi Thị Hoa", 1983),
    ]
    assert phone.locator("h1").inner_text() == "Hộ H0001"
    assert phone.locator("tbody tr").count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_officer_shows_a_full_id_number_on_a_phone(phone, live_server, household_a, officer_a):  # noqa: F811
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/registry/people/{household_a.head_id}/")
    assert phone.locator("#id-number").inner_text().startswith("********1234")
    phone.get_by_role("button", name="Hiện số đầy đủ").click()
    phone.wait_for_selector("#id-number:text-is('034075001234')")
    assert phone.get_by_role("button", name="Hiện số đầy đủ").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_person_is_placed_in_a_household_found_by_typing_on_a_phone(phone, live_server, household_a, officer_a):  # noqa: F811
    """The household select holds no list of the commune's households: typing in the search box
    fetches the matches, the keyboard picks one, the person is saved into it."""
    from hoctap.registry.models import Person

    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    phone.goto(f"{live_server.url}/registry/people/new/")
    assert phone.locator("#id_household option").count() == 1  # only "— Không —" until a search
    phone.fill("#id_full_name", "Nguyễn Thị Mai")
    phone.select_option("#id_sex", "female")
    phone.fill("#id_birth_year", "2001")
    phone.focus("#id_household_search")
    phone.keyboard.type("nguyen van")  # the head's name, without diacritics
    phone.locator("#id_household option", has_text="H0001").wait_for(state="attached")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "id_household"
    phone.keyboard.press("ArrowDown")
    assert phone.locator("#id_household").input_value() == str(household_a.pk)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Lưu", exact=True).click()
    phone.wait_for_url(re.compile(r"/registry/people/\d+/$"))
    assert Person.objects.get(full_name="Nguyễn Thị Mai").household == household_a
