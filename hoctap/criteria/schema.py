"""The criteria-set file format as pydantic v2 models, plus the checks that span several fields.

Pure Python: nothing here imports Django, so the format can be validated from the command line,
in a worker, or in a browser-side build without the application.

Two layers of checking exist on purpose:

* the models check each value on its own (types, required fields, enumerations, patterns);
* :func:`find_consistency_problems` checks what spans fields (unique codes, band order, floors
  against maxima, references between levels and indicators, status against gaps...).

The second layer works on the raw mapping and tolerates broken values, so a file with mistakes of
both kinds gets every problem reported in one pass instead of one layer at a time.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationInfo,
    model_validator,
)

from hoctap.territory.area_codes import DESIGNATION_CODES

# --- vocabularies -----------------------------------------------------------------------------

TitleCode = Literal[
    "family",
    "clan",
    "community",
    "commune_community",
    "province_community",
    "unit",
    "citizen",
]
Status = Literal["official", "partial", "provisional"]
# How sure we are of a fact, as in the domain notes: verified, partly verified, inferred.
ProvenanceTag = Literal["V", "P", "I"]
AreaClass = Literal["normal", "disadvantaged"]
# A unit's designation on a legal list (zones I-III of QĐ 861/QĐ-TTg, extremely disadvantaged
# villages of QĐ 612/QĐ-UBDT): the territory app keeps them, a set maps them to its area classes.
DesignationCode = Literal[DESIGNATION_CODES]
AdminLevel = Literal["commune", "district", "province"]
IndicatorKind = Literal["points", "pass_fail"]
ScoringMethod = Literal["points", "levels"]
Operator = Literal[">=", ">", "<=", "<", "==", "is_true"]

COMPARISON_OPERATORS: frozenset[str] = frozenset({">=", ">", "<=", "<", "=="})

# Classification codes the engine produces itself, so no band or level may use them.
NOT_ACHIEVED = "not_achieved"
ACHIEVED = "achieved"
RESERVED_CODES: frozenset[str] = frozenset({NOT_ACHIEVED, ACHIEVED})

# Points and thresholds carry at most this many decimal places; with it every sum the engine
# makes stays exact, and an answer such as 1E-100 cannot force rounding.
POINTS_DECIMAL_PLACES = 4
POINTS_MAX_DIGITS = 12

AREA_CLASS_NAMES: dict[str, tuple[str, str]] = {
    "normal": ("địa bàn thông thường", "ordinary area"),
    "disadvantaged": (
        "vùng sâu, vùng xa, vùng đặc biệt khó khăn, vùng đồng bào dân tộc thiểu số",
        "remote, especially difficult or ethnic-minority area",
    ),
}

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]*$"
SET_CODE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
FACT_PATTERN = r"^[a-z][a-z0-9_]*$"
SOURCE_ID_PATTERN = r"^S[0-9]+$"
URL_PATTERN = r"^https?://\S+$"

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=64)]
SetCode = Annotated[str, StringConstraints(pattern=SET_CODE_PATTERN, max_length=80)]
FactName = Annotated[str, StringConstraints(pattern=FACT_PATTERN, max_length=64)]
SourceId = Annotated[str, StringConstraints(pattern=SOURCE_ID_PATTERN)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]
Points = Annotated[
    Decimal,
    Field(ge=0, max_digits=POINTS_MAX_DIGITS, decimal_places=POINTS_DECIMAL_PLACES),
]
PositivePoints = Annotated[
    Decimal,
    Field(gt=0, max_digits=POINTS_MAX_DIGITS, decimal_places=POINTS_DECIMAL_PLACES),
]
Threshold = Annotated[
    Decimal,
    Field(max_digits=POINTS_MAX_DIGITS, decimal_places=POINTS_DECIMAL_PLACES),
]


def _selection_branch(value: Any) -> str:
    # Any string goes to the "all" branch so a typo such as "al" is reported as "should be 'all'"
    # rather than "should be a list".
    return "<all>" if isinstance(value, str) else "<codes>"


# Either the word ``all`` or an explicit list of codes. The tagged union keeps error paths free of
# pydantic's per-branch noise; the loader drops segments written in angle brackets.
Selection = Annotated[
    Annotated[tuple[Code, ...], Tag("<codes>")] | Annotated[Literal["all"], Tag("<all>")],
    Discriminator(_selection_branch),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class BilingualText(_Model):
    text_vi: Text
    text_en: Text


class SubjectGroup(_Model):
    """A group of people assessed with their own wording (e.g. farmers, workers, officials)."""

    code: Code
    name_vi: Text
    name_en: Text
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class Applicability(_Model):
    subject_groups: tuple[SubjectGroup, ...] = ()
    # Empty when the title is not tied to an administrative level (families, citizens...).
    admin_levels: tuple[AdminLevel, ...] = ()
    area_classes: tuple[AreaClass, ...] = ("normal",)


class GroupText(_Model):
    """How one subject group's form words an indicator; the indicator and its points stay the same."""

    group: Code
    text_vi: Text
    text_en: Text
    tag: ProvenanceTag


class Indicator(_Model):
    code: Code
    text_vi: Text
    text_en: Text
    kind: IndicatorKind = "points"
    max_points: PositivePoints | None = None
    floor: Points | None = None
    mandatory: bool = False
    # True when the official content was not found and this entry only holds its place.
    placeholder: bool = False
    evidence_hints: tuple[Text, ...] = ()
    evidence_code_pattern: str | None = None
    # This indicator says whether its holder has digital skills (the 677/QĐ-TTg target "learning
    # citizens with digital skills"): a reviewed score at or above this counts (stats/digital.py).
    digital_skills_from: Points | None = None
    group_texts: tuple[GroupText, ...] = ()
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()

    def text_for(self, group: str | None) -> tuple[str, str]:
        """The (Vietnamese, English) wording shown to ``group``, or the common wording."""
        for entry in self.group_texts:
            if entry.group == group:
                return entry.text_vi, entry.text_en
        return self.text_vi, self.text_en


class Criterion(_Model):
    code: Code
    name_vi: Text
    name_en: Text
    # The subtotal the source states, when it states one; it must equal the indicators' sum.
    max_points: PositivePoints | None = None
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class Band(_Model):
    code: Code
    name_vi: Text
    name_en: Text
    min: Points
    placeholder: bool = False
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class PassMark(_Model):
    area_class: AreaClass
    min: Points
    placeholder: bool = False
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class AreaRule(_Model):
    """The area class of this set that a unit's designation gives (e.g. zone III → disadvantaged).
    A designation without a rule, and a unit without a designation, are ``normal``."""

    designation: DesignationCode
    area_class: AreaClass
    placeholder: bool = False
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class Level(_Model):
    code: Code
    name_vi: Text
    name_en: Text
    required_indicators: Selection
    placeholder: bool = False
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class Scoring(_Model):
    method: ScoringMethod
    # Ordered from the highest band down; the highest band whose ``min`` the total reaches wins.
    bands: tuple[Band, ...] = ()
    pass_marks: tuple[PassMark, ...] = ()
    # Which area class (and so which pass mark) each designation of a unit gives.
    area_rules: tuple[AreaRule, ...] = ()
    # Ordered low to high; the result is the highest level reached.
    levels: tuple[Level, ...] = ()


class Condition(_Model):
    fact: FactName
    op: Operator
    value: Threshold | None = None


# Facts that are a share of people; only these may say who counts (`Dependency.counts`).
PEOPLE_SHARE_FACTS: frozenset[str] = frozenset({"adults_citizen_share"})
MAX_AGE = 130


class WhoCounts(_Model):
    """Who a share of people counts, as data a province can change: the people aged
    ``min_age``..``max_age`` (inclusive, ``max_age`` empty = no upper bound) in the assessed year;
    when the subject has nobody of those ages, the people aged ``otherwise_min_age``..
    ``otherwise_max_age`` instead (both empty: nobody, and the rule's fact is missing)."""

    min_age: int = Field(ge=0, le=MAX_AGE)
    max_age: int | None = Field(default=None, ge=0, le=MAX_AGE)
    otherwise_min_age: int | None = Field(default=None, ge=0, le=MAX_AGE)
    otherwise_max_age: int | None = Field(default=None, ge=0, le=MAX_AGE)
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class Dependency(_Model):
    """A rule on facts the caller computes (shares of members holding another title, unit kind...)."""

    code: Code
    fact: FactName
    op: Operator
    value: Threshold | None = None
    # The rule only applies when this condition holds (e.g. the unit is an educational institution).
    when: Condition | None = None
    applies_to_levels: Selection = "all"
    # Who the fact counts (people shares only); absent: the caller's default (working age 15-60).
    counts: WhoCounts | None = None
    text_vi: Text
    text_en: Text
    placeholder: bool = False
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()

    def applies_to(self, level_code: str) -> bool:
        return self.applies_to_levels == "all" or level_code in self.applies_to_levels


class Recognition(_Model):
    validity_years: int = Field(ge=1, le=10)
    upgrade_after_months: int | None = Field(default=None, ge=1, le=120)
    tag: ProvenanceTag
    sources: tuple[SourceId, ...] = ()


class CriteriaSet(_Model):
    title: TitleCode
    code: SetCode
    version: int = Field(ge=1)
    name_vi: Text
    name_en: Text
    issuing_document: Text | None = None
    issued_on: datetime.date | None = None
    related_documents: tuple[Text, ...] = ()
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    status: Status
    gaps: tuple[BilingualText, ...] = ()
    sources: tuple[SourceId, ...] = ()
    source_urls: tuple[Url, ...] = ()
    applicability: Applicability = Applicability()
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    scoring: Scoring
    dependencies: tuple[Dependency, ...] = ()
    recognition: Recognition

    @model_validator(mode="after")
    def _check_consistency(self, info: ValidationInfo) -> CriteriaSet:
        # The loader runs the consistency checks itself on the raw file, next to the structural
        # errors, and asks the model not to repeat them. Any other construction gets them here.
        if info.context and info.context.get("skip_consistency_checks"):
            return self
        problems = find_consistency_problems(self.model_dump(), source="<model>")
        if problems:
            raise ValueError("; ".join(f"{p.path}: {p.message_en}" for p in problems))
        return self

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(indicator for criterion in self.criteria for indicator in criterion.indicators)

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    @property
    def max_total(self) -> Decimal:
        """The most points a sheet can score (zero for a levels set)."""
        return sum((i.max_points for i in self.indicators if i.max_points is not None), Decimal(0))

    def required_facts(self) -> tuple[str, ...]:
        """Every fact name the dependencies read, sorted; callers must supply each of them."""
        names = {dependency.fact for dependency in self.dependencies}
        names.update(d.when.fact for d in self.dependencies if d.when is not None)
        return tuple(sorted(names))

    def area_rule(self, designation: str | None) -> AreaRule | None:
        """The rule for a unit's designation (None: no rule, the unit is ``normal``)."""
        return next((rule for rule in self.scoring.area_rules if rule.designation == designation), None)

    def area_class_for(self, designation: str | None) -> str:
        """The area class a unit with ``designation`` (or none) is assessed in."""
        rule = self.area_rule(designation)
        return rule.area_class if rule is not None else "normal"

    def classification_codes(self) -> tuple[str, ...]:
        """Every classification this set can give, from lowest to highest."""
        if self.scoring.method == "levels":
            return (NOT_ACHIEVED, *(level.code for level in self.scoring.levels))
        if self.scoring.bands:
            return (NOT_ACHIEVED, *(band.code for band in reversed(self.scoring.bands)))
        return (NOT_ACHIEVED, ACHIEVED)

    def is_effective_on(self, day: datetime.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def fingerprint(self) -> str:
        """SHA-256 of a canonical form: equal sets share it, whatever file format they came from."""
        canonical = json.dumps(
            self.model_dump(mode="python"),
            default=_canonical_value,
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical_value(value: Any) -> str:
    if isinstance(value, Decimal):
        # 10, 10.0 and 10.00 are the same number and must hash the same.
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


# --- problems -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One mistake in a criteria file: where it is, what kind it is, and why, in two languages.

    ``path`` points inside the document (``criteria[1].indicators[0].max_points``); ``line`` is set
    for YAML files, ``sheet``/``row``/``column`` for workbooks.
    """

    source: str
    path: str
    kind: str
    message_vi: str
    message_en: str
    line: int | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def location(self) -> str:
        if self.sheet is not None:
            cell = f"{self.column or ''}{self.row or ''}"
            return f"{self.sheet}!{cell}" if cell else self.sheet
        if self.line is not None:
            return f"line {self.line}"
        return ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def render(self, language: Literal["vi", "en"] = "vi") -> str:
        message = self.message_vi if language == "vi" else self.message_en
        where = ", ".join(part for part in (self.location(), self.path) if part)
        return f"{self.source} [{where}]: {message}" if where else f"{self.source}: {message}"


class CriteriaFileError(ValueError):
    """A criteria file (YAML, workbook or mapping) that cannot be loaded, with every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.render("vi"))

    def render(self, language: Literal["vi", "en"] = "vi") -> str:
        return "\n".join(problem.render(language) for problem in self.problems)


# --- consistency checks on raw data ------------------------------------------------------------

# Marks a value that is present but unusable; the structural layer already reports it, so the
# consistency checks that need it are skipped instead of adding a misleading second problem.
_BROKEN = object()


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _number(value: Any) -> Decimal | object | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return _BROKEN
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, (float, str)):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return _BROKEN
    else:
        return _BROKEN
    return number if number.is_finite() else _BROKEN


def _date(value: Any) -> datetime.date | object | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return _BROKEN
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return _BROKEN
    return _BROKEN


def _fmt(number: Decimal) -> str:
    return format(number, "f")


class _Checker:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: str, kind: str, message_vi: str, message_en: str) -> None:
        self.problems.append(Problem(self.source, path, kind, message_vi, message_en))


def _walk_indicators(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for ci, criterion in enumerate(_items(data.get("criteria"))):
        for ii, indicator in enumerate(_items(_mapping(criterion).get("indicators"))):
            if isinstance(indicator, Mapping):
                yield f"criteria[{ci}].indicators[{ii}]", indicator


def _walk_provenance(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every entry that carries ``tag`` and ``sources``, with its path."""
    applicability = _mapping(data.get("applicability"))
    for gi, group in enumerate(_items(applicability.get("subject_groups"))):
        yield f"applicability.subject_groups[{gi}]", _mapping(group)
    for ci, criterion in enumerate(_items(data.get("criteria"))):
        yield f"criteria[{ci}]", _mapping(criterion)
    yield from _walk_indicators(data)
    scoring = _mapping(data.get("scoring"))
    for key in ("bands", "pass_marks", "area_rules", "levels"):
        for index, entry in enumerate(_items(scoring.get(key))):
            yield f"scoring.{key}[{index}]", _mapping(entry)
    for di, dependency in enumerate(_items(data.get("dependencies"))):
        yield f"dependencies[{di}]", _mapping(dependency)
        if isinstance(_mapping(dependency).get("counts"), Mapping):
            yield f"dependencies[{di}].counts", dependency["counts"]
    if isinstance(data.get("recognition"), Mapping):
        yield "recognition", data["recognition"]


def find_consistency_problems(data: Mapping[str, Any], source: str) -> list[Problem]:
    """Check what spans several fields of a criteria document given as a plain mapping.

    Values that are missing or of the wrong type are skipped here: the structural validation
    reports those. Returns the problems in document order.
    """
    check = _Checker(source)
    data = _mapping(data)
    indicator_codes = _check_codes(check, data)
    _check_indicators(check, data)
    max_total = _check_criteria_totals(check, data)
    _check_scoring(check, data, indicator_codes, max_total)
    _check_dependencies(check, data)
    _check_applicability(check, data)
    _check_provenance(check, data)
    _check_status(check, data)
    _check_dates(check, data)
    _check_recognition(check, data)
    return check.problems


def _report_duplicates(
    check: _Checker,
    entries: list[tuple[str, Any]],
    what_vi: str,
    what_en: str,
) -> None:
    seen: set[str] = set()
    for path, code in entries:
        if not isinstance(code, str):
            continue
        if code in seen:
            check.add(
                path,
                "duplicate_code",
                f"Mã {what_vi} «{code}» bị trùng; mỗi mã chỉ được dùng một lần.",
                f"Duplicate {what_en} code '{code}'; each code may be used once.",
            )
        seen.add(code)


def _report_duplicate_codes(check: _Checker, path: str, entries: list[Any], what_vi: str, what_en: str) -> None:
    """Duplicate ``code`` values among the entries of the list at ``path``."""
    codes = [(f"{path}[{index}].code", _mapping(entry).get("code")) for index, entry in enumerate(entries)]
    _report_duplicates(check, codes, what_vi, what_en)


def _check_codes(check: _Checker, data: Mapping[str, Any]) -> set[str]:
    _report_duplicate_codes(check, "criteria", _items(data.get("criteria")), "tiêu chí", "criterion")
    indicators = [(f"{path}.code", indicator.get("code")) for path, indicator in _walk_indicators(data)]
    _report_duplicates(check, indicators, "chỉ số", "indicator")
    return {code for _, code in indicators if isinstance(code, str)}


def _check_indicators(check: _Checker, data: Mapping[str, Any]) -> None:
    group_codes = {_mapping(g).get("code") for g in _items(_mapping(data.get("applicability")).get("subject_groups"))}
    digital = [path for path, indicator in _walk_indicators(data) if indicator.get("digital_skills_from") is not None]
    for path in digital[1:]:
        check.add(
            f"{path}.digital_skills_from",
            "second_digital_skills_indicator",
            "Chỉ một chỉ số của bộ tiêu chí được ghi là chỉ số kỹ năng số (digital_skills_from).",
            "Only one indicator of a set may be marked as the digital-skills indicator (digital_skills_from).",
        )
    for path, indicator in _walk_indicators(data):
        code = indicator.get("code", "?")
        kind = indicator.get("kind", "points")
        max_points = _number(indicator.get("max_points"))
        floor = _number(indicator.get("floor"))
        digital_from = _number(indicator.get("digital_skills_from"))
        if digital_from is not None and (
            kind != "points"
            or (isinstance(max_points, Decimal) and isinstance(digital_from, Decimal) and digital_from > max_points)
        ):
            check.add(
                f"{path}.digital_skills_from",
                "digital_skills_from_out_of_range",
                f"Mức tính kỹ năng số của chỉ số {code} phải là một số điểm không quá điểm tối đa của chỉ số "
                "tính điểm.",
                f"The digital-skills mark of indicator {code} must be a score no higher than the maximum of a "
                "points indicator.",
            )
        if kind == "points":
            if max_points is None:
                check.add(
                    f"{path}.max_points",
                    "missing_max_points",
                    f"Chỉ số {code} tính điểm nên cần có điểm tối đa (max_points).",
                    f"Indicator {code} is scored in points, so it needs max_points.",
                )
            if isinstance(max_points, Decimal) and isinstance(floor, Decimal) and floor > max_points:
                check.add(
                    f"{path}.floor",
                    "floor_above_max",
                    f"Điểm sàn {_fmt(floor)} của chỉ số {code} lớn hơn điểm tối đa {_fmt(max_points)}.",
                    f"Indicator {code} has a floor of {_fmt(floor)} above its maximum {_fmt(max_points)}.",
                )
            if indicator.get("mandatory") is True:
                check.add(
                    f"{path}.mandatory",
                    "mandatory_points",
                    f"Chỉ số {code} tính điểm: mức tối thiểu bắt buộc được ghi bằng điểm sàn (floor), "
                    "không dùng mandatory.",
                    f"Indicator {code} is scored in points: express its required minimum with floor, not mandatory.",
                )
        elif kind == "pass_fail":
            if max_points is not None:
                check.add(
                    f"{path}.max_points",
                    "unexpected_max_points",
                    f"Chỉ số {code} là đạt/không đạt nên không có điểm tối đa.",
                    f"Indicator {code} is pass/fail, so it has no max_points.",
                )
            if floor is not None:
                check.add(
                    f"{path}.floor",
                    "unexpected_floor",
                    f"Chỉ số {code} là đạt/không đạt nên không có điểm sàn.",
                    f"Indicator {code} is pass/fail, so it has no floor.",
                )
        pattern = indicator.get("evidence_code_pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as error:
                check.add(
                    f"{path}.evidence_code_pattern",
                    "bad_pattern",
                    f"Biểu thức chính quy của chỉ số {code} không hợp lệ: {error}.",
                    f"The regular expression of indicator {code} does not compile: {error}.",
                )
        groups_seen: set[str] = set()
        for gi, entry in enumerate(_items(indicator.get("group_texts"))):
            group = _mapping(entry).get("group")
            if not isinstance(group, str):
                continue
            if group not in group_codes:
                check.add(
                    f"{path}.group_texts[{gi}].group",
                    "unknown_group",
                    f"Nhóm đối tượng «{group}» chưa được khai báo trong applicability.subject_groups.",
                    f"Subject group '{group}' is not declared in applicability.subject_groups.",
                )
            elif group in groups_seen:
                check.add(
                    f"{path}.group_texts[{gi}].group",
                    "duplicate_code",
                    f"Chỉ số {code} có hai cách diễn đạt cho nhóm «{group}».",
                    f"Indicator {code} words group '{group}' twice.",
                )
            groups_seen.add(group)


def _check_criteria_totals(check: _Checker, data: Mapping[str, Any]) -> Decimal | None:
    """Check stated subtotals; return the set's maximum total, or None when it cannot be known."""
    max_total: Decimal | None = Decimal(0)
    for ci, criterion in enumerate(_items(data.get("criteria"))):
        criterion = _mapping(criterion)
        subtotal: Decimal | None = Decimal(0)
        for indicator in _items(criterion.get("indicators")):
            indicator = _mapping(indicator)
            points = _number(indicator.get("max_points"))
            if isinstance(points, Decimal) and subtotal is not None:
                subtotal += points
            elif points is _BROKEN or indicator.get("kind", "points") == "points":
                subtotal = None  # a points indicator without a usable maximum: the sum is unknown
        if subtotal is None or max_total is None:
            max_total = None
        else:
            max_total += subtotal
        stated = _number(criterion.get("max_points"))
        if isinstance(stated, Decimal) and subtotal is not None and stated != subtotal:
            code = criterion.get("code", "?")
            check.add(
                f"criteria[{ci}].max_points",
                "criterion_total_mismatch",
                f"Tiêu chí {code} ghi tối đa {_fmt(stated)} điểm nhưng các chỉ số cộng lại được {_fmt(subtotal)}.",
                f"Criterion {code} states {_fmt(stated)} points but its indicators add up to {_fmt(subtotal)}.",
            )
    return max_total


def _check_scoring(
    check: _Checker,
    data: Mapping[str, Any],
    indicator_codes: set[str],
    max_total: Decimal | None,
) -> None:
    scoring = _mapping(data.get("scoring"))
    method = scoring.get("method")
    indicators = list(_walk_indicators(data))
    bands = _items(scoring.get("bands"))
    pass_marks = _items(scoring.get("pass_marks"))
    levels = _items(scoring.get("levels"))
    if method == "points":
        if indicators and not any(i.get("kind", "points") == "points" for _, i in indicators):
            check.add(
                "scoring.method",
                "no_points_indicators",
                "Bộ tiêu chí chấm điểm (points) cần ít nhất một chỉ số tính điểm.",
                "A points set needs at least one indicator scored in points.",
            )
        for path, indicator in indicators:
            if indicator.get("kind") == "pass_fail" and indicator.get("mandatory") is not True:
                check.add(
                    f"{path}.mandatory",
                    "pass_fail_without_effect",
                    f"Trong bộ chấm điểm, chỉ số đạt/không đạt {indicator.get('code', '?')} không "
                    "mang điểm nên phải là điều kiện bắt buộc (mandatory: true).",
                    f"In a points set the pass/fail indicator {indicator.get('code', '?')} carries "
                    "no points, so it must be mandatory.",
                )
        if not bands and not pass_marks:
            check.add(
                "scoring",
                "no_classification",
                "Bộ chấm điểm cần các mức xếp loại (bands) hoặc điểm đạt (pass_marks).",
                "A points set needs bands or pass_marks.",
            )
        if levels:
            check.add(
                "scoring.levels",
                "levels_in_points_set",
                "Mức độ (levels) chỉ dùng cho bộ tiêu chí xếp theo mức độ (method: levels).",
                "Levels belong to sets whose method is levels.",
            )
    elif method == "levels":
        for path, indicator in indicators:
            if indicator.get("kind", "points") == "points":
                check.add(
                    f"{path}.kind",
                    "points_in_levels_set",
                    f"Bộ xếp theo mức độ chỉ dùng chỉ số đạt/không đạt; chỉ số "
                    f"{indicator.get('code', '?')} đang tính điểm.",
                    f"A levels set uses pass/fail indicators only; indicator "
                    f"{indicator.get('code', '?')} is scored in points.",
                )
        if not levels:
            check.add(
                "scoring.levels",
                "no_levels",
                "Bộ xếp theo mức độ cần ít nhất một mức độ.",
                "A levels set needs at least one level.",
            )
        for key in ("bands", "pass_marks"):
            if scoring.get(key):
                check.add(
                    f"scoring.{key}",
                    "points_rule_in_levels_set",
                    f"{key} chỉ dùng cho bộ tiêu chí chấm điểm (method: points).",
                    f"{key} belong to sets whose method is points.",
                )
    _check_bands(check, bands, max_total)
    _check_pass_marks(check, data, pass_marks, max_total)
    _check_area_rules(check, data, _items(scoring.get("area_rules")))
    _check_levels(check, levels, indicator_codes)


def _check_reserved(check: _Checker, path: str, code: Any) -> None:
    if code in RESERVED_CODES:
        check.add(
            path,
            "reserved_code",
            f"Mã «{code}» được dành cho kết quả của hệ thống, hãy chọn mã khác.",
            f"Code '{code}' is reserved for results the engine produces; choose another.",
        )


def _check_bands(check: _Checker, bands: list[Any], max_total: Decimal | None) -> None:
    _report_duplicate_codes(check, "scoring.bands", bands, "mức xếp loại", "band")
    previous: Decimal | None = None
    for index, band in enumerate(bands):
        band = _mapping(band)
        _check_reserved(check, f"scoring.bands[{index}].code", band.get("code"))
        minimum = _number(band.get("min"))
        if not isinstance(minimum, Decimal):
            previous = None
            continue
        path = f"scoring.bands[{index}].min"
        if previous is not None and minimum >= previous:
            check.add(
                path,
                "bands_not_decreasing",
                f"Các mức xếp loại phải xếp từ cao xuống thấp với điểm tối thiểu giảm dần; "
                f"{_fmt(minimum)} không nhỏ hơn {_fmt(previous)} của mức liền trên.",
                f"Bands go from highest to lowest with strictly decreasing minimums; "
                f"{_fmt(minimum)} is not below the {_fmt(previous)} of the band above.",
            )
        if max_total is not None and minimum > max_total:
            check.add(
                path,
                "threshold_above_total",
                f"Điểm tối thiểu {_fmt(minimum)} vượt quá tổng điểm tối đa {_fmt(max_total)}.",
                f"Minimum {_fmt(minimum)} is above the maximum total {_fmt(max_total)}.",
            )
        previous = minimum


def _declared_area_classes(data: Mapping[str, Any]) -> list[Any]:
    """The area classes the set declares; a set that declares none has ``normal`` only."""
    return _items(_mapping(data.get("applicability")).get("area_classes")) or ["normal"]


def _check_area_class_declared(check: _Checker, path: str, area: Any, declared: list[Any]) -> None:
    if isinstance(area, str) and area not in declared:
        check.add(
            path,
            "unknown_area_class",
            f"Loại địa bàn «{area}» chưa được khai báo trong applicability.area_classes.",
            f"Area class '{area}' is not declared in applicability.area_classes.",
        )


def _check_pass_marks(
    check: _Checker,
    data: Mapping[str, Any],
    pass_marks: list[Any],
    max_total: Decimal | None,
) -> None:
    declared = _declared_area_classes(data)
    seen: set[str] = set()
    for index, mark in enumerate(pass_marks):
        mark = _mapping(mark)
        area = mark.get("area_class")
        path = f"scoring.pass_marks[{index}]"
        if isinstance(area, str):
            if area in seen:
                check.add(
                    f"{path}.area_class",
                    "duplicate_code",
                    f"Loại địa bàn «{area}» có hai điểm đạt.",
                    f"Area class '{area}' has two pass marks.",
                )
            else:
                _check_area_class_declared(check, f"{path}.area_class", area, declared)
            seen.add(area)
        minimum = _number(mark.get("min"))
        if isinstance(minimum, Decimal) and max_total is not None and minimum > max_total:
            check.add(
                f"{path}.min",
                "threshold_above_total",
                f"Điểm đạt {_fmt(minimum)} vượt quá tổng điểm tối đa {_fmt(max_total)}.",
                f"Pass mark {_fmt(minimum)} is above the maximum total {_fmt(max_total)}.",
            )
    if pass_marks and seen and "normal" not in seen:
        check.add(
            "scoring.pass_marks",
            "missing_normal_pass_mark",
            "Cần có điểm đạt cho địa bàn thông thường (area_class: normal); "
            "các loại địa bàn khác không có điểm riêng sẽ dùng điểm này.",
            "A pass mark for area_class normal is required; other area classes without their own mark use it.",
        )


def _check_area_rules(check: _Checker, data: Mapping[str, Any], rules: list[Any]) -> None:
    declared = _declared_area_classes(data)
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        rule = _mapping(rule)
        path = f"scoring.area_rules[{index}]"
        designation, area = rule.get("designation"), rule.get("area_class")
        if isinstance(designation, str):
            if designation in seen:
                check.add(
                    f"{path}.designation",
                    "duplicate_code",
                    f"Loại vùng «{designation}» có hai quy tắc; mỗi loại vùng chỉ ứng với một loại địa bàn.",
                    f"Designation '{designation}' has two rules; each maps to one area class.",
                )
            seen.add(designation)
        _check_area_class_declared(check, f"{path}.area_class", area, declared)


def _check_levels(check: _Checker, levels: list[Any], indicator_codes: set[str]) -> None:
    _report_duplicate_codes(check, "scoring.levels", levels, "mức độ", "level")
    for index, level in enumerate(levels):
        level = _mapping(level)
        _check_reserved(check, f"scoring.levels[{index}].code", level.get("code"))
        required = level.get("required_indicators")
        if isinstance(required, (list, tuple)):
            if not required:
                check.add(
                    f"scoring.levels[{index}].required_indicators",
                    "empty_selection",
                    "Danh sách chỉ số bắt buộc của mức độ đang trống; ghi rõ mã hoặc «all».",
                    "The level requires no indicator; list the codes or write 'all'.",
                )
            for ri, code in enumerate(required):
                if isinstance(code, str) and code not in indicator_codes:
                    check.add(
                        f"scoring.levels[{index}].required_indicators[{ri}]",
                        "unknown_indicator",
                        f"Mức độ {level.get('code', '?')} yêu cầu chỉ số «{code}» không có trong bộ.",
                        f"Level {level.get('code', '?')} requires indicator '{code}', which the set does not have.",
                    )


def _check_operator_value(check: _Checker, path: str, entry: Mapping[str, Any]) -> None:
    op = entry.get("op")
    has_value = entry.get("value") is not None
    if op in COMPARISON_OPERATORS and not has_value:
        check.add(
            f"{path}.value",
            "missing_value",
            f"Phép so sánh «{op}» cần một giá trị (value).",
            f"Operator '{op}' needs a value.",
        )
    elif op == "is_true" and has_value:
        check.add(
            f"{path}.value",
            "unexpected_value",
            "Phép «is_true» không dùng giá trị (value).",
            "Operator 'is_true' takes no value.",
        )


def _check_dependencies(check: _Checker, data: Mapping[str, Any]) -> None:
    dependencies = _items(data.get("dependencies"))
    _report_duplicate_codes(check, "dependencies", dependencies, "điều kiện", "dependency")
    scoring = _mapping(data.get("scoring"))
    method = scoring.get("method")
    level_codes = {_mapping(level).get("code") for level in _items(scoring.get("levels"))}
    for index, dependency in enumerate(dependencies):
        dependency = _mapping(dependency)
        path = f"dependencies[{index}]"
        _check_operator_value(check, path, dependency)
        if isinstance(dependency.get("when"), Mapping):
            _check_operator_value(check, f"{path}.when", dependency["when"])
        if isinstance(dependency.get("counts"), Mapping):
            _check_who_counts(check, path, dependency)
        applies = dependency.get("applies_to_levels", "all")
        if not isinstance(applies, (list, tuple)):
            continue
        if method == "points":
            check.add(
                f"{path}.applies_to_levels",
                "levels_in_points_set",
                "Bộ chấm điểm không có mức độ; bỏ applies_to_levels hoặc ghi «all».",
                "A points set has no levels; omit applies_to_levels or write 'all'.",
            )
            continue
        for li, code in enumerate(applies):
            if isinstance(code, str) and code not in level_codes:
                check.add(
                    f"{path}.applies_to_levels[{li}]",
                    "unknown_level",
                    f"Mức độ «{code}» không có trong scoring.levels.",
                    f"Level '{code}' is not in scoring.levels.",
                )


def _age(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_who_counts(check: _Checker, path: str, dependency: Mapping[str, Any]) -> None:
    fact = dependency.get("fact")
    if isinstance(fact, str) and fact not in PEOPLE_SHARE_FACTS:
        check.add(
            f"{path}.counts",
            "counts_not_people",
            f"Chỉ điều kiện tính tỉ lệ người ({', '.join(sorted(PEOPLE_SHARE_FACTS))}) mới ghi được "
            f"người được tính (counts); dữ kiện «{fact}» không đếm người.",
            f"Only a share of people ({', '.join(sorted(PEOPLE_SHARE_FACTS))}) can say who counts; "
            f"fact '{fact}' does not count people.",
        )
    counts = dependency["counts"]
    for low_key, high_key in (("min_age", "max_age"), ("otherwise_min_age", "otherwise_max_age")):
        low, high = _age(counts.get(low_key)), _age(counts.get(high_key))
        if low is not None and high is not None and high < low:
            check.add(
                f"{path}.counts.{high_key}",
                "ages_out_of_order",
                f"Tuổi đến ({high}) nhỏ hơn tuổi từ ({low}).",
                f"The upper age ({high}) is below the lower age ({low}).",
            )
    if counts.get("otherwise_min_age") is None and _age(counts.get("otherwise_max_age")) is not None:
        check.add(
            f"{path}.counts.otherwise_min_age",
            "missing_value",
            "Ghi tuổi từ của nhóm thay thế (otherwise_min_age) khi đã ghi tuổi đến.",
            "Give the fallback's lower age (otherwise_min_age) when its upper age is given.",
        )


def _check_applicability(check: _Checker, data: Mapping[str, Any]) -> None:
    applicability = _mapping(data.get("applicability"))
    groups = _items(applicability.get("subject_groups"))
    _report_duplicate_codes(check, "applicability.subject_groups", groups, "nhóm đối tượng", "subject group")
    for key in ("admin_levels", "area_classes"):
        counts = Counter(v for v in _items(applicability.get(key)) if isinstance(v, str))
        for value, count in counts.items():
            if count > 1:
                check.add(
                    f"applicability.{key}",
                    "duplicate_code",
                    f"Giá trị «{value}» lặp lại trong applicability.{key}.",
                    f"Value '{value}' is repeated in applicability.{key}.",
                )
    area_classes = applicability.get("area_classes")
    if isinstance(area_classes, (list, tuple)) and "normal" not in area_classes:
        check.add(
            "applicability.area_classes",
            "missing_normal_area",
            "Danh sách loại địa bàn phải có «normal».",
            "The area classes must include 'normal'.",
        )


def _check_provenance(check: _Checker, data: Mapping[str, Any]) -> None:
    listed = {s for s in _items(data.get("sources")) if isinstance(s, str)}
    for path, entry in _walk_provenance(data):
        tag = entry.get("tag")
        sources = entry.get("sources", ())
        if tag in ("V", "P") and isinstance(sources, (list, tuple)) and not sources:
            check.add(
                f"{path}.sources",
                "missing_sources",
                f"Thông tin gắn nhãn [{tag}] phải ghi nguồn (sources).",
                f"An entry tagged [{tag}] must name its sources.",
            )
        for si, source in enumerate(_items(sources)):
            if isinstance(source, str) and source not in listed:
                check.add(
                    f"{path}.sources[{si}]",
                    "unlisted_source",
                    f"Nguồn «{source}» chưa có trong danh sách sources của bộ tiêu chí.",
                    f"Source '{source}' is not in the set's sources list.",
                )
        if entry.get("placeholder") is True and tag == "V":
            check.add(
                f"{path}.tag",
                "placeholder_verified",
                "Mục giữ chỗ (placeholder) chưa có nội dung chính thức nên không thể gắn nhãn [V].",
                "A placeholder has no official content, so it cannot be tagged [V].",
            )


def _check_status(check: _Checker, data: Mapping[str, Any]) -> None:
    status = data.get("status")
    gaps = data.get("gaps", ())
    if status in ("partial", "provisional") and isinstance(gaps, (list, tuple)) and not gaps:
        check.add(
            "gaps",
            "missing_gaps",
            f"Bộ tiêu chí có trạng thái «{status}» phải liệt kê những gì còn thiếu (gaps).",
            f"A set whose status is '{status}' must list what is missing (gaps).",
        )
    if status != "official":
        return
    if gaps:
        check.add(
            "gaps",
            "official_with_gaps",
            "Bộ tiêu chí chính thức (official) không được còn mục thiếu (gaps).",
            "An official set cannot list gaps.",
        )
    for field in ("issuing_document", "issued_on"):
        if data.get(field) is None:
            check.add(
                field,
                "official_without_document",
                "Bộ tiêu chí chính thức phải ghi văn bản ban hành và ngày ban hành.",
                "An official set must name its issuing document and date.",
            )
    for path, entry in _walk_provenance(data):
        if entry.get("placeholder") is True:
            check.add(
                f"{path}.placeholder",
                "official_with_placeholder",
                "Bộ tiêu chí chính thức không được chứa mục giữ chỗ (placeholder).",
                "An official set cannot contain placeholders.",
            )
        elif entry.get("tag") == "I":
            check.add(
                f"{path}.tag",
                "official_with_inference",
                "Bộ tiêu chí chính thức không được chứa thông tin suy luận [I].",
                "An official set cannot contain inferred [I] entries.",
            )


def _check_dates(check: _Checker, data: Mapping[str, Any]) -> None:
    issued = _date(data.get("issued_on"))
    start = _date(data.get("effective_from"))
    end = _date(data.get("effective_to"))
    if isinstance(issued, datetime.date) and isinstance(start, datetime.date) and start < issued:
        check.add(
            "effective_from",
            "dates_out_of_order",
            f"Ngày hiệu lực {start:%d/%m/%Y} sớm hơn ngày ban hành {issued:%d/%m/%Y}.",
            f"Effective date {start:%Y-%m-%d} is before the issue date {issued:%Y-%m-%d}.",
        )
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        check.add(
            "effective_to",
            "dates_out_of_order",
            f"Ngày hết hiệu lực {end:%d/%m/%Y} sớm hơn ngày hiệu lực {start:%d/%m/%Y}.",
            f"End date {end:%Y-%m-%d} is before the effective date {start:%Y-%m-%d}.",
        )


def _check_recognition(check: _Checker, data: Mapping[str, Any]) -> None:
    recognition = _mapping(data.get("recognition"))
    if recognition.get("upgrade_after_months") is not None and _mapping(data.get("scoring")).get("method") == "points":
        check.add(
            "recognition.upgrade_after_months",
            "upgrade_without_levels",
            "Chỉ bộ xếp theo mức độ mới có thời hạn nâng mức (upgrade_after_months).",
            "Only a levels set has an upgrade period (upgrade_after_months).",
        )
