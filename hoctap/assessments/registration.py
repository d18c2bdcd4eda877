"""Registration at the start of the year: the subjects of a village or commune, a page at a time.

A commune holds thousands of people and hundreds of households: the page searches them by name
(households also by code) and pages through them in the registry's sort order, and always says how
many there are and how many are registered, so nothing is left out without the officer knowing.
Registering goes through `workflow.register`, one subject at a time, with its own checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import Scope
from hoctap.core.text import fold, normalise
from hoctap.registry.models import ID_NUMBER_PATTERN
from hoctap.territory.models import Unit

from . import workflow
from .models import Assessment, Campaign, SubjectKind
from .states import State
from .subjects import adapter_for_title

PAGE_SIZE = 50
MAX_SEARCH_TEXT = 100


@dataclass
class Candidate:
    subject: object
    name: str
    registered: bool


@dataclass
class Listing:
    page: Page
    rows: list[Candidate]
    total: int  # every subject of the unit, whatever the search
    registered: int  # of those, already registered this year
    text: str  # the search as applied ("" when none, or when it was refused)
    refused_text: bool  # the search looked like an ID number and was not applied


def candidates(scope: Scope, campaign: Campaign, unit: Unit) -> QuerySet:
    """Every subject of the campaign's title that the user keeps the records of, at or under `unit`."""
    adapter = adapter_for_title(campaign.title)
    return scope.filter(adapter.candidates(unit), Capability.EDIT_REGISTRY).order_by("sort_key", "pk")


def _registered(campaign: Campaign, field: str) -> QuerySet:
    return (
        Assessment.objects.filter(campaign__year=campaign.year, title=campaign.title)
        .exclude(state=State.REVOKED)
        .values(field)
    )


def listing(
    scope: Scope, campaign: Campaign, unit: Unit, *, text: str = "", unregistered_only: bool = False, page_number=None
) -> Listing:
    """One page of the unit's subjects, searched and counted, in a fixed number of queries."""
    adapter = adapter_for_title(campaign.title)
    everyone = candidates(scope, campaign, unit)
    registered_all = _registered(campaign, adapter.field)
    text = normalise((text or "")[:MAX_SEARCH_TEXT])
    # A search never carries an ID number: it would travel in the address (and the logs).
    refused_text = bool(text) and bool(ID_NUMBER_PATTERN.match(text))
    if refused_text:
        text = ""
    shown = everyone
    if text:
        folded = fold(text)
        condition = Q(name_folded__contains=folded)
        if adapter.kind == SubjectKind.HOUSEHOLD:
            condition |= Q(code_folded__contains=folded)
        shown = shown.filter(condition)
    if unregistered_only:
        shown = shown.exclude(pk__in=registered_all)
    page = Paginator(shown, PAGE_SIZE).get_page(page_number)
    subjects = list(page.object_list)
    registered_here = set(
        _registered(campaign, adapter.field)
        .filter(**{f"{adapter.field}__in": [s.pk for s in subjects]})
        .values_list(adapter.field, flat=True)
    )
    rows = [Candidate(s, adapter.display_name(s), s.pk in registered_here) for s in subjects]
    return Listing(
        page=page,
        rows=rows,
        total=everyone.count(),
        registered=everyone.filter(pk__in=registered_all).count(),
        text=text,
        refused_text=refused_text,
    )


def register_chosen(scope: Scope, campaign: Campaign, unit: Unit, ids: list[int]) -> tuple[int, list[str]]:
    """Register the chosen subjects (only those of `unit` the user keeps); say why any was refused."""
    adapter = adapter_for_title(campaign.title)
    done, refused = 0, []
    for subject in candidates(scope, campaign, unit).filter(pk__in=ids):
        try:
            workflow.register(scope, campaign.title, subject, campaign.year)
            done += 1
        except ValidationError as error:
            refused.append(f"{adapter.display_name(subject)}: {' '.join(error.messages)}")
    if not ids:
        refused.append(_("Chưa chọn đối tượng nào: đánh dấu ô bên cạnh tên (hoặc «Chọn tất cả») rồi bấm đăng ký."))
    return done, refused
