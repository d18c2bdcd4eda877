"""Light pages: HTML goes out compressed, and a first visit to each main page (HTML, CSS and scripts,
as a phone with an empty cache fetches them) stays under 60 KB compressed."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from hoctap.accounts.roles import Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.criteria.titles import Title
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
BUDGET = 60 * 1024
STATIC = re.compile(r'(?:href|src)="/static/([^"]+\.(?:css|js))"')


def static_weight(html: str) -> int:
    """Compressed size of the page's stylesheets and scripts (WhiteNoise serves them pre-compressed)."""
    total = 0
    for path in set(STATIC.findall(html)):
        with open(finders.find(path), "rb") as asset:
            total += len(gzip.compress(asset.read(), 9))
    return total


def first_load(client: Client, url: str) -> tuple[int, int]:
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200, url
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    return len(response.content), static_weight(html)


def test_pages_are_compressed_and_within_the_budget(small_map, campaigns, people, users):
    citizen = make_user("citizen_weight", Role.CITIZEN, small_map["commune_a"])
    # the self-assessment sheet (its guide and upload scripts included), as the village officer fills it in
    sheet = workflow.register(Scope(users["village_officer"]), Title.FAMILY, people["household"], 2025)
    province, commune, village = small_map["province"], small_map["commune_a"], small_map["village_a"]
    journeys = {
        None: ["/", "/login/", "/signup/", "/verify/", f"/public/province/{province.code}/"],
        users["commune_officer"]: [
            "/",
            "/registry/households/",
            "/registry/people/",
            "/assessments/",
            f"/stats/units/{commune.pk}/",
            f"/campaigns/{campaigns[Title.FAMILY].pk}/units/{village.pk}/review/",
            "/account/password/",
            "/account/tokens/",
        ],
        users["province_officer"]: ["/", f"/stats/units/{province.pk}/"],
        users["village_officer"]: [f"/assessments/{sheet.pk}/self-assessment/"],
        citizen: ["/", "/my/"],
    }
    weights = {}
    for user, urls in journeys.items():
        client = Client()
        if user:
            client.force_login(user)
        for url in urls:
            html, assets = first_load(client, url)
            weights[(str(user), url)] = (html, assets)
            assert html + assets <= BUDGET, (user, url, html, assets)
    print(
        "\n".join(f"{who} {url}: {html} B HTML + {assets} B CSS/JS" for (who, url), (html, assets) in weights.items())
    )
    # the HTML itself shrinks: a dashboard's markup compresses to less than half
    raw = len(Client().get(f"/public/province/{province.code}/").content)
    assert weights[("None", f"/public/province/{province.code}/")][0] * 2 < raw


def test_files_that_are_compressed_already_are_sent_as_they_are(client, small_map, users):
    client.force_login(users["commune_officer"])
    response = client.get("/registry/households/export/?format=xlsx", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
