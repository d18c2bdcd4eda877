"""Who a dependency counts and how a person reads the count (criteria/counting.py): pure, no database."""

import re
from decimal import Decimal

import pytest

from hoctap.criteria import counting, engine
from hoctap.criteria.loader import load_shipped_sets
from hoctap.criteria.schema import Dependency, WhoCounts

SETS = load_shipped_sets()
FAMILY = SETS["family-provisional-2021"]
CLAN = SETS["clan-provisional-2021"]
COMMUNITY = SETS["community-provisional-2021"]
ELDERS_TOO = WhoCounts(min_age=15, max_age=60, otherwise_min_age=15, tag="I")
WORKING_AGE_ONLY = WhoCounts(min_age=15, max_age=60, tag="I")
RAW_FRACTION = re.compile(r"(?<![\d,.])0[,.]\d")


def rule(op=">=", value="0.40", fact="adults_citizen_share"):
    return Dependency(code="r", fact=fact, op=op, value=Decimal(value), text_vi="x", text_en="x", tag="I")


# --- who counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ages, expected",
    [
        ([40, 38, 12], ((0, 1), False)),  # working-age adults only; the child does not count
        ([15, 60], ((0, 1), False)),  # both bounds are inside
        ([14, 61], ((), False)),  # nobody of working age, no fallback in this rule
        ([], ((), False)),
        ([None, 30], ((1,), False)),  # an unknown age never counts
    ],
)
def test_the_working_age_band_counts_its_people(ages, expected):
    assert counting.counted(WORKING_AGE_ONLY, ages) == expected


@pytest.mark.parametrize(
    "ages, expected",
    [
        ([80, 76], ((0, 1), True)),  # an elderly household counts its elders
        ([80, 76, 10], ((0, 1), True)),  # ...but not its grandchild
        ([80, 40], ((1,), False)),  # one working-age adult: the main band applies
        ([12, 9], ((), False)),  # children only: nobody, the fact is missing
        ([None, 70], ((1,), True)),
    ],
)
def test_the_fallback_band_applies_only_when_nobody_is_of_working_age(ages, expected):
    assert counting.counted(ELDERS_TOO, ages) == expected


def test_an_upper_bound_on_the_fallback_band_is_respected():
    rule_ = WhoCounts(min_age=18, max_age=55, otherwise_min_age=56, otherwise_max_age=75, tag="I")
    assert counting.counted(rule_, [80, 70, 17]) == ((1,), True)


def test_without_a_rule_the_default_is_the_working_age_and_nothing_else():
    assert counting.counted(None, [80, 76]) == ((), False)
    assert counting.counted(None, [30, 80]) == ((0,), False)
    assert counting.DEFAULT_WHO_COUNTS.otherwise_min_age is None


def test_groups_are_counted_household_by_household():
    groups = {"elders": [("a", 80), ("b", 76)], "young": [("c", 40), ("d", 70)], None: [("e", 30)]}
    assert counting.counted_in_groups(ELDERS_TOO, groups) == (["a", "b", "c", "e"], {"elders"})


def test_the_shipped_family_set_says_who_counts_as_provisional_data():
    dependency = FAMILY.dependencies[0]
    assert dependency.counts == WhoCounts(min_age=15, max_age=60, otherwise_min_age=15, tag="I", sources=("S12", "S16"))
    vi, en = counting.describe(dependency.counts)
    assert vi == (
        "Tính người từ 15 đến 60 tuổi; hộ không có ai trong độ tuổi này thì tính người từ 15 tuổi "
        "trở lên (cách tính tạm, chưa có văn bản quy định; tỉnh có thể điều chỉnh)."
    )
    assert "provisional" in en
    verified = counting.describe(WhoCounts(min_age=19, max_age=60, tag="V", sources=("S1",)))[0]
    assert verified == "Tính người từ 19 đến 60 tuổi."


# --- the share and what would make it hold -------------------------------------------------------------


def test_a_share_is_rounded_down_and_nobody_is_no_share():
    assert counting.share(2, 5) == Decimal("0.4")
    assert counting.share(2, 3) == Decimal("0.6666")
    assert counting.share(0, 0) is None


@pytest.mark.parametrize("op, value", [(">=", "0.40"), (">=", "0.70"), (">=", "0.65"), (">", "0.5"), (">=", "1")])
def test_needed_is_the_fewest_more_holders_for_every_count(op, value):
    dependency = rule(op, value)
    for whole in range(1, 13):
        for held in range(whole + 1):
            more = counting.needed(dependency, held, whole)

            def met(k, held=held, whole=whole):
                return engine.dependency_met(dependency, counting.share(held + k, whole))

            if more is None:
                assert not met(whole - held), (held, whole)
            else:
                assert met(more) and (more == 0 or not met(more - 1)), (held, whole, more)


def test_nothing_is_needed_for_an_at_most_rule_that_fails_nor_with_nobody_to_count():
    assert counting.needed(rule("<=", "0.2"), 3, 5) is None
    assert counting.needed(rule(), 0, 0) is None


# --- how a person reads it ------------------------------------------------------------------------


def test_the_issue_example_reads_as_written():
    explanation = counting.explain(FAMILY.dependencies[0], counting.Count("adults_citizen_share", 5, 2, 1))
    assert explanation.summary_vi == "2 trong 5 người lớn (40 %) là Công dân học tập; cần ít nhất 40 %."
    assert explanation.summary_en == "2 of 5 adults (40 %) hold the Learning Citizen title; needs at least 40 %."
    assert (explanation.met, explanation.more, explanation.next_vi) == (True, 0, "Đạt điều kiện này.")
    assert explanation.short_vi == "2/5 người lớn là Công dân học tập"
    assert explanation.short_en == "2/5 adults hold the Learning Citizen title"


def test_an_unmet_rule_says_how_many_more_and_who_is_waiting():
    dependency = FAMILY.dependencies[0]
    waiting = counting.explain(dependency, counting.Count("adults_citizen_share", 5, 1, 1))
    assert waiting.next_vi == "Cần thêm 1 người lớn là Công dân học tập; 1 người lớn đang chờ kết quả Công dân học tập."
    short = counting.explain(dependency, counting.Count("adults_citizen_share", 10, 1, 1))
    assert short.next_vi == (
        "Cần thêm 3 người lớn là Công dân học tập; 1 người lớn đang chờ kết quả Công dân học tập, "
        "chưa đủ: cần thêm người lớn đăng ký danh hiệu Công dân học tập."
    )
    nobody = counting.explain(dependency, counting.Count("adults_citizen_share", 2, 0, 0))
    assert nobody.next_vi == (
        "Cần thêm 1 người lớn là Công dân học tập; chưa có người lớn nào đang chờ kết quả: "
        "cần đăng ký danh hiệu Công dân học tập."
    )


def test_households_and_clans_are_named_as_such():
    clan = counting.explain(CLAN.dependencies[0], counting.Count("households_family_title_share", 4, 3))
    assert clan.summary_vi == "3 trong 4 hộ (75 %) là Gia đình học tập; cần ít nhất 70 %."
    clans = COMMUNITY.dependencies[1]
    assert counting.explain(clans, counting.Count("clans_clan_title_share", 1, 0), {"clans_count": 1}).summary_vi == (
        "0 trong 1 dòng họ (0 %) là Dòng họ học tập; cần ít nhất 65 %."
    )


def test_a_rule_that_does_not_apply_is_met_and_says_so():
    clans = COMMUNITY.dependencies[1]
    explanation = counting.explain(clans, counting.Count("clans_clan_title_share", 0, 0), {"clans_count": 0})
    assert (explanation.applies, explanation.met) == (False, True)
    assert explanation.summary_vi == "Điều kiện này không áp dụng."


def test_nobody_to_count_says_what_to_update():
    explanation = counting.explain(FAMILY.dependencies[0], counting.Count("adults_citizen_share", 0, 0))
    assert not explanation.met
    assert explanation.summary_vi == "Chưa có người lớn nào để tính; cần ít nhất 40 % là Công dân học tập."
    assert "sổ quản lý" in explanation.next_vi


def test_no_fact_name_nor_raw_fraction_reaches_a_person_for_any_count():
    dependencies = [d for s in SETS.values() for d in s.dependencies if d.fact in counting.FACT_WORDS]
    assert {d.fact for d in dependencies} >= {"adults_citizen_share", "households_family_title_share"}
    for dependency in dependencies:
        for whole in range(0, 8):
            for held in range(whole + 1):
                for pending in range(whole - held + 1):
                    e = counting.explain(
                        dependency,
                        counting.Count(dependency.fact, whole, held, pending),
                        {"clans_count": whole, "is_provincial_educational_institution": True},
                    )
                    for text in (e.summary_vi, e.summary_en, e.next_vi, e.next_en):
                        assert "_share" not in text and "_count" not in text, text
                        assert not RAW_FRACTION.search(text), text
                        assert dependency.code not in text, text


def test_the_default_is_the_registrys_working_age():
    from hoctap.registry.models import WORKING_AGE_MAX, WORKING_AGE_MIN

    default = counting.DEFAULT_WHO_COUNTS
    assert (default.min_age, default.max_age) == (WORKING_AGE_MIN, WORKING_AGE_MAX)
