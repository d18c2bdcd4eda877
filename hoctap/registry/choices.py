"""What a form may link a record to (a person's household and employer, a household's clan branch),
and the search that offers those records a few at a time.

One source per kind holds the scoped queryset, the label and the search condition. The form's
ModelChoiceField uses the same queryset (to validate the chosen record, in one query) and the same
label; the suggestion view (`views.suggest`) uses them to answer what the user types. So a record
offered by a search is exactly a record the form accepts, and the labels cannot drift apart.

Labels carry no personal data beyond what identifies the record to an officer: a household's code,
head's name and village, an organisation's name, a clan branch's name (never ID numbers or birth
dates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from hoctap.accounts.roles import Capability
from hoctap.core.text import fold, normalise

from .models import ID_NUMBER_PATTERN, ClanBranch, Household, Organisation

# Below this many letters a search would match most of the territory: only the empty choice is sent.
MIN_SEARCH_LENGTH = 2
# At most this many matches are sent; the user types more to narrow the list.
MAX_SUGGESTIONS = 20
MAX_SEARCH_TEXT = 100


def households(scope) -> models.QuerySet:
    """Households a person can be placed in: those where the user edits the registry."""
    return scope.filter(Household.objects.select_related("village", "head"), Capability.EDIT_REGISTRY).order_by(
        "sort_key", "code"
    )


def household_label(household: Household) -> str:
    """Code, head's name (households are searched by it), village."""
    parts = [household.code, household.head.full_name if household.head_id else None, household.village.name]
    return " · ".join(part for part in parts if part)


def organisations(scope) -> models.QuerySet:
    """Organisations a person can work for: every one the user can see."""
    return scope.filter(Organisation.objects.all(), Capability.VIEW).order_by("sort_key")


def clan_branches(scope) -> models.QuerySet:
    """Clan branches a household can belong to: every one the user can see."""
    return scope.filter(ClanBranch.objects.select_related("commune"), Capability.VIEW).order_by("sort_key")


@dataclass(frozen=True)
class Source:
    queryset: Callable  # scope -> the scoped, ordered queryset the form validates against
    matching: Callable[[str], Q]  # folded search text -> condition on the diacritic-free columns
    label: Callable = str  # record -> the text of its <option>

    def current(self, scope, value: str):
        """The record the form currently holds, if it is one the user may choose."""
        value = (value or "").strip()
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            return None
        return self.queryset(scope).filter(pk=int(value)).first()

    def search(self, scope, text: str) -> list | None:
        """Up to MAX_SUGGESTIONS + 1 matches in sort order (one more tells that there are more),
        or None when the text is too short to search, or is an ID number (nothing here is found by
        one, and the search box refuses to send one: it would travel in a URL)."""
        text = normalise(text[:MAX_SEARCH_TEXT])
        folded = fold(text)
        if len(folded) < MIN_SEARCH_LENGTH or ID_NUMBER_PATTERN.match(text):
            return None
        return list(self.queryset(scope).filter(self.matching(folded))[: MAX_SUGGESTIONS + 1])


SOURCES = {
    "households": Source(
        households,
        lambda folded: Q(code_folded__contains=folded) | Q(name_folded__contains=folded),
        household_label,
    ),
    "organisations": Source(organisations, lambda folded: Q(name_folded__contains=folded)),
    "clan_branches": Source(clan_branches, lambda folded: Q(name_folded__contains=folded)),
}
