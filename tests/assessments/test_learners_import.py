"""Learners' figures imported from Excel: every bad row named by row and column and nothing written,
then the rows written through the one rule (`learners.record`), marked as imported, and read by the
TT 24 rule like figures entered on the page."""

import io

import pytest
from openpyxl import load_workbook

from hoctap.assessments.imports import LEARNERS
from hoctap.assessments.models import LearnerFigures
from hoctap.assessments.subjects import adapter_for_title
from hoctap.core import imports as engine
from hoctap.criteria.titles import Title
from hoctap.registry.models import ManagingLevel, Organisation
from tests.assessments.conftest import YEAR, scope_of

pytestmark = pytest.mark.django_db


def workbook(rows):
    book = load_workbook(io.BytesIO(engine.template_workbook(LEARNERS)))
    sheet = book[LEARNERS.sheet_title]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "nguoi-hoc.xlsx"
    return buffer


def test_learners_import(small_map, users):
    commune = small_map["commune_a"]
    school = Organisation.objects.create(
        name="Trường THPT An Lạc", kind="school", unit=commune, managing_level=ManagingLevel.PROVINCE
    )
    Organisation.objects.create(name="Kho bạc An Lạc", kind="agency", unit=commune)
    officer = users["commune_officer"]
    scope = scope_of(officer)
    assert LEARNERS in engine.all_templates() and LEARNERS.permitted(scope)
    bad = workbook(
        [
            [commune.code, "Trường THPT An Lạc", YEAR, 412, 396],  # 2: fine
            ["99999", "Trường THPT An Lạc", YEAR, 412, 396],  # 3: no such commune
            [commune.code, "Trường THPT Không Có", YEAR, 412, 396],  # 4: no such school
            [commune.code, "Kho bạc An Lạc", YEAR, 10, 9],  # 5: not educational
            [commune.code, "Trường THPT An Lạc", YEAR + 1, 10, 11],  # 6: more citizens than learners
            [commune.code, "trường thpt an lạc", YEAR, 400, 390],  # 7: repeats row 2
        ]
    )
    result = engine.import_file(bad, LEARNERS, scope=scope, actor=officer)
    assert not result.committed and not LearnerFigures.objects.exists()
    assert {(e["row"], e["header"]) for e in result.errors} == {
        (3, "Mã xã, phường"),
        (4, "Tên đơn vị"),
        (5, "Tên đơn vị"),
        (6, "Số đạt danh hiệu Công dân học tập"),
        (7, "Tên đơn vị"),
    }

    good = workbook(
        [[commune.code, "Trường THPT An Lạc", YEAR, 412, 396], [commune.code, "Trường THPT An Lạc", YEAR + 1, 420, 410]]
    )
    result = engine.import_file(good, LEARNERS, scope=scope, actor=officer)
    assert result.committed and result.counts["figures"]["create"] == 2
    figures = LearnerFigures.objects.get(organisation=school, year=YEAR)
    assert (figures.learners, figures.citizens, figures.source) == (412, 396, "imported")
    facts = adapter_for_title(Title.UNIT).facts(school, YEAR)
    assert str(facts["learners_citizen_share"]) == "0.9611"
    again = engine.check_file(good, LEARNERS, scope=scope, actor=officer)
    assert again.counts["figures"] == {"create": 0, "change": 0, "unchanged": 2}

    # outside the officer's commune: refused by row
    other = scope_of(users["village_officer"])
    result = engine.import_file(
        workbook([[commune.code, "Trường THPT An Lạc", YEAR, 412, 400]]),
        LEARNERS,
        scope=other,
        actor=users["village_officer"],
    )
    assert not result.committed and result.errors[0]["header"] == "Tên đơn vị"
