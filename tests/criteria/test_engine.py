"""Scoring: the official numbers as table tests, the general rules as properties."""

import json
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hoctap.criteria.engine import AnswerError, score
from hoctap.criteria.loader import SHIPPED_SETS_DIR, load_file
from hoctap.criteria.schema import CriteriaSet

CITIZEN = load_file(SHIPPED_SETS_DIR / "citizen-677-2022.yaml")
TT22 = load_file(SHIPPED_SETS_DIR / "unit-tt22-2020.yaml")
TT24 = load_file(SHIPPED_SETS_DIR / "unit-tt24-2023.yaml")
TT25 = load_file(SHIPPED_SETS_DIR / "commune-community-tt25-2023.yaml")
FAMILY_2021 = load_file(SHIPPED_SETS_DIR / "family-provisional-2021.yaml")
COMMUNITY_2021 = load_file(SHIPPED_SETS_DIR / "community-provisional-2021.yaml")


def answers_totalling(criteria_set: CriteriaSet, total, fixed=None) -> dict:
    """Points answers that add up to ``total``, filled indicator by indicator up to each maximum."""
    answers = dict(fixed or {})
    remaining = Decimal(str(total)) - sum((Decimal(str(v)) for v in answers.values()), Decimal(0))
    for indicator in criteria_set.indicators:
        if indicator.code in answers:
            continue
        if indicator.kind == "pass_fail":
            answers[indicator.code] = True
            continue
        points = min(indicator.max_points, remaining)
        answers[indicator.code] = points
        remaining -= points
    assert remaining == 0, "total above the set's maximum"
    return answers


def all_pass(criteria_set: CriteriaSet, **failing) -> dict:
    return {i.code: i.code not in failing for i in criteria_set.indicators}


# --- table tests from the official numbers -----------------------------------------------------


def citizen_sheet(total: int) -> dict:
    """Ten indicators: as many 8s as needed, the rest split so every indicator stays at or above 5."""
    answers = {f"CS{n}": Decimal(8) for n in range(1, 11)}
    extra = Decimal(total - 80)
    for code in answers:
        step = max(min(extra, Decimal(2)), Decimal(-3))
        answers[code] += step
        extra -= step
    assert extra == 0
    return answers


def test_citizen_79_points_is_not_achieved():
    result = score(CITIZEN, citizen_sheet(79))
    assert (result.total, result.classification, result.achieved) == (Decimal(79), "not_achieved", False)
    assert result.pass_mark == Decimal(80)
    assert [r.code for r in result.reasons] == ["below_pass_mark"]
    assert "thấp hơn ngưỡng đạt 80" in result.reasons[0].message_vi


def test_citizen_79_points_in_a_disadvantaged_area_is_achieved():
    result = score(CITIZEN, citizen_sheet(79), area_class="disadvantaged")
    assert (result.classification, result.achieved, result.pass_mark) == ("achieved", True, Decimal(70))
    assert result.reasons[-1].code == "pass_mark_reached"


def test_citizen_80_points_is_achieved():
    assert score(CITIZEN, citizen_sheet(80)).classification == "achieved"


def test_citizen_one_indicator_below_the_floor_withholds_the_title_whatever_the_total():
    # 94 is the highest total a sheet with an indicator at 4 can reach (nine at 10, one at 4).
    answers = {f"CS{n}": 10 for n in range(1, 11)} | {"CS5": 4}
    result = score(CITIZEN, answers)
    assert result.total == Decimal(94)
    assert (result.classification, result.achieved, result.failed_floors) == ("not_achieved", False, ("CS5",))
    assert [r.code for r in result.reasons] == ["floor_failed", "total_overridden"]
    assert result.reasons[0].message_vi == "Chỉ số CS5 đạt 4 điểm, dưới mức sàn 5 điểm."
    assert result.reasons[0].message_en == "Indicator CS5 scored 4 points, below its floor of 5."
    assert result.criteria[1].unmet_indicators == ("CS5",)


def test_citizen_group_wording_is_returned_with_the_result():
    result = score(CITIZEN, citizen_sheet(85), group="farmers")
    by_code = {i.code: i for i in result.indicators}
    assert by_code["CS5"].text_vi.startswith("Dùng điện thoại thông minh")
    assert by_code["CS1"].text_vi == CITIZEN.indicator("CS1").text_vi


@pytest.mark.parametrize(
    ("total", "classification"),
    [
        ("84.99", "kha"),
        ("85", "tot"),
        ("100", "tot"),
        ("70", "kha"),
        ("69.99", "trung_binh"),
        ("50", "trung_binh"),
        ("49.99", "not_achieved"),
        ("0", "not_achieved"),
    ],
)
def test_tt22_band_edges_are_exact(total, classification):
    result = score(TT22, answers_totalling(TT22, total))
    assert result.total == Decimal(total)
    assert result.classification == classification


def test_tt22_keeps_decimals_exact_from_floats_and_vietnamese_text():
    answers = answers_totalling(TT22, "84.99")
    answers["TC1.1"], answers["TC1.2"] = 9.99, "10"
    answers["TC1.3"] = "9,99"
    answers["TC2.1"] = Decimal("10.01") - Decimal("0.01")
    # 9.99 + 10 + 9.99 = 29.98 in criterion 1, down 0.02 from the filled answers: put it back.
    answers["TC3.2"] += Decimal("0.02")
    result = score(TT22, answers)
    assert result.total == Decimal("84.99") and result.classification == "kha"
    assert result.to_dict()["total"] == "84.99"
    assert result.criteria[0].subtotal == Decimal("29.98")


def test_tt22_reasons_name_the_band():
    result = score(TT22, answers_totalling(TT22, 85))
    assert result.reasons[-1].message_vi == "Tổng điểm 85/100 đủ xếp loại Tốt (từ 85 điểm): Tốt."
    low = score(TT22, answers_totalling(TT22, "49.99"))
    assert low.reasons[-1].code == "below_lowest_band"
    assert "49,99" in low.reasons[-1].message_vi


TT24_FACTS = {"members_citizen_share": Decimal("0.90"), "is_provincial_educational_institution": False}


def test_tt24_members_citizen_share_below_90_percent_reaches_no_level():
    result = score(TT24, all_pass(TT24), TT24_FACTS | {"members_citizen_share": Decimal("0.89")})
    assert (result.classification, result.achieved) == ("not_achieved", False)
    assert result.unmet_dependencies == ("members_citizen_share",)
    assert [level.unmet_dependencies for level in result.levels] == [("members_citizen_share",)] * 2
    reason = next(r for r in result.reasons if r.code == "dependency_unmet")
    assert "(hiện là 89 %, cần ít nhất 90 %)" in reason.message_vi
    assert "members_citizen_share" not in reason.message_vi and "0,9" not in reason.message_vi


def test_tt24_exactly_90_percent_reaches_the_highest_level_whose_indicators_pass():
    assert score(TT24, all_pass(TT24), TT24_FACTS).classification == "level_2"
    result = score(TT24, all_pass(TT24, **{"TC1.2": False}), TT24_FACTS)
    assert result.classification == "level_1"
    assert result.levels[1].failed_indicators == ("TC1.2",)
    assert [r.code for r in result.reasons] == ["level_not_reached", "level_reached"]


def test_tt24_learners_rule_applies_only_to_provincial_educational_institutions():
    provincial = TT24_FACTS | {"is_provincial_educational_institution": True}
    result = score(TT24, all_pass(TT24), provincial | {"learners_citizen_share": 0.94})
    assert result.classification == "not_achieved"
    assert result.unmet_dependencies == ("learners_citizen_share",)
    assert score(TT24, all_pass(TT24), provincial | {"learners_citizen_share": 0.95}).classification == "level_2"
    other = score(TT24, all_pass(TT24), TT24_FACTS)
    assert [d.status for d in other.dependencies] == ["met", "not_applicable"]


def test_missing_facts_leave_their_rules_unmet_with_a_reason():
    result = score(TT24, all_pass(TT24), {})
    assert result.classification == "not_achieved"
    assert [d.status for d in result.dependencies] == ["missing_fact", "missing_fact"]
    messages = [r.message_en for r in result.reasons if r.code == "fact_missing"]
    assert "'members_citizen_share' is missing" in messages[0]
    assert "'is_provincial_educational_institution' is missing" in messages[1]
    missing_vi = [r.message_vi for r in result.reasons if r.code == "fact_missing"]
    assert not any("_share" in message for message in missing_vi)


def test_tt25_levels():
    assert score(TT25, all_pass(TT25)).classification == "level_2"
    # the raised targets of criteria 4 and 5 count at level 2 only
    level_1 = score(TT25, all_pass(TT25, **{"TC4.4": False, "TC5.4": False}))
    assert level_1.classification == "level_1"
    assert level_1.levels[1].failed_indicators == ("TC4.4", "TC5.4")
    # criteria 4 and 5 have level-1 indicators too
    assert score(TT25, all_pass(TT25, **{"TC4.1": False})).classification == "not_achieved"
    assert score(TT25, all_pass(TT25, **{"TC5.3": False})).classification == "not_achieved"
    nothing = score(TT25, all_pass(TT25, **{"TC1.1": False}))
    assert (nothing.classification, nothing.achieved) == ("not_achieved", False)
    assert nothing.reasons[-1].code == "no_level_reached"
    assert nothing.total is None and nothing.criteria[0].unmet_indicators == ("TC1.1",)


def test_provisional_family_dependency_on_adults():
    sheet = answers_totalling(FAMILY_2021, 90)
    assert score(FAMILY_2021, sheet, {"adults_citizen_share": Decimal("0.4")}).achieved
    result = score(FAMILY_2021, sheet, {"adults_citizen_share": Decimal("0.39")})
    assert (result.achieved, result.unmet_dependencies) == (False, ("adults_citizen_share",))
    assert [r.code for r in result.reasons] == ["dependency_unmet", "total_overridden"]


def test_community_clan_rule_needs_clans():
    sheet = answers_totalling(COMMUNITY_2021, 90)
    facts = {"households_family_title_share": Decimal("0.8"), "clans_count": 0}
    assert score(COMMUNITY_2021, sheet, facts).achieved
    with_clans = facts | {"clans_count": 3, "clans_clan_title_share": Decimal("0.5")}
    assert score(COMMUNITY_2021, sheet, with_clans).unmet_dependencies == ("clans_clan_title_share",)


# --- unusable input -----------------------------------------------------------------------------


def test_every_unusable_answer_is_reported_at_once():
    answers = {f"CS{n}": 8 for n in range(1, 11)}
    answers |= {"CS1": -1, "CS2": 11, "CS3": "abc", "CS4": True, "CS6": "8.12345", "CS99": 5}
    del answers["CS5"]
    with pytest.raises(AnswerError) as caught:
        score(CITIZEN, answers)
    assert [(p.subject, p.kind) for p in caught.value.problems] == [
        ("CS99", "unknown_indicator"),
        ("CS1", "negative_points"),
        ("CS2", "above_max_points"),
        ("CS3", "not_a_number"),
        ("CS4", "not_a_number"),
        ("CS5", "missing_answer"),
        ("CS6", "too_many_decimals"),
    ]
    assert all(p.message_vi and p.message_en for p in caught.value.problems)
    assert "Chỉ số CS2: 11 điểm vượt quá điểm tối đa 10." in str(caught.value)


def test_pass_fail_answers_must_be_booleans_and_options_must_exist():
    answers = all_pass(TT25) | {"TC1.1": "yes"}
    with pytest.raises(AnswerError) as caught:
        score(TT25, answers, area_class="disadvantaged", group="farmers")
    assert [(p.subject, p.kind) for p in caught.value.problems] == [
        ("area_class", "unknown_area_class"),
        ("group", "unknown_group"),
        ("TC1.1", "not_boolean"),
    ]


def test_facts_of_the_wrong_type_are_reported():
    facts = {"members_citizen_share": "most", "is_provincial_educational_institution": "no"}
    with pytest.raises(AnswerError) as caught:
        score(TT24, all_pass(TT24), facts)
    assert [(p.subject, p.kind) for p in caught.value.problems] == [
        ("members_citizen_share", "fact_not_a_number"),
        ("is_provincial_educational_institution", "fact_not_boolean"),
    ]


def test_the_documented_sheets_score_as_documented():
    document = (SHIPPED_SETS_DIR.parents[2] / "docs" / "answers-format.md").read_text(encoding="utf-8")
    citizen_json, unit_json = [part.split("```", 1)[0] for part in document.split("```json\n")[1:3]]
    citizen_doc = json.loads(citizen_json)
    result = score(
        CITIZEN,
        citizen_doc["answers"],
        citizen_doc["facts"],
        area_class=citizen_doc["area_class"],
        group=citizen_doc["group"],
    )
    assert (result.total, result.failed_floors, result.classification) == (Decimal("86.5"), ("CS5",), "not_achieved")
    unit_doc = json.loads(unit_json)
    result = score(TT24, unit_doc["answers"], unit_doc["facts"], area_class=unit_doc["area_class"])
    assert result.classification == "level_1"


def test_result_is_json_safe():
    result = score(TT24, all_pass(TT24), TT24_FACTS)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["classification"] == "level_2"
    assert data["dependencies"][0]["value"] == "0.90"
    points = json.loads(json.dumps(score(CITIZEN, citizen_sheet(85)).to_dict()))
    assert points["total"] == "85" and points["indicators"][0]["max_points"] == "10"


# --- properties ---------------------------------------------------------------------------------

TWO_PLACES = {"places": 2, "allow_nan": False, "allow_infinity": False}


@st.composite
def points_sets(draw, *, floors=True, mandatory=True, pass_marks=True):
    criteria, number = [], 0
    for c in range(draw(st.integers(1, 3))):
        indicators = []
        for _ in range(draw(st.integers(1, 4))):
            number += 1
            maximum = draw(st.decimals(min_value=1, max_value=30, **TWO_PLACES))
            indicator = {"code": f"I{number}", "text_vi": "x", "text_en": "x", "max_points": maximum, "tag": "I"}
            if floors and draw(st.booleans()):
                indicator["floor"] = draw(st.decimals(min_value=0, max_value=maximum, **TWO_PLACES))
            indicators.append(indicator)
        if mandatory and draw(st.booleans()):
            number += 1
            indicators.append(
                {
                    "code": f"I{number}",
                    "text_vi": "x",
                    "text_en": "x",
                    "kind": "pass_fail",
                    "mandatory": True,
                    "tag": "I",
                }
            )
        criteria.append({"code": f"C{c}", "name_vi": "x", "name_en": "x", "tag": "I", "indicators": indicators})
    total = sum(i["max_points"] for c in criteria for i in c["indicators"] if "max_points" in i)
    mins = draw(st.lists(st.decimals(min_value=0, max_value=total, **TWO_PLACES), min_size=1, max_size=3, unique=True))
    scoring = {
        "method": "points",
        "bands": [
            {"code": f"b{n}", "name_vi": "x", "name_en": "x", "min": m, "tag": "I"}
            for n, m in enumerate(sorted(mins, reverse=True))
        ],
    }
    if pass_marks and draw(st.booleans()):
        scoring["pass_marks"] = [{"area_class": "normal", "min": draw(st.decimals(0, total, **TWO_PLACES)), "tag": "I"}]
    return CriteriaSet.model_validate(
        {
            "title": "unit",
            "code": "random-set",
            "version": 1,
            "name_vi": "x",
            "name_en": "x",
            "effective_from": "2024-01-01",
            "status": "provisional",
            "gaps": [{"text_vi": "x", "text_en": "x"}],
            "criteria": criteria,
            "scoring": scoring,
            "recognition": {"validity_years": 1, "tag": "I"},
        }
    )


def answers_for(criteria_set: CriteriaSet):
    return st.fixed_dictionaries(
        {
            i.code: st.booleans() if i.kind == "pass_fail" else st.decimals(0, i.max_points, **TWO_PLACES)
            for i in criteria_set.indicators
        }
    )


@st.composite
def scored_sheets(draw, **options):
    criteria_set = draw(points_sets(**options))
    return criteria_set, draw(answers_for(criteria_set))


def rank(criteria_set: CriteriaSet, classification: str) -> int:
    return criteria_set.classification_codes().index(classification)


PROPERTY_SETTINGS = settings(max_examples=75, deadline=None)


@PROPERTY_SETTINGS
@given(scored_sheets())
def test_total_is_the_sum_of_its_parts(sheet):
    criteria_set, answers = sheet
    result = score(criteria_set, answers)
    points = [a for code, a in answers.items() if criteria_set.indicator(code).kind == "points"]
    assert result.total == sum(points, Decimal(0)) == sum((c.subtotal for c in result.criteria), Decimal(0))
    assert result.max_total == criteria_set.max_total == sum((c.max_subtotal for c in result.criteria), Decimal(0))


@PROPERTY_SETTINGS
@given(scored_sheets(), st.data())
def test_raising_one_indicator_never_lowers_the_classification(sheet, data):
    criteria_set, answers = sheet
    indicator = data.draw(st.sampled_from(criteria_set.indicators))
    if indicator.kind == "pass_fail":
        better = answers | {indicator.code: True}
    else:
        higher = data.draw(st.decimals(answers[indicator.code], indicator.max_points, **TWO_PLACES))
        better = answers | {indicator.code: higher}
    before, after = score(criteria_set, answers), score(criteria_set, better)
    assert rank(criteria_set, after.classification) >= rank(criteria_set, before.classification)


@PROPERTY_SETTINGS
@given(points_sets(floors=False, mandatory=False, pass_marks=False), st.data())
def test_band_edges_are_exact(criteria_set, data):
    band = data.draw(st.sampled_from(criteria_set.scoring.bands))
    assert score(criteria_set, answers_totalling(criteria_set, band.min)).classification == band.code
    if band.min > 0:
        just_below = score(criteria_set, answers_totalling(criteria_set, band.min - Decimal("0.01")))
        assert rank(criteria_set, just_below.classification) < rank(criteria_set, band.code)


@PROPERTY_SETTINGS
@given(scored_sheets(mandatory=False), st.data())
def test_a_failed_floor_overrides_any_total(sheet, data):
    criteria_set, answers = sheet
    with_floor = [i for i in criteria_set.indicators if i.floor is not None and i.floor > 0]
    assume(with_floor)
    indicator = data.draw(st.sampled_from(with_floor))
    # Everything else at its maximum: the best total a sheet failing this floor can have.
    answers = {i.code: i.max_points for i in criteria_set.indicators}
    answers[indicator.code] = data.draw(st.decimals(0, indicator.floor - Decimal("0.01"), **TWO_PLACES))
    result = score(criteria_set, answers)
    assert (result.classification, result.achieved) == ("not_achieved", False)
    assert indicator.code in result.failed_floors


@PROPERTY_SETTINGS
@given(scored_sheets(), st.data())
def test_a_failed_mandatory_indicator_overrides_any_total(sheet, data):
    criteria_set, _ = sheet
    mandatory = [i for i in criteria_set.indicators if i.mandatory]
    assume(mandatory)
    failing = data.draw(st.sampled_from(mandatory))
    answers = {i.code: True if i.kind == "pass_fail" else i.max_points for i in criteria_set.indicators}
    answers[failing.code] = False
    result = score(criteria_set, answers)
    assert result.total == criteria_set.max_total
    assert (result.classification, result.failed_mandatory) == ("not_achieved", (failing.code,))


@PROPERTY_SETTINGS
@given(scored_sheets(), st.randoms())
def test_scoring_is_deterministic(sheet, random):
    criteria_set, answers = sheet
    shuffled = list(answers.items())
    random.shuffle(shuffled)
    first, second = score(criteria_set, answers), score(criteria_set, dict(shuffled))
    assert first == second
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


@PROPERTY_SETTINGS
@given(st.fixed_dictionaries({i.code: st.booleans() for i in TT25.indicators}), st.sampled_from(TT25.indicators))
def test_levels_never_drop_when_an_indicator_passes(answers, indicator):
    before = score(TT25, answers)
    after = score(TT25, answers | {indicator.code: True})
    assert rank(TT25, after.classification) >= rank(TT25, before.classification)
    if before.classification == "level_2":
        assert all(answers.values())


@PROPERTY_SETTINGS
@given(st.decimals(0, 1, **TWO_PLACES))
def test_tt24_share_threshold_is_exact(share):
    result = score(TT24, all_pass(TT24), TT24_FACTS | {"members_citizen_share": share})
    assert result.achieved == (share >= Decimal("0.9"))
