import pytest
from django.urls import reverse

from hoctap.accounts.models import ApiToken
from hoctap.criteria.titles import Title
from hoctap.stats.models import Target


@pytest.fixture
def data(make, small_map):
    households = [make.household(small_map["village_a"]) for _ in range(4)]
    households += [make.household(small_map["village_b"]) for _ in range(2)]
    for year in (2024, 2025):
        for index, household in enumerate(households):
            a = make.register(Title.FAMILY, household, year)
            if index % 2 == 0 or year == 2025:
                make.recognise(a)
    return households


@pytest.mark.parametrize("level", ["nation", "province", "commune_a", "village_a"])
def test_dashboard_at_every_level(client, data, small_map, central_admin, level, django_assert_max_num_queries):
    client.force_login(central_admin)
    url = reverse("stats:dashboard", args=[small_map[level].pk]) + "?year=2025"
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "GĐHT" in body


def test_commune_officer_sees_own_commune(client_a, data, small_map):
    response = client_a.get(reverse("stats:home"), follow=True)
    assert response.status_code == 200
    assert "Bình Minh" not in response.content.decode()


def test_exports(client, data, small_map, central_admin):
    client.force_login(central_admin)
    for table in ("indicators", "children", "series"):
        response = client.get(reverse("stats:export", args=[small_map["province"].pk, table]) + "?year=2025")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_api(client, data, small_map, central_admin):
    _, token = ApiToken.issue(central_admin, "t")
    body = client.get(
        f"/api/v1/stats/units/{small_map['province'].pk}?year=2025", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    family = next(i for i in body["indicators"] if i["indicator"] == "family")
    assert family["rate"] == 100.0
    assert family["target"] == 70.0


def test_public_page(client, data, small_map):
    response = client.get(reverse("stats:public_province", args=["33"]) + "?year=2024")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hưng Yên" in body
    assert Target.objects.filter(unit=None).count() >= 20


def test_a_figure_without_a_target_shows_no_empty_status(client, data, small_map, central_admin):
    """With no target there is no progress to name: the card said «– —» (an empty symbol and an empty
    status) under its rate, beside «Chưa có chỉ tiêu»."""
    Target.objects.all().delete()
    client.force_login(central_admin)
    body = client.get(reverse("stats:dashboard", args=[small_map["commune_a"].pk]) + "?year=2025").content.decode()
    assert "Chưa có chỉ tiêu" in body
    assert "– —" not in body  # the ranking below still marks a unit without a status «–»
