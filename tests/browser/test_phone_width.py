"""Every page of the menu fits a 360-px phone: nothing scrolls sideways but inside a table's own
scroll box (a form wider than the screen once hid the reports board's start button)."""

import datetime

import pytest

from tests.assessments.conftest import campaigns, private_media, published, users  # noqa: F401  (fixtures)
from tests.browser.conftest import login, shoot
from tests.registry.conftest import household_a  # noqa: F401  (fixture)
from tests.reports.conftest import annual  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("username", ["officer_a", "province_officer"])
def test_every_menu_page_fits_a_phone(
    phone, live_server, small_map, officer_a, province_officer, household_a, annual, username
):  # noqa: F811
    login(phone, live_server, username, "correct-horse-battery-9")
    links = phone.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 10
    too_wide = {}
    for href in links:
        response = phone.goto(f"{live_server.url}{href}")
        assert response.ok, href
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[href] = width
    assert too_wide == {}


def test_account_and_landing_pages_fit_a_phone(phone, live_server, small_map, officer_a):
    """The pages of issue 12 §1 and §6: landing, forgotten password, the to-do home, one's password
    and API tokens (with a token just issued), the officer's one-time code."""
    too_wide = {}

    def check(path):
        assert phone.goto(f"{live_server.url}{path}").ok, path
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width

    for path in ("/", "/login/", "/password/reset/", "/password/reset/code/"):
        check(path)
    login(phone, live_server, "officer_a", "correct-horse-battery-9")
    for path in ("/", "/account/password/", "/account/tokens/"):
        check(path)
    phone.fill("#id_name", "Phần mềm thống kê của xã An Lạc")
    phone.get_by_role("button", name="Cấp mã").click()
    phone.wait_for_selector("#new-token")
    if phone.evaluate("document.documentElement.scrollWidth") > 360:
        too_wide["token issued"] = phone.evaluate("document.documentElement.scrollWidth")
    assert too_wide == {}


def test_review_registration_campaign_and_import_pages_fit_a_phone(browser, live_server, small_map, campaigns, users):  # noqa: F811
    """Issue 12 §5: the review board (with a row's score editor open), the bulk-accept confirmation,
    registration, the campaign page and an import's result, as each role that uses them."""
    from django.test import Client
    from django.utils import timezone

    from hoctap.registry import jobs
    from hoctap.registry.imports import HOUSEHOLDS
    from hoctap.registry.models import ImportJob
    from tests.assessments.test_pages import submitted_citizens
    from tests.registry.conftest import household_row, xlsx

    rows = submitted_citizens(3, small_map, users)
    campaign, village = rows[0].campaign, small_map["village_a"]
    board = f"/campaigns/{campaign.pk}/units/{village.pk}/review/"
    register = f"/campaigns/{campaign.pk}/units/{village.pk}/register/"
    importer = Client()
    importer.force_login(users["commune_officer"])
    importer.post(
        "/registry/imports/",
        {
            "template": "households",
            "file": xlsx(
                HOUSEHOLDS,
                [
                    household_row(
                        "H1", "12001-001", "Nguyễn Văn Một Cái Tên Rất Dài Để Thử Bề Ngang Màn Hình", head=True
                    ),
                    household_row("H2", "00000-000", "Trần Thị Hai"),
                ],
            ),
        },
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID  # the result page lists the bad row
    # The same result once its upload was deleted after the retention delay (registry.jobs.purge_uploads).
    importer.post(
        "/registry/imports/",
        {"template": "households", "file": xlsx(HOUSEHOLDS, [household_row("H3", "00000-000", "Lò Văn Ba")])},
    )
    purged = ImportJob.objects.latest("pk")
    ImportJob.objects.filter(pk=purged.pk).update(finished_at=timezone.now() - datetime.timedelta(days=30))
    assert jobs.purge_uploads() == [purged.pk]
    too_wide = {}

    def check(page, label):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[label] = width

    pages = {
        "commune_officer_a": [
            board,
            f"{board}?confirm=accept",
            register,
            f"/campaigns/{campaign.pk}/",
            f"/registry/imports/{job.pk}/",
            f"/registry/imports/{purged.pk}/",
        ],
        "village_officer_a": [board, register, f"/campaigns/{campaign.pk}/"],
        "province_officer_x": [f"/campaigns/{campaign.pk}/", board],
    }
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True)
        page = context.new_page()
        login(page, live_server, username, "correct-horse-battery-9")
        for path in paths:
            assert page.goto(f"{live_server.url}{path}").ok, (username, path)
            check(page, f"{username} {path}")
            if path == f"/registry/imports/{purged.pk}/":
                shoot(page, "phone-import-purged")
        if username == "commune_officer_a":
            page.goto(f"{live_server.url}{board}")
            page.locator(f"#row-{rows[0].pk}").get_by_role("link", name="Sửa điểm").click()
            page.wait_for_selector(f"#row-{rows[0].pk}.editing")
            check(page, "score editor")
        context.close()
    assert too_wide == {}
