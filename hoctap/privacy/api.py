"""/api/v1/privacy: the legal basis of people registered through the API, and the commune's requests."""

import datetime

from ninja import Router, Schema, Status

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Id
from hoctap.registry.models import Person

from . import services
from .models import DataRequest, LegalBasis, RequestState

router = Router(tags=["privacy"])


class BasisIn(Schema):
    kind: str  # consent_paper | consent_office | legal_duty
    covers: str = "general"  # general | sensitive (ethnicity: consent only)
    collected_by: str = ""  # who received the signed consent (required for a consent)
    collected_on: datetime.date | None = None  # the date on the consent form (required for a consent)
    reference: str = ""  # the law that gives the task (required for legal_duty)


class BasisOut(Schema):
    id: int
    person_id: int
    kind: str
    covers: str
    recorded_at: datetime.datetime


class RequestOut(Schema):
    id: int
    person_id: int | None
    kind: str
    channel: str
    received_at: datetime.datetime
    due_on: datetime.date  # computed once, on receipt (privacy.services.due_date)
    due_provisional: bool  # the province's time limit is not yet checked against the decree («tạm tính»)
    state: str


def _person(request, person_id):
    scope = scope_for(request)
    return scope, scope.get_or_404(
        Person.objects.select_related("unit", "commune"), Capability.EDIT_REGISTRY, pk=person_id
    )


@router.get("/people/{person_id}/basis", response=list[BasisOut], url_name="privacy_person_basis")
def person_bases(request, person_id: Id):
    """The bases recorded for a person, newest first (an empty list: none yet, record one)."""
    _scope, person = _person(request, person_id)
    return list(LegalBasis.objects.filter(person=person).order_by("-recorded_at", "-pk"))


@router.post("/people/{person_id}/basis", response={201: BasisOut}, url_name="privacy_person_basis")
def record_basis(request, person_id: Id, payload: BasisIn):
    scope, person = _person(request, person_id)
    [basis] = services.record_basis(scope, [person], **payload.dict())
    return Status(201, basis)


@router.get("/requests", response=list[RequestOut], url_name="privacy_requests")
def pending_requests(request):
    """The commune's pending requests, soonest deadline first (the to-do list's)."""
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    return list(
        scope.filter(DataRequest.objects.filter(state=RequestState.PENDING), Capability.EDIT_REGISTRY).order_by(
            "due_on", "pk"
        )[:200]
    )
