from ninja import Router, Schema
from ninja.pagination import paginate

from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import Id

from .models import Era, Unit

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: str
    era: str
    division_type: str
    parent_id: int | None


class LineageOut(Schema):
    id: int
    code: str
    name: str
    era: str
    is_partial: bool


class UnitDetailOut(UnitOut):
    children: list[UnitOut]
    predecessors: list[LineageOut]
    successors: list[LineageOut]


@router.get("/", response=list[UnitOut])
@paginate
def list_units(request, q: str = "", era: str = Era.CURRENT, level: str = "", parent_id: Id | None = None):
    units = scope_for(request).filter(Unit.objects.all()).filter(era=era)
    if level:
        units = units.filter(level=level)
    if parent_id is not None:
        units = units.filter(parent_id=parent_id)
    return units.search(q).in_order()


@router.get("/{unit_id}", response=UnitDetailOut)
def unit_detail(request, unit_id: Id):
    scope = scope_for(request)
    unit = scope.get_or_404(Unit.objects.all(), pk=unit_id)
    return {
        **UnitOut.from_orm(unit).dict(),
        "children": list(scope.filter(unit.children.all()).in_order()),
        "predecessors": list(scope.filter(unit.predecessors())),
        "successors": list(scope.filter(unit.successors())),
    }
