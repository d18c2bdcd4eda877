"""A report with every figure section at 360 × 740, as the commune officer who sends it, the province
reviewer who decides on it and the commune's People's Committee it is sent to: the page never scrolls
sideways (each section's table scrolls in its own box); screenshots by tests.browser.conftest.shoot."""

import importlib

import pytest

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.reports import services
from tests.browser.conftest import login, shoot
from tests.conftest import make_user
from tests.reports.test_sections import YEAR, _draft, season  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def national_targets():
    """The national targets come from a data migration, which an earlier transactional test's flush
    removed: the migration's own seeding puts them back (idempotent)."""
    from django.apps import apps

    importlib.import_module("hoctap.stats.migrations.0002_national_targets").seed(apps, None)


def _fits(phone, name):
    shoot(phone, f"report-sections-{name}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, name


def test_the_report_page_fits_a_phone_for_each_reader(
    phone,
    live_server,
    national_targets,
    season,
    small_map,  # noqa: F811
    officer_a,
    province_officer,
):
    make_user("ubnd_an_lac", Role.PEOPLES_COMMITTEE, small_map["commune_a"])
    draft = _draft(officer_a, season, small_map["commune_a"])
    login(phone, live_server, "officer_a", PASSWORD)
    phone.goto(f"{live_server.url}/reports/{draft.pk}/")
    assert phone.locator("#section-funds").is_visible()  # live figures while a draft
    _fits(phone, "commune-draft")
    report = services.submit(Scope(officer_a), draft, actor=officer_a)
    phone.goto(f"{live_server.url}/reports/{report.pk}/")
    _fits(phone, "commune-sent")

    for username, name in (("province_officer", "province-reviewer"), ("ubnd_an_lac", "peoples-committee")):
        phone.context.clear_cookies()
        login(phone, live_server, username, PASSWORD)
        phone.goto(f"{live_server.url}/reports/{report.pk}/")
        text = phone.content()
        assert "Quỹ khuyến học" in text and "5.000.000 đ" in text and "Đảng ủy xã An Lạc (để báo cáo);" in text
        _fits(phone, name)
    phone.goto(f"{live_server.url}/reports/received/")
    assert phone.get_by_role("link", name=f"Báo cáo năm {YEAR}").is_visible()
    _fits(phone, "received")
