"""The scope matrix, run over the statistics routes only (the full matrix is tests/test_scope_matrix.py):
every stats route with parameters has a case, and commune A's officer gets 404 for commune B's."""

import pytest
from django.urls import reverse

from hoctap.accounts.models import ApiToken
from tests import matrix_cases
from tests.test_scope_matrix import _fetch, all_routes, world  # noqa: F401 (fixture)

STATS = ("stats:", "api:stats_")


def stats_routes():
    return [(name, params) for name, params in all_routes() if name.startswith(STATS)]


def test_every_stats_route_with_parameters_has_a_case():
    routes = stats_routes()
    assert len(routes) >= 10
    missing = [
        n for n, p in routes if p and n not in matrix_cases.OBJECT_ROUTES and n not in matrix_cases.PUBLIC_ROUTES
    ]
    assert not missing


@pytest.mark.django_db
def test_commune_b_is_out_of_reach_of_commune_a(client, world, officer_a):
    client.force_login(officer_a)
    _, token = ApiToken.issue(officer_a, "matrix")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    failures = []
    for name, params in stats_routes():
        if not params or name in matrix_cases.PUBLIC_ROUTES:
            continue
        for kwargs in matrix_cases.OBJECT_ROUTES[name](world):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post", "put", "patch", "delete"):
                response = _fetch(client, url, method, headers)
                allowed = {404} if method == "get" else {404, 405} | ({422} if "/api/" in url else set())
                if response.status_code not in allowed:
                    failures.append(f"{method.upper()} {url} → {response.status_code}")
    assert not failures, failures


@pytest.mark.django_db
def test_lists_do_not_show_commune_b(client, world, officer_a):
    client.force_login(officer_a)
    _, token = ApiToken.issue(officer_a, "matrix")
    for name, params in stats_routes():
        if params or name in matrix_cases.NON_PAGE_ROUTES:
            continue
        for extra in matrix_cases.LIST_QUERIES.get(name, [""]):
            url = reverse(name) + extra
            response = client.get(
                url, follow=True, **({"HTTP_AUTHORIZATION": f"Bearer {token}"} if "/api/" in url else {})
            )
            body = response.content.decode()
            assert response.status_code < 500, url
            assert "Bình Minh" not in body and "Thôn Đoài" not in body, url
