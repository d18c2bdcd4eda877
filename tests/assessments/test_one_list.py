"""The assessments list is described once (assessments.lists): the page and the API take the same
filters — a campaign, a year, a title, a state, part of a name — and list the same files in the
same order."""

import re

import pytest

from hoctap.accounts.models import ApiToken
from hoctap.assessments import workflow
from hoctap.assessments.lists import ORDER
from hoctap.assessments.models import Assessment
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, scope_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered_many(family_assessment, people, users):
    """Files of several titles and states in commune A, and one in commune B the officer must not see."""
    village = scope_of(users["village_officer"])
    spouse = workflow.register(village, Title.CITIZEN, people["spouse"], YEAR)
    workflow.transition(village, spouse, "start")
    workflow.register(village, Title.FAMILY, people["neighbour"], YEAR)
    commune = scope_of(users["commune_officer"])
    workflow.register(commune, Title.CLAN, people["clan"], YEAR)
    workflow.register(commune, Title.UNIT, people["organisation"], YEAR)
    workflow.register(scope_of(users["province_officer"]), Title.CITIZEN, people["person_b"], YEAR)


FILTERS = [
    {},
    {"title": "family"},
    {"title": "citizen"},
    {"state": "submitted"},
    {"state": "self_assessing"},
    {"year": str(YEAR)},
    {"q": "nguyen"},
    {"q": "Nguyễn", "title": "family"},
    {"q": "khong co ai"},
]


def page_ids(client, params):
    html = client.get("/assessments/", params).content.decode()
    return [int(pk) for pk in re.findall(r'href="/assessments/(\d+)/"', html)]


def api_ids(client, token, params):
    params = {("campaign_id" if k == "campaign" else k): v for k, v in params.items()}
    body = client.get("/api/v1/assessments/", {**params, "limit": 200}, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    return [item["id"] for item in body["items"]]


def test_the_page_and_the_api_filter_and_order_alike(client, users, registered_many):
    officer = users["commune_officer"]
    client.force_login(officer)
    _, token = ApiToken.issue(officer, "list")
    campaigns = sorted(set(Assessment.objects.values_list("campaign_id", flat=True)))
    seen_any = False
    for params in [*FILTERS, *({"campaign": str(pk)} for pk in campaigns)]:
        on_page, in_api = page_ids(client, params), api_ids(client, token, params)
        assert on_page == in_api, params
        seen_any |= bool(on_page)
    assert seen_any
    # Commune B's file is in neither; the rest is listed in the one order.
    mine = list(
        Assessment.objects.filter(unit__path__startswith=users["commune_officer"].assignments.get().unit.path)
        .order_by(*ORDER)
        .values_list("pk", flat=True)
    )
    assert page_ids(client, {}) == mine and len(mine) == Assessment.objects.count() - 1
