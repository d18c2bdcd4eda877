"""The demo shows the province's choices and due dates (issue 19): Cao Bằng's People's Committee as
controller, the demo commune's province with its contact and deletions in working days (still
provisional), pending requests with due dates from that rule, and no ethnicity without its consent."""

import pytest
from django.utils import timezone

from hoctap.demo.steps import run_all
from hoctap.privacy import services
from hoctap.privacy.models import Controller, ControllerKind, Covers, DataRequest, LegalBasis, RequestDeadline
from hoctap.registry.models import Person


@pytest.mark.django_db
def test_the_demo_shows_chosen_controllers_and_due_dates(loaded_map):
    run_all(log=lambda *args: None)
    kinds = dict(Controller.objects.values_list("province__short_name", "kind"))
    assert kinds["Cao Bằng"] == ControllerKind.COMMITTEE and len(kinds) == 2
    [rule] = RequestDeadline.objects.all()
    assert (rule.kind, rule.counting, rule.provisional) == ("delete", "working", True)
    pending = DataRequest.objects.filter(state="pending")
    assert {r.kind for r in pending} == {"access", "correct", "delete", "withdraw"}
    for data_request in pending:
        received = timezone.localdate(data_request.received_at)
        assert (data_request.due_on, data_request.due_provisional) == services.due_date(
            data_request.commune, data_request.kind, received
        )
    consented = LegalBasis.objects.filter(covers=Covers.SENSITIVE, withdrawn_at__isnull=True).values("person_id")
    recorded = Person.objects.exclude(ethnicity="")
    assert recorded.exists() and not recorded.exclude(pk__in=consented).exists()
    counts = (Controller.objects.count(), RequestDeadline.objects.count(), LegalBasis.objects.count())
    run_all(log=lambda *args: None)
    assert (Controller.objects.count(), RequestDeadline.objects.count(), LegalBasis.objects.count()) == counts
