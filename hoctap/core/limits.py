"""The bounds of numbers that come from outside: years, ids, page sizes. One place, so a year is
checked against the same range by a form, a page, the API and a background job (issue 18 found six
copies of 2000–2100), and a number too large for the database is a 4xx, never an overflow (500).

`Year`, `Id` and `Count` are annotated ints for django-ninja parameters and schemas: out of range
they answer 422 naming the field, like any other invalid input.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# The years the system records: campaigns, figures, reports, targets, inspections, awards.
FIRST_YEAR = 2000
LAST_YEAR = 2100
# The earliest birth year a person in the registry may have.
FIRST_BIRTH_YEAR = 1900
# Primary keys are BigAutoField: a larger id cannot exist and would overflow the database's integer.
MAX_ID = 2**63 - 1
# Any other count or number a request may carry (a page offset, a quantity).
MAX_COUNT = 2**31 - 1
# API lists: the default page and the largest page a client may ask for.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
BirthYear = Annotated[int, Field(ge=FIRST_BIRTH_YEAR, le=LAST_YEAR)]


def current_year() -> int:
    """The year it is now in Vietnam (settings.TIME_ZONE), not on the server's clock: what decides
    "this year" for campaigns, dashboards and the demo."""
    from django.utils import timezone

    return timezone.localdate().year


def is_year(value: int | None) -> bool:
    return value is not None and FIRST_YEAR <= value <= LAST_YEAR


def ascii_int(text: str | None, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`text` as an int when it is plain ASCII digits within [minimum, maximum], else None.

    str.isdigit() alone is not enough: "²" and "٣" are digits to it and int() refuses the first."""
    text = (text or "").strip()
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def parse_year(text: str | None) -> int | None:
    """A year typed in a query string, or None when it is not one the system records."""
    return ascii_int(text, minimum=FIRST_YEAR, maximum=LAST_YEAR)


def year_asked(request, *, latest: int | None = None) -> int:
    """The `?year=` of a page, this year when absent or not a year, never after `latest` (this
    year by default: ledgers and rolls have no future years)."""
    latest = current_year() if latest is None else latest
    year = parse_year(request.GET.get("year"))
    return latest if year is None else min(year, latest)


def year_choices(first: int, selected: int | None = None) -> list[int]:
    """The years a page offers, newest first: from this year (or a later `selected` one) back to
    `first`."""
    return list(range(max(current_year(), selected or first), first - 1, -1))
