"""Every page needs a signed-in user unless it is on the short public list: the login middleware closes
what a view does not open with @login_not_required; the API and ODK endpoints answer 401 themselves."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# What an anonymous visitor may open: the landing page, signing in and resetting a password, signing
# up as a citizen (and reading the privacy notice it links to), checking a certificate, the public
# figures, the language switch, the offline app's service worker and manifest.
PUBLIC = {
    "",
    "public/",
    "public/province/<str:code>/",
    "login/",
    "password/reset/",
    "password/reset/sent/",
    "password/reset/code/",
    "password/reset/<uidb64>/<token>/",
    "password/reset/done/",
    "i18n/setlang/",
    "signup/",
    "privacy/",
    "verify/",
    "verify/<path:code>",
    "sw.js",
    "manifest.webmanifest",
}
SELF_AUTHENTICATING = ("api/v1/", "openrosa/")  # answer 401 with their own challenge, never a redirect


def routes(patterns=None, prefix=""):
    for item in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(item, URLResolver):
            yield from routes(item.url_patterns, prefix + str(item.pattern))
        elif isinstance(item, URLPattern):
            yield prefix + str(item.pattern)


def concrete(route: str) -> str:
    url = "/" + route.lstrip("^").rstrip("$")
    url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", url)
    return re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)


def test_every_route_outside_the_public_list_asks_for_a_login(client):
    seen = set()
    for route in routes():
        if route.startswith(SELF_AUTHENTICATING) or route in seen:
            continue
        seen.add(route)
        response = client.get(concrete(route))
        if route in PUBLIC:
            assert not (response.status_code == 302 and response.url.startswith("/login/")), route
        else:
            assert response.status_code == 302 and response.url.startswith("/login/?next="), (
                route,
                response.status_code,
            )
    assert PUBLIC <= seen, PUBLIC - seen  # the list names no route that is gone


def test_the_api_and_odk_answer_401_not_a_login_page(client):
    assert client.get("/api/v1/registry/households").status_code == 401
    odk = client.get("/openrosa/formList")
    assert odk.status_code == 401 and "WWW-Authenticate" in odk


def test_an_anonymous_visitor_switches_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert "Sign up" in client.get("/").content.decode() or "Log in" in client.get("/").content.decode()
