"""What is due to whom on a given day. Pure reading: each trigger returns the notices a day calls
for, keyed so that asking again on the same day (or the next, for a notice already made) adds
nothing. `today` is always passed in (the job's day in Vietnam; tests pass a fixed day).

Reminders before a date fire in a window rather than on one day, so a job that did not run on the
exact day (server down, first day in service) still warns: "a week before" fires from 7 to 2 days
before, "the day before" on the last day and the one before it, "overdue" once within 30 days after.
Each stage has its own key, so each fires once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from hoctap.accounts.roles import ROLE_LEVELS, Capability
from hoctap.accounts.scoping import Holders
from hoctap.assessments.models import Assessment, Campaign, StateChange
from hoctap.assessments.states import State
from hoctap.privacy.models import DataRequest, RequestState
from hoctap.reports import deadlines
from hoctap.reports.models import Report, ReportEvent, ReportLevel, ReportState, ReportType
from hoctap.reports.services import due_date_for
from hoctap.territory.models import Era, Level, Unit

from .models import Kind

WEEK, DAY, OVERDUE, OPEN = "week", "day", "overdue", "open"
LEAD_DAYS = 7  # the first reminder, this many days before
OVERDUE_DAYS = 30  # an unsent report is chased once, within this many days after its deadline
OPEN_DAYS = 7  # "registration is open" is still news this many days after opening
RETURN_LOOKBACK_DAYS = 14  # returns older than this were seen on the home page long ago
CLOSING = ("registration_closes", "self_assessment_deadline", "review_deadline", "recognition_deadline")
# Dossiers are registered and filled in at the village and the commune; a citizen's own open
# dossiers also hear of the self-assessment deadline.
FIELD_LEVELS = (Level.VILLAGE, Level.COMMUNE)
OWN_OPEN = (State.REGISTERED, State.SELF_ASSESSING, State.RETURNED)


@dataclass
class Planned:
    user: object
    kind: str
    key: str
    unit: Unit | None
    params: dict = field(default_factory=dict)
    url: str = ""


def stage_before(days_left: int, *, overdue: bool = False) -> str | None:
    if 2 <= days_left <= LEAD_DAYS:
        return WEEK
    if 0 <= days_left <= 1:
        return DAY
    if overdue and -OVERDUE_DAYS <= days_left <= -1:
        return OVERDUE
    return None


def all_planned(today: datetime.date) -> list[Planned]:
    return [
        *report_deadlines(today),
        *campaign_windows(today),
        *dossiers_returned(today),
        *reports_returned(today),
        *data_requests_due(today),
    ]


# -- report deadlines ----------------------------------------------------------------------------


def report_deadlines(today: datetime.date) -> list[Planned]:
    """Each unit's report not yet sent, to the officers who write it (assigned at that unit: a unit
    writes only its own report), a week and a day before its deadline and once when overdue. The
    deadline is the reports app's (`due_date_for`, per province, level and year)."""
    holders = Holders(Capability.REPORT, levels=ReportLevel.values, on=today)
    units = holders.units
    if not units:
        return []
    years = sorted({today.year, (today - datetime.timedelta(days=OVERDUE_DAYS)).year})
    # The association's own reports: a type another body sends (reports.reporters) is not theirs.
    types = list(ReportType.objects.filter(reporter=""))
    reports = {
        (r.report_type_id, r.year, r.unit_id): r
        for r in Report.objects.filter(year__in=years, unit__in=[u.pk for u in units])
    }
    dues: dict[tuple, datetime.date | None] = {}
    planned = []
    for unit in units:
        for report_type in types:
            for year in years:
                # Units of one level in one province share a deadline: one lookup per province.
                key = (report_type.pk, year, unit.level, unit.province_id)
                if key not in dues:
                    dues[key] = due_date_for(report_type, unit, year)
                due = dues[key]
                if due is None:
                    continue
                days = (due - today).days
                stage = stage_before(days, overdue=True)
                if stage is None:
                    continue
                report = reports.get((report_type.pk, year, unit.pk))
                # Sent (accepted or not) means the deadline was met; a returned report is chased by
                # its own notice, and judged on time by its first sending.
                if report is not None and report.state != ReportState.DRAFT:
                    continue
                url = (
                    reverse("reports:detail", args=[report.pk])
                    if report
                    else f"{reverse('reports:board')}?{urlencode({'report_type': report_type.code, 'year': year, 'unit': unit.pk})}"
                )
                params = {
                    "report": report_type.name,
                    "year": year,
                    "unit": unit.name,
                    "due": due.isoformat(),
                    "stage": stage,
                    "days": days,
                }
                for user in holders.at(unit):
                    planned.append(
                        Planned(
                            user,
                            Kind.REPORT_DEADLINE,
                            f"report:{report_type.pk}:{year}:{unit.pk}:{stage}",
                            unit,
                            params,
                            url,
                        )
                    )
    return planned


# -- campaign windows ----------------------------------------------------------------------------


def campaign_windows(today: datetime.date) -> list[Planned]:
    """Registration opening, and each closing milestone a week and a day before, to the people who
    act in that window in every province the campaign applies to (its own province, or for the
    national default every province without its own campaign of that title and year)."""
    from django.db.models import Q

    week = today + datetime.timedelta(days=LEAD_DAYS)
    condition = Q(registration_opens__range=(today - datetime.timedelta(days=OPEN_DAYS - 1), today))
    for name in CLOSING:
        condition |= Q(**{f"{name}__range": (today, week)})
    campaigns = list(Campaign.objects.filter(condition).select_related("province"))
    if not campaigns:
        return []
    provinces = None
    if any(c.province_id is None for c in campaigns):
        provinces = list(Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE))
        own = set(
            Campaign.objects.filter(province__isnull=False, year__in={c.year for c in campaigns}).values_list(
                "title", "year", "province_id"
            )
        )
    audiences: dict[tuple, Holders] = {}

    def audience(milestone: str, campaign: Campaign) -> Holders:
        if milestone in ("review_deadline", "recognition_deadline"):
            # Reviewed and signed where the campaign's recognising authority sits.
            levels = tuple(sorted(ROLE_LEVELS[campaign.recognising_role]))
            key = (milestone, campaign.recognising_role)
            if key not in audiences:
                audiences[key] = (
                    Holders(Capability.REVIEW, levels=levels, on=today)
                    if milestone == "review_deadline"
                    else Holders(Capability.RECOGNISE, roles={campaign.recognising_role}, on=today)
                )
            return audiences[key]
        if "field" not in audiences:
            audiences["field"] = Holders(Capability.EDIT_REGISTRY, levels=FIELD_LEVELS, on=today)
        return audiences["field"]

    planned = []
    for campaign in campaigns:
        where = (
            [campaign.province]
            if campaign.province_id
            else [p for p in provinces if (campaign.title, campaign.year, p.pk) not in own]
        )
        params = {
            "title": campaign.title,
            "year": campaign.year,
            "province": campaign.province.short_name if campaign.province_id else "",
        }
        url = reverse("assessments:campaign_detail", args=[campaign.pk])
        stages = []
        opened = (today - campaign.registration_opens).days
        if 0 <= opened < OPEN_DAYS:
            stages.append(("registration_opens", OPEN, campaign.registration_opens, 0))
        for name in CLOSING:
            day = getattr(campaign, name)
            stage = stage_before((day - today).days)
            if stage:
                stages.append((name, stage, day, (day - today).days))
        for milestone, stage, day, days in stages:
            holders = audience(milestone, campaign)
            facts = {**params, "milestone": milestone, "stage": stage, "date": day.isoformat(), "days": days}
            key = f"campaign:{campaign.pk}:{milestone}:{stage}"
            for province in where:
                for user in holders.within(province):
                    planned.append(Planned(user, Kind.CAMPAIGN_WINDOW, key, province, facts, url))
            if milestone == "self_assessment_deadline":
                citizens = Assessment.objects.filter(
                    campaign=campaign, state__in=OWN_OPEN, person__account__is_active=True
                ).select_related("person__account", "unit")
                for assessment in citizens:
                    planned.append(
                        Planned(
                            assessment.person.account,
                            Kind.CAMPAIGN_WINDOW,
                            key,
                            assessment.unit,
                            facts,
                            reverse("assessments:assessment_detail", args=[assessment.pk]),
                        )
                    )
    return planned


# -- returned dossiers and reports ---------------------------------------------------------------


def _since(today: datetime.date) -> datetime.datetime:
    return deadlines.end_of_day(today - datetime.timedelta(days=RETURN_LOOKBACK_DAYS + 1))


def _subject_name(assessment: Assessment) -> str:
    """How the dossier is named to the people who keep it: a person by name only (no birth year)."""
    if assessment.person_id:
        return assessment.person.full_name
    return str(assessment.subject)


def dossiers_returned(today: datetime.date) -> list[Planned]:
    """A dossier sent back by the council, still waiting to be completed: to the officers who keep
    the register where it lives (village and commune) and to the citizen whose own dossier it is;
    not to whoever returned it."""
    changes = list(
        StateChange.objects.filter(
            to_state=State.RETURNED,
            at__gte=_since(today),
            at__lt=deadlines.end_of_day(today),
            assessment__state=State.RETURNED,
        ).select_related(
            "assessment__campaign",
            "assessment__unit",
            "assessment__household",
            "assessment__clan_branch",
            "assessment__organisation",
            "assessment__person__account",
            "assessment__community",
        )
    )
    if not changes:
        return []
    holders = Holders(Capability.EDIT_REGISTRY, levels=FIELD_LEVELS, on=today)
    planned = []
    for change in changes:
        assessment = change.assessment
        users = holders.covering(assessment.unit)
        person = assessment.person
        if person is not None and person.account_id and person.account.is_active:
            users.add(person.account)
        params = {
            "title": assessment.title,
            "year": assessment.campaign.year,
            "subject": _subject_name(assessment),
            "unit": assessment.unit.name,
        }
        url = reverse("assessments:assessment_detail", args=[assessment.pk])
        for user in users:
            if user.pk != change.actor_id:
                planned.append(
                    Planned(user, Kind.DOSSIER_RETURNED, f"dossier_returned:{change.pk}", assessment.unit, params, url)
                )
    return planned


def reports_returned(today: datetime.date) -> list[Planned]:
    """A report sent back by the level above and not yet sent again: to its unit's report writers."""
    events = list(
        ReportEvent.objects.filter(
            action="return",
            at__gte=_since(today),
            at__lt=deadlines.end_of_day(today),
            report__state=ReportState.RETURNED,
            report__report_type__reporter="",  # the association's reports (see report_deadlines)
        ).select_related("report__report_type", "report__unit")
    )
    if not events:
        return []
    holders = Holders(Capability.REPORT, levels=ReportLevel.values, on=today)
    planned = []
    for event in events:
        report = event.report
        params = {"report": report.report_type.name, "year": report.year, "unit": report.unit.name}
        for user in holders.at(report.unit):
            if user.pk != event.actor_id:
                planned.append(
                    Planned(
                        user,
                        Kind.REPORT_RETURNED,
                        f"report_returned:{event.pk}",
                        report.unit,
                        params,
                        reverse("reports:detail", args=[report.pk]),
                    )
                )
    return planned


# -- data requests -------------------------------------------------------------------------------


def data_requests_due(today: datetime.date) -> list[Planned]:
    """A person's pending request about their data, to the commune officers who answer it, a week and a
    day before its due date and once when overdue. The date is the one stored on receipt
    (`privacy.services.due_date`); the notice names the kind and the commune, never the person."""
    pending = list(
        DataRequest.objects.filter(
            state=RequestState.PENDING,
            due_on__gte=today - datetime.timedelta(days=OVERDUE_DAYS),
            due_on__lte=today + datetime.timedelta(days=LEAD_DAYS),
        ).select_related("commune")
    )
    if not pending:
        return []
    holders = Holders(Capability.EDIT_REGISTRY, levels=[Level.COMMUNE], on=today)
    planned = []
    for data_request in pending:
        days = (data_request.due_on - today).days
        stage = stage_before(days, overdue=True)
        if stage is None:
            continue
        params = {
            "kind": data_request.kind,
            "unit": data_request.commune.name,
            "due": data_request.due_on.isoformat(),
            "provisional": data_request.due_provisional,
            "stage": stage,
            "days": days,
        }
        url = reverse("privacy:request_detail", args=[data_request.pk])
        for user in holders.at(data_request.commune):
            planned.append(
                Planned(
                    user,
                    Kind.DATA_REQUEST_DUE,
                    f"data_request:{data_request.pk}:{stage}",
                    data_request.commune,
                    params,
                    url,
                )
            )
    return planned
