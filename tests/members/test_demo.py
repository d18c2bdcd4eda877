"""The demo's association: branches and members in every demo commune, figures equal to a recount
of the raw rows, capacity from the records, and loading twice changes nothing."""

import datetime

import pytest
from django.utils import timezone

from hoctap.demo.steps import run_all
from hoctap.members import services
from hoctap.members.models import Branch, Dues, Membership


@pytest.mark.django_db
def test_demo_members(loaded_map):
    context = run_all(log=lambda *args: None)
    counts = (Branch.objects.count(), Membership.objects.count(), Dues.objects.count())
    run_all(log=lambda *args: None)
    assert (Branch.objects.count(), Membership.objects.count(), Dues.objects.count()) == counts
    year = timezone.localdate().year - 1
    end = datetime.date(year, 12, 31)
    figures = services.figures(context["province"], year)
    memberships = list(Membership.objects.all())
    assert figures.total.members == sum(1 for m in memberships if m.active_on(end)) >= 40
    assert figures.total.left == sum(1 for m in memberships if m.left_on and m.left_on.year == year) >= 1
    assert figures.total.dues == sum(d.amount for d in Dues.objects.filter(year=year)) > 0
    assert {c.pk for c, t in figures.children if t.branches} == {c.pk for c in context["communes"]}
    capacity = services.capacity_counts(context["communes"][0], year)
    assert capacity["chair_manages_clc"] and capacity["officers_in_clc_it_trained"] >= 1
    assert capacity["officers_in_clc"] <= capacity["officers"] <= capacity["officers_and_members"]
