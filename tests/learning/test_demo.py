"""The demo's learning records: classes across the year in every demo commune, last October's Week,
declarations with coverage short of the province's communes; figures equal a recount of the raw rows;
loading twice changes nothing."""

import pytest
from django.db.models import Sum
from django.utils import timezone

from hoctap.demo.steps import run_all
from hoctap.learning import services
from hoctap.learning.models import CentreClass, LiteracyDeclaration, WeekActivity


@pytest.mark.django_db
def test_demo_learning(loaded_map):
    context = run_all(log=lambda *args: None)
    counts = (CentreClass.objects.count(), WeekActivity.objects.count(), LiteracyDeclaration.objects.count())
    run_all(log=lambda *args: None)
    assert (CentreClass.objects.count(), WeekActivity.objects.count(), LiteracyDeclaration.objects.count()) == counts
    last = timezone.localdate().year - 1
    province = context["province"]
    total = services.figures(province, last).total
    classes = CentreClass.objects.filter(started_on__year=last)
    assert total.classes == classes.count() >= 15
    assert total.participants == classes.aggregate(n=Sum("participants"))["n"]
    assert {c for c, _name, n, _p in total.topic_lines() if n} >= {"law", "agriculture", "digital"}
    week = WeekActivity.objects.filter(date__year=last)
    assert total.week_activities == week.count() and {a.date.month for a in week} == {10}
    assert total.week_communes == len(context["communes"])
    share = total.literate_share()
    assert share.covered == len(context["communes"]) < share.expected  # the province has many more communes
    assert total.standard_share("literacy_level", 2).rate < 100
    nation = services.figures(context["nation"], last).total
    assert nation.classes == total.classes and nation.declared == total.declared
