"""GET /api/v1/todo: the home page's queue for scripts and apps (same items, same scoping)."""

import datetime

from ninja import Router, Schema

from hoctap.accounts.scoping import scope_for

from .todo import todo_for

router = Router(tags=["todo"])


class LineOut(Schema):
    text: str
    url: str
    count: int | None
    date: datetime.date | None


class ItemOut(Schema):
    key: str
    title: str
    count: int
    url: str
    lines: list[LineOut]
    more: int


@router.get("/", response=list[ItemOut])
def todo(request):
    return todo_for(scope_for(request))
