"""The API docs page (issue 16 §3): behind sign-in, and it works under the app's own
content-security policy, with Swagger UI served from this server (no CDN)."""

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_in_officer_reads_the_api_docs_under_the_csp(browser, live_server, officer_a):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    problems, hosts = [], set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    try:
        page.goto(f"{live_server.url}/api/v1/docs")
        assert "/login/" in page.url  # anonymous: sent to sign in first
        login(page, live_server, "officer_a", "correct-horse-battery-9")
        response = page.goto(f"{live_server.url}/api/v1/docs")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock", timeout=20000)
        assert page.locator(".opblock").count() > 80  # every operation is listed
        assert page.locator(".opblock-tag", has_text="criteria").count() == 1
        assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
        assert hosts == {live_server.url.split("/")[2]}  # nothing fetched from anywhere else
    finally:
        context.close()
