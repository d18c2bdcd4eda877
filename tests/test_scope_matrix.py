"""Walk every URL pattern and API route as an officer of commune A against commune B's objects.

Every route with a parameter must be listed in OBJECT_ROUTES with how to build its arguments from
commune B's records; a new route that is not listed fails `test_every_route_is_covered`, so no
route can be added without a scoping check. Routes without parameters (lists, forms) are fetched
and must not show commune B's records.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hoctap.accounts.models import ApiToken
from tests import matrix_cases

# Names in commune B's records that must never appear on commune A's pages.
B_MARKERS = ["Bình Minh", "Thôn Đoài", "officer_b"]


def walk(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", tuple(_params(pattern))


def _params(pattern):
    import re

    return re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))


@pytest.fixture
def world(small_map, officer_a, officer_b):
    return matrix_cases.build_world(small_map, officer_a, officer_b)


def all_routes():
    return sorted(set(walk()))


def test_every_route_is_covered():
    uncovered = [
        name
        for name, params in all_routes()
        if params and name not in matrix_cases.OBJECT_ROUTES and name not in matrix_cases.PUBLIC_ROUTES
    ]
    assert not uncovered, f"routes with parameters but no scope-matrix case: {uncovered}"


def _fetch(client, url, method, api_headers):
    headers = api_headers if "/api/" in url else {}
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, data=json.dumps({}), content_type="application/json", **headers)


@pytest.fixture(params=["officer_a", "committee_a"])
def user_a(request, world, officer_a):
    """Commune A's officer, and commune A's People's Committee (a body reports are sent to: it reads
    what was addressed to it, so commune B's report sent to commune B's bodies stays out of reach)."""
    if request.param == "officer_a":
        return officer_a
    from hoctap.accounts.roles import Role
    from tests.conftest import make_user

    return make_user("committee_a", Role.PEOPLES_COMMITTEE, world["commune_a"])


@pytest.mark.django_db
def test_officer_of_commune_a_gets_404_for_every_object_of_commune_b(client, world, user_a):
    client.force_login(user_a)
    _, token = ApiToken.issue(user_a, "matrix")
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    failures = []
    for name, params in all_routes():
        if not params or name in matrix_cases.PUBLIC_ROUTES:
            continue
        for kwargs in matrix_cases.OBJECT_ROUTES[name](world):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post", "put", "patch", "delete"):
                response = _fetch(client, url, method, api_headers)
                allowed = {404, 405} | ({422} if "/api/" in url and method != "get" else set())
                if method == "get":
                    allowed = {404}
                if response.status_code not in allowed:
                    failures.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_lists_of_commune_a_never_show_commune_b(client, world, user_a):
    client.force_login(user_a)
    _, token = ApiToken.issue(user_a, "matrix")
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    failures = []
    for name, params in all_routes():
        if params or name in matrix_cases.NON_PAGE_ROUTES:
            continue
        url = reverse(name)
        for extra in matrix_cases.LIST_QUERIES.get(name, [""]):
            extra = extra(world) if callable(extra) else extra
            response = client.get(url + extra, **(api_headers if "/api/" in url else {}))
            if response.status_code >= 500:
                failures.append(f"{url}{extra} → {response.status_code}")
                continue
            body = response.content.decode("utf-8", "replace")
            if "/api/" in url:
                body = json.dumps(response.json(), ensure_ascii=False) if response.status_code == 200 else body
            leaked = [marker for marker in B_MARKERS if marker in body]
            if leaked:
                failures.append(f"{url}{extra} shows {leaked}")
    assert not failures, "\n".join(failures)
