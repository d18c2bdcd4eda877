"""The work waiting for a user now: the home page and `GET /api/v1/todo` read the same queue.

Every item is one query through the scoping layer, whatever the data size (a province officer's
list costs what a village officer's does; asserted in tests/web/test_home.py). An item a role has
no capability for is not asked at all. The items read other apps' models, which is why this lives
in the `web` shell on top of them, never inside an app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoctap.accounts.roles import Capability, Role
from hoctap.accounts.scoping import Scope
from hoctap.assessments.campaigns import recognising_role_for
from hoctap.assessments.lists import WAITING
from hoctap.assessments.models import Assessment, Campaign, CitizenSignup, SubjectKind
from hoctap.assessments.review import BoardFilter
from hoctap.assessments.states import WAITING_FOR_REVIEW, State
from hoctap.assessments.workflow import own_commune_ids
from hoctap.exports import jobs as export_jobs
from hoctap.exports.models import ExportStatus
from hoctap.privacy.models import DataRequest, RequestState
from hoctap.privacy.services import people_without_basis
from hoctap.registry.models import ImportJob
from hoctap.reports.models import Report, ReportState
from hoctap.reports.services import received

# How far ahead a deadline counts as "coming", and how long a finished job stays on the list.
DEADLINE_DAYS = 7
RECENT_JOB_DAYS = 7
# How long a report sent to a body stays on its list of things to read.
RECEIVED_DAYS = 30
# The longest list of villages shown under one item; the rest are behind "see all".
MAX_LINES = 8

OWN_OPEN = (State.REGISTERED, State.SELF_ASSESSING, State.RETURNED)
CAMPAIGN_DEADLINES = ("registration_closes", "self_assessment_deadline", "review_deadline", "recognition_deadline")


@dataclass
class Line:
    """One row under an item: a village with its count, a deadline, a finished file."""

    text: str
    url: str
    count: int | None = None
    date: datetime.date | None = None


@dataclass
class Item:
    key: str
    title: str
    count: int
    url: str
    lines: list[Line] = field(default_factory=list)
    more: int = 0  # lines left off under MAX_LINES


def _listed(key: str, title: str, url: str, lines: list[Line], *, count: int | None = None) -> Item:
    """An item showing its first MAX_LINES lines, the others counted under "see all". Its count is
    the number of lines unless a line stands for several (`count`)."""
    count = len(lines) if count is None else count
    return Item(key, title, count, url, lines[:MAX_LINES], max(0, len(lines) - MAX_LINES))


def _records(key: str, title: str, url: str, records, line: Callable[[object], Line]) -> Item:
    """An item with one line per record of the ordered queryset `records`: the first MAX_LINES shown,
    every record counted (a count query only when there are more than it shows: the badge says 50
    when 50 wait, never the 9 it read)."""
    first = list(records[: MAX_LINES + 1])
    count = len(first) if len(first) <= MAX_LINES else records.count()
    return Item(key, title, count, url, [line(record) for record in first[:MAX_LINES]], count - len(first[:MAX_LINES]))


def todo_for(scope: Scope, today: datetime.date | None = None) -> list[Item]:
    """The user's queue, most pressing first; empty items are left out."""
    today = today or timezone.localdate()
    items: list[Item | None] = []
    if scope.can(Capability.REVIEW):
        items += [_to_review(scope), _reports_to_review(scope)]
    if scope.can(Capability.RECOGNISE):
        items.append(_to_recognise(scope))
    if scope.can(Capability.EDIT_REGISTRY):
        items += [_data_requests(scope, today), _signups(scope), _returned_dossiers(scope), _missing_basis(scope)]
    if scope.can(Capability.REPORT):
        items.append(_returned_reports(scope))
    if scope.can(Capability.RECEIVE_REPORTS):
        items.append(_received_reports(scope, today))
    if scope.roles:
        items.append(_own_dossiers(scope))
        items.append(_deadlines(scope, today))
    if scope.can(Capability.VIEW):
        items.append(_finished_jobs(scope, today))
    return [item for item in items if item and item.count]


def _assessment_list(**query) -> str:
    return f"{reverse('assessments:assessment_list')}?{urlencode(query)}"


def _to_review(scope: Scope) -> Item | None:
    """Dossiers sent in and not yet decided by the council, per village (or commune) and campaign."""
    groups = list(
        scope.filter(Assessment.objects.filter(state__in=WAITING_FOR_REVIEW), Capability.REVIEW)
        # a commune's own learning-community file is reviewed by the level above (TT 25/2023)
        .exclude(subject_kind=SubjectKind.COMMUNE, unit_id__in=own_commune_ids(scope))
        .values("campaign_id", "campaign__title", "campaign__year", "unit_id", "unit__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__name", "campaign_id")
    )
    if not groups:
        return None
    from hoctap.criteria.titles import Title

    lines = [
        Line(
            text=f"{group['unit__name']} · {Title(group['campaign__title']).label} {group['campaign__year']}",
            # the board opened on the dossiers waiting, not on all of the village's
            url=reverse("assessments:review_board", args=[group["campaign_id"], group["unit_id"]])
            + f"?{urlencode({'show': BoardFilter.WAITING})}",
            count=group["n"],
        )
        for group in groups
    ]
    total = sum(group["n"] for group in groups)
    return _listed("review", _("Hồ sơ chờ thẩm định"), _assessment_list(state=WAITING), lines, count=total)


def _to_recognise(scope: Scope) -> Item | None:
    """Proposed dossiers the user's role recognises: per campaign and managing level (a province-
    managed TT 24 unit is not the commune chairman's), never their own commune's file."""
    rows = (
        scope.filter(Assessment.objects.filter(state=State.PROPOSED), Capability.RECOGNISE)
        .exclude(subject_kind=SubjectKind.COMMUNE, unit_id__in=own_commune_ids(scope))
        .values_list(
            "campaign__recognising_role", "campaign__level_rules", "organisation__managing_level", "unit__path"
        )
    )
    count = sum(
        1
        for role, rules, level, path in rows
        if scope.holds_role(recognising_role_for(role, rules, level), SimpleNamespace(path=path))
    )
    return Item("recognise", _("Hồ sơ được đề nghị, chờ ký công nhận"), count, reverse("assessments:decision_list"))


def _signups(scope: Scope) -> Item:
    count = scope.filter(
        CitizenSignup.objects.filter(status=CitizenSignup.Status.PENDING), Capability.EDIT_REGISTRY
    ).count()
    return Item(
        "signups", _("Công dân đăng ký chờ liên kết với sổ nhân khẩu"), count, reverse("assessments:signup_list")
    )


def _data_requests(scope: Scope, today: datetime.date) -> Item:
    """People's requests to see, correct or delete their data or withdraw consent, soonest deadline
    first (the due date was computed on receipt by `privacy.services.due_date`; «tạm tính» while the
    province's rule is provisional)."""
    pending = (
        scope.filter(DataRequest.objects.filter(state=RequestState.PENDING), Capability.EDIT_REGISTRY)
        .select_related("person")
        .order_by("due_on", "pk")
    )

    def line(request):
        return Line(
            text=f"{request.get_kind_display()} · "
            f"{request.person.full_name if request.person_id else _('tài khoản chưa gắn sổ')}"
            + (f" · {_('hạn tạm tính')}" if request.due_provisional else "")
            + (f" · {_('quá hạn')}" if request.due_on < today else ""),
            url=reverse("privacy:request_detail", args=[request.pk]),
            date=request.due_on,
        )

    title = _("Yêu cầu về dữ liệu cá nhân chờ trả lời")
    return _records("data_requests", title, reverse("privacy:request_list"), pending, line)


def _missing_basis(scope: Scope) -> Item:
    return Item(
        "missing_basis",
        _("Nhân khẩu chưa ghi căn cứ xử lý dữ liệu (phiếu đồng ý hoặc văn bản pháp luật)"),
        people_without_basis(scope).count(),
        reverse("privacy:basis_missing"),
    )


def _returned_dossiers(scope: Scope) -> Item:
    count = scope.filter(Assessment.objects.filter(state=State.RETURNED), Capability.EDIT_REGISTRY).count()
    return Item("returned", _("Hồ sơ bị trả lại, cần bổ sung"), count, _assessment_list(state=State.RETURNED))


def _own_dossiers(scope: Scope) -> Item | None:
    """A citizen's own dossiers still to fill in or send again (returned ones first)."""
    if Role.CITIZEN not in scope.roles:
        return None
    own = (
        scope.filter(Assessment.objects.filter(person__account=scope.user, state__in=OWN_OPEN))
        .select_related("campaign")
        .order_by("-campaign__year", "pk")
    )
    return _records(
        "mine",
        _("Hồ sơ của tôi cần hoàn thành"),
        reverse("assessments:mine"),
        own,
        lambda assessment: Line(
            text=f"{assessment.campaign.get_title_display()} {assessment.campaign.year} · {assessment.get_state_display()}",
            url=reverse("assessments:assessment_detail", args=[assessment.pk]),
        ),
    )


def _reports_to_review(scope: Scope) -> Item:
    """Reports sent up by the units below, waiting for this level to accept or return them."""
    own_paths = scope.paths(Capability.REVIEW)
    count = (
        scope.filter(Report.objects.filter(state=ReportState.SUBMITTED), Capability.REVIEW)
        .exclude(unit__path__in=own_paths)
        .count()
    )
    return Item("reports_to_review", _("Báo cáo cấp dưới gửi lên, chờ tiếp nhận"), count, reverse("reports:board"))


def _returned_reports(scope: Scope) -> Item | None:
    reports = (
        scope.filter(Report.objects.filter(state=ReportState.RETURNED), Capability.REPORT)
        .filter(unit__path__in=scope.paths(Capability.REPORT))
        .select_related("report_type", "unit")
        .order_by("due_date", "pk")
    )
    return _records(
        "returned_reports",
        _("Báo cáo bị trả lại"),
        reverse("reports:board"),
        reports,
        lambda report: Line(text=str(report), url=reverse("reports:detail", args=[report.pk])),
    )


def _received_reports(scope: Scope, today: datetime.date) -> Item | None:
    """Reports sent this month to a body the user speaks for (the People's Committee…), to read."""
    since = timezone.now() - datetime.timedelta(days=RECEIVED_DAYS)
    return _records(
        "received_reports",
        _("Báo cáo gửi đến trong %(days)d ngày qua") % {"days": RECEIVED_DAYS},
        reverse("reports:received"),
        received(scope).filter(submitted_at__gte=since).select_related("report_type", "unit"),
        lambda report: Line(
            text=f"{report.report_type.name} {report.year} · {report.unit.name}",
            url=reverse("reports:detail", args=[report.pk]),
            date=timezone.localdate(report.submitted_at),
        ),
    )


def _deadlines(scope: Scope, today: datetime.date) -> Item | None:
    """Campaign milestones and this unit's reports falling due within a week."""
    until = today + datetime.timedelta(days=DEADLINE_DAYS)
    # A citizen's milestones end with the self-assessment; the council's come after it.
    names = CAMPAIGN_DEADLINES if scope.can(Capability.REVIEW) else CAMPAIGN_DEADLINES[:2]
    soon = Q()
    for name in names:
        soon |= Q(**{f"{name}__range": (today, until)})
    lines = []
    campaigns = scope.filter(Campaign.objects.filter(soon).select_related("province"))
    labels = {name: Campaign._meta.get_field(name).verbose_name for name in names}
    for campaign in campaigns:
        for name in names:
            day = getattr(campaign, name)
            if today <= day <= until:
                lines.append(
                    Line(
                        text=f"{str(labels[name]).capitalize()}: {campaign}",
                        url=reverse("assessments:campaign_detail", args=[campaign.pk]),
                        date=day,
                    )
                )
    if scope.can(Capability.REPORT):
        reports = (
            scope.filter(Report.objects.filter(state__in=(ReportState.DRAFT, ReportState.RETURNED)), Capability.REPORT)
            .filter(unit__path__in=scope.paths(Capability.REPORT), due_date__range=(today, until))
            .select_related("report_type", "unit")
        )
        lines += [
            Line(
                text=_("Hạn gửi báo cáo: %(report)s") % {"report": report},
                url=reverse("reports:detail", args=[report.pk]),
                date=report.due_date,
            )
            for report in reports
        ]
    lines.sort(key=lambda line: (line.date, line.text))
    return _listed(
        "deadlines",
        ngettext("Hạn trong %(days)d ngày tới", "Hạn trong %(days)d ngày tới", DEADLINE_DAYS) % {"days": DEADLINE_DAYS},
        lines[0].url if lines else "",
        lines,
    )


def _finished_jobs(scope: Scope, today: datetime.date) -> Item | None:
    """The user's own imports and exports finished this week (one query each, newest first)."""
    since = timezone.now() - datetime.timedelta(days=RECENT_JOB_DAYS)
    finished_imports = (
        ImportJob.Status.INVALID,
        ImportJob.Status.CHECKED,
        ImportJob.Status.DONE,
        ImportJob.Status.FAILED,
    )
    lines = [
        Line(
            text=f"{job.original_name} · {job.get_status_display()}",
            url=reverse("registry:import_job", args=[job.pk]),
            date=timezone.localdate(job.created_at),
        )
        for job in scope.filter(
            ImportJob.objects.filter(uploaded_by=scope.user, status__in=finished_imports, created_at__gte=since)
        ).order_by("-created_at")[:MAX_LINES]
    ]
    lines += [
        Line(
            text=f"{job} · {job.get_status_display()}",
            url=reverse("exports:job_detail", args=[job.pk]),
            date=timezone.localdate(job.finished_at),
        )
        for job in export_jobs.jobs_of(scope)
        .filter(finished_at__gte=since, status__in=(ExportStatus.DONE, ExportStatus.FAILED))
        .order_by("-finished_at")[:MAX_LINES]
    ]
    lines.sort(key=lambda line: line.date, reverse=True)
    return _listed("jobs", _("Tệp nhập, xuất đã xong"), lines[0].url if lines else "", lines)
