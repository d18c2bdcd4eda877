"""Titles that depend on titles, counted and explained. Pure Python, no Django.

A family, clan or village rule reads a share: of the people a household counts (its adults), of a
clan's or village's households, of a village's clans. This module says

* who counts, from the set's data (`schema.WhoCounts`): the people of the ages the rule names, or
  another age band when the subject has nobody of those ages (an elderly household);
* the share itself, rounded down so a share never passes a threshold it misses (`share`);
* how a person reads the count: "2 trong 5 người lớn (40 %) là Công dân học tập; cần ít nhất 40 %",
  who is still waiting for a result, and how many more holders would make the rule hold. No fact
  name and no raw fraction ever reaches the text.

The caller (`assessments.subjects`) fetches the people and titles; everything decided about them
is decided here, so it can be tested exhaustively without a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hoctap.criteria import engine
from hoctap.criteria.schema import Dependency, WhoCounts

SHARE_PLACES = Decimal("0.0001")

# Without `counts` in the set, a people share counts the working age of the registry
# (registry.models.WORKING_AGE_MIN/MAX; a test checks they agree) and nobody else.
DEFAULT_WHO_COUNTS = WhoCounts(min_age=15, max_age=60, tag="I")

# What each counted fact counts and which title it reads: (noun vi, noun en, title vi, title en).
FACT_WORDS: dict[str, tuple[str, str, str, str]] = {
    "adults_citizen_share": ("người lớn", "adults", "Công dân học tập", "Learning Citizen"),
    "members_citizen_share": ("thành viên", "members", "Công dân học tập", "Learning Citizen"),
    "learners_citizen_share": ("người học", "learners", "Công dân học tập", "Learning Citizen"),
    "households_family_title_share": ("hộ", "households", "Gia đình học tập", "Learning Family"),
    "clans_clan_title_share": ("dòng họ", "clans", "Dòng họ học tập", "Learning Clan"),
    "villages_community_title_share": ("thôn", "villages", "Cộng đồng học tập", "Learning Community"),
    "organisations_unit_title_share": ("đơn vị", "units", "Đơn vị học tập", "Learning Unit"),
}


def share(part: int, whole: int) -> Decimal | None:
    """part / whole to 4 places, rounded down; None when there is nobody to count (the rule's fact
    is then missing and its rule unmet, with the reason shown)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE_PLACES, rounding=ROUND_DOWN)


# --- who counts ---------------------------------------------------------------------------------


def _in_band(age: int | None, low: int | None, high: int | None) -> bool:
    return age is not None and low is not None and age >= low and (high is None or age <= high)


def counted(rule: WhoCounts | None, ages: Sequence[int | None]) -> tuple[tuple[int, ...], bool]:
    """Which of one subject's people count (their indices) and whether the fallback band applied.

    ``ages`` are the people's ages in the assessed year (None: unknown, never counted). The main
    band first; when nobody is in it, the ``otherwise`` band, if the set gives one."""
    rule = rule or DEFAULT_WHO_COUNTS
    main = tuple(i for i, age in enumerate(ages) if _in_band(age, rule.min_age, rule.max_age))
    if main or rule.otherwise_min_age is None:
        return main, False
    fallback = tuple(i for i, age in enumerate(ages) if _in_band(age, rule.otherwise_min_age, rule.otherwise_max_age))
    return fallback, bool(fallback)


def counted_in_groups(
    rule: WhoCounts | None,
    groups: Mapping[Any, Sequence[tuple[Any, int | None]]],
) -> tuple[list[Any], set[Any]]:
    """`counted` applied to each group (a household) of (key, age) pairs: the keys counted, in
    order, and the groups whose count came from the fallback band."""
    keys, fell_back = [], set()
    for group, people in groups.items():
        chosen, fallback = counted(rule, [age for _key, age in people])
        keys.extend(people[i][0] for i in chosen)
        if fallback:
            fell_back.add(group)
    return keys, fell_back


def _band_words(low: int, high: int | None) -> tuple[str, str]:
    if high is None:
        return f"từ {low} tuổi trở lên", f"aged {low} or over"
    return f"từ {low} đến {high} tuổi", f"aged {low} to {high}"


def describe(rule: WhoCounts | None) -> tuple[str, str]:
    """Who counts, in words: "Tính người từ 15 đến 60 tuổi; hộ không có ai trong độ tuổi này thì
    tính người từ 15 tuổi trở lên (cách tính tạm, chưa có văn bản quy định)."""
    rule = rule or DEFAULT_WHO_COUNTS
    main_vi, main_en = _band_words(rule.min_age, rule.max_age)
    vi, en = f"Tính người {main_vi}", f"Counts people {main_en}"
    if rule.otherwise_min_age is not None:
        other_vi, other_en = _band_words(rule.otherwise_min_age, rule.otherwise_max_age)
        vi += f"; hộ không có ai trong độ tuổi này thì tính người {other_vi}"
        en += f"; a household with nobody of those ages counts its people {other_en}"
    if rule.tag != "V":
        vi += " (cách tính tạm, chưa có văn bản quy định; tỉnh có thể điều chỉnh)"
        en += " (a provisional rule, not found in any official text; a province can change it)"
    return vi + ".", en + "."


# --- reading a count ----------------------------------------------------------------------------


def needed(dependency: Dependency, held: int, whole: int) -> int | None:
    """The fewest more holders among the counted that make the rule hold; 0 when it holds; None
    when no number of them would (a rule of "at most", or nobody left to gain the title)."""
    if dependency.op == "is_true" or dependency.value is None or not whole:
        return None
    for more in range(0, whole - held + 1):
        if engine.dependency_met(dependency, share(held + more, whole)):
            return more
    return None


@dataclass(frozen=True)
class Count:
    """What the caller counted for one fact: the counted, those holding the title that year, those
    with an assessment of it still in progress this year (and not holding), and whether the
    set's fallback band chose the people (an elderly household)."""

    fact: str
    whole: int
    held: int
    pending: int = 0
    fallback: bool = False


@dataclass(frozen=True)
class Explanation:
    code: str
    fact: str
    applies: bool
    met: bool
    whole: int
    held: int
    pending: int
    more: int | None  # how many more holders would make it hold (None: none would, or not counted)
    fallback: bool
    summary_vi: str
    summary_en: str
    next_vi: str
    next_en: str

    @property
    def short_vi(self) -> str:
        """ "2/5 người lớn là Công dân học tập": what the review screen compares between the
        submission and now."""
        noun_vi, _noun_en, title_vi, _title_en = FACT_WORDS.get(self.fact, ("", "", "", ""))
        return f"{self.held}/{self.whole} {noun_vi} là {title_vi}"

    @property
    def short_en(self) -> str:
        _noun_vi, noun_en, _title_vi, title_en = FACT_WORDS.get(self.fact, ("", "", "", ""))
        return f"{self.held}/{self.whole} {noun_en} hold the {title_en} title"


def _percent(value: Decimal | None) -> tuple[str, str]:
    if value is None:
        return "—", "—"
    return engine.plain_share(value)


def explain(dependency: Dependency, count: Count | None, facts: Mapping[str, Any] | None = None) -> Explanation:
    """One rule, as a person reads it. ``count`` is None for a fact that counts nothing (a unit's
    kind); ``facts`` tells whether a conditional rule applies."""
    facts = facts or {}
    need_vi, need_en = engine.plain_threshold(dependency)
    applies = dependency.when is None or (
        facts.get(dependency.when.fact) is not None
        and engine.dependency_met(dependency.when, facts[dependency.when.fact])
    )
    if count is None:
        value = facts.get(dependency.fact)
        met = value is not None and engine.dependency_met(dependency, value)
        return Explanation(
            dependency.code,
            dependency.fact,
            applies,
            met or not applies,
            0,
            0,
            0,
            None,
            False,
            dependency.text_vi,
            dependency.text_en,
            "",
            "",
        )
    noun_vi, noun_en, title_vi, title_en = FACT_WORDS.get(
        dependency.fact, ("đối tượng", "subjects", "danh hiệu", "the title")
    )
    value = share(count.held, count.whole)
    met = value is not None and engine.dependency_met(dependency, value)
    if not applies:
        return Explanation(
            dependency.code,
            dependency.fact,
            False,
            True,
            count.whole,
            count.held,
            count.pending,
            0,
            count.fallback,
            "Điều kiện này không áp dụng.",
            "This condition does not apply.",
            "",
            "",
        )
    if not count.whole:
        return Explanation(
            dependency.code,
            dependency.fact,
            True,
            False,
            0,
            0,
            0,
            None,
            count.fallback,
            f"Chưa có {noun_vi} nào để tính; cần {need_vi} là {title_vi}.",
            f"There are no {noun_en} to count; needs {need_en} to hold the {title_en} title.",
            f"Hãy cập nhật danh sách {noun_vi} (năm sinh, nơi ở) trong sổ quản lý.",
            f"Update the list of {noun_en} (birth years, where they live) in the registry.",
        )
    pct_vi, pct_en = _percent(value)
    summary_vi = f"{count.held} trong {count.whole} {noun_vi} ({pct_vi}) là {title_vi}; cần {need_vi}."
    summary_en = f"{count.held} of {count.whole} {noun_en} ({pct_en}) hold the {title_en} title; needs {need_en}."
    more = needed(dependency, count.held, count.whole)
    waiting_vi = f"{count.pending} {noun_vi} đang chờ kết quả {title_vi}" if count.pending else ""
    waiting_en = f"{count.pending} of them waiting for a {title_en} result" if count.pending else ""
    if met:
        next_vi, next_en = "Đạt điều kiện này.", "This condition is met."
    elif more is None:
        next_vi = f"Không thể đạt với số {noun_vi} hiện có."
        next_en = f"It cannot be met with the {noun_en} counted now."
    else:
        next_vi = f"Cần thêm {more} {noun_vi} là {title_vi}"
        next_en = f"Needs {more} more of them to hold the {title_en} title"
        if count.pending:
            next_vi += f"; {waiting_vi}"
            next_en += f"; {waiting_en}"
            if count.pending < more:
                next_vi += f", chưa đủ: cần thêm {noun_vi} đăng ký danh hiệu {title_vi}"
                next_en += ", not enough: more of them need to register for the title"
        else:
            next_vi += f"; chưa có {noun_vi} nào đang chờ kết quả: cần đăng ký danh hiệu {title_vi}"
            next_en += "; none is waiting for a result: they need to register for the title"
        next_vi += "."
        next_en += "."
    return Explanation(
        dependency.code,
        dependency.fact,
        True,
        met,
        count.whole,
        count.held,
        count.pending,
        more,
        count.fallback,
        summary_vi,
        summary_en,
        next_vi,
        next_en,
    )
