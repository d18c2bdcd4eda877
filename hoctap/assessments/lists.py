"""The assessments list, described once: what it can be filtered by and its order. The page
(`views.assessment_list`), the API (`GET /api/v1/assessments/`) and any export read it here, so
they filter alike (a campaign, a year, a title, a state, a name) and list in the same order."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hoctap.core.text import fold

from .models import Assessment
from .states import WAITING_FOR_REVIEW
from .subjects import SUBJECT_RELATIONS

# Newest year first, then the territory's own order, then creation.
ORDER = ("-campaign__year", "unit__sort_key", "pk")
# A state filter may name a group of states the work speaks of as one, by the review board's name
# for it: the dossiers waiting for the council, sent in or started on.
WAITING = "waiting"
STATE_GROUPS = {WAITING: WAITING_FOR_REVIEW}


@dataclass(frozen=True)
class AssessmentFilters:
    campaign: int | None = None
    year: int | None = None
    title: str = ""
    state: str = ""
    q: str = ""  # part of the subject's name, with or without diacritics


def assessments_in_scope(scope, filters: AssessmentFilters) -> QuerySet:
    assessments = scope.filter(Assessment.objects.select_related(*SUBJECT_RELATIONS, "campaign", "criteria_set"))
    if filters.campaign:
        assessments = assessments.filter(campaign_id=filters.campaign)
    if filters.year:
        assessments = assessments.filter(campaign__year=filters.year)
    if filters.title:
        assessments = assessments.filter(title=filters.title)
    if filters.state in STATE_GROUPS:
        assessments = assessments.filter(state__in=STATE_GROUPS[filters.state])
    elif filters.state:
        assessments = assessments.filter(state=filters.state)
    if filters.q.strip():
        assessments = assessments.filter(name_matches(filters.q))
    return assessments.order_by(*ORDER)


def name_matches(text: str) -> Q:
    """Dossiers whose subject's name contains `text`, with or without diacritics."""
    folded = fold(text)
    return (
        Q(household__name_folded__contains=folded)
        | Q(person__name_folded__contains=folded)
        | Q(clan_branch__name_folded__contains=folded)
        | Q(organisation__name_folded__contains=folded)
        | Q(community__name_folded__contains=folded)
    )
