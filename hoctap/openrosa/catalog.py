"""What a device may download: the forms and subjects of the account's scope.

A form is offered for each (campaign, criteria set) that has an open assessment the account may
fill in (`edit_registry` where the subject lives, through the scoping layer); its subject list is
those assessments. Two communes' officers therefore get different lists, and nothing outside the
scope reaches a phone.
"""

from __future__ import annotations

import csv
import hashlib
import io

from django.http import Http404

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.assessments.evidence import OPEN_STATES
from hoctap.assessments.models import Assessment, Campaign
from hoctap.assessments.subjects import SUBJECT_RELATIONS, display_name
from hoctap.criteria.models import CriteriaSetVersion

from . import xform

# Answers and results are not needed to name a subject: 8,000 rows read faster without them.
HEAVY_FIELDS = (
    "self_answers",
    "self_notes",
    "self_result",
    "review_answers",
    "review_comments",
    "review_result",
    "return_reason",
    "revocation_reason",
)


def open_assessments(scope: Scope):
    """Assessments the account may fill in now."""
    return scope.filter(Assessment.objects.filter(state__in=OPEN_STATES), Capability.EDIT_REGISTRY)


def forms(scope: Scope) -> list[xform.GeneratedForm]:
    """The forms offered to this account, in a stable order (three queries whatever their number)."""
    pairs = sorted(set(open_assessments(scope).values_list("campaign_id", "criteria_set_id")))
    campaigns = Campaign.objects.in_bulk({c for c, _ in pairs})
    sets = CriteriaSetVersion.objects.in_bulk({s for _, s in pairs})
    return [xform.generate(campaigns[c], sets[s]) for c, s in pairs]


def form_or_404(
    scope: Scope, campaign_id: int, set_id: int
) -> tuple[xform.GeneratedForm, Campaign, CriteriaSetVersion]:
    if not open_assessments(scope).filter(campaign_id=campaign_id, criteria_set_id=set_id).exists():
        raise Http404
    campaign = Campaign.objects.get(pk=campaign_id)
    criteria_set = CriteriaSetVersion.objects.get(pk=set_id)
    return xform.generate(campaign, criteria_set), campaign, criteria_set


def subjects_csv(scope: Scope, campaign_id: int, set_id: int) -> bytes:
    """The subject list of a form: one row per open assessment (id, shown name with its place,
    version the device starts from)."""
    rows = (
        open_assessments(scope)
        .filter(campaign_id=campaign_id, criteria_set_id=set_id)
        .select_related(*SUBJECT_RELATIONS)
        .defer(*HEAVY_FIELDS)
        .order_by("unit__sort_key", "pk")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label", "version"])
    for assessment in rows:
        writer.writerow([assessment.pk, f"{display_name(assessment)} · {assessment.unit.name}", assessment.version])
    return out.getvalue().encode("utf-8")


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
