"""The learners' figures of a school or continuing-education centre: how many learners it had in a
year and how many of them hold the "Công dân học tập" title.

TT 24/2023 criterion 3 item 1 asks a province-managed educational institution for at least 95 % of
its learners holding the title (criteria-sources.md §1). Learners are not in the registry, so the
unit declares the two numbers with a file as evidence (the list or the school's report), or they
are imported; `record` is the one way they are written (web form, API), and `share` is what the
criteria set's rule reads (`subjects.OrganisationSubject.facts`, fact `learners_citizen_share`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.core.limits import MAX_COUNT, is_year
from hoctap.criteria.titles import Title
from hoctap.registry.models import EDUCATIONAL_KINDS, ManagingLevel, Organisation

from .evidence import check_upload, store
from .models import Assessment, LearnerFigures
from .states import FROZEN_STATES
from .subjects import share
from .workflow import TransitionRefused


def has_learners(organisation: Organisation) -> bool:
    return organisation.kind in EDUCATIONAL_KINDS


def is_provincial_educational_institution(organisation: Organisation) -> bool:
    """The institutions TT 24 holds to the learners' rule."""
    return organisation.managing_level == ManagingLevel.PROVINCE and has_learners(organisation)


def share_of(figures: LearnerFigures | None) -> Decimal | None:
    """citizens / learners as the rules read shares (4 places, rounded down); None when nothing is
    declared, which leaves the rule unmet with its reason shown."""
    if figures is None:
        return None
    return share(figures.citizens, figures.learners)


def percent(value: Decimal | None) -> str:
    """0.9612 → "96,12 %" (Vietnamese comma; a point in English): a share as people read it."""
    from django.utils.translation import get_language

    if value is None:
        return "—"
    text = format((value * 100).normalize(), "f")
    return f"{text if (get_language() or '').startswith('en') else text.replace('.', ',')} %"


def for_assessment(assessment) -> dict | None:
    """What the reviewer of a unit's file sees about its learners: the figures of the assessed year,
    their share, and the threshold the set applies (None when the unit has no learners)."""
    organisation = assessment.organisation
    if assessment.title != Title.UNIT or organisation is None or not has_learners(organisation):
        return None
    figures = figures_of(organisation, assessment.campaign.year)
    return {
        "organisation": organisation,
        "figures": figures,
        "percent": percent(share_of(figures)),
        "applies": is_provincial_educational_institution(organisation),
        "year": assessment.campaign.year,
    }


def figures_of(organisation: Organisation, year: int) -> LearnerFigures | None:
    return LearnerFigures.objects.filter(organisation=organisation, year=year).select_related("evidence").first()


def decided(organisation: Organisation, year: int) -> Assessment | None:
    """The unit's assessment of `year` whose result is final: its figures are part of the record."""
    return (
        Assessment.objects.filter(
            title=Title.UNIT,
            organisation=organisation,
            campaign__year=year,
            state__in=FROZEN_STATES,
        )
        .exclude(state="revoked")
        .first()
    )


def record(
    scope: Scope,
    organisation: Organisation,
    year: int,
    *,
    learners,
    citizens,
    uploaded=None,
    source: str = LearnerFigures.Source.ENTERED,
) -> LearnerFigures:
    """Write the figures of `organisation` for `year` as the scope's user.

    The unit's officer (edit_registry where the unit sits) enters them; a file is required unless
    figures with a file already exist (an import may come without one and says so). Every problem
    is a ValidationError naming its field; nothing is written then."""
    if not scope.can(Capability.VIEW, organisation.unit):
        raise Http404
    if not scope.can(Capability.EDIT_REGISTRY, organisation.unit):
        raise TransitionRefused(
            _(
                "Chỉ cán bộ quản lý hồ sơ của %(unit)s mới nhập được số liệu người học; hãy đề nghị "
                "cán bộ xã hoặc cán bộ tỉnh phụ trách đơn vị nhập."
            )
            % {"unit": organisation.name},
            code="no_capability",
        )
    problems = {}
    if source not in LearnerFigures.Source.values:
        problems["source"] = _("Nguồn số liệu không hợp lệ.")
    if not has_learners(organisation):
        raise ValidationError(
            _("%(unit)s không phải cơ sở giáo dục nên không có số liệu người học.") % {"unit": organisation.name},
            code="not_educational",
        )
    if not is_year(year):
        problems["year"] = _("Năm không hợp lệ.")
    learners, citizens = _count(learners, "learners", problems), _count(citizens, "citizens", problems)
    if learners is not None and learners < 1:
        problems["learners"] = _("Số người học phải từ 1 trở lên.")
    if learners is not None and citizens is not None and citizens > learners:
        problems["citizens"] = _(
            "Số người học đạt danh hiệu (%(part)s) không thể lớn hơn số người học (%(whole)s)."
        ) % {"part": citizens, "whole": learners}
    checked = None
    if uploaded is not None:
        try:
            checked = check_upload(uploaded)
        except ValidationError as error:
            problems["evidence"] = " ".join(error.messages)
    if problems:
        raise ValidationError(problems)
    decided_file = decided(organisation, year)
    if decided_file is not None:
        raise TransitionRefused(
            _(
                "Hồ sơ Đơn vị học tập năm %(year)s của %(unit)s đã có kết quả (%(state)s) nên số liệu người học năm đó "
                "không sửa được nữa. Nếu cần điều chỉnh, cấp công nhận thu hồi kết quả rồi lập hồ sơ mới."
            )
            % {"year": year, "unit": organisation.name, "state": decided_file.get_state_display()},
            code="wrong_state",
        )
    with transaction.atomic():
        figures = LearnerFigures.objects.select_for_update().filter(organisation=organisation, year=year).first()
        if figures is None:
            figures = LearnerFigures(organisation=organisation, year=year)
        if checked is None and figures.evidence_id is None and source == LearnerFigures.Source.ENTERED:
            raise ValidationError(
                {
                    "evidence": _(
                        "Cần tải lên minh chứng (danh sách người học đạt danh hiệu hoặc báo cáo của đơn vị, ảnh hoặc PDF)."
                    )
                }
            )
        if checked is not None:
            figures.evidence = store(checked)
            figures.evidence_name = (getattr(uploaded, "name", "") or "").rsplit("/", 1)[-1][:255]
        figures.learners, figures.citizens, figures.source = learners, citizens, source
        figures.recorded_by = scope.signed_in
        figures.save()
    return figures


def _count(value, field: str, problems: dict) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        problems[field] = _("Cần một số nguyên.")
        return None
    if number < 0 or number > MAX_COUNT:
        problems[field] = _("Số phải từ 0 đến %(max)s.") % {"max": MAX_COUNT}
        return None
    return number
