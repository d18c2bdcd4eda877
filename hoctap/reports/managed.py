"""The titles table of a report sent by a body other than the association (`reporters.py`): the
learning units it manages, one row each, in the shape of `figures.table` (so the page, the PDF, the
xlsx, the frozen snapshot and "compare" treat it like every titles table).

The units are the registry's organisations under the reporting unit of the kinds and managing level
the reporter names (a province's Department of Education: the schools, kindergartens and continuing
education centres the province manages). Each row counts the organisation's "Đơn vị học tập"
assessment of the year (registered) and whether it holds the title that year (recognised that year,
or earlier and still valid: `Assessment.validity_years`); the total's rate is the units holding the
title out of all the units it manages, and its target the one the statistics app applies to the
unit for that title.
"""

from __future__ import annotations

from django.db.models import F

from hoctap.assessments.models import Assessment
from hoctap.assessments.states import HOLDING_STATES
from hoctap.criteria.titles import Title
from hoctap.registry.models import Organisation
from hoctap.stats.targets import Targets
from hoctap.territory.models import Unit
from hoctap.territory.rollup import percent

from .figures import _percent, _text


def organisations(unit: Unit, reporter):
    return Organisation.objects.filter(
        unit__path__startswith=unit.path,
        kind__in=reporter.organisation_kinds,
        managing_level=reporter.managing_level,
    ).order_by("sort_key", "pk")


def table(unit: Unit, year: int, reporter) -> dict:
    managed = list(organisations(unit, reporter))
    ids = [organisation.pk for organisation in managed]
    unit_assessments = Assessment.objects.filter(title=Title.UNIT, organisation_id__in=ids)
    registered = set(unit_assessments.filter(campaign__year=year).values_list("organisation_id", flat=True))
    holding = set(
        unit_assessments.filter(
            state__in=HOLDING_STATES, campaign__year__lte=year, campaign__year__gt=year - F("validity_years")
        ).values_list("organisation_id", flat=True)
    )
    target = Targets([unit]).applied(unit, Title.UNIT, year)

    def cells(registered_count: int, holding_count: int, of: int, target_text=None) -> dict:
        return {
            Title.UNIT: {
                "registered": registered_count,
                "recognised": holding_count,
                "rate": _percent(percent(holding_count, of)),
                "target": target_text,
            }
        }

    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "year": year,
        "titles": [{"code": Title.UNIT.value, "label": str(Title.UNIT.label)}],
        "rows": [
            {
                "unit_id": organisation.pk,
                "code": organisation.get_kind_display(),
                "name": organisation.name,
                "cells": cells(int(organisation.pk in registered), int(organisation.pk in holding), 1),
            }
            for organisation in managed
        ],
        "total": {"cells": cells(len(registered), len(holding), len(managed), _text(target.value) if target else None)},
    }
