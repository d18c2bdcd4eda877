"""Score one answer sheet against a criteria set.

Pure Python and deterministic: the same set, answers and facts always give the same result, with
exact Decimal arithmetic (84.99 stays 84.99) and every reason for the outcome spelt out in
Vietnamese and English.

Precedence, as the official texts apply it: a failed floor, a failed mandatory indicator or an
unmet dependency withholds the title whatever the total; for a levels set a level is reached only
when its required indicators pass and the dependencies that apply to it hold, and the result is
the highest level reached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    localcontext,
)
from typing import Any, Literal

from hoctap.criteria.schema import (
    ACHIEVED,
    AREA_CLASS_NAMES,
    NOT_ACHIEVED,
    POINTS_DECIMAL_PLACES,
    Band,
    Condition,
    CriteriaSet,
    Dependency,
    Indicator,
    PassMark,
)

# Any rounding would be a bug: trap it instead of letting a total drift.
_EXACT = Context(prec=40, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact, Rounded])

_OPERATOR_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}

DependencyStatus = Literal["met", "unmet", "missing_fact", "not_applicable"]


# --- errors in the input ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerProblem:
    """One unusable answer or fact. ``subject`` is the indicator code, fact name, or option name."""

    subject: str
    kind: str
    message_vi: str
    message_en: str


class AnswerError(ValueError):
    """The answers or facts cannot be scored; ``problems`` lists every reason at once."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems: tuple[AnswerProblem, ...] = tuple(problems)
        super().__init__("\n".join(f"{p.subject}: {p.message_vi}" for p in self.problems))


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """Why the result is what it is. ``code`` names the kind of reason; ``subject`` what it is about."""

    code: str
    message_vi: str
    message_en: str
    subject: str | None = None


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    criterion: str
    kind: str
    text_vi: str
    text_en: str
    points: Decimal | None
    max_points: Decimal | None
    passed: bool | None
    floor: Decimal | None
    below_floor: bool
    mandatory: bool
    # Points indicators are met unless below their floor; pass/fail ones when they pass.
    met: bool


@dataclass(frozen=True)
class CriterionResult:
    code: str
    name_vi: str
    name_en: str
    subtotal: Decimal | None
    max_subtotal: Decimal | None
    met_indicators: tuple[str, ...]
    unmet_indicators: tuple[str, ...]


@dataclass(frozen=True)
class DependencyResult:
    code: str
    fact: str
    status: DependencyStatus
    met: bool
    value: Decimal | bool | None
    text_vi: str
    text_en: str


@dataclass(frozen=True)
class LevelResult:
    code: str
    name_vi: str
    name_en: str
    reached: bool
    passed_indicators: tuple[str, ...]
    failed_indicators: tuple[str, ...]
    unmet_dependencies: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    criteria_set_code: str
    criteria_set_version: int
    method: str
    area_class: str
    group: str | None
    indicators: tuple[IndicatorResult, ...]
    criteria: tuple[CriterionResult, ...]
    # Points sets only; None for levels sets, which count indicators instead of adding points.
    total: Decimal | None
    max_total: Decimal | None
    pass_mark: Decimal | None
    levels: tuple[LevelResult, ...]
    failed_floors: tuple[str, ...]
    failed_mandatory: tuple[str, ...]
    dependencies: tuple[DependencyResult, ...]
    unmet_dependencies: tuple[str, ...]
    classification: str
    classification_name_vi: str
    classification_name_en: str
    achieved: bool
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form: Decimals become strings so no digit is lost on the way."""
        return _jsonable(self)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: _jsonable(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    return value


# --- number handling ------------------------------------------------------------------------------


def _vi(number: Decimal) -> str:
    """Vietnamese writes the decimal separator as a comma."""
    return format(number, "f").replace(".", ",")


def _en(number: Decimal) -> str:
    return format(number, "f")


def _as_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from an int, Decimal, float or numeric text; None if it is not a number.

    Floats go through their shortest repr, so 84.99 becomes Decimal('84.99'), not the binary
    neighbour. Text may use the Vietnamese decimal comma.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def _decimal_places(number: Decimal) -> int:
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite numbers only reach here
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - trailing_zeros)


# --- input checking -----------------------------------------------------------------------------


def _check_options(
    criteria_set: CriteriaSet,
    area_class: str,
    group: str | None,
    problems: list[AnswerProblem],
) -> None:
    declared = criteria_set.applicability.area_classes
    if area_class not in declared:
        problems.append(
            AnswerProblem(
                "area_class",
                "unknown_area_class",
                f"Loại địa bàn «{area_class}» không áp dụng cho bộ tiêu chí {criteria_set.code} "
                f"(có: {', '.join(declared)}).",
                f"Area class '{area_class}' does not apply to criteria set {criteria_set.code} "
                f"(available: {', '.join(declared)}).",
            )
        )
    groups = [g.code for g in criteria_set.applicability.subject_groups]
    if group is not None and group not in groups:
        available = ", ".join(groups) or "—"
        problems.append(
            AnswerProblem(
                "group",
                "unknown_group",
                f"Nhóm đối tượng «{group}» không có trong bộ tiêu chí {criteria_set.code} (có: {available}).",
                f"Subject group '{group}' is not in criteria set {criteria_set.code} (available: {available}).",
            )
        )


def _read_answers(
    criteria_set: CriteriaSet,
    answers: Mapping[str, Any],
    problems: list[AnswerProblem],
) -> dict[str, Decimal | bool]:
    known = {indicator.code for indicator in criteria_set.indicators}
    for code in sorted(str(c) for c in answers if c not in known):
        problems.append(
            AnswerProblem(
                code,
                "unknown_indicator",
                f"Chỉ số «{code}» không có trong bộ tiêu chí {criteria_set.code}.",
                f"Indicator '{code}' is not in criteria set {criteria_set.code}.",
            )
        )
    values: dict[str, Decimal | bool] = {}
    for indicator in criteria_set.indicators:
        code = indicator.code
        if code not in answers or answers[code] is None:
            problems.append(
                AnswerProblem(
                    code,
                    "missing_answer",
                    f"Thiếu kết quả của chỉ số {code}.",
                    f"Indicator {code} has no answer.",
                )
            )
            continue
        raw = answers[code]
        if indicator.kind == "pass_fail":
            if isinstance(raw, bool):
                values[code] = raw
            else:
                problems.append(
                    AnswerProblem(
                        code,
                        "not_boolean",
                        f"Chỉ số {code} là đạt/không đạt: cần true hoặc false, nhận được «{raw}».",
                        f"Indicator {code} is pass/fail: true or false is expected, got '{raw}'.",
                    )
                )
            continue
        points = _as_decimal(raw)
        if points is None:
            problems.append(
                AnswerProblem(
                    code,
                    "not_a_number",
                    f"Chỉ số {code} cần số điểm, nhận được «{raw}».",
                    f"Indicator {code} needs a number of points, got '{raw}'.",
                )
            )
        elif points < 0:
            problems.append(
                AnswerProblem(
                    code,
                    "negative_points",
                    f"Chỉ số {code}: điểm không được âm ({_vi(points)}).",
                    f"Indicator {code}: points cannot be negative ({_en(points)}).",
                )
            )
        elif indicator.max_points is not None and points > indicator.max_points:
            problems.append(
                AnswerProblem(
                    code,
                    "above_max_points",
                    f"Chỉ số {code}: {_vi(points)} điểm vượt quá điểm tối đa {_vi(indicator.max_points)}.",
                    f"Indicator {code}: {_en(points)} points is above the maximum {_en(indicator.max_points)}.",
                )
            )
        elif _decimal_places(points) > POINTS_DECIMAL_PLACES:
            problems.append(
                AnswerProblem(
                    code,
                    "too_many_decimals",
                    f"Chỉ số {code}: điểm có tối đa {POINTS_DECIMAL_PLACES} chữ số thập phân.",
                    f"Indicator {code}: points have at most {POINTS_DECIMAL_PLACES} decimal places.",
                )
            )
        else:
            values[code] = points
    return values


def _check_fact_type(
    condition: Condition | Dependency, facts: Mapping[str, Any], problems: list[AnswerProblem]
) -> None:
    value = facts.get(condition.fact)
    if value is None:
        return
    if condition.op == "is_true":
        if not isinstance(value, bool):
            problems.append(
                AnswerProblem(
                    condition.fact,
                    "fact_not_boolean",
                    f"Dữ kiện «{condition.fact}» cần là true hoặc false, nhận được «{value}».",
                    f"Fact '{condition.fact}' must be true or false, got '{value}'.",
                )
            )
    elif _as_decimal(value) is None:
        problems.append(
            AnswerProblem(
                condition.fact,
                "fact_not_a_number",
                f"Dữ kiện «{condition.fact}» cần là một số, nhận được «{value}».",
                f"Fact '{condition.fact}' must be a number, got '{value}'.",
            )
        )


# --- dependencies -------------------------------------------------------------------------------


def _holds(condition: Condition | Dependency, value: Any) -> bool:
    if condition.op == "is_true":
        return value is True
    number = _as_decimal(value)
    threshold = condition.value
    assert number is not None and threshold is not None  # checked before evaluation
    match condition.op:
        case ">=":
            return number >= threshold
        case ">":
            return number > threshold
        case "<=":
            return number <= threshold
        case "<":
            return number < threshold
        case _:
            return number == threshold


def dependency_met(dependency: Dependency, value: Any) -> bool:
    """Whether a fact's value meets a dependency rule (the comparison `score` makes)."""
    return _holds(dependency, value)


# How a person reads a rule's comparison: "ít nhất 40 %", never "≥ 0,40".
_PLAIN_OPERATORS = {
    ">=": ("ít nhất", "at least"),
    ">": ("trên", "more than"),
    "<=": ("nhiều nhất", "at most"),
    "<": ("dưới", "less than"),
    "==": ("đúng", "exactly"),
}


def _plain_number(fact: str, value: Any) -> tuple[str, str]:
    """A fact's value as a person reads it: a share (`…_share`, 0…1) as a percentage."""
    number = _as_decimal(value)
    assert number is not None
    if fact.endswith("_share"):
        text = format(number * 100, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return f"{text.replace('.', ',')} %", f"{text} %"
    return _vi(number), _en(number)


def plain_share(value: Any) -> tuple[str, str]:
    """A share (0…1) as a person reads it: "40 %", never "0,40"."""
    return _plain_number("_share", value)


def plain_threshold(dependency: Dependency) -> tuple[str, str]:
    """What a rule needs, as a person reads it: "ít nhất 40 %" ("" for a yes/no rule)."""
    if dependency.op == "is_true" or dependency.value is None:
        return "", ""
    op_vi, op_en = _PLAIN_OPERATORS[dependency.op]
    need_vi, need_en = _plain_number(dependency.fact, dependency.value)
    return f"{op_vi} {need_vi}", f"{op_en} {need_en}"


def _plain_requirement(dependency: Dependency, value: Any) -> tuple[str, str]:
    """ "(hiện là 0 %, cần ít nhất 40 %)" — no fact name, no raw fraction."""
    if dependency.op == "is_true":
        return "", ""
    assert dependency.value is not None
    op_vi, op_en = _PLAIN_OPERATORS[dependency.op]
    now_vi, now_en = _plain_number(dependency.fact, value)
    need_vi, need_en = _plain_number(dependency.fact, dependency.value)
    return f" (hiện là {now_vi}, cần {op_vi} {need_vi})", f" (now {now_en}, needs {op_en} {need_en})"


def _evaluate_dependency(
    dependency: Dependency,
    facts: Mapping[str, Any],
    reasons: list[Reason],
) -> DependencyResult:
    def result(status: DependencyStatus, value: Any = None) -> DependencyResult:
        stored = value if isinstance(value, bool) or value is None else _as_decimal(value)
        return DependencyResult(
            dependency.code,
            dependency.fact,
            status,
            status in ("met", "not_applicable"),
            stored,
            dependency.text_vi,
            dependency.text_en,
        )

    when = dependency.when
    if when is not None:
        if facts.get(when.fact) is None:
            reasons.append(
                Reason(
                    "fact_missing",
                    f"Điều kiện chưa đạt vì chưa có số liệu để biết điều kiện có áp dụng hay không: "
                    f"{dependency.text_vi}",
                    f"Condition not met: there are no data to tell whether it applies ('{when.fact}' "
                    f"is missing): {dependency.text_en}",
                    dependency.code,
                )
            )
            return result("missing_fact")
        if not _holds(when, facts[when.fact]):
            return result("not_applicable")

    value = facts.get(dependency.fact)
    if value is None:
        reasons.append(
            Reason(
                "fact_missing",
                f"Điều kiện chưa đạt vì chưa có ai để tính: {dependency.text_vi}",
                f"Condition not met: there is nobody to count ('{dependency.fact}' is missing): {dependency.text_en}",
                dependency.code,
            )
        )
        return result("missing_fact")
    if _holds(dependency, value):
        return result("met", value)
    plain_vi, plain_en = _plain_requirement(dependency, value)
    reasons.append(
        Reason(
            "dependency_unmet",
            f"Điều kiện chưa đạt: {dependency.text_vi}{plain_vi}.",
            f"Condition not met: {dependency.text_en}{plain_en}.",
            dependency.code,
        )
    )
    return result("unmet", value)


# --- scoring ------------------------------------------------------------------------------------


def score(
    criteria_set: CriteriaSet,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any] | None = None,
    *,
    area_class: str = "normal",
    group: str | None = None,
) -> Result:
    """Score ``answers`` (indicator code → points, or bool for pass/fail indicators).

    ``facts`` feed the dependency rules (e.g. ``members_citizen_share``: 0.9); a missing fact leaves
    its rule unmet. Raises :class:`AnswerError` listing every unusable answer, fact or option.
    """
    facts = facts or {}
    problems: list[AnswerProblem] = []
    _check_options(criteria_set, area_class, group, problems)
    values = _read_answers(criteria_set, answers, problems)
    for dependency in criteria_set.dependencies:
        _check_fact_type(dependency, facts, problems)
        if dependency.when is not None:
            _check_fact_type(dependency.when, facts, problems)
    if problems:
        raise AnswerError(problems)

    with localcontext(_EXACT):
        reasons: list[Reason] = []
        indicator_results = _indicator_results(criteria_set, values, group)
        by_code = {result.code: result for result in indicator_results}
        failed_floors = tuple(r.code for r in indicator_results if r.below_floor)
        failed_mandatory = tuple(r.code for r in indicator_results if r.mandatory and not r.met)
        for code in failed_floors:
            indicator = by_code[code]
            assert indicator.points is not None and indicator.floor is not None
            reasons.append(
                Reason(
                    "floor_failed",
                    f"Chỉ số {code} đạt {_vi(indicator.points)} điểm, dưới mức sàn {_vi(indicator.floor)} điểm.",
                    f"Indicator {code} scored {_en(indicator.points)} points, below its floor of "
                    f"{_en(indicator.floor)}.",
                    code,
                )
            )
        for code in failed_mandatory:
            reasons.append(
                Reason(
                    "mandatory_failed",
                    f"Chỉ số bắt buộc {code} không đạt: {by_code[code].text_vi}",
                    f"Mandatory indicator {code} is not met: {by_code[code].text_en}",
                    code,
                )
            )
        dependency_results = tuple(
            _evaluate_dependency(dependency, facts, reasons) for dependency in criteria_set.dependencies
        )
        unmet_dependencies = tuple(d.code for d in dependency_results if not d.met)
        criteria_results = _criterion_results(criteria_set, by_code)
        common = {
            "criteria_set_code": criteria_set.code,
            "criteria_set_version": criteria_set.version,
            "method": criteria_set.scoring.method,
            "area_class": area_class,
            "group": group,
            "indicators": indicator_results,
            "criteria": criteria_results,
            "failed_floors": failed_floors,
            "failed_mandatory": failed_mandatory,
            "dependencies": dependency_results,
            "unmet_dependencies": unmet_dependencies,
        }
        if criteria_set.scoring.method == "levels":
            return _classify_by_levels(criteria_set, by_code, dependency_results, reasons, common)
        return _classify_by_points(criteria_set, criteria_results, area_class, reasons, common)


def _indicator_results(
    criteria_set: CriteriaSet,
    values: Mapping[str, Decimal | bool],
    group: str | None,
) -> tuple[IndicatorResult, ...]:
    results = []
    for criterion in criteria_set.criteria:
        for indicator in criterion.indicators:
            results.append(_indicator_result(criterion.code, indicator, values[indicator.code], group))
    return tuple(results)


def _indicator_result(
    criterion_code: str,
    indicator: Indicator,
    value: Decimal | bool,
    group: str | None,
) -> IndicatorResult:
    text_vi, text_en = indicator.text_for(group)
    if indicator.kind == "pass_fail":
        assert isinstance(value, bool)
        return IndicatorResult(
            indicator.code,
            criterion_code,
            indicator.kind,
            text_vi,
            text_en,
            None,
            None,
            value,
            None,
            False,
            indicator.mandatory,
            value,
        )
    assert isinstance(value, Decimal)
    below_floor = indicator.floor is not None and value < indicator.floor
    return IndicatorResult(
        indicator.code,
        criterion_code,
        indicator.kind,
        text_vi,
        text_en,
        value,
        indicator.max_points,
        None,
        indicator.floor,
        below_floor,
        indicator.mandatory,
        not below_floor,
    )


def _criterion_results(
    criteria_set: CriteriaSet,
    by_code: Mapping[str, IndicatorResult],
) -> tuple[CriterionResult, ...]:
    points_set = criteria_set.scoring.method == "points"
    results = []
    for criterion in criteria_set.criteria:
        members = [by_code[indicator.code] for indicator in criterion.indicators]
        subtotal = max_subtotal = None
        if points_set:
            subtotal = sum((m.points for m in members if m.points is not None), Decimal(0))
            max_subtotal = sum((m.max_points for m in members if m.max_points is not None), Decimal(0))
        results.append(
            CriterionResult(
                criterion.code,
                criterion.name_vi,
                criterion.name_en,
                subtotal,
                max_subtotal,
                tuple(m.code for m in members if m.met),
                tuple(m.code for m in members if not m.met),
            )
        )
    return tuple(results)


def _pass_mark(criteria_set: CriteriaSet, area_class: str) -> PassMark | None:
    marks = {mark.area_class: mark for mark in criteria_set.scoring.pass_marks}
    return marks.get(area_class) or marks.get("normal")


def pass_mark(criteria_set: CriteriaSet, area_class: str) -> Decimal | None:
    """The total a points set needs in ``area_class`` (its own mark, else the normal one); None
    for a levels set or a set classified by bands only."""
    mark = _pass_mark(criteria_set, area_class)
    return mark.min if mark is not None else None


def _classify_by_points(
    criteria_set: CriteriaSet,
    criteria_results: tuple[CriterionResult, ...],
    area_class: str,
    reasons: list[Reason],
    common: dict[str, Any],
) -> Result:
    total = sum((c.subtotal for c in criteria_results if c.subtotal is not None), Decimal(0))
    max_total = criteria_set.max_total
    bands = criteria_set.scoring.bands
    band: Band | None = next((b for b in bands if total >= b.min), None)
    mark = _pass_mark(criteria_set, area_class)
    area_vi, area_en = AREA_CLASS_NAMES[area_class]

    below_mark = mark is not None and total < mark.min
    below_bands = bool(bands) and band is None
    blocked = bool(common["failed_floors"] or common["failed_mandatory"] or common["unmet_dependencies"])
    if below_mark:
        assert mark is not None
        reasons.append(
            Reason(
                "below_pass_mark",
                f"Tổng điểm {_vi(total)}/{_vi(max_total)} thấp hơn ngưỡng đạt {_vi(mark.min)} ({area_vi}).",
                f"Total {_en(total)}/{_en(max_total)} is below the pass mark of {_en(mark.min)} ({area_en}).",
            )
        )
    if below_bands:
        lowest = bands[-1]
        reasons.append(
            Reason(
                "below_lowest_band",
                f"Tổng điểm {_vi(total)}/{_vi(max_total)} thấp hơn mức xếp loại thấp nhất "
                f"({lowest.name_vi}, từ {_vi(lowest.min)} điểm).",
                f"Total {_en(total)}/{_en(max_total)} is below the lowest band "
                f"({lowest.name_en}, from {_en(lowest.min)} points).",
            )
        )
    total_qualifies = not below_mark and not below_bands
    achieved = total_qualifies and not blocked
    if achieved:
        classification, name_vi, name_en = (
            (band.code, band.name_vi, band.name_en) if band else (ACHIEVED, "Đạt", "Achieved")
        )
    else:
        classification, name_vi, name_en = NOT_ACHIEVED, "Không đạt", "Not achieved"
    if total_qualifies:
        standing_vi, standing_en = _standing(band, mark, area_vi, area_en)
        if achieved:
            reasons.append(
                Reason(
                    "band_reached" if band else "pass_mark_reached",
                    f"Tổng điểm {_vi(total)}/{_vi(max_total)} {standing_vi}: {name_vi}.",
                    f"Total {_en(total)}/{_en(max_total)} {standing_en}: {name_en}.",
                )
            )
        else:
            reasons.append(
                Reason(
                    "total_overridden",
                    f"Tổng điểm {_vi(total)}/{_vi(max_total)} {standing_vi}, nhưng không được công nhận "
                    "vì các lý do nêu trên.",
                    f"Total {_en(total)}/{_en(max_total)} {standing_en}, but the title is withheld for "
                    "the reasons above.",
                )
            )
    return Result(
        **common,
        total=total,
        max_total=max_total,
        pass_mark=mark.min if mark else None,
        levels=(),
        classification=classification,
        classification_name_vi=name_vi,
        classification_name_en=name_en,
        achieved=achieved,
        reasons=tuple(reasons),
    )


def _standing(
    band: Band | None,
    mark: PassMark | None,
    area_vi: str,
    area_en: str,
) -> tuple[str, str]:
    """Where a qualifying total stands: the band it reaches, or the pass mark it clears."""
    if band is not None:
        return (
            f"đủ xếp loại {band.name_vi} (từ {_vi(band.min)} điểm)",
            f"is enough for {band.name_en} (from {_en(band.min)} points)",
        )
    assert mark is not None
    return (
        f"từ ngưỡng đạt {_vi(mark.min)} trở lên ({area_vi})",
        f"is at or above the pass mark of {_en(mark.min)} ({area_en})",
    )


def _classify_by_levels(
    criteria_set: CriteriaSet,
    by_code: Mapping[str, IndicatorResult],
    dependency_results: tuple[DependencyResult, ...],
    reasons: list[Reason],
    common: dict[str, Any],
) -> Result:
    all_codes = tuple(by_code)
    dependencies = {dependency.code: dependency for dependency in criteria_set.dependencies}
    levels = []
    for level in criteria_set.scoring.levels:
        required = all_codes if level.required_indicators == "all" else level.required_indicators
        unmet = tuple(d.code for d in dependency_results if not d.met and dependencies[d.code].applies_to(level.code))
        failed = tuple(code for code in required if not by_code[code].met)
        levels.append(
            LevelResult(
                level.code,
                level.name_vi,
                level.name_en,
                not failed and not unmet and not common["failed_mandatory"],
                tuple(code for code in required if by_code[code].met),
                failed,
                unmet,
            )
        )
    reached_index = max((i for i, level in enumerate(levels) if level.reached), default=-1)
    for level in levels[reached_index + 1 :]:
        blockers_vi, blockers_en = [], []
        if level.failed_indicators:
            blockers_vi.append("chỉ số chưa đạt " + ", ".join(level.failed_indicators))
            blockers_en.append("indicators not met: " + ", ".join(level.failed_indicators))
        if level.unmet_dependencies:
            # The conditions are spelt out in their own reasons above; a code would mean nothing here.
            unmet = len(level.unmet_dependencies)
            blockers_vi.append("điều kiện nêu trên chưa đạt" if unmet == 1 else f"{unmet} điều kiện nêu trên chưa đạt")
            blockers_en.append(
                "the condition above is not met" if unmet == 1 else f"{unmet} conditions above are not met"
            )
        if common["failed_mandatory"]:
            blockers_vi.append("chỉ số bắt buộc chưa đạt " + ", ".join(common["failed_mandatory"]))
            blockers_en.append("mandatory indicators not met: " + ", ".join(common["failed_mandatory"]))
        reasons.append(
            Reason(
                "level_not_reached",
                f"Chưa đạt {level.name_vi}: {'; '.join(blockers_vi)}.",
                f"{level.name_en} not reached: {'; '.join(blockers_en)}.",
                level.code,
            )
        )
    if reached_index >= 0:
        reached = levels[reached_index]
        reasons.append(
            Reason(
                "level_reached",
                f"Đạt {reached.name_vi}.",
                f"{reached.name_en} reached.",
                reached.code,
            )
        )
        classification, name_vi, name_en = reached.code, reached.name_vi, reached.name_en
    else:
        reasons.append(Reason("no_level_reached", "Không đạt mức độ nào.", "No level is reached."))
        classification, name_vi, name_en = NOT_ACHIEVED, "Không đạt", "Not achieved"
    return Result(
        **common,
        total=None,
        max_total=None,
        pass_mark=None,
        levels=tuple(levels),
        classification=classification,
        classification_name_vi=name_vi,
        classification_name_en=name_en,
        achieved=reached_index >= 0,
        reasons=tuple(reasons),
    )
