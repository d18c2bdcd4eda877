"""Home on a 360 × 740 phone with the demo's numbers: a count of three digits stays whole inside its
badge, and a unit's name in «Địa bàn của bạn» reads as one line ("Thôn Đông" broke in two beside
its level: the link laid its name and its level out as two columns)."""

import pytest

from hoctap.registry.models import Household, Person, Sex
from tests.assessments.conftest import users  # noqa: F401  (fixtures)
from tests.browser.conftest import PHONE, login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The right edge of an element's text (a Range over its contents) and of the element itself.
TEXT_INSIDE = """e => { const r = document.createRange(); r.selectNodeContents(e);
                       return r.getBoundingClientRect().right <= e.getBoundingClientRect().right + 0.5; }"""
LINES_OF_NAME = """a => { const name = document.createTreeWalker(a, NodeFilter.SHOW_TEXT).nextNode();
                         const r = document.createRange(); r.selectNodeContents(name);
                         return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""


def test_a_large_count_stays_inside_its_badge_and_a_unit_name_is_one_line(phone, live_server, small_map, users):  # noqa: F811
    household = Household.objects.create(code="HOME-108", village=small_map["village_a"])
    new = [Person(full_name=f"Người {n}", sex=Sex.FEMALE, birth_year=1980, household=household) for n in range(108)]
    for person in new:
        person.place()  # what save() does; bulk_create skips it
    Person.objects.bulk_create(new)
    login(phone, live_server, "village_officer_a", "correct-horse-battery-9")
    count = phone.locator("#todo-missing_basis .count")
    assert int(count.inner_text()) >= 108
    assert count.evaluate(TEXT_INSIDE), "the count spills out of its badge"
    unit = phone.locator("main ul.actions a[href^='/units/']").first
    assert unit.evaluate(LINES_OF_NAME) == 1, "the unit's name breaks over two lines"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "home-village-officer")
