"""Playwright with Debian's chromium (never `playwright install`: it downloads, which fails here)."""

import os
import tempfile
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A phone's page. It depends on the live server so that it closes first: a page left open
    (an htmx poll) must not reach the server while the test database is being torn down."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def open_menu(page):
    """The menu sits behind one button on every screen (a <details>)."""
    if not page.locator("details.menu").evaluate("menu => menu.open"):
        page.click("details.menu > summary")


# Where screenshots go: HOCTAP_SCREENSHOTS to keep them for a person to look at, else a temporary
# folder of this run (never inside the repository).
SCREENSHOTS = Path(os.environ.get("HOCTAP_SCREENSHOTS") or tempfile.mkdtemp(prefix="hoctap-shots-"))


def shoot(page, name: str, *, full_page: bool = True) -> Path:
    """Save what the page shows as SCREENSHOTS/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
