"""Campaigns: a province inherits the national default until it makes its own; pinned sets are
picked by subject group, level and area class; validity follows the set's recognition rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from hoctap.accounts.roles import Role
from hoctap.assessments.campaigns import campaign_for, create_campaign, pick_criteria_set, valid_until
from hoctap.criteria.management.commands.publish_shipped_sets import publish_shipped_sets
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title

pytestmark = pytest.mark.django_db


def test_publishing_the_shipped_sets_is_idempotent(db):
    first = publish_shipped_sets(log=lambda _m: None)
    assert len(first) >= 6 and {v.title for v in first} >= set(Title.values)
    call_command("publish_shipped_sets", stdout=open("/dev/null", "w"))
    assert CriteriaSetVersion.objects.count() == len(first)


def test_a_province_inherits_the_national_campaign_until_it_makes_its_own(published, small_map):
    national = create_campaign(Title.FAMILY, 2025)
    province = small_map["province"]
    assert campaign_for(Title.FAMILY, 2025, province) == national
    assert campaign_for(Title.FAMILY, 2025, province.pk) == national
    own = create_campaign(Title.FAMILY, 2025, province=province, recognition_deadline=datetime.date(2026, 1, 15),
                          review_deadline=datetime.date(2026, 1, 5))
    assert campaign_for(Title.FAMILY, 2025, province) == own
    assert campaign_for(Title.FAMILY, 2025, None) == national
    # inherited: the windows it did not change and the pinned sets
    assert own.self_assessment_deadline == national.self_assessment_deadline
    assert set(own.criteria_sets.all()) == set(national.criteria_sets.all())
    assert campaign_for(Title.FAMILY, 2024, province) is None


def test_default_sets_are_those_in_force_and_validity_follows_them(published):
    family = create_campaign(Title.FAMILY, 2025)
    assert [s.code for s in family.criteria_sets.all()] == ["family-provisional-2021"]
    assert family.validity_years == 1 and valid_until(family) == datetime.date(2026, 12, 31)
    commune = create_campaign(Title.COMMUNE_COMMUNITY, 2025)
    assert commune.validity_years == 3 and commune.upgrade_after_months == 12
    assert commune.recognising_role == Role.PROVINCE_APPROVER
    assert commune.recognition_deadline == datetime.date(2026, 3, 31)
    assert family.recognising_role == Role.COMMUNE_APPROVER


def test_sets_are_picked_by_level(published):
    units = create_campaign(Title.UNIT, 2025, criteria_sets=CriteriaSetVersion.objects.filter(title=Title.UNIT))
    assert pick_criteria_set(units, admin_level="commune").definition.applicability.admin_levels == ("commune",)
    assert "province" in pick_criteria_set(units, admin_level="province").definition.applicability.admin_levels


def test_sets_are_picked_by_group_and_area_class(published):
    citizens = create_campaign(Title.CITIZEN, 2025)
    assert pick_criteria_set(citizens, group="farmers", area_class="disadvantaged").code == "citizen-677-2022"
    with pytest.raises(ValidationError):
        pick_criteria_set(citizens, group="sailors")
    family = create_campaign(Title.FAMILY, 2025)
    with pytest.raises(ValidationError):
        pick_criteria_set(family, area_class="lunar")


def test_windows_must_be_in_order_and_sets_must_match_the_title(published):
    with pytest.raises(ValidationError):
        create_campaign(Title.FAMILY, 2025, review_deadline=datetime.date(2025, 1, 2))
    with pytest.raises(ValidationError):
        create_campaign(Title.FAMILY, 2025, criteria_sets=CriteriaSetVersion.objects.filter(title=Title.CITIZEN))


def test_no_published_set_is_a_clear_refusal(db):
    with pytest.raises(ValidationError) as refused:
        create_campaign(Title.FAMILY, 2025)
    assert "công bố bộ tiêu chí" in " ".join(refused.value.messages)


def test_a_province_officer_creates_their_provinces_campaign_in_the_browser(client, published, small_map,
                                                                             province_officer):
    create_campaign(Title.CITIZEN, 2025)
    client.force_login(province_officer)
    assert client.get("/campaigns/new/").status_code == 200
    response = client.post("/campaigns/new/", {"title": "citizen", "year": "2025", "province": small_map["province"].pk,
                                               "allow_bulk_accept": "on"})
    assert response.status_code == 302
    own = campaign_for(Title.CITIZEN, 2025, small_map["province"])
    assert own.province == small_map["province"]
    assert client.get(f"/campaigns/{own.pk}/").status_code == 200
    listing = client.get("/campaigns/").content.decode()
    assert "Mặc định toàn quốc" in listing and "Tỉnh Hưng Yên" in listing
