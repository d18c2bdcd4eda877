"""The season's order and what waits on what, for the campaign page.

Titles depend on titles: a family's rule reads its adults' citizen titles, a clan's its households'
family titles, a village's its households' and clans', the commune's every title inside it. So a
commune plays its year in an order — citizens, families, clans, village communities, the commune
learning community — and an open file of one title waits while the files it reads are in progress
(`subjects.in_progress`). One query per kind of wait, through the scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from hoctap.accounts.scoping import Scope
from hoctap.criteria.titles import Title

from .campaigns import campaign_for
from .models import Campaign
from .states import FROZEN_STATES
from .subjects import in_progress

ORDER = (Title.CITIZEN, Title.FAMILY, Title.CLAN, Title.COMMUNITY, Title.COMMUNE_COMMUNITY)


def _waits(title: str, year: int):
    """(the title waited on, the condition "an assessment of it in progress reads this file")."""
    if title == Title.FAMILY:
        return [
            (Title.CITIZEN, Exists(in_progress(Title.CITIZEN, year).filter(person__household=OuterRef("household"))))
        ]
    if title == Title.CLAN:
        return [
            (
                Title.FAMILY,
                Exists(in_progress(Title.FAMILY, year).filter(household__clan_branch=OuterRef("clan_branch"))),
            )
        ]
    if title == Title.COMMUNITY:
        return [
            (Title.FAMILY, Exists(in_progress(Title.FAMILY, year).filter(household__village=OuterRef("community")))),
            (
                Title.CLAN,
                Exists(in_progress(Title.CLAN, year).filter(clan_branch__households__village=OuterRef("community"))),
            ),
        ]
    if title == Title.COMMUNE_COMMUNITY:
        return [
            (
                Title.COMMUNITY,
                Exists(in_progress(Title.COMMUNITY, year).filter(community__parent=OuterRef("community"))),
            ),
            (Title.UNIT, Exists(in_progress(Title.UNIT, year).filter(organisation__commune=OuterRef("community")))),
        ]
    return []


def _waiting_text(title: str, n: int, waited: str) -> str:
    label = Title(waited).label
    if title == Title.FAMILY:
        return _("%(n)s hộ chờ kết quả %(title)s") % {"n": n, "title": label}
    if title == Title.CLAN:
        return _("%(n)s dòng họ chờ kết quả %(title)s") % {"n": n, "title": label}
    if title == Title.COMMUNITY:
        return _("%(n)s thôn chờ kết quả %(title)s") % {"n": n, "title": label}
    return _("%(n)s xã chờ kết quả %(title)s") % {"n": n, "title": label}


@dataclass(frozen=True)
class Step:
    title: str
    label: str
    current: bool
    campaign: Campaign | None


def order(campaign: Campaign) -> list[Step]:
    """The season's titles in order, each with its campaign for the same year and province (when
    it exists; nothing is created here)."""
    steps = []
    for title in ORDER:
        other = (
            campaign
            if title == campaign.title
            else campaign_for(title, campaign.year, campaign.province_id, create=False)
        )
        steps.append(Step(title, Title(title).label, title == campaign.title, other))
    return steps


def waiting(scope: Scope, campaign: Campaign) -> list[str]:
    """ "12 hộ chờ kết quả Công dân học tập": the open files of this campaign, within the user's
    scope, that read a title still being assessed this year."""
    open_files = scope.filter(campaign.assessments.exclude(state__in=FROZEN_STATES))
    lines = []
    for waited, condition in _waits(campaign.title, campaign.year):
        n = open_files.filter(condition).count()
        if n:
            lines.append(_waiting_text(campaign.title, n, waited))
    return lines
