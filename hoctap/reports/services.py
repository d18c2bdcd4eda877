"""The reporting workflow: draft → submitted (locked, figures frozen) → accepted, or returned with
reasons by the level above and submitted again; the moves are data (`states.TRANSITIONS`) and
`transition` is the one way to make them.

Views and API routes stay thin: they fetch through the scope and call these functions, which
check who may act, validate, and raise ValidationError with field names.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hoctap.accounts.roles import CAPABILITIES, Capability
from hoctap.assessments.legal_bases import unit_in_sentence
from hoctap.core.documents import in_official_language
from hoctap.core.text import fold
from hoctap.core.validators import check_visible_text
from hoctap.core.versions import check_version
from hoctap.territory.models import Era, Level, Unit

from . import deadlines, distribution, figures, reporters, sections, states
from .issuers import issuing_bodies
from .models import (
    Report,
    ReportAddressee,
    ReportEvent,
    ReportLevel,
    ReportSchedule,
    ReportState,
    ReportType,
    StaleReport,
)

NARRATIVE_FIELDS = ("results", "difficulties", "proposals")
# What the paper carries besides its content (Nghị định 30/2020/NĐ-CP): set on the same form.
DOCUMENT_FIELDS = ("number", "place", "dated", "signer_title", "signer_name", "recipients")
EDITABLE_FIELDS = NARRATIVE_FIELDS + ("outstanding_note",) + DOCUMENT_FIELDS
# A report of the Study Promotion Association: "15/BC-HKH" (số thứ tự / ký hiệu báo cáo - cơ quan).
NUMBER_SYMBOL = "BC-HKH"
NUMBER_PATTERN = re.compile(r"^([1-9][0-9]{0,5})/(BC(?:-[0-9A-ZĐ]+)+)$")
ARCHIVE_LINE = "Lưu: VT."
# The level that receives each level's reports.
CHILD_LEVEL = {Level.NATION: Level.PROVINCE, Level.PROVINCE: Level.COMMUNE}


# -- deadlines ---------------------------------------------------------------------------------


def schedule_for(report_type: ReportType, unit: Unit, year: int) -> ReportSchedule | None:
    """The most specific deadline row for `unit`'s level: province and year, province every
    year, national and year, national every year."""
    if unit.level not in ReportLevel.values:
        return None
    province = unit.province()
    rows = (
        ReportSchedule.objects.filter(report_type=report_type, level=unit.level)
        .filter(Q(year=year) | Q(year__isnull=True))
        .filter(Q(province=province) | Q(province__isnull=True) if province else Q(province__isnull=True))
    )
    return min(rows, key=lambda row: (row.province_id is None, row.year is None), default=None)


def due_date_for(report_type: ReportType, unit: Unit, year: int) -> datetime.date | None:
    schedule = schedule_for(report_type, unit, year)
    return schedule.due_date(year) if schedule else None


def required_types(unit: Unit, year: int) -> list[ReportType]:
    return [t for t in ReportType.objects.all() if schedule_for(t, unit, year) is not None]


# -- who acts ----------------------------------------------------------------------------------


def may_write(scope, report_type: ReportType, unit: Unit) -> bool:
    """Who writes and sends a unit's report: the officers with `report` at the unit itself for the
    association's reports; for a type another body sends (`reporters.py`), that body's role held at
    the unit (the province's Department of Education for its schools), and nobody else."""
    reporter = reporters.of(report_type)
    if reporter is not None:
        return any(a.role == reporter.role and a.unit_id == unit.pk for a in scope.assignments)
    return unit.path in scope.paths(Capability.REPORT)


def _write_capability(report_type: ReportType) -> str:
    """What the saved report is re-checked against (`Scope.save`): a reporting body holds no `report`
    capability, only its role (checked by `may_write`) and what a viewer reads."""
    return Capability.VIEW if report_type.reporter else Capability.REPORT


def _writes_own(scope, report: Report) -> None:
    """A report is written and sent by its own unit: an officer of the level above may read it
    and decide on it, but not write it on the unit's behalf."""
    if not may_write(scope, report.report_type, report.unit):
        raise Http404


def is_reviewer(scope, report: Report) -> bool:
    """The level above decides: a reviewer assigned strictly above the reporting unit. A body's
    report goes to the association of its own unit (the province's association receives its
    Department of Education's report), so a reviewer there decides on it too."""
    own_level = bool(report.report_type.reporter)
    return any(
        report.unit.path.startswith(path) and (own_level or report.unit.path != path)
        for path in scope.paths(Capability.REVIEW)
    )


def can_write(scope, report: Report) -> bool:
    return may_write(scope, report.report_type, report.unit) and not report.is_locked


# -- the document: number, place and date, signer, recipients ---------------------------------


@in_official_language  # the paper's own text, stored as typed
def default_recipients(unit: Unit) -> str:
    """The association of the level above (the central association for a province), then the
    archive line."""
    parent = unit.parent
    if parent is None or parent.level == Level.NATION:
        above = _("Trung ương Hội Khuyến học Việt Nam (để báo cáo);")
    else:
        above = _("Hội Khuyến học %(unit)s (để báo cáo);") % {"unit": unit_in_sentence(parent)}
    return "\n".join([above, ARCHIVE_LINE])


@in_official_language
def distribution_text(report_type: ReportType, unit: Unit) -> str:
    """The report type's distribution list for `unit` (the association above, the People's
    Committee, the steering committee, the Party committee…), then the archive line."""
    return "\n".join([*(r.line for r in distribution.recipients(report_type, unit)), ARCHIVE_LINE])


def document_defaults(unit: Unit, report_type: ReportType | None = None) -> dict:
    """What a new report's paper says until the officer changes it."""
    recipients = distribution_text(report_type, unit) if report_type else default_recipients(unit)
    reporter = reporters.of(report_type) if report_type else None
    signer_title = reporter.signer_title if reporter else "Chủ tịch"
    return {"place": issuing_bodies(unit, reporter)[2], "recipients": recipients, "signer_title": signer_title}


def number_symbol(report_type: ReportType) -> str:
    """The symbol of the report's number: the association's, or the sending body's own."""
    reporter = reporters.of(report_type)
    return reporter.symbol if reporter else NUMBER_SYMBOL


def _body(line: str) -> str:
    """A recipient line without its "(để báo cáo);" tail, folded: what names the body."""
    return fold(line.split("(")[0]).strip(" ;.-")


def missing_distribution(report: Report, lines: list[str]) -> list[str]:
    """The lines of the report type's distribution list that `lines` does not name: the paper must
    name every body the report is sent to in the system."""
    named = {_body(line) for line in lines}
    return [r.line for r in distribution.recipients(report.report_type, report.unit) if _body(r.line) not in named]


def _number_year(report: Report, day: datetime.date | None = None) -> int:
    return (day or report.dated or timezone.localdate()).year


def _numbers_taken(report: Report, year: int) -> dict[str, Report]:
    """The numbers the issuing body's other reports dated in `year` carry (numbering restarts each
    year; the unit's association and a body reporting at the same unit number their own papers)."""
    others = (
        Report.objects.filter(unit_id=report.unit_id, report_type__reporter=report.report_type.reporter)
        .exclude(pk=report.pk)
        .exclude(number="")
    )
    return {
        other.number: other
        for other in others.select_related("report_type")
        if _number_year(other, other.dated or (other.submitted_at and timezone.localdate(other.submitted_at))) == year
    }


def next_number(report: Report, day: datetime.date) -> str:
    taken = _numbers_taken(report, day.year)
    highest = max((int(NUMBER_PATTERN.match(n).group(1)) for n in taken if NUMBER_PATTERN.match(n)), default=0)
    return f"{highest + 1}/{number_symbol(report.report_type)}"


def _as_date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({"dated": _("Ngày báo cáo không hợp lệ; hãy chọn ngày trên lịch.")}) from None


def check_document(report: Report, *, sending: bool = False, today: datetime.date | None = None) -> None:
    """The one rule for what the paper says, for pages and API alike. A draft may leave things out;
    `sending` asks for everything the paper needs. Raises ValidationError by field, each message
    saying what to write instead."""
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    report.number = (report.number or "").strip().upper().replace(" ", "")
    if report.number:
        if not NUMBER_PATTERN.match(report.number):
            errors["number"] = _(
                "Số văn bản viết như 15/BC-HKH: số thứ tự, dấu gạch chéo, rồi ký hiệu bắt đầu bằng "
                "BC-. Để trống thì hệ thống cấp số khi gửi."
            )
        else:
            other = _numbers_taken(report, _number_year(report)).get(report.number)
            if other is not None:
                errors["number"] = _(
                    "Số %(number)s đã dùng cho báo cáo «%(other)s» trong năm; hãy chọn số khác "
                    "hoặc để trống để hệ thống cấp số."
                ) % {"number": report.number, "other": f"{other.report_type} {other.year}"}
    if report.dated is not None:
        if report.dated < datetime.date(report.year, 1, 1):
            errors["dated"] = _(
                "Báo cáo năm %(year)d không thể ghi ngày trước 01/01/%(year)d; hãy sửa ngày hoặc để trống (ngày gửi)."
            ) % {"year": report.year}
        elif sending and report.dated > today:
            errors["dated"] = _("Ngày báo cáo %(day)s chưa đến; hãy ghi ngày hôm nay hoặc để trống.") % {
                "day": report.dated.strftime("%d/%m/%Y")
            }
    report.place = (report.place or "").strip()
    report.signer_title = (report.signer_title or "").strip()
    report.signer_name = (report.signer_name or "").strip()
    for field in ("number", "place", "signer_title", "signer_name"):
        limit = Report._meta.get_field(field).max_length
        if len(getattr(report, field)) > limit:
            errors[field] = _("Tối đa %(n)d ký tự.") % {"n": limit}
    for field in ("place", "signer_title", "signer_name", "recipients"):
        try:
            check_visible_text(getattr(report, field), Report._meta.get_field(field).verbose_name)
        except ValidationError as error:
            errors[field] = error.messages[0]
    lines = report.recipient_lines()
    if sending:
        if not report.place:
            errors["place"] = _("Hãy ghi địa danh của dòng ngày tháng (ví dụ: Cao Bằng).")
        if not report.signer_title:
            errors["signer_title"] = _("Hãy ghi chức vụ người ký (ví dụ: Chủ tịch).")
        if not report.signer_name:
            errors["signer_name"] = _("Hãy ghi họ và tên người ký báo cáo.")
        if not [line for line in lines if not fold(line).startswith("luu")]:
            errors["recipients"] = _("Hãy ghi ít nhất một nơi nhận, ví dụ Hội Khuyến học cấp trên (để báo cáo).")
        elif missing := missing_distribution(report, lines):
            errors["recipients"] = _(
                "Báo cáo này được gửi đến cả các nơi sau trên hệ thống; hãy ghi thêm vào nơi nhận: %(lines)s"
            ) % {"lines": " ".join(missing)}
    if lines and not fold(lines[-1]).startswith("luu"):
        lines.append(ARCHIVE_LINE)  # every administrative document ends its list with where it is filed
    report.recipients = "\n".join(lines)
    if errors:
        raise ValidationError(errors)


# -- the workflow ------------------------------------------------------------------------------


def start_report(scope, report_type: ReportType, year: int, unit: Unit, *, actor) -> Report:
    """The unit's report for that type and year, created as a draft on first use."""
    if unit.era != Era.CURRENT or unit.level not in ReportLevel.values:
        raise ValidationError({"unit_id": _("Chỉ xã, phường, đặc khu và tỉnh, thành phố lập báo cáo.")})
    if not may_write(scope, report_type, unit):
        raise Http404
    due = due_date_for(report_type, unit, year)
    if due is None:
        raise ValidationError({"report_type": _("Tỉnh chưa quy định loại báo cáo này cho cấp của đơn vị.")})
    report, _created = Report.objects.get_or_create(
        report_type=report_type,
        year=year,
        unit=unit,
        defaults={"created_by": actor, "due_date": due, **document_defaults(unit, report_type)},
    )
    return report


def _locked_for_update(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("unit", "report_type").get(pk=report.pk)


def update_narrative(scope, report: Report, data: dict, *, version: int | None = None) -> Report:
    _writes_own(scope, report)
    with transaction.atomic():
        report = _locked_for_update(report)
        check_version(report.version, version, StaleReport)
        if report.is_locked:
            raise ValidationError({"state": _("Báo cáo đã gửi thì không sửa được.")})
        for field in EDITABLE_FIELDS:
            if field in data:
                setattr(report, field, _as_date(data[field]) if field == "dated" else (data[field] or ""))
        check_document(report)
        report.version += 1
        scope.save(report, _write_capability(report.report_type))
    return report


@dataclass(frozen=True)
class Outstanding:
    """A child unit whose report the parent cannot yet count as received."""

    unit: Unit
    state: str
    label: str


def outstanding_children(report: Report) -> list[Outstanding]:
    """Communes (for a province report) that have not submitted or whose report is not accepted."""
    child_level = CHILD_LEVEL.get(report.unit.level)
    if child_level is None:
        return []
    children = Unit.objects.filter(parent=report.unit, level=child_level, era=Era.CURRENT).in_order()
    reports = {
        r.unit_id: r for r in Report.objects.filter(report_type=report.report_type, year=report.year, unit__in=children)
    }
    missing = []
    for child in children:
        if schedule_for(report.report_type, child, report.year) is None:
            continue
        child_report = reports.get(child.pk)
        state = child_report.state if child_report else None
        if state == ReportState.ACCEPTED:
            continue
        label = ReportState(state).label if state else _("Chưa lập")
        if state == ReportState.SUBMITTED:
            label = _("Đã gửi, chưa tiếp nhận")
        missing.append(Outstanding(child, state or "not_started", str(label)))
    return missing


def suggested_note(outstanding: list[Outstanding]) -> str:
    return "\n".join(f"- {item.unit.name}: {item.label}" for item in outstanding)


def _check_note_names(note: str, outstanding: list[Outstanding]) -> None:
    """The note must name every outstanding unit, so the level above reads who is missing from the
    note itself, not only from the attached list."""
    if not outstanding:
        return
    folded = fold(note)
    unnamed = [item.unit.name for item in outstanding if fold(item.unit.short_name) not in folded]
    if not note.strip() or unnamed:
        raise ValidationError(
            {
                "outstanding_note": _(
                    "Còn đơn vị chưa gửi hoặc chưa được tiếp nhận báo cáo; giải trình phải nêu tên: %(names)s."
                )
                % {"names": ", ".join(unnamed or [item.unit.name for item in outstanding])}
            }
        )


def actor_kinds(scope, report: Report) -> set[str]:
    """Whether the scope's user acts on `report` as its reporter, its reviewer, both or neither."""
    kinds = set()
    if may_write(scope, report.report_type, report.unit):
        kinds.add(states.REPORTER)
    if is_reviewer(scope, report):
        kinds.add(states.REVIEWER)
    return kinds


def available_actions(scope, report: Report) -> list[str]:
    """What the user may do with the report now (the buttons the page offers)."""
    return states.actions_for(report.state, actor_kinds(scope, report))


def transition(
    scope,
    report: Report,
    action: str,
    *,
    actor,
    reason: str = "",
    outstanding_note: str | None = None,
    expected_version: int | None = None,
    now: datetime.datetime | None = None,
) -> Report:
    """The one way a report moves (pages, API and demo alike): a step of `states.TRANSITIONS` taken
    by its actor, on the version the caller saw. Someone who may never take `action` on this report
    is told "not found" (Http404); a stale version raises StaleReport; anything else refused is a
    ValidationError by field."""
    if action not in states.Action.values:
        raise ValidationError({"action": _("Thao tác không hợp lệ; hãy tải lại trang.")})
    if states.ACTOR_OF[action] not in actor_kinds(scope, report):
        raise Http404
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked_for_update(report)
        check_version(report.version, expected_version, StaleReport)
        rule = states.TRANSITIONS.get((report.state, action))
        if rule is None:
            raise ValidationError({"state": str(states.NOT_NOW[action])})
        # Only a step that asks for a reason records one.
        reason = (reason or "").strip() if rule.needs_reason else ""
        if rule.needs_reason and not reason:
            raise ValidationError({"reason": _("Phải nêu lý do trả lại.")})
        from_state = report.state
        if rule.actor == states.REPORTER:
            _send(report, actor, outstanding_note, now)
        else:
            _decide(report, actor, reason, now)
        report.state = rule.to
        report.version += 1
        scope.save(
            report, _write_capability(report.report_type) if rule.actor == states.REPORTER else Capability.REVIEW
        )
        if rule.actor == states.REPORTER:
            _address(report)
        ReportEvent.objects.create(
            report=report, action=action, from_state=from_state, to_state=report.state, actor=actor, reason=reason
        )
    return report


def _send(report: Report, actor, outstanding_note: str | None, now: datetime.datetime) -> None:
    """What sending checks and writes: the content and the paper complete, every outstanding child
    unit named, a number, and the figures frozen as they are at this moment."""
    if outstanding_note is not None:
        report.outstanding_note = outstanding_note
    if not report.results.strip():
        raise ValidationError({"results": _("Phần kết quả thực hiện không được để trống.")})
    outstanding = outstanding_children(report)
    _check_note_names(report.outstanding_note, outstanding)
    # The unit's row serialises its submissions, so two reports sent at once never share a number.
    list(Unit.objects.select_for_update().filter(pk=report.unit_id).values_list("pk"))
    report.dated = report.dated or timezone.localdate(now)
    check_document(report, sending=True, today=timezone.localdate(now))
    report.number = report.number or next_number(report, report.dated)
    report.snapshot = sections.snapshot(
        report,
        now,
        [
            {"unit_id": item.unit.pk, "name": item.unit.name, "state": item.state, "label": item.label}
            for item in outstanding
        ],
    )
    report.due_date = due_date_for(report.report_type, report.unit, report.year)
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.submitted_by = actor
    report.return_reason = ""


def _decide(report: Report, actor, reason: str, now: datetime.datetime) -> None:
    """The level above accepts the report, or returns it with its reason for correction."""
    if reason:
        report.return_reason = reason
    report.decided_at = now
    report.decided_by = actor


def _address(report: Report) -> None:
    """Record who the report is sent to, so each body reads it through the scoping layer."""
    for recipient in distribution.recipients(report.report_type, report.unit):
        if recipient.role:
            ReportAddressee.objects.update_or_create(
                report=report, role=recipient.role, unit=recipient.unit, defaults={"line": recipient.line}
            )


# Shorthands for callers that know the action (the demo, tests): the same single entry point.


def submit(scope, report: Report, *, actor, outstanding_note=None, version=None, now=None) -> Report:
    return transition(
        scope,
        report,
        states.Action.SUBMIT,
        actor=actor,
        outstanding_note=outstanding_note,
        expected_version=version,
        now=now,
    )


def accept(scope, report: Report, *, actor, now=None) -> Report:
    return transition(scope, report, states.Action.ACCEPT, actor=actor, now=now)


def return_report(scope, report: Report, *, actor, reason: str, now=None) -> Report:
    return transition(scope, report, states.Action.RETURN, actor=actor, reason=reason, now=now)


# -- figures -----------------------------------------------------------------------------------


def current_table(report: Report) -> dict:
    """The titles table the report shows: the frozen one once sent, the live one while a draft."""
    if report.snapshot:
        return report.snapshot["table"]
    return figures.table(report.unit, sections.figures_year(report))


def current_sections(report: Report) -> dict[str, dict]:
    """Every figure section the report shows (frozen once sent; `sections.py`)."""
    return sections.current(report)


def differences(report: Report) -> list[dict]:
    """Where today's live figures differ from those frozen when the report was sent, in every
    section the report froze (a report sent before sections existed compares its titles)."""
    frozen = sections.frozen(report)
    if frozen is None:
        return []
    live = sections.live(report)
    return sections.compare(frozen, {code: live[code] for code in frozen if code in live})


def received(scope):
    """The sent reports addressed to a role the user holds, at the unit they hold it (the scoping
    layer lets them read exactly these)."""
    condition = Q(pk__in=[])
    for assignment in scope.assignments:
        if Capability.RECEIVE_REPORTS in CAPABILITIES.get(assignment.role, ()):
            condition |= Q(addressees__role=assignment.role, addressees__unit_id=assignment.unit_id)
    addressed = Report.objects.filter(condition).values("pk")
    return scope.filter(Report.objects.filter(pk__in=addressed).exclude(state=ReportState.DRAFT)).order_by(
        "-submitted_at", "-pk"
    )


# -- the status board --------------------------------------------------------------------------


class BoardStatus:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    ON_TIME = "on_time"
    LATE = "late"
    ACCEPTED = "accepted"
    RETURNED = "returned"

    LABELS = {
        NOT_STARTED: gettext_lazy("Chưa lập"),
        DRAFT: gettext_lazy("Đang soạn"),
        ON_TIME: gettext_lazy("Đã gửi đúng hạn"),
        LATE: gettext_lazy("Gửi muộn"),
        ACCEPTED: gettext_lazy("Đã tiếp nhận"),
        RETURNED: gettext_lazy("Bị trả lại"),
    }


def board_status(report: Report | None, due: datetime.date | None) -> str:
    if report is None:
        return BoardStatus.NOT_STARTED
    if report.state == ReportState.ACCEPTED:
        return BoardStatus.ACCEPTED
    if report.state == ReportState.RETURNED:
        return BoardStatus.RETURNED
    if report.state == ReportState.DRAFT:
        return BoardStatus.DRAFT
    # Timeliness is judged by the first submission: a return asks for corrections to a report that
    # did arrive, and the unit should not be marked late for the reviewer's delay.
    return BoardStatus.ON_TIME if deadlines.is_on_time(report.first_submitted_at, due) else BoardStatus.LATE


@dataclass
class BoardRow:
    unit: Unit
    due: datetime.date | None
    report: Report | None
    status: str
    days_left: int | None
    is_own: bool = False
    can_start: bool = False  # no report yet and the user writes it

    @property
    def status_label(self):
        return BoardStatus.LABELS[self.status]

    @property
    def is_settled(self) -> bool:
        """Sent (on time or not) or accepted: the deadline no longer counts down."""
        return self.status in (BoardStatus.ON_TIME, BoardStatus.LATE, BoardStatus.ACCEPTED)

    @property
    def overdue_days(self) -> int:
        if self.is_settled or self.days_left is None or self.days_left >= 0:
            return 0
        return -self.days_left


def status_board(scope, report_type: ReportType, year: int, unit: Unit, *, now=None) -> list[BoardRow]:
    """The unit's own report (if its level reports) and those of the units that report to it."""
    now = now or timezone.now()
    units = []
    if unit.level in ReportLevel.values:
        units.append((unit, True))
    child_level = CHILD_LEVEL.get(unit.level)
    if child_level:
        children = scope.filter(Unit.objects.filter(parent=unit, level=child_level, era=Era.CURRENT)).in_order()
        units.extend((child, False) for child in children)
    reports = {
        r.unit_id: r
        for r in scope.filter(Report.objects.filter(report_type=report_type, year=year, unit__in=[u for u, _ in units]))
    }
    rows = []
    dues = {}
    for member, is_own in units:
        # The members of one board share one province (or are provinces): one lookup per province.
        key = (member.level, member.pk if member.level == Level.PROVINCE else member.parent_id)
        if key not in dues:
            dues[key] = due_date_for(report_type, member, year)
        due = dues[key]
        if due is None:
            continue
        report = reports.get(member.pk)
        can_start = report is None and may_write(scope, report_type, member)
        rows.append(
            BoardRow(member, due, report, board_status(report, due), deadlines.days_left(due, now), is_own, can_start)
        )
    return rows


def board_summary(rows: list[BoardRow]) -> dict[str, int]:
    summary = {status: 0 for status in BoardStatus.LABELS}
    for row in rows:
        if not row.is_own:
            summary[row.status] += 1
    return summary
