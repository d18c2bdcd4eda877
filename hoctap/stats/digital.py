"""Whether a learning citizen has digital skills in a year: the one rule.

The 677/QĐ-TTg targets count "learning citizens with the digital skills of the national programme"
(70 % in 2025, 90 % in 2030) and, of those, the ones proficient enough to update their own record.
A recognised learning citizen has digital skills in year Y when

* the registry says so (`Person.digital_skill` is basic or proficient), **or**
* a learning-citizen recognition that holds in Y scored its criteria set's digital-skills indicator
  at or above that indicator's mark.

Which indicator, and from what score, is data in the criteria set: the indicator carrying
`digital_skills_from` (the national set: CS5 "Sử dụng công nghệ thông tin … (kỹ năng số)", from
8 of 10 points, a provisional mark listed among the set's gaps; a province sets its own in its own
set). A stored version written before the field existed borrows the mark of the shipped set of the
same code when it has the same indicator. "Proficient" stays the registry's word alone: the
assessment says whether the skills are there, not how far they go.

The incremental counters (`citizens.py`), the recount (`recompute.py`, hence `stats verify`) and so
the reports all count through these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.db.models.fields.json import KeyTextTransform

from hoctap.assessments.models import Assessment
from hoctap.assessments.subjects import holders
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.schema import CriteriaFileError
from hoctap.criteria.titles import Title
from hoctap.registry.models import DigitalSkill

REGISTRY_DIGITAL = (DigitalSkill.BASIC, DigitalSkill.PROFICIENT)


def registry_says(skill: str) -> bool:
    return skill in REGISTRY_DIGITAL


def has_digital_skills(registry_skill: str, shown_by_assessment: bool) -> bool:
    """The rule itself, once the two facts are known."""
    return registry_says(registry_skill) or bool(shown_by_assessment)


def _marked(definition):
    return next((i for i in definition.indicators if i.digital_skills_from is not None), None)


@lru_cache(maxsize=256)
def _shipped_rule(code: str):
    from hoctap.criteria.loader import load_shipped_sets

    shipped = load_shipped_sets().get(code)
    indicator = _marked(shipped) if shipped is not None else None
    return (indicator.code, indicator.digital_skills_from) if indicator is not None else None


# What a stored version says depends only on its content: the answers are kept per (id, fingerprint)
# for the life of the process (a version is immutable once an assessment uses it).
_RULES: dict[tuple[int, str], tuple[str, Decimal] | None] = {}


def _rule_of(version: CriteriaSetVersion) -> tuple[str, Decimal] | None:
    try:
        definition = version.definition
    except CriteriaFileError:
        return None  # nothing is stored unless it parses; a bare test row has no content to read
    indicator = _marked(definition)
    if indicator is not None:
        return indicator.code, indicator.digital_skills_from
    borrowed = _shipped_rule(version.code)
    if borrowed and any(i.code == borrowed[0] and i.kind == "points" for i in definition.indicators):
        return borrowed
    return None


def rules_of_sets(set_ids) -> dict[int, tuple[str, Decimal] | None]:
    """{version id: (indicator code, mark) or None} for stored criteria-set versions, in one query
    (the versions' text is read only the first time a content is met)."""
    set_ids = set(set_ids) - {None}
    if not set_ids:
        return {}
    known = dict(CriteriaSetVersion.objects.filter(pk__in=set_ids).values_list("pk", "fingerprint"))
    missing = [pk for pk, fingerprint in known.items() if (pk, fingerprint) not in _RULES]
    for version in CriteriaSetVersion.objects.filter(pk__in=missing) if missing else ():
        _RULES[(version.pk, version.fingerprint)] = _rule_of(version)
    return {pk: _RULES[(pk, fingerprint)] for pk, fingerprint in known.items()}


def rule_of_set(criteria_set_id: int) -> tuple[str, Decimal] | None:
    return rules_of_sets([criteria_set_id]).get(criteria_set_id)


def score_reaches(value, mark: Decimal) -> bool:
    if value is None or value == "" or isinstance(value, bool):
        return False
    try:
        return Decimal(str(value).replace(",", ".").strip()) >= mark
    except InvalidOperation:
        return False


def answers_show(
    rule: tuple[str, Decimal] | None, review_answers: dict | None, self_answers: dict | None = None
) -> bool:
    """The reviewed score of the digital-skills indicator (the self-assessed one where the review
    recorded none) reaches the set's mark; `rule` is `rule_of_set(...)`."""
    if rule is None:
        return False
    code, mark = rule
    review_answers = review_answers or {}
    return score_reaches(review_answers[code] if code in review_answers else (self_answers or {}).get(code), mark)


def assessment_shows(assessment: Assessment) -> bool:
    """Whether this learning-citizen assessment's scores say its holder has digital skills."""
    if assessment.title != Title.CITIZEN:
        return False
    return answers_show(rule_of_set(assessment.criteria_set_id), assessment.review_answers, assessment.self_answers)


def holding_in(year: int):
    """Learning-citizen assessments whose recognition holds in `year` (the one validity rule,
    `assessments.subjects.holders`)."""
    return holders(Title.CITIZEN, year)


def shown_by_assessments(assessments, fields=("person_id", "person__unit_id")) -> Iterable[tuple]:
    """`fields` (by default the person id and the person's unit id) of the assessments among
    `assessments` (learning citizens) whose digital-skills indicator reached its mark: one query per
    criteria-set version in use, reading only that indicator's answer."""
    rules = rules_of_sets(assessments.order_by().values_list("criteria_set_id", flat=True).distinct())
    for set_id, rule in rules.items():
        if rule is None:
            continue
        code, mark = rule
        rows = (
            assessments.filter(criteria_set_id=set_id)
            .annotate(
                reviewed=KeyTextTransform(code, "review_answers"),
                selfscored=KeyTextTransform(code, "self_answers"),
            )
            .values_list("reviewed", "selfscored", *fields)
        )
        for reviewed, selfscored, *values in rows.iterator(chunk_size=5000):
            if score_reaches(reviewed if reviewed is not None else selfscored, mark):
                yield tuple(values)


def assessment_only_counts(year: int, path: str | None = None) -> dict[int, int]:
    """{person's unit id: learning citizens holding in `year` whom only their assessment shows
    to have digital skills} — what the recount adds to the registry's count."""
    assessments = (
        holding_in(year).exclude(person__digital_skill__in=REGISTRY_DIGITAL).filter(person__unit__isnull=False)
    )
    if path:
        assessments = assessments.filter(person__unit__path__startswith=path)
    people: dict[int, int] = {}
    for person_id, unit_id in shown_by_assessments(assessments):
        people[person_id] = unit_id
    counts: dict[int, int] = defaultdict(int)
    for unit_id in people.values():
        counts[unit_id] += 1
    return dict(counts)
