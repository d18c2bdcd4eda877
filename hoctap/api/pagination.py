"""The one pagination of every API list: `limit` and `offset`, bounded (issue 16: fifteen lists
answered 500 to limit=10**20, an offset the database cannot hold)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from hoctap.core.limits import MAX_COUNT, MAX_PAGE_SIZE, PAGE_SIZE


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"1–{MAX_PAGE_SIZE}")
        offset: int = Field(0, ge=0, le=MAX_COUNT)
