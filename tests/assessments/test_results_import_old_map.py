"""Results of the years before the 2025 reform, keyed on the old map's commune code: the lineage
finds the commune of today, the assessment keeps both, and both maps count it."""

import datetime

import pytest
from django.core.management import call_command

from hoctap.accounts.scoping import Scope
from hoctap.assessments import workflow
from hoctap.assessments.campaigns import create_campaign
from hoctap.assessments.models import Assessment, Decision
from hoctap.assessments.results_import import ResultsTemplate
from hoctap.assessments.states import State
from hoctap.core.imports import check_file, import_file
from hoctap.criteria.titles import Title
from hoctap.stats.figures import RECORDED, figures
from hoctap.stats.models import RecordedTally, Tally
from hoctap.territory.models import Era, Level, UnitLineage
from tests.assessments.test_results_import import sheet_file, top_result
from tests.conftest import make_unit

OLD_YEAR = 2023


@pytest.fixture
def old_map(small_map):
    """Xã Tân Phong (old) became part of Xã An Lạc (A) whole; Xã Hòa Bình (old) was split between
    An Lạc (A) and Bình Minh (B)."""
    district = small_map["old_district"]
    whole = make_unit(Level.COMMUNE, "12950", "Xã Tân Phong", district, era=Era.LEGACY)
    split = make_unit(Level.COMMUNE, "12960", "Xã Hòa Bình", district, era=Era.LEGACY)
    UnitLineage.objects.create(old_unit=whole, new_unit=small_map["commune_a"])
    UnitLineage.objects.create(old_unit=split, new_unit=small_map["commune_a"], is_partial=True)
    UnitLineage.objects.create(old_unit=split, new_unit=small_map["commune_b"], is_partial=True)
    return {"whole": whole, "split": split}


@pytest.fixture
def family_old(published):
    return create_campaign(Title.FAMILY, OLD_YEAR)


def recognition(campaign, **row):
    total, top = top_result(campaign)
    return {
        "total": total,
        "classification": top,
        "decision_number": "7/QĐ-UBND",
        "decision_date": datetime.date(OLD_YEAR, 12, 15),
        **row,
    }


def verify_stats(capsys):
    call_command("stats", "verify")
    assert "equal a recount" in capsys.readouterr().out


def test_old_map_rows_count_on_both_maps_and_stats_verify_holds(family_old, old_map, people, users, small_map, capsys):
    template = ResultsTemplate(family_old)
    assert [c.key for c in template.map_columns] == ["era", "current_place"]
    approver = Scope(users["commune_approver"])
    rows = [
        recognition(family_old, commune_code="12950", era="cũ", household_code="H001"),
        recognition(family_old, commune_code="12960", era="cũ", household_code="H002", current_place="12001-001"),
    ]
    checked = check_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"])
    assert checked.ok, checked.errors
    assert Assessment.objects.count() == 0
    done = import_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"])
    assert done.committed, done.errors
    by_code = {a.household.code: a for a in Assessment.objects.select_related("household")}
    assert by_code["H001"].recorded_unit == old_map["whole"] and by_code["H001"].unit == small_map["village_a"]
    assert by_code["H002"].recorded_unit == old_map["split"]
    assert all(a.state == State.RECOGNISED for a in by_code.values())

    commune_a = small_map["commune_a"]
    # the current map: both under An Lạc of today
    assert Tally.objects.get(unit=commune_a, year=OLD_YEAR, title=Title.FAMILY, classification="").recognised == 2
    # the recorded map: each under its old commune
    recorded = {
        r.recorded_unit_id: r.recognised
        for r in RecordedTally.objects.filter(year=OLD_YEAR, title=Title.FAMILY, classification="")
    }
    assert recorded == {old_map["whole"].pk: 1, old_map["split"].pk: 1}
    old_figures = figures(small_map["old_district"], [OLD_YEAR], RECORDED)
    values = {
        child.pk: old_figures.title_counts(Title.FAMILY, OLD_YEAR, child).recognised for child in old_figures.children
    }
    assert values[old_map["whole"].pk] == 1 and values[old_map["split"].pk] == 1
    verify_stats(capsys)

    again = import_file(sheet_file(template, rows), template, scope=approver, actor=users["commune_approver"])
    assert again.committed and again.counts["recognition"] == {"create": 0, "change": 0, "unchanged": 2}
    assert Decision.objects.count() == 1
    verify_stats(capsys)


def test_ambiguous_and_wrong_old_codes_are_refused_naming_row_and_column(family_old, old_map, people, users):
    template = ResultsTemplate(family_old)
    rows = [
        recognition(family_old, commune_code="12960", era="cũ", household_code="H001"),  # 2: split, no place
        recognition(family_old, commune_code="12999", era="cũ", household_code="H001"),  # 3: no such old code
        recognition(
            family_old, commune_code="12950", era="cũ", household_code="H002", current_place="12002"
        ),  # 4: not its successor
        recognition(
            family_old, commune_code="12960", era="cũ", household_code="H002", current_place="12002-001"
        ),  # 5: H002 is not there
        recognition(family_old, commune_code="12001", household_code="H002", current_place="12002"),  # 6: new map
    ]
    result = check_file(sheet_file(template, rows), template, scope=Scope(users["commune_approver"]))
    by_row = {error["row"]: error for error in result.errors}
    assert sorted(by_row) == [2, 3, 4, 5, 6]
    assert by_row[2]["header"] == "Mã xã hoặc thôn hiện nay"
    assert "Xã Hòa Bình nay thuộc nhiều xã (Xã An Lạc, Xã Bình Minh)" in by_row[2]["reason"]
    assert by_row[3]["header"] == "Mã xã, phường" and "bản đồ cũ" in by_row[3]["reason"]
    assert by_row[4]["header"] == "Mã xã hoặc thôn hiện nay" and "không được hình thành từ" in by_row[4]["reason"]
    assert by_row[5]["header"] == "Mã hộ"
    assert by_row[6]["header"] == "Mã xã hoặc thôn hiện nay"
    assert Assessment.objects.count() == 0


def test_the_workflow_refuses_an_old_commune_the_subject_does_not_come_from(
    family_old, old_map, people, users, small_map
):
    officer = Scope(users["commune_officer"])
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.register(
            officer, Title.FAMILY, people["household"], OLD_YEAR, recorded_unit=small_map["old_commune_b"]
        )
    assert refused.value.code == "wrong_recorded_unit"
    assessment = workflow.register(officer, Title.FAMILY, people["household"], OLD_YEAR, recorded_unit=old_map["split"])
    assert assessment.recorded_unit == old_map["split"]


def test_the_template_of_a_year_after_the_reform_has_no_map_columns(campaigns):
    assert ResultsTemplate(campaigns[Title.FAMILY]).map_columns == ()
    assert ResultsTemplate(campaigns[Title.CITIZEN]).map_columns == ()
