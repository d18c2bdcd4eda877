"""One validity rule (`criteria.validity`): for every shipped criteria set, the certificate's "valid
until", the years the statistics count the recognition in, and the years the facts of the titles
that depend on it (a household's adults holding the citizen title, a clan's households holding the
family title, ...) see it held are the same years."""

import datetime

import pytest

from hoctap.assessments.campaigns import valid_until
from hoctap.assessments.subjects import adapter_for_title, holders
from hoctap.criteria import validity
from hoctap.criteria.loader import load_file, shipped_set_paths
from hoctap.criteria.titles import Title
from hoctap.stats.models import Tally

YEAR = 2025


def test_the_rule_on_its_own():
    assert list(validity.held_years(2025, 1)) == [2025, 2026]
    assert list(validity.held_years(2024, 3)) == [2024, 2025, 2026, 2027]
    assert list(validity.carried_years(2024, 3)) == [2025, 2026, 2027]
    assert validity.last_valid_day(2025, 1) == datetime.date(2026, 12, 31)
    assert [validity.holds(2025, 1, y) for y in (2024, 2025, 2026, 2027)] == [False, True, True, False]


def _dependent_fact(title, make, small_map, subject):
    """(subject whose facts read `title`, the fact) — None for the commune learning community,
    which no other title reads."""
    commune, village = small_map["commune_a"], small_map["village_a"]
    if title == Title.CITIZEN:
        return adapter_for_title(Title.FAMILY), subject.household, "adults_citizen_share"
    if title == Title.FAMILY:
        return adapter_for_title(Title.CLAN), subject.clan_branch, "households_family_title_share"
    if title == Title.CLAN:
        return adapter_for_title(Title.COMMUNITY), village, "clans_clan_title_share"
    if title == Title.COMMUNITY:
        return adapter_for_title(Title.COMMUNE_COMMUNITY), commune, "villages_community_title_share"
    if title == Title.UNIT:
        return adapter_for_title(Title.COMMUNE_COMMUNITY), commune, "organisations_unit_title_share"
    return None


def _subject(title, make, small_map):
    village = small_map["village_a"]
    clan = make.clan(small_map["commune_a"])
    household = make.household(village, clan)
    person = make.person(household, unit=village, birth_year=1985)
    return {
        Title.CITIZEN: person,
        Title.FAMILY: household,
        Title.CLAN: clan,
        Title.COMMUNITY: village,
        Title.COMMUNE_COMMUNITY: small_map["commune_a"],
        Title.UNIT: make.organisation(village),
    }[title]


@pytest.mark.parametrize("path", shipped_set_paths(), ids=lambda p: p.stem)
def test_certificate_statistics_and_facts_agree(path, make, small_map):
    definition = load_file(path)
    rule = validity.rule_of(definition.recognition)
    title = definition.title
    campaign = make.campaign(title, YEAR)
    campaign.validity_years = rule.validity_years
    campaign.save()
    subject = _subject(title, make, small_map)
    assessment = make.recognise(make.register(title, subject, YEAR))
    held = set(rule.held_years(YEAR))
    around = range(YEAR - 1, max(held) + 3)

    # the certificate and the decision print the last day of the last year held
    assert valid_until(campaign) == rule.last_valid_day(YEAR) == datetime.date(max(held), 12, 31)
    # the facts other titles read
    assert {y for y in around if holders(title, y).filter(pk=assessment.pk).exists()} == held
    dependent = _dependent_fact(title, make, small_map, subject)
    if dependent is not None:
        adapter, reader, fact = dependent
        assert {y for y in around if adapter.facts(reader, y)[fact]} == held, fact
    # the statistics: recognised in its year, carried in the later ones
    unit = small_map["commune_a"]
    counted = {
        row.year
        for row in Tally.objects.filter(unit=unit, title=title, classification="")
        if row.recognised + row.carried
    }
    assert counted == held
