"""/api/v1/learners: a school's or continuing-education centre's learners per year (the figures the
TT 24/2023 learners' rule reads), read and written through `learners.record` like the page."""

import datetime

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Count, Id, Year
from hoctap.registry.models import Organisation

from . import learners as service
from .models import LearnerFigures

router = Router(tags=["learners"])


class LearnerFiguresOut(Schema):
    id: int
    organisation_id: int
    year: int
    learners: int
    citizens: int
    # citizens / learners as the rule reads it, 4 places rounded down, as a string
    share: str | None
    has_evidence: bool
    source: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_share(figures):
        value = service.share_of(figures)
        return None if value is None else format(value, "f")

    @staticmethod
    def resolve_has_evidence(figures):
        return figures.evidence_id is not None


def _organisation(request, organisation_id):
    return scope_for(request).get_or_404(Organisation.objects.select_related("unit"), pk=organisation_id)


@router.get("/{organisation_id}", response=list[LearnerFiguresOut])
def learner_figures_list(request, organisation_id: Id):
    organisation = _organisation(request, organisation_id)
    return list(LearnerFigures.objects.filter(organisation=organisation))


@router.post("/{organisation_id}", response={201: LearnerFiguresOut})
def learner_figures_record(
    request,
    organisation_id: Id,
    year: Form[Year],
    learners: Form[Count],
    citizens: Form[Count],
    source: Form[str] = LearnerFigures.Source.ENTERED,
    evidence: File[UploadedFile | None] = None,
):
    """Enter (or correct) one year's figures; `evidence` (an image or PDF) is required the first
    time unless `source` is "imported"."""
    organisation = _organisation(request, organisation_id)
    figures = service.record(
        scope_for(request), organisation, year, learners=learners, citizens=citizens, uploaded=evidence, source=source
    )
    return Status(201, figures)
