"""The demo's funds: a complete last year in every demo commune, figures equal to a recount of the
raw ledger, and loading twice changes nothing."""

import pytest
from django.utils import timezone

from hoctap.demo.steps import run_all
from hoctap.funds import services
from hoctap.funds.models import EntryKind, FundEntry


@pytest.mark.django_db
def test_demo_funds(loaded_map):
    context = run_all(log=lambda *args: None)
    count = FundEntry.objects.count()
    run_all(log=lambda *args: None)
    assert FundEntry.objects.count() == count
    year = timezone.localdate().year - 1
    entries = list(FundEntry.objects.filter(date__year=year))
    figures = services.figures(context["province"], year)
    assert figures.total.mobilised == sum(e.amount for e in entries if e.kind == EntryKind.RECEIPT) > 0
    assert figures.total.paid == sum(e.amount for e in entries if e.kind == EntryKind.PAYMENT) > 0
    assert figures.total.beneficiaries == sum(1 for e in entries if e.kind == EntryKind.PAYMENT) >= 14
    assert FundEntry.objects.filter(reverses__isnull=False).count() == len(context["communes"])
    assert {c.pk for c, t in figures.children if t.funds} == {c.pk for c in context["communes"]}
