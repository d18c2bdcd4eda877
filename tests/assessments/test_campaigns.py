"""Campaigns: a province inherits the national default until it makes its own; pinned sets are
picked by subject group, level and area class; validity follows the set's recognition rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from hoctap.accounts.roles import Role
from hoctap.assessments.campaigns import campaign_for, create_campaign, pick_criteria_set, valid_until
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.shipped import publish_shipped_sets
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
    own = create_campaign(
        Title.FAMILY,
        2025,
        province=province,
        recognition_deadline=datetime.date(2026, 1, 15),
        review_deadline=datetime.date(2026, 1, 5),
    )
    assert campaign_for(Title.FAMILY, 2025, province) == own
    assert campaign_for(Title.FAMILY, 2025, None) == national
    # inherited: the windows it did not change and the pinned sets
    assert own.self_assessment_deadline == national.self_assessment_deadline
    assert set(own.criteria_sets.all()) == set(national.criteria_sets.all())
    # a year nobody prepared: its national default opens on first need
    lazy = campaign_for(Title.FAMILY, 2024, province)
    assert (lazy.year, lazy.province, lazy.title) == (2024, None, Title.FAMILY)
    assert campaign_for(Title.FAMILY, 2023, province, create=False) is None


def test_every_year_has_its_national_defaults_without_anyone_preparing_them(published, small_map):
    from hoctap.assessments.campaigns import ensure_national_campaign
    from hoctap.assessments.models import Campaign
    from hoctap.core.limits import LAST_YEAR

    for title in Title.values:
        campaign = campaign_for(title, 2031, small_map["province"])
        assert campaign.province is None and campaign.criteria_sets.exists()
    assert Campaign.objects.filter(year=2031).count() == len(Title.values)
    assert ensure_national_campaign(Title.FAMILY, 2031) == campaign_for(Title.FAMILY, 2031, None)
    assert Campaign.objects.filter(year=2031).count() == len(Title.values)
    assert campaign_for(Title.FAMILY, LAST_YEAR + 1, None) is None  # outside the years the system records
    # a province adjusts the lazily made default: its own campaign copies it
    own = create_campaign(
        Title.FAMILY, 2031, province=small_map["province"], recognition_deadline=datetime.date(2031, 12, 20)
    )
    assert campaign_for(Title.FAMILY, 2031, small_map["province"]) == own
    assert own.registration_opens == datetime.date(2031, 1, 1)
    with pytest.raises(ValidationError):  # one national default per year and title
        create_campaign(Title.FAMILY, 2031)


def test_the_yearly_task_opens_the_current_year(published):
    from django.utils import timezone

    from hoctap.assessments.models import Campaign

    call_command("open_year", stdout=open("/dev/null", "w"))
    call_command("open_year", stdout=open("/dev/null", "w"))
    assert Campaign.objects.filter(year=timezone.localdate().year, province=None).count() == len(Title.values)


def test_no_set_published_means_no_campaign_and_a_refusal_that_says_what_to_do(db, small_map):
    assert campaign_for(Title.FAMILY, 2031, small_map["province"]) is None


def test_untouched_dates_follow_the_dates_given(published, small_map):
    """Only the deadline typed is later than the defaults: the untouched ones after it move with it,
    no date-order error lands on a field nobody touched; two typed dates out of order are refused."""
    campaign = create_campaign(
        Title.FAMILY, 2031, province=small_map["province"], self_assessment_deadline=datetime.date(2031, 12, 20)
    )
    assert campaign.review_deadline == datetime.date(2031, 12, 20)
    assert campaign.recognition_deadline == datetime.date(2031, 12, 31)
    early = create_campaign(Title.CITIZEN, 2031, recognition_deadline=datetime.date(2031, 2, 1))
    assert (
        early.registration_opens == datetime.date(2031, 1, 1)
        and early.registration_closes <= early.recognition_deadline
    )
    assert early.self_assessment_deadline == early.review_deadline == datetime.date(2031, 2, 1)
    with pytest.raises(ValidationError) as refused:
        create_campaign(
            Title.CLAN,
            2031,
            self_assessment_deadline=datetime.date(2031, 12, 20),
            review_deadline=datetime.date(2031, 12, 1),
        )
    assert "review_deadline" in refused.value.message_dict


def test_optional_dates_left_blank_in_the_form(client, published, small_map, province_officer):
    client.force_login(province_officer)
    response = client.post(
        "/campaigns/new/",
        {
            "title": "family",
            "year": "2031",
            "province": small_map["province"].pk,
            "registration_opens": "",
            "registration_closes": "",
            "self_assessment_deadline": "2031-12-20",
            "review_deadline": "",
            "recognition_deadline": "",
            "allow_bulk_accept": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    own = campaign_for(Title.FAMILY, 2031, small_map["province"])
    assert own.province == small_map["province"] and own.review_deadline == datetime.date(2031, 12, 20)


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
        create_campaign(
            Title.FAMILY,
            2025,
            self_assessment_deadline=datetime.date(2025, 11, 30),
            review_deadline=datetime.date(2025, 1, 2),
        )
    with pytest.raises(ValidationError):
        create_campaign(Title.FAMILY, 2025, criteria_sets=CriteriaSetVersion.objects.filter(title=Title.CITIZEN))


def test_no_published_set_is_a_clear_refusal(db):
    with pytest.raises(ValidationError) as refused:
        create_campaign(Title.FAMILY, 2025)
    assert "công bố bộ tiêu chí" in " ".join(refused.value.messages)


def test_a_province_officer_creates_their_provinces_campaign_in_the_browser(
    client, published, small_map, province_officer
):
    create_campaign(Title.CITIZEN, 2025)
    client.force_login(province_officer)
    assert client.get("/campaigns/new/").status_code == 200
    response = client.post(
        "/campaigns/new/",
        {"title": "citizen", "year": "2025", "province": small_map["province"].pk, "allow_bulk_accept": "on"},
    )
    assert response.status_code == 302
    own = campaign_for(Title.CITIZEN, 2025, small_map["province"])
    assert own.province == small_map["province"]
    assert client.get(f"/campaigns/{own.pk}/").status_code == 200
    listing = client.get("/campaigns/").content.decode()
    assert "Mặc định toàn quốc" in listing and "Tỉnh Hưng Yên" in listing


def test_the_campaign_list_opens_on_the_newest_year(client, published, province_officer):
    """The list annotates each campaign with its criteria sets (an aggregate), which drops the model's
    ordering: it must say its order, newest year first, or past years come first on a phone."""
    from hoctap.core.limits import current_year

    for year in (2024, 2022, 2025):
        create_campaign(Title.CITIZEN, year)
    client.force_login(province_officer)
    years = [campaign.year for campaign in client.get("/campaigns/").context["campaigns"]]
    assert years == sorted(years, reverse=True) and years[0] == current_year()
