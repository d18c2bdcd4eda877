import io

import pytest
from django.core.management import call_command

from hoctap.assessments.models import Assessment
from hoctap.criteria.titles import Title
from hoctap.registry.models import Household
from hoctap.registry.signals import registry_bulk_written
from hoctap.stats import recompute
from hoctap.stats.models import CitizenTally, SubjectCount, Tally


def recognised(unit, title, year=2025):
    row = Tally.objects.filter(unit=unit, year=year, title=title, classification="").first()
    return row.recognised if row else 0


def test_verify_prints_each_difference_and_exits_non_zero_then_recompute_repairs(make, small_map, capsys):
    household = make.household(small_map["village_a"])
    make.recognise(make.register(Title.FAMILY, household, 2025))
    call_command("stats", "verify")
    assert "equal a recount" in capsys.readouterr().out
    Tally.objects.filter(unit=small_map["commune_a"], classification="").update(recognised=7)
    with pytest.raises(SystemExit) as exited:
        call_command("stats", "verify", "--year", "2025")
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert "tally" in out and "live (1, 1, 1, 7, 0)" in out and "recount (1, 1, 1, 1, 0)" in out
    call_command("stats", "recompute", "--unit", small_map["province"].code)
    call_command("stats", "verify", "--unit", str(small_map["commune_a"].pk))
    assert "equal a recount" in capsys.readouterr().out


def test_an_organisation_that_moves_takes_its_staff_figures_along(make, small_map):
    org = make.organisation(small_map["commune_a"])
    staff = [make.person(make.household(small_map["village_a"]), birth_year=1985, employer=org) for _ in range(3)]
    make.recognise(make.register(Title.UNIT, org, 2025))
    make.recognise(make.register(Title.CITIZEN, staff[0], 2025))
    row = CitizenTally.objects.get(unit=small_map["commune_a"], year=2025)
    assert (row.staff_in_units, row.staff_in_units_citizens) == (3, 1)
    org.unit = small_map["village_b"]
    org.save()
    assert Assessment.objects.get(organisation=org).unit == small_map["village_b"]
    assert recognised(small_map["commune_b"], Title.UNIT) == 1 and recognised(small_map["commune_a"], Title.UNIT) == 0
    assert CitizenTally.objects.get(unit=small_map["village_b"], year=2025).staff_in_units == 3
    assert recompute.verify().ok


def test_digital_skill_and_birth_year_edits_are_counted(make, small_map):
    person = make.person(make.household(small_map["village_a"]), birth_year=1985, skill="none")
    make.recognise(make.register(Title.CITIZEN, person, 2025))
    row = lambda: CitizenTally.objects.get(unit=small_map["village_a"], year=2025)  # noqa: E731
    assert (row().citizens, row().citizens_digital) == (1, 0)
    person.digital_skill = "proficient"
    person.save()
    assert (row().citizens_digital, row().citizens_proficient) == (1, 1)
    adults = lambda: SubjectCount.objects.get(unit=small_map["village_a"], kind="working_age_adults", year=2025).count  # noqa: E731
    assert adults() == 1
    person.birth_year = 1950  # 75 in 2025: no longer of working age
    person.save()
    assert adults() == 0
    assert recompute.verify().ok


def test_a_member_added_to_or_removed_from_a_learning_family_changes_the_indicator(make, small_map):
    household = make.household(small_map["village_a"])
    make.person(household, birth_year=1980)
    make.recognise(make.register(Title.FAMILY, household, 2025))
    row = lambda: CitizenTally.objects.get(unit=small_map["village_a"], year=2025).adults_in_groups  # noqa: E731
    assert row() == 1
    newcomer = make.person(household, birth_year=1990)
    assert row() == 2
    newcomer.delete()
    assert row() == 1
    assert recompute.verify().ok


def test_bulk_registry_writes_are_recounted(make, small_map):
    village = small_map["village_a"]
    Household.objects.bulk_create(
        [
            Household(code=f"B{i}", code_folded=f"b{i}", village=village, commune=small_map["commune_a"])
            for i in range(5)
        ]
    )
    assert not recompute.verify().ok  # bulk_create sends no model signal
    registry_bulk_written.send(sender=None, communes={small_map["commune_a"].pk})
    assert recompute.verify().ok
    assert SubjectCount.objects.get(unit=village, kind="households", year=0).count == 5


def test_seed_targets_command(small_map):
    out = io.StringIO()
    call_command("stats", "seed-targets", stdout=out)
    assert "provincial targets" in out.getvalue()
