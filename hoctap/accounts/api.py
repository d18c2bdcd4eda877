from ninja import Router, Schema

from .scoping import scope_for

router = Router(tags=["me"])


class AssignmentOut(Schema):
    role: str
    unit_id: int
    unit_name: str
    valid_from: str | None
    valid_to: str | None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    assignments: list[AssignmentOut]


@router.get("/", response=MeOut)
def me(request):
    scope = scope_for(request)
    return {
        "id": request.user.pk,
        "username": request.user.username,
        "full_name": request.user.full_name,
        "assignments": [
            {
                "role": a.role,
                "unit_id": a.unit_id,
                "unit_name": a.unit.name,
                "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                "valid_to": a.valid_to.isoformat() if a.valid_to else None,
            }
            for a in scope.assignments
        ],
    }
