"""The demo's yearly cycle on the real map, relative to today: the current year in every state, the two
before complete, decisions with certificates that verify; loading it twice changes nothing; another
date gives the same demo in other years (it never goes stale)."""

import datetime

import pytest
from django.core.management import call_command

from hoctap.assessments import certificates
from hoctap.assessments.models import Assessment, Campaign, Certificate, CitizenSignup, Decision, Evidence
from hoctap.assessments.states import State
from hoctap.core.demo import demo_years
from hoctap.criteria.titles import Title
from hoctap.demo.steps import run_all
from hoctap.stats.models import Tally


@pytest.mark.django_db
def test_demo_cycle(loaded_map):
    context = run_all(log=lambda *args: None)
    counts = [model.objects.count() for model in (Campaign, Assessment, Decision, Certificate, Evidence, CitizenSignup)]
    run_all(log=lambda *args: None)
    assert [
        model.objects.count() for model in (Campaign, Assessment, Decision, Certificate, Evidence, CitizenSignup)
    ] == counts
    province = context["province"]
    first, last, this = demo_years()
    assert Campaign.objects.filter(province=province, year__in=[first, last, this]).count() == 6
    # every year has the national default of every title, made on first need
    assert Campaign.objects.filter(province=None, year__in=[first, last, this]).count() == 3 * len(Title.values)
    commune = context["communes"][0]
    mine = Assessment.objects.filter(unit__path__startswith=commune.path)
    assert set(mine.filter(campaign__year=this).values_list("state", flat=True)) == set(State.values)
    assert set(mine.filter(campaign__year=last).values_list("state", flat=True)) == {State.CERTIFIED}
    # every title has an assessment this year but the commune learning community, recognised two
    # years ago for 3 years (not assessed again meanwhile), which this year's statistics still count
    assert set(mine.filter(campaign__year=this).values_list("title", flat=True)) == set(Title.values) - {
        Title.COMMUNE_COMMUNITY
    }
    held = mine.get(title=Title.COMMUNE_COMMUNITY)
    assert (held.campaign.year, held.state, held.validity_years) == (first, State.CERTIFIED, 3)
    assert Tally.objects.get(unit=commune, year=this, title=Title.COMMUNE_COMMUNITY, classification="").carried == 1
    certificate = Certificate.objects.filter(assessment__campaign__year=this, assessment__state=State.CERTIFIED).first()
    assert certificates.verify(certificate.code).is_genuine
    revoked = Certificate.objects.get(assessment__state=State.REVOKED)
    assert certificates.verify(revoked.code).status == certificates.Status.REVOKED
    assert CitizenSignup.objects.filter(status=CitizenSignup.Status.PENDING).exists()
    # the year before the first: four families recognised on paper, imported by the chairman from Excel
    archived = mine.filter(campaign__year=first - 1)
    assert archived.count() == 4 and set(archived.values_list("state", "decision__sequence")) == {(State.RECOGNISED, 9)}
    assert archived.first().review_result["recorded"]
    # 2021 and 2022 on the old map: families recorded by their old communes, living today in the
    # village the demo merged this year (issue 15 §2)
    from hoctap.stats.history import compare_years
    from hoctap.territory.models import Era, VillageChange

    old_map = mine.filter(campaign__year__in=[2021, 2022])
    assert old_map.count() == 8 and {a.recorded_unit.era for a in old_map} == {Era.LEGACY}
    change = VillageChange.objects.get(commune=commune)
    assert set(old_map.values_list("unit_id", flat=True)) == {change.receiving_id}
    comparison = compare_years(commune)
    assert [line.counts[0] for line in comparison.titles if line.label == "GĐHT"] == [4]
    assert sum(line.counts[0] for line in comparison.old_communes) >= 4
    call_command("stats", "verify")  # exits non-zero on any difference from a recount
    assert Assessment.objects.filter(person__account=context["users"]["citizen"], state=State.SELF_ASSESSING).exists()


@pytest.mark.django_db
def test_the_demo_follows_the_date(loaded_map, monkeypatch):
    """Loaded on 10/02/2031, the demo shows 2029-2031, with nothing dated after that day."""
    from django.utils import timezone

    day = datetime.date(2031, 2, 10)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    run_all(log=lambda *args: None)
    assert demo_years() == (2029, 2030, 2031)
    # (2028: the families recognised on paper the year before, entered by the results import;
    # 2021-2022: the old map's years, fixed by the 2025 reform, not by the date)
    assert set(Assessment.objects.values_list("campaign__year", flat=True)) == {2021, 2022, 2028, 2029, 2030, 2031}
    assert not Decision.objects.filter(issued_on__gt=day).exists()
    assert not Evidence.objects.filter(effective_date__gt=day).exists()
