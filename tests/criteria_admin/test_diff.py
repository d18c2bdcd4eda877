"""diff_sets: a pure comparison of two criteria sets, item by item, matched by code."""

import copy
from decimal import Decimal

from hoctap.criteria.diff import SECTIONS, diff_sets, display
from hoctap.criteria.loader import load_mapping

from .conftest import SHIPPED, set_data


def changed(old, new):
    return {
        (c.section, c.key, c.kind): {f.field: (f.old, f.new) for f in c.fields} for c in diff_sets(old, new).changes
    }


def variant(base, edit):
    data = copy.deepcopy(set_data(base))
    data["criteria"] = [dict(c, indicators=[dict(i) for i in c["indicators"]]) for c in data["criteria"]]
    data["scoring"] = dict(data["scoring"])
    edit(data)
    return load_mapping(data)


def indicator(data, code):
    return next(i for c in data["criteria"] for i in c["indicators"] if i["code"] == code)


def test_identical_sets_have_no_changes():
    citizen = SHIPPED["citizen-677-2022"]
    result = diff_sets(citizen, citizen)
    assert result.is_empty and result.counts() == {"added": 0, "removed": 0, "changed": 0}


def test_the_version_number_alone_is_not_a_change():
    citizen = SHIPPED["citizen-677-2022"]
    assert diff_sets(citizen, citizen.model_copy(update={"version": 2})).is_empty


def test_points_floor_text_and_hints_of_an_indicator():
    def edit(data):
        cs1 = indicator(data, "CS1")
        cs1.update(floor=Decimal(4), text_vi="Đọc sách mỗi tuần.", evidence_hints=("Sổ đọc sách",))

    new = variant("citizen-677-2022", edit)
    assert changed(SHIPPED["citizen-677-2022"], new) == {
        ("indicators", "CS1", "changed"): {
            "floor": (Decimal(5), Decimal(4)),
            "text_vi": (SHIPPED["citizen-677-2022"].indicator("CS1").text_vi, "Đọc sách mỗi tuần."),
            "evidence_hints": (SHIPPED["citizen-677-2022"].indicator("CS1").evidence_hints, ("Sổ đọc sách",)),
        },
    }


def test_added_and_removed_indicators_change_the_maximum_total():
    def edit(data):
        first = data["criteria"][0]
        first["indicators"] = [
            *first["indicators"][1:],
            {
                "code": "CS99",
                "text_vi": "Mới",
                "text_en": "New",
                "max_points": Decimal(10),
                "tag": "I",
            },
        ]

    changes = changed(SHIPPED["citizen-677-2022"], variant("citizen-677-2022", edit))
    assert ("indicators", "CS99", "added") in changes and ("indicators", "CS1", "removed") in changes
    # Same total: one indicator of 10 points for another.
    assert ("set", "citizen-677-2022", "changed") not in changes


def test_an_indicator_moved_to_another_criterion_is_changed_not_replaced():
    def edit(data):
        moved = data["criteria"][0]["indicators"].pop(0)
        data["criteria"][1]["indicators"].insert(0, moved)
        for criterion in data["criteria"][:2]:
            criterion.pop("max_points", None)

    changes = changed(SHIPPED["citizen-677-2022"], variant("citizen-677-2022", edit))
    assert changes[("indicators", "CS1", "changed")] == {"criterion": ("NL1", "NL2")}


def test_pass_marks_bands_levels_and_dependencies():
    banded = SHIPPED["unit-tt22-2020"]

    def edit_bands(data):
        data["scoring"]["bands"] = [dict(b) for b in data["scoring"]["bands"]]
        data["scoring"]["bands"][0]["min"] = data["scoring"]["bands"][0]["min"] - 1
        data["scoring"]["bands"].pop()

    changes = changed(banded, variant("unit-tt22-2020", edit_bands))
    top, last = banded.scoring.bands[0], banded.scoring.bands[-1]
    assert changes[("bands", top.code, "changed")] == {"min": (top.min, top.min - 1)}
    assert ("bands", last.code, "removed") in changes

    citizen = SHIPPED["citizen-677-2022"]

    def edit_citizen(data):
        data["scoring"]["pass_marks"] = [dict(m) for m in data["scoring"]["pass_marks"]]
        data["scoring"]["pass_marks"][1]["min"] = Decimal(65)

    assert changed(citizen, variant("citizen-677-2022", edit_citizen)) == {
        ("pass_marks", "disadvantaged", "changed"): {"min": (Decimal(70), Decimal(65))},
    }

    unit = SHIPPED["unit-tt24-2023"]

    def edit_unit(data):
        data["scoring"]["levels"] = [dict(level) for level in data["scoring"]["levels"]]
        data["scoring"]["levels"][0]["required_indicators"] = "all"
        data["dependencies"] = [dict(d) for d in data["dependencies"]]
        data["dependencies"][0]["value"] = Decimal("0.85")

    changes = changed(unit, variant("unit-tt24-2023", edit_unit))
    level, dependency = unit.scoring.levels[0], unit.dependencies[0]
    assert changes[("levels", level.code, "changed")] == {"required_indicators": (level.required_indicators, "all")}
    assert changes[("dependencies", dependency.code, "changed")] == {"value": (dependency.value, Decimal("0.85"))}


def test_numbers_compare_by_value():
    def edit(data):
        indicator(data, "CS1")["max_points"] = Decimal("10.00")

    assert diff_sets(SHIPPED["citizen-677-2022"], variant("citizen-677-2022", edit)).is_empty


def test_two_different_sets_compare_as_a_whole():
    result = diff_sets(SHIPPED["family-448-2015"], SHIPPED["family-provisional-2021"])
    sections = [name for name, _changes in result.by_section()]
    assert sections == [name for name in SECTIONS if name in sections]  # in sheet order
    assert {"set", "gaps", "indicators"} <= set(sections)
    assert result.to_dict()["old"] == {"code": "family-448-2015", "version": 1}


def test_display_is_short_and_language_neutral():
    assert display(Decimal("84.50")) == "84.5"
    assert display(None) == "—" and display(True) == "✓" and display(()) == "—"
    assert display(("a", "b")) == "a; b"
    assert display({"fact": "x", "op": ">=", "value": Decimal("0.9")}) == "x >= 0.9"
