"""The criteria sets shipped with hoctap: each validates, and each says what is known and what is not."""

import datetime
from decimal import Decimal

import pytest

from hoctap.criteria.engine import score
from hoctap.criteria.loader import (
    load_file,
    load_shipped_sets,
    load_text,
    shipped_set_paths,
    to_yaml,
)

SETS = load_shipped_sets()
PATHS = shipped_set_paths()
EXPECTED_CODES = {
    "citizen-677-2022",
    "unit-tt22-2020",
    "unit-tt24-2023",
    "commune-community-tt25-2023",
    "family-448-2015",
    "clan-448-2015",
    "community-448-2015",
    "unit-commune-448-2015",
    "family-provisional-2021",
    "clan-provisional-2021",
    "community-provisional-2021",
    "unit-commune-provisional-2021",
}


def test_every_expected_set_ships():
    assert set(SETS) == EXPECTED_CODES


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path.stem)
def test_each_file_validates_and_is_named_after_its_code(path):
    criteria_set = load_file(path)
    assert criteria_set.code == path.stem


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_nothing_missing_is_presented_as_official(code):
    criteria_set = SETS[code]
    assert criteria_set.status in ("partial", "provisional")
    assert criteria_set.gaps
    if code.endswith("-provisional-2021"):
        assert criteria_set.status == "provisional"
        assert criteria_set.issuing_document is None


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_yaml_round_trip(code):
    criteria_set = SETS[code]
    again = load_text(to_yaml(criteria_set), f"{code}.yaml")
    assert again == criteria_set and again.fingerprint() == criteria_set.fingerprint()


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_a_perfect_sheet_reaches_the_top_classification(code):
    """Every set is usable: full marks with facts that meet every rule give the highest result."""
    criteria_set = SETS[code]
    answers = {i.code: True if i.kind == "pass_fail" else i.max_points for i in criteria_set.indicators}
    facts = {name: True if name.startswith("is_") else Decimal(1) for name in criteria_set.required_facts()}
    result = score(criteria_set, answers, facts)
    assert result.classification == criteria_set.classification_codes()[-1]


def test_citizen_set():
    citizen = SETS["citizen-677-2022"]
    assert [(c.code, len(c.indicators)) for c in citizen.criteria] == [("NL1", 4), ("NL2", 4), ("NL3", 2)]
    assert [i.code for i in citizen.indicators] == [f"CS{n}" for n in range(1, 11)]
    assert all(i.max_points == 10 and i.floor == 5 and i.tag == "I" for i in citizen.indicators)
    assert {m.area_class: m.min for m in citizen.scoring.pass_marks} == {"normal": 80, "disadvantaged": 70}
    assert [g.code for g in citizen.applicability.subject_groups] == ["farmers", "workers", "officials"]
    worded = {i.code for i in citizen.indicators if i.group_texts}
    assert worded == {"CS2", "CS5", "CS6"}
    assert all(len(citizen.indicator(code).group_texts) == 3 for code in worded)
    assert citizen.recognition.validity_years == 1
    # The basis is the decision TT 24/2023 cites; its date is unknown, so none is recorded.
    assert citizen.issuing_document.startswith("QĐ 324/QĐ-KHVN") and citizen.issued_on is None
    assert not any("244/QĐ-KHVN" in document for document in (citizen.issuing_document, *citizen.related_documents))
    assert citizen.version == 2
    assert citizen.status == "partial"
    assert any("[I]" in gap.text_en and "10 points" in gap.text_en for gap in citizen.gaps)


def test_tt22_set():
    tt22 = SETS["unit-tt22-2020"]
    assert [c.max_points for c in tt22.criteria] == [30, 30, 40]
    assert [(b.code, b.min) for b in tt22.scoring.bands] == [("tot", 85), ("kha", 70), ("trung_binh", 50)]
    assert (tt22.effective_from, tt22.effective_to) == (datetime.date(2020, 9, 21), datetime.date(2023, 12, 31))
    # Criterion 3 as Khoản 3 Điều 5 states it (criteria-sources.md §6): 25 + 10 + 5, no placeholder left.
    assert [(i.code, i.max_points, i.tag) for i in tt22.criteria[2].indicators] == [
        ("TC3.1", 25, "V"),
        ("TC3.2", 10, "V"),
        ("TC3.3", 5, "V"),
    ]
    assert "Tập thể lao động tiên tiến" in tt22.indicator("TC3.2").text_vi
    assert tt22.indicator("TC3.3").text_vi == "Góp phần tạo lập môi trường chia sẻ tri thức với các đơn vị khác."
    assert not any(i.placeholder for i in tt22.indicators) and tt22.version == 2
    assert tt22.status == "partial"


def test_tt24_set():
    tt24 = SETS["unit-tt24-2023"]
    assert tt24.scoring.method == "levels"
    assert [level.code for level in tt24.scoring.levels] == ["level_1", "level_2"]
    assert all(i.kind == "pass_fail" for i in tt24.indicators)
    assert [i.code for i in tt24.criteria[2].indicators] == ["TC3.2", "TC3.3", "TC3.4", "TC3.5", "TC3.6"]
    assert all(i.placeholder for c in tt24.criteria[:2] for i in c.indicators)
    members, learners = tt24.dependencies
    assert (members.fact, members.op, members.value, members.when) == (
        "members_citizen_share",
        ">=",
        Decimal("0.90"),
        None,
    )
    assert (learners.fact, learners.value, learners.when.fact, learners.when.op) == (
        "learners_citizen_share",
        Decimal("0.95"),
        "is_provincial_educational_institution",
        "is_true",
    )
    assert (tt24.recognition.validity_years, tt24.recognition.upgrade_after_months) == (3, 12)
    assert tt24.effective_from == datetime.date(2024, 1, 1)


def test_tt25_set():
    tt25 = SETS["commune-community-tt25-2023"]
    # 15 indicators at level 1, three per criterion, criteria 4 and 5 included (S28); level 2 raises
    # criteria 4 and 5 (one placeholder each for what is raised)
    assert tt25.version == 2
    assert [len(c.indicators) for c in tt25.criteria] == [3, 3, 3, 4, 4]
    assert all(i.kind == "pass_fail" for i in tt25.indicators)
    assert not any(i.placeholder for c in tt25.criteria[:2] for i in c.indicators)
    # the indicators not found stay placeholders, and say they are provisional
    placeholders = [i for c in tt25.criteria[2:] for i in c.indicators]
    assert all(i.placeholder and "tạm thời" in i.text_vi for i in placeholders)
    level_1, level_2 = tt25.scoring.levels
    assert (level_1.name_vi, level_2.name_vi) == ("Mức độ 1 (Khá)", "Mức độ 2 (Tốt)")
    assert level_2.required_indicators == "all"
    assert level_1.tag == "I" and len(level_1.required_indicators) == 15
    assert {code.split(".")[0] for code in level_1.required_indicators} == {"TC1", "TC2", "TC3", "TC4", "TC5"}
    assert {i.code for i in tt25.indicators} - set(level_1.required_indicators) == {"TC4.4", "TC5.4"}
    assert (tt25.recognition.validity_years, tt25.recognition.upgrade_after_months) == (3, 12)


def test_448_sets():
    family = SETS["family-448-2015"]
    assert family.max_total == 100
    assert [c.max_points for c in family.criteria] == [30, 30, 20, 20]
    assert {i.code for i in family.indicators if i.placeholder} == {"TC2.3", "TC3.1", "TC4.1"}
    (mark,) = family.scoring.pass_marks
    assert mark.placeholder and mark.tag == "I"
    assert any("provisional value" in gap.text_en for gap in family.gaps)
    for code in ("clan-448-2015", "community-448-2015", "unit-commune-448-2015"):
        criteria_set = SETS[code]
        assert criteria_set.status == "partial"
        assert all(i.placeholder for i in criteria_set.indicators)
        assert (criteria_set.effective_from, criteria_set.effective_to) == (
            datetime.date(2016, 1, 1),
            datetime.date(2020, 12, 31),
        )


@pytest.mark.parametrize(
    ("code", "facts"),
    [
        ("family-provisional-2021", ("adults_citizen_share",)),
        ("clan-provisional-2021", ("households_family_title_share",)),
        ("community-provisional-2021", ("clans_clan_title_share", "clans_count", "households_family_title_share")),
        ("unit-commune-provisional-2021", ("members_citizen_share",)),
    ],
)
def test_provisional_2021_sets(code, facts):
    criteria_set = SETS[code]
    assert criteria_set.status == "provisional"
    assert criteria_set.max_total == 100
    assert criteria_set.required_facts() == facts
    assert criteria_set.recognition.validity_years == 1
    assert all(d.placeholder and d.tag == "I" for d in criteria_set.dependencies)
