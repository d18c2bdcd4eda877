"""The criteria file format: structure, cross-field checks, error reporting, YAML round trip."""

import copy
import datetime
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pydantic
import pytest

from hoctap.criteria.loader import load_file, load_mapping, load_text, to_yaml
from hoctap.criteria.schema import CriteriaFileError, CriteriaSet

REPO = Path(__file__).resolve().parents[2]

EXAMPLE = {
    "title": "family",
    "code": "family-example-2024",
    "version": 2,
    "name_vi": "Bộ tiêu chí mẫu",
    "name_en": "Example set",
    "issuing_document": "QĐ 1/QĐ-XYZ",
    "issued_on": datetime.date(2024, 1, 15),
    "effective_from": datetime.date(2024, 2, 1),
    "status": "partial",
    "gaps": [{"text_vi": "Thiếu chỉ số TC2.2.", "text_en": "TC2.2 is missing."}],
    "sources": ["S1", "S2"],
    "source_urls": ["https://example.org/qd-1"],
    "applicability": {
        "subject_groups": [
            {"code": "farmers", "name_vi": "Nông dân", "name_en": "Farmers", "tag": "V", "sources": ["S1"]},
        ],
        "area_classes": ["normal", "disadvantaged"],
    },
    "criteria": [
        {
            "code": "TC1",
            "name_vi": "Tiêu chí 1",
            "name_en": "Criterion 1",
            "max_points": 60,
            "tag": "V",
            "sources": ["S1"],
            "indicators": [
                {
                    "code": "TC1.1",
                    "text_vi": "Chỉ số 1",
                    "text_en": "Indicator 1",
                    "max_points": 30,
                    "floor": 10,
                    "evidence_hints": ["Giấy xác nhận"],
                    "evidence_code_pattern": r"^H1\.\d{2}$",
                    "group_texts": [
                        {"group": "farmers", "text_vi": "Cho nông dân", "text_en": "For farmers", "tag": "I"},
                    ],
                    "tag": "V",
                    "sources": ["S1"],
                },
                {
                    "code": "TC1.2",
                    "text_vi": "Chỉ số 2",
                    "text_en": "Indicator 2",
                    "max_points": Decimal(30),
                    "tag": "P",
                    "sources": ["S2"],
                },
            ],
        },
        {
            "code": "TC2",
            "name_vi": "Tiêu chí 2",
            "name_en": "Criterion 2",
            "tag": "I",
            "indicators": [
                {
                    "code": "TC2.1",
                    "text_vi": "Chỉ số 3",
                    "text_en": "Indicator 3",
                    "max_points": Decimal(40),
                    "tag": "I",
                },
                {
                    "code": "TC2.2",
                    "text_vi": "Không vi phạm pháp luật",
                    "text_en": "No law broken",
                    "kind": "pass_fail",
                    "mandatory": True,
                    "placeholder": True,
                    "tag": "I",
                },
            ],
        },
    ],
    "scoring": {
        "method": "points",
        "bands": [
            {"code": "tot", "name_vi": "Tốt", "name_en": "Good", "min": 85, "tag": "V", "sources": ["S2"]},
            {"code": "kha", "name_vi": "Khá", "name_en": "Fair", "min": Decimal("70.5"), "tag": "V", "sources": ["S2"]},
        ],
        "pass_marks": [
            {"area_class": "normal", "min": 70, "tag": "I"},
            {"area_class": "disadvantaged", "min": 60, "placeholder": True, "tag": "I"},
        ],
    },
    "dependencies": [
        {
            "code": "adults",
            "fact": "adults_citizen_share",
            "op": ">=",
            "value": Decimal("0.4"),
            "when": {"fact": "has_adults", "op": "is_true"},
            "text_vi": "Người lớn là CDHT",
            "text_en": "Adults are learning citizens",
            "tag": "I",
        },
    ],
    "recognition": {"validity_years": 1, "tag": "I"},
}


def example(**changes):
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def problems_of(data) -> set[tuple[str, str]]:
    with pytest.raises(CriteriaFileError) as caught:
        load_mapping(data, "example.yaml")
    return {(p.path, p.kind) for p in caught.value.problems}


def test_example_loads_with_exact_decimals_and_helpers():
    criteria_set = load_mapping(EXAMPLE, "example.yaml")
    assert criteria_set.max_total == Decimal(100)
    assert criteria_set.scoring.bands[1].min == Decimal("70.5")
    assert criteria_set.required_facts() == ("adults_citizen_share", "has_adults")
    assert criteria_set.classification_codes() == ("not_achieved", "kha", "tot")
    assert criteria_set.indicator("TC1.1").text_for("farmers") == ("Cho nông dân", "For farmers")
    assert criteria_set.indicator("TC1.1").text_for(None) == ("Chỉ số 1", "Indicator 1")
    assert criteria_set.is_effective_on(datetime.date(2024, 2, 1))
    assert not criteria_set.is_effective_on(datetime.date(2024, 1, 31))


def test_sets_are_frozen():
    criteria_set = load_mapping(EXAMPLE)
    with pytest.raises(pydantic.ValidationError):
        criteria_set.code = "other"
    assert isinstance(criteria_set.criteria, tuple)


def test_yaml_keeps_decimals_exact():
    text = to_yaml(load_mapping(EXAMPLE)).replace("min: 70.5", "min: 84.99")
    assert load_text(text).scoring.bands[1].min == Decimal("84.99")


def test_to_yaml_round_trip_gives_an_equal_set():
    criteria_set = load_mapping(EXAMPLE)
    text = to_yaml(criteria_set)
    assert load_text(text, "again.yaml") == criteria_set
    assert "kind: points" not in text  # defaults are left out


def test_fingerprint_ignores_how_numbers_are_written_but_not_content():
    base = load_mapping(EXAMPLE)
    data = example()
    data["criteria"][0]["indicators"][0]["max_points"] = Decimal("30.00")
    assert load_mapping(data).fingerprint() == base.fingerprint()
    data["criteria"][0]["indicators"][0]["text_vi"] = "Chỉ số một"
    assert load_mapping(data).fingerprint() != base.fingerprint()


MALFORMED = textwrap.dedent("""\
    title: family
    code: family-broken
    version: zero
    name_vi: Bộ lỗi
    name_en: Broken set
    effective_from: 2024-05-01
    effective_to: 2024-01-01
    status: partial
    gaps: []
    sources: [S1]
    criteria:
      - code: TC1
        name_vi: Tiêu chí 1
        name_en: Criterion 1
        tag: V
        sources: [S1]
        indicators:
          - code: TC1.1
            text_vi: Một
            text_en: One
            max_points: 10
            evidence_code_pattern: "([unclosed"
            tag: V
            sources: [S1, S99]
          - code: TC1.2
            text_vi: Hai
            text_en: Two
            max_points: ten
            tag: I
          - code: TC1.3
            text_vi: Ba
            text_en: Three
            max_point: 5
            tag: I
      - code: TC2
        name_vi: Tiêu chí 2
        name_en: Criterion 2
        max_points: 25
        tag: I
        indicators:
          - code: TC2.1
            text_vi: Bốn
            text_en: Four
            max_points: 10
            floor: 12
            tag: I
          - code: TC1.1
            text_vi: Năm
            text_en: Five
            max_points: 10
            tag: I
    scoring:
      method: points
      bands:
        - {code: tot, name_vi: Tốt, name_en: Good, min: 80, tag: I}
        - {code: kha, name_vi: Khá, name_en: Fair, min: 90, tag: I}
    recognition:
      validity_years: 1
      tag: I
""")


def test_malformed_file_reports_every_problem_with_path_and_line():
    with pytest.raises(CriteriaFileError) as caught:
        load_text(MALFORMED, "broken.yaml")
    problems = caught.value.problems
    found = {(p.path, p.kind) for p in problems}
    assert found == {
        ("version", "int_parsing"),
        ("effective_to", "dates_out_of_order"),
        ("gaps", "missing_gaps"),
        ("criteria[0].indicators[0].evidence_code_pattern", "bad_pattern"),
        ("criteria[0].indicators[0].sources[1]", "unlisted_source"),
        ("criteria[0].indicators[1].max_points", "decimal_parsing"),
        ("criteria[0].indicators[2].max_point", "extra_forbidden"),
        ("criteria[0].indicators[2].max_points", "missing_max_points"),
        ("criteria[1].max_points", "criterion_total_mismatch"),
        ("criteria[1].indicators[0].floor", "floor_above_max"),
        ("criteria[1].indicators[1].code", "duplicate_code"),
        ("scoring.bands[1].min", "bands_not_decreasing"),
    }
    lines = MALFORMED.splitlines()
    for problem in problems:
        assert problem.source == "broken.yaml"
        assert problem.message_vi and problem.message_en and problem.message_vi != problem.message_en
        assert problem.line is not None
        leaf = problem.path.rsplit(".", 1)[-1].split("[")[0]
        if problem.kind not in ("missing_max_points", "bands_not_decreasing"):
            assert leaf in lines[problem.line - 1], (problem, lines[problem.line - 1])
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert "version" in str(caught.value)


def test_levels_set_mistakes_name_their_paths():
    data = example()
    data["scoring"] = {
        "method": "levels",
        "levels": [
            {"code": "level_1", "name_vi": "Mức 1", "name_en": "Level 1", "required_indicators": ["TC9.9"], "tag": "I"},
            {"code": "not_achieved", "name_vi": "Mức 2", "name_en": "Level 2", "required_indicators": "al", "tag": "I"},
        ],
        "bands": [{"code": "tot", "name_vi": "Tốt", "name_en": "Good", "min": 1, "tag": "I"}],
    }
    data["dependencies"] = [
        {
            "code": "share",
            "fact": "share",
            "op": ">=",
            "applies_to_levels": ["level_3"],
            "text_vi": "x",
            "text_en": "x",
            "tag": "I",
        },
        {"code": "flag", "fact": "flag", "op": "is_true", "value": 1, "text_vi": "x", "text_en": "x", "tag": "I"},
    ]
    data["recognition"] = {"validity_years": 3, "upgrade_after_months": 12, "tag": "I"}
    assert problems_of(data) == {
        ("criteria[0].indicators[0].kind", "points_in_levels_set"),
        ("criteria[0].indicators[1].kind", "points_in_levels_set"),
        ("criteria[1].indicators[0].kind", "points_in_levels_set"),
        ("scoring.bands", "points_rule_in_levels_set"),
        ("scoring.levels[0].required_indicators[0]", "unknown_indicator"),
        ("scoring.levels[1].code", "reserved_code"),
        ("scoring.levels[1].required_indicators", "literal_error"),
        ("dependencies[0].value", "missing_value"),
        ("dependencies[0].applies_to_levels[0]", "unknown_level"),
        ("dependencies[1].value", "unexpected_value"),
    }


def test_points_set_rules():
    data = example()
    data["criteria"][1]["indicators"][1]["mandatory"] = False
    data["criteria"][0]["indicators"][1]["mandatory"] = True
    data["scoring"]["pass_marks"] = [{"area_class": "disadvantaged", "min": 50, "tag": "I"}]
    data["recognition"] = {"validity_years": 1, "upgrade_after_months": 12, "tag": "I"}
    data["dependencies"][0]["applies_to_levels"] = ["level_1"]
    data["scoring"]["bands"][0]["min"] = 101
    assert problems_of(data) == {
        ("scoring.bands[0].min", "threshold_above_total"),
        ("criteria[0].indicators[1].mandatory", "mandatory_points"),
        ("criteria[1].indicators[1].mandatory", "pass_fail_without_effect"),
        ("scoring.pass_marks", "missing_normal_pass_mark"),
        ("recognition.upgrade_after_months", "upgrade_without_levels"),
        ("dependencies[0].applies_to_levels", "levels_in_points_set"),
    }


def test_group_texts_must_name_declared_groups():
    data = example()
    data["criteria"][0]["indicators"][0]["group_texts"].append(
        {"group": "sailors", "text_vi": "x", "text_en": "x", "tag": "I"}
    )
    assert problems_of(data) == {("criteria[0].indicators[0].group_texts[1].group", "unknown_group")}


def test_provisional_and_partial_sets_must_list_gaps():
    assert problems_of(example(status="provisional", gaps=[])) == {("gaps", "missing_gaps")}


def test_an_official_set_can_hold_nothing_unverified():
    found = problems_of(example(status="official"))
    assert ("gaps", "official_with_gaps") in found
    assert ("criteria[1].tag", "official_with_inference") in found
    assert ("criteria[1].indicators[1].placeholder", "official_with_placeholder") in found
    assert ("scoring.pass_marks[1].placeholder", "official_with_placeholder") in found
    assert ("recognition.tag", "official_with_inference") in found


def test_a_placeholder_cannot_be_verified_and_verified_facts_need_sources():
    data = example()
    data["criteria"][1]["indicators"][1]["tag"] = "V"
    assert problems_of(data) == {
        ("criteria[1].indicators[1].tag", "placeholder_verified"),
        ("criteria[1].indicators[1].sources", "missing_sources"),
    }


def test_issue_date_must_not_follow_the_effective_date():
    assert problems_of(example(issued_on=datetime.date(2024, 3, 1))) == {("effective_from", "dates_out_of_order")}


def test_unknown_area_class_in_pass_marks_and_missing_normal():
    data = example()
    data["applicability"]["area_classes"] = ["disadvantaged"]
    assert problems_of(data) == {
        ("applicability.area_classes", "missing_normal_area"),
        ("scoring.pass_marks[0].area_class", "unknown_area_class"),
    }


def test_area_rules_map_designations_to_declared_area_classes():
    data = example()
    data["scoring"]["area_rules"] = [
        {"designation": "zone_3", "area_class": "disadvantaged", "placeholder": True, "tag": "I"},
        {"designation": "village_extreme", "area_class": "disadvantaged", "tag": "P", "sources": ["S1"]},
    ]
    criteria_set = load_mapping(data, "example.yaml")
    assert criteria_set.area_class_for("zone_3") == "disadvantaged"
    assert criteria_set.area_class_for("zone_1") == "normal" and criteria_set.area_class_for(None) == "normal"
    data["scoring"]["area_rules"] += [
        {"designation": "zone_3", "area_class": "normal", "tag": "I"},  # twice
        {"designation": "zone_2", "area_class": "remote", "tag": "I"},  # not an area class at all
        {"designation": "zone_9", "area_class": "normal", "tag": "I"},  # not a designation
    ]
    data["applicability"]["area_classes"] = ["normal"]  # disadvantaged no longer declared
    found = problems_of(data)
    assert ("scoring.area_rules[0].area_class", "unknown_area_class") in found
    assert ("scoring.area_rules[2].designation", "duplicate_code") in found
    assert {path for path, _kind in found} >= {"scoring.area_rules[3].area_class", "scoring.area_rules[4].designation"}
    # a rule that holds a placeholder is not official content
    data = example(status="official", gaps=[])
    data["scoring"]["area_rules"] = [
        {"designation": "zone_3", "area_class": "disadvantaged", "placeholder": True, "tag": "I"}
    ]
    found = problems_of(data)
    assert ("scoring.area_rules[0].placeholder", "official_with_placeholder") in found


def test_the_citizen_set_gives_zone_iii_and_extremely_disadvantaged_villages_the_70_point_mark():
    from hoctap.criteria import engine
    from hoctap.criteria.loader import SHIPPED_SETS_DIR

    citizen = load_file(SHIPPED_SETS_DIR / "citizen-677-2022.yaml")
    assert {r.designation: (r.area_class, r.placeholder, r.tag) for r in citizen.scoring.area_rules} == {
        "zone_3": ("disadvantaged", True, "I"),
        "village_extreme": ("disadvantaged", True, "I"),
        "zone_2": ("normal", True, "I"),
        "zone_1": ("normal", True, "I"),
    }
    assert engine.pass_mark(citizen, citizen.area_class_for("zone_3")) == Decimal(70)
    assert engine.pass_mark(citizen, citizen.area_class_for(None)) == Decimal(80)


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(CriteriaFileError) as caught:
        load_text("title: family\ncode: [unclosed\nversion: 1\n", "bad.yaml")
    (problem,) = caught.value.problems
    assert problem.kind == "yaml_syntax" and problem.line == 3


def test_duplicate_keys_are_reported_rather_than_silently_overwritten():
    text = to_yaml(load_mapping(EXAMPLE)).replace("version: 2\n", "version: 2\nversion: 3\n")
    with pytest.raises(CriteriaFileError) as caught:
        load_text(text, "dup.yaml")
    assert [(p.path, p.kind, p.line) for p in caught.value.problems] == [("version", "duplicate_key", 4)]


def test_not_a_mapping_and_not_utf8(tmp_path):
    with pytest.raises(CriteriaFileError) as caught:
        load_text("- just\n- a list\n", "list.yaml")
    assert caught.value.problems[0].kind == "not_a_mapping"
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Gia đình".encode("utf-16"))
    with pytest.raises(CriteriaFileError) as caught:
        load_file(path)
    assert caught.value.problems[0].kind == "encoding"
    assert caught.value.problems[0].source == "latin1.yaml"


def test_direct_construction_also_runs_the_consistency_checks():
    data = example()
    data["criteria"][1]["indicators"][0]["code"] = "TC1.1"
    with pytest.raises(pydantic.ValidationError, match="Duplicate indicator code"):
        CriteriaSet.model_validate(data)


def test_problems_render_in_both_languages():
    with pytest.raises(CriteriaFileError) as caught:
        load_text(MALFORMED, "broken.yaml")
    vietnamese, english = caught.value.render("vi"), caught.value.render("en")
    assert "Cần một số nguyên" in vietnamese and "A whole number is expected" in english
    assert "broken.yaml [line 3, version]" in english
    first = caught.value.problems[0].as_dict()
    assert set(first) >= {"source", "path", "kind", "message_vi", "message_en", "line", "sheet", "row", "column"}


def test_the_documented_example_loads():
    document = (REPO / "docs" / "criteria-format.md").read_text(encoding="utf-8")
    example_yaml = document.split("## Example\n\n```yaml\n", 1)[1].split("```", 1)[0]
    criteria_set = load_text(example_yaml, "criteria-format.md")
    assert criteria_set.required_facts() == (
        "is_provincial_educational_institution",
        "learners_citizen_share",
        "members_citizen_share",
    )


def test_pure_modules_do_not_import_django():
    """The criteria modules must run where Django is absent (command line, workers, other apps)."""
    script = textwrap.dedent("""
        import sys
        from hoctap.criteria import counting, engine, loader, schema, xlsx
        sets = loader.load_shipped_sets()
        citizen = sets["citizen-677-2022"]
        engine.score(citizen, {i.code: 8 for i in citizen.indicators})
        xlsx.import_xlsx(xlsx.export_xlsx(citizen))
        loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
        print(loaded)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def with_counts(counts, fact="adults_citizen_share"):
    data = example()
    data["dependencies"][0].update(fact=fact, counts=counts)
    return data


def test_who_counts_is_data_on_a_people_share():
    criteria_set = load_mapping(
        with_counts({"min_age": 15, "max_age": 60, "otherwise_min_age": 15, "tag": "I", "sources": ["S1"]}),
        "example.yaml",
    )
    counts = criteria_set.dependencies[0].counts
    assert (counts.min_age, counts.max_age, counts.otherwise_min_age, counts.otherwise_max_age) == (15, 60, 15, None)
    again = load_text(to_yaml(criteria_set), "again.yaml")
    assert again == criteria_set


@pytest.mark.parametrize(
    "counts, fact, expected",
    [
        (
            {"min_age": 15, "tag": "I"},
            "households_family_title_share",
            {("dependencies[0].counts", "counts_not_people")},
        ),
        (
            {"min_age": 60, "max_age": 15, "tag": "I"},
            "adults_citizen_share",
            {("dependencies[0].counts.max_age", "ages_out_of_order")},
        ),
        (
            {"min_age": 15, "otherwise_min_age": 70, "otherwise_max_age": 60, "tag": "I"},
            "adults_citizen_share",
            {("dependencies[0].counts.otherwise_max_age", "ages_out_of_order")},
        ),
        (
            {"min_age": 15, "otherwise_max_age": 60, "tag": "I"},
            "adults_citizen_share",
            {("dependencies[0].counts.otherwise_min_age", "missing_value")},
        ),
        ({"min_age": 15, "tag": "V"}, "adults_citizen_share", {("dependencies[0].counts.sources", "missing_sources")}),
        (
            {"min_age": 15, "tag": "I", "sources": ["S9"]},
            "adults_citizen_share",
            {("dependencies[0].counts.sources[0]", "unlisted_source")},
        ),
    ],
)
def test_who_counts_is_checked_where_it_is_written(counts, fact, expected):
    assert expected <= problems_of(with_counts(counts, fact))


@pytest.mark.parametrize(
    "counts",
    [
        {"min_age": -1, "tag": "I"},
        {"min_age": "mười lăm", "tag": "I"},
        {"min_age": 15},
        {"max_age": 60, "tag": "I"},
        {"min_age": 15, "tag": "I", "upto": 3},
        {"min_age": 131, "tag": "I"},
    ],
)
def test_a_malformed_who_counts_is_refused_with_its_path(counts):
    assert any(path.startswith("dependencies[0].counts") for path, _kind in problems_of(with_counts(counts)))
