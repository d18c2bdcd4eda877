"""/api/v1/learning/: the learning records and their figures, through the same scope and the same
rules as the pages (services); a record outside the caller's territory is a 404, a refused field a
422 naming it."""

import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Count, Id, Year, current_year
from hoctap.territory.models import Era, Level, Unit
from hoctap.web.shortcuts import filtered_by_given

from . import services
from .models import CentreClass, LiteracyDeclaration, WeekActivity

router = Router(tags=["learning"])


def _rate(share):
    rate = share.rate
    return None if rate is None else round(float(rate), 4)


class ShareOut(Schema):
    numerator: int
    denominator: int
    rate: float | None  # percent; null when no commune reported (unknown, never 0 or 100)
    covered: int  # communes that reported
    expected: int  # communes there are


class TotalsOut(Schema):
    communes: int
    classes: int
    sessions: int
    participants: int
    centres_active: int
    week_activities: int
    week_participants: int
    week_communes: int
    declared: int
    population_15_35: int
    literate_15_35: int
    population_15_60: int
    literate2_15_60: int
    by_topic: dict[str, dict[str, int]]
    standards: dict[str, dict[str, int]]
    literate_15_35_share: ShareOut
    literate2_15_60_share: ShareOut
    literacy_level_2_communes: ShareOut
    primary_level_3_communes: ShareOut
    lower_secondary_level_2_communes: ShareOut
    preschool_communes: ShareOut


class ChildOut(Schema):
    unit_id: int
    code: str
    name: str
    totals: TotalsOut


class FiguresOut(Schema):
    unit_id: int
    code: str
    name: str
    level: str
    year: int
    totals: TotalsOut
    children: list[ChildOut]


def _share(share) -> dict:
    return {
        "numerator": share.numerator,
        "denominator": share.denominator,
        "rate": _rate(share),
        "covered": share.covered,
        "expected": share.expected,
    }


def _totals(totals) -> dict:
    return {
        **totals.as_dict(),
        "literate_15_35_share": _share(totals.literate_share()),
        "literate2_15_60_share": _share(totals.literate2_share()),
        "literacy_level_2_communes": _share(totals.standard_share("literacy_level", 2)),
        "primary_level_3_communes": _share(totals.standard_share("primary_level", 3)),
        "lower_secondary_level_2_communes": _share(totals.standard_share("lower_secondary_level", 2)),
        "preschool_communes": _share(totals.standard_share("preschool", 1)),
    }


def _unit(scope, unit_id):
    return scope.get_or_404(
        Unit.objects.filter(era=Era.CURRENT, level__in=[Level.NATION, Level.PROVINCE, Level.COMMUNE]), pk=unit_id
    )


def _commune(scope, unit_id):
    return scope.get_or_404(Unit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE), pk=unit_id)


@router.get("/units/{unit_id}", response=FiguresOut)
def learning_figures(request, unit_id: Id, year: Year | None = None):
    """A unit's learning figures for a year (default: this year), with one line per child and the
    coverage of every share."""
    scope = scope_for(request)
    unit = _unit(scope, unit_id)
    year = year or current_year()
    figures = services.figures(unit, year)
    return {
        "unit_id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "year": year,
        "totals": _totals(figures.total),
        "children": [
            {"unit_id": c.pk, "code": c.code, "name": c.name, "totals": _totals(t)} for c, t in figures.children
        ],
    }


class ClassIn(Schema):
    commune_id: Id
    topic: str
    name: str
    started_on: datetime.date
    ended_on: datetime.date | None = None
    sessions: Count = 1
    participants: Count
    held_by: str


class ClassOut(Schema):
    id: int
    commune_id: int
    topic: str
    name: str
    started_on: datetime.date
    ended_on: datetime.date | None
    sessions: int
    participants: int
    held_by: str


def _class_fields(payload: ClassIn) -> dict:
    return payload.dict(exclude={"commune_id"})


@router.get("/classes", response=list[ClassOut])
@paginate
def learning_classes(request, year: Year | None = None, commune_id: Id | None = None):
    classes = scope_for(request).filter(CentreClass.objects.all())
    return filtered_by_given(classes, started_on__year=year, commune_id=commune_id).order_by("-started_on", "-pk")


@router.post("/classes", response={201: ClassOut})
def learning_class_create(request, payload: ClassIn):
    scope = scope_for(request)
    record = services.record_class(
        scope, _commune(scope, payload.commune_id), user=request.user, **_class_fields(payload)
    )
    return Status(201, record)


@router.get("/classes/{class_id}", response=ClassOut)
def learning_class_detail(request, class_id: Id):
    return scope_for(request).get_or_404(CentreClass.objects.all(), pk=class_id)


@router.put("/classes/{class_id}", response=ClassOut)
def learning_class_update(request, class_id: Id, payload: ClassIn):
    scope = scope_for(request)
    record = scope.get_or_404(CentreClass.objects.select_related("commune"), services.WRITE, pk=class_id)
    return services.record_class(
        scope, _commune(scope, payload.commune_id), user=request.user, instance=record, **_class_fields(payload)
    )


class WeekIn(Schema):
    commune_id: Id
    date: datetime.date
    activity: str
    participants: Count


class WeekOut(Schema):
    id: int
    commune_id: int
    date: datetime.date
    activity: str
    participants: int


@router.get("/week", response=list[WeekOut])
@paginate
def learning_week_activities(request, year: Year | None = None):
    activities = scope_for(request).filter(WeekActivity.objects.all())
    return filtered_by_given(activities, date__year=year).order_by("-date", "-pk")


@router.post("/week", response={201: WeekOut})
def learning_week_create(request, payload: WeekIn):
    scope = scope_for(request)
    record = services.record_week_activity(
        scope, _commune(scope, payload.commune_id), user=request.user, **payload.dict(exclude={"commune_id"})
    )
    return Status(201, record)


class DeclarationIn(Schema):
    commune_id: Id
    year: Year
    population_15_35: Count
    literate_15_35: Count
    population_15_60: Count
    literate2_15_60: Count
    literacy_level: int = 0
    primary_level: int = 0
    lower_secondary_level: int = 0
    preschool: bool = False
    declared_by: str
    document: str
    document_number: str = ""
    document_date: datetime.date


class DeclarationOut(Schema):
    id: int
    commune_id: int
    year: int
    population_15_35: int
    literate_15_35: int
    population_15_60: int
    literate2_15_60: int
    literacy_level: int
    primary_level: int
    lower_secondary_level: int
    preschool: bool
    declared_by: str
    document: str
    document_number: str
    document_date: datetime.date


@router.get("/declarations", response=list[DeclarationOut])
@paginate
def learning_declarations(request, year: Year | None = None):
    declarations = scope_for(request).filter(LiteracyDeclaration.objects.all())
    return filtered_by_given(declarations, year=year).order_by("-year", "commune_id")


@router.put("/declarations", response=DeclarationOut)
def learning_declare(request, payload: DeclarationIn):
    """Record the commune's declaration for the year, or correct the one on record."""
    scope = scope_for(request)
    return services.declare(
        scope, _commune(scope, payload.commune_id), user=request.user, **payload.dict(exclude={"commune_id"})
    )
