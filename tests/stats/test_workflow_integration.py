"""The counters through the real workflow: registration, review, recognition by decision,
correction (revoke and reopen), moves of the subject."""

from hoctap.assessments import workflow
from hoctap.assessments.models import Assessment
from hoctap.criteria.titles import Title
from hoctap.stats import recompute
from hoctap.stats.models import CitizenTally, Tally
from tests.assessments.conftest import (  # noqa: F401 (fixtures)
    YEAR,
    campaigns,
    family_assessment,
    head_is_citizen,
    people,
    private_media,
    published,
    recognise,
    scope_of,
    users,
    walk_to_proposed,
)


def row(unit, title=Title.FAMILY, cls=""):
    tally = Tally.objects.filter(unit=unit, year=YEAR, title=title, classification=cls).first()
    return (tally.registered, tally.self_assessed, tally.decided, tally.recognised) if tally else None


def assert_verified():
    report = recompute.verify()
    assert report.ok, "\n".join(map(str, report.differences))


def test_the_cycle_through_the_workflow(small_map, family_assessment, users, people):
    village = small_map["village_a"]
    assert row(village) == (1, 0, 0, 0)
    proposed = walk_to_proposed(family_assessment, users)
    assert row(village) == (1, 1, 0, 0)
    recognise(proposed, users)
    assert row(small_map["commune_a"]) == (1, 1, 1, 1)
    assessment = Assessment.objects.get(pk=family_assessment.pk)
    assert row(village, cls=assessment.classification) == (0, 0, 0, 1)
    # the head (a learning citizen) and the spouse are working-age adults of a learning family
    indicators = CitizenTally.objects.get(unit=village, year=YEAR)
    assert (indicators.adults_in_groups, indicators.adults_in_groups_citizens) == (2, 1)
    assert_verified()
    # correction: revoke and reopen; the subject still counts once
    reopened = workflow.correct(
        scope_of(users["commune_approver"]), assessment, reason="Sai số liệu", revocation_reference="15/QĐ-UBND"
    )
    assert reopened.replaces_id == assessment.pk
    assert row(village) == (1, 0, 0, 0)
    assert CitizenTally.objects.get(unit=village, year=YEAR).adults_in_groups == 0
    assert_verified()


def test_a_household_that_moves_takes_its_assessments_and_figures_along(small_map, family_assessment, users, people):
    recognise(walk_to_proposed(family_assessment, users), users)
    household = people["household"]
    household.village = small_map["village_b"]
    household.save()
    for person in household.members.all():
        person.save()
    assert Assessment.objects.get(pk=family_assessment.pk).unit == small_map["village_b"]
    assert row(small_map["commune_a"]) in (None, (0, 0, 0, 0))
    assert row(small_map["commune_b"]) == (1, 1, 1, 1)
    assert CitizenTally.objects.get(unit=small_map["village_b"], year=YEAR).adults_in_groups == 2
    assert_verified()
