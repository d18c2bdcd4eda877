"""The campaign page shows the season's order and what waits on what (issue 11 §3)."""

import pytest

from hoctap.assessments import season, workflow
from hoctap.criteria.titles import Title
from tests.assessments.conftest import YEAR, recognise, scope_of, walk_to_proposed

pytestmark = pytest.mark.django_db


def test_the_order_is_citizens_families_clans_villages_commune(campaigns):
    steps = season.order(campaigns[Title.CLAN])
    assert [s.title for s in steps] == ["citizen", "family", "clan", "community", "commune_community"]
    assert [s.current for s in steps] == [False, False, True, False, False]
    assert all(s.campaign is not None for s in steps)


def test_families_wait_on_their_adults_citizen_files_and_stop_waiting_once_decided(campaigns, people, users):
    village = scope_of(users["village_officer"])
    commune = scope_of(users["commune_officer"])
    family = campaigns[Title.FAMILY]
    workflow.register(village, Title.FAMILY, people["household"], YEAR)
    workflow.register(village, Title.FAMILY, people["neighbour"], YEAR)
    assert season.waiting(commune, family) == []
    citizen = workflow.register(village, Title.CITIZEN, people["head"], YEAR)
    workflow.register(village, Title.CITIZEN, people["spouse"], YEAR)  # same household: counted once
    assert season.waiting(commune, family) == ["1 hộ chờ kết quả Công dân học tập"]
    recognise(walk_to_proposed(citizen, users), users)
    assert season.waiting(commune, family) == ["1 hộ chờ kết quả Công dân học tập"]  # the spouse still waits
    workflow.register(village, Title.CITIZEN, people["neighbour"].head, YEAR)
    assert season.waiting(commune, family) == ["2 hộ chờ kết quả Công dân học tập"]


def test_clans_and_villages_wait_on_families(campaigns, people, users):
    village_scope, commune = scope_of(users["village_officer"]), scope_of(users["commune_officer"])
    people["household"].clan_branch = people["clan"]
    people["household"].save()
    workflow.register(commune, Title.CLAN, people["clan"], YEAR)
    workflow.register(village_scope, Title.COMMUNITY, people["household"].village, YEAR)
    workflow.register(village_scope, Title.FAMILY, people["household"], YEAR)
    assert season.waiting(commune, campaigns[Title.CLAN]) == ["1 dòng họ chờ kết quả Gia đình học tập"]
    assert season.waiting(commune, campaigns[Title.COMMUNITY]) == [
        "1 thôn chờ kết quả Gia đình học tập",
        "1 thôn chờ kết quả Dòng họ học tập",
    ]


def test_the_campaign_page_shows_the_order_and_the_waits_within_the_users_scope(
    campaigns, people, users, client, officer_b
):
    village = scope_of(users["village_officer"])
    workflow.register(village, Title.FAMILY, people["household"], YEAR)
    workflow.register(village, Title.CITIZEN, people["head"], YEAR)
    family = campaigns[Title.FAMILY]
    client.force_login(users["commune_officer"])
    body = client.get(f"/campaigns/{family.pk}/").content.decode()
    assert "Thứ tự trong năm" in body and 'aria-current="step">Gia đình học tập' in body
    assert f'href="/campaigns/{campaigns[Title.CITIZEN].pk}/">Công dân học tập' in body
    assert "1 hộ chờ kết quả Công dân học tập" in body
    client.force_login(officer_b)
    assert "chờ kết quả" not in client.get(f"/campaigns/{family.pk}/").content.decode()
