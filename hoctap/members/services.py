"""The association's rules, in one place: opening branches, joining, leaving and moving members,
dues, offices and training; the figures per year rolled up the hierarchy; and the association's
capacity counted from its records. Pages, the Excel import and the demo all call these functions,
so a rule enforced here holds on every path. Every refusal is a ValidationError naming the field.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core.text import fold, normalise
from hoctap.core.validators import check_visible_text
from hoctap.funds.money import format_dong, parse_dong
from hoctap.territory.models import Level, Unit
from hoctap.territory.rollup import Gathering, Rollup, Totals

from .models import (
    BRANCH_POSITIONS,
    LEADERS,
    Branch,
    Dues,
    LeaveReason,
    Member,
    Membership,
    Office,
    Training,
    TrainingTopic,
)

WRITE = Capability.EDIT_REGISTRY
# Hội Khuyến học Việt Nam was founded on 2 October 1996; older lists may carry the dates members
# joined the local study-promotion groups before it, so the bound is the start of that year.
FIRST_JOIN = datetime.date(1996, 1, 1)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_day(day, field_name: str, *, earliest: datetime.date = FIRST_JOIN) -> None:
    if day is None:
        raise ValidationError({field_name: _("Nhập ngày (ngày/tháng/năm).")})
    if day > timezone.localdate():
        raise ValidationError({field_name: _("Ngày không được sau hôm nay.")})
    if day < earliest:
        raise ValidationError({field_name: _("Ngày không được trước %(day)s.") % {"day": _fmt(earliest)}})


# -- branches ---------------------------------------------------------------------------------


def save_branch(scope, branch: Branch) -> Branch:
    """Create or change a branch; its name is unique in its commune (folded: "Chi hội thôn Đông"
    and "chi hoi thon dong" are one name)."""
    branch.full_clean(exclude=["commune"])
    scope.assert_unit(branch.unit, WRITE)
    commune = branch.unit if branch.unit.level == Level.COMMUNE else branch.unit.parent
    clash = Branch.objects.filter(commune=commune, name_folded=fold(normalise(branch.name))).exclude(pk=branch.pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("Xã, phường này đã có chi hội mang tên này; đặt tên khác (ví dụ thêm tên thôn hoặc trường).")}
        )
    return scope.save(branch, WRITE)


# -- members and their history ------------------------------------------------------------------


def _clean_member_fields(full_name: str, birth_year, card_number: str) -> dict:
    errors = {}
    full_name = normalise(full_name or "")
    if not full_name:
        errors["full_name"] = _("Nhập họ và tên hội viên.")
    else:
        try:
            check_visible_text(full_name, _("họ và tên"))
        except ValidationError as error:
            errors["full_name"] = error.messages
    this_year = timezone.localdate().year
    if birth_year is not None and not 1900 <= birth_year <= this_year - 10:
        errors["birth_year"] = _("Năm sinh phải từ 1900 đến %(year)d.") % {"year": this_year - 10}
    if errors:
        raise ValidationError(errors)
    return {"full_name": full_name, "card_number": normalise(card_number or "")}


def card_taken(commune: Unit, card_number: str, exclude_member: int | None = None) -> Member | None:
    """The member of this commune who already carries the card number, if any (a card number
    identifies a member inside the commune's association)."""
    if not card_number:
        return None
    members = Member.objects.filter(card_number=card_number, unit__path__startswith=commune.path)
    if exclude_member:
        members = members.exclude(pk=exclude_member)
    return members.first()


def join(
    scope,
    branch: Branch,
    *,
    joined_on: datetime.date,
    member: Member | None = None,
    user=None,
    full_name: str = "",
    sex: str = "",
    birth_year: int | None = None,
    card_number: str = "",
    phone: str = "",
) -> Membership:
    """A person joins `branch` on `joined_on`: a new member (name and details given) or an existing one
    who has no open membership and left their last branch on or before that day."""
    _check_day(joined_on, "joined_on")
    if branch.dissolved_on and branch.dissolved_on <= joined_on:
        raise ValidationError(
            {
                "joined_on": _("Chi hội đã giải thể ngày %(day)s; chọn chi hội khác.")
                % {"day": _fmt(branch.dissolved_on)}
            }
        )
    with transaction.atomic():
        scope.require(WRITE, branch.unit)
        if member is None:
            fields = _clean_member_fields(full_name, birth_year, card_number)
            taken = card_taken(branch.commune, fields["card_number"])
            if taken:
                raise ValidationError(
                    {
                        "card_number": _(
                            "Số thẻ này đã cấp cho hội viên %(name)s; kiểm tra lại số thẻ hoặc mở hồ sơ hội viên đó."
                        )
                        % {"name": taken.full_name}
                    }
                )
            member = Member(
                unit=branch.unit, sex=sex or "", birth_year=birth_year, phone=(phone or "").strip(), **fields
            )
            scope.save(member, WRITE)
        else:
            member = Member.objects.select_for_update().get(pk=member.pk)
            last = member.memberships.order_by("-joined_on", "-pk").first()
            if last is not None and last.left_on is None:
                raise ValidationError(
                    {
                        "branch": _(
                            "Hội viên đang sinh hoạt ở %(branch)s; dùng “Chuyển chi hội” để chuyển sang chi hội khác."
                        )
                        % {"branch": last.branch.name}
                    }
                )
            if last is not None and joined_on < last.left_on:
                raise ValidationError(
                    {
                        "joined_on": _("Ngày vào lại không được trước ngày ra khỏi chi hội trước (%(day)s).")
                        % {"day": _fmt(last.left_on)}
                    }
                )
            member.unit = branch.unit
            scope.save(member, WRITE)
        return Membership.objects.create(member=member, branch=branch, joined_on=joined_on, recorded_by=user)


def leave(scope, member: Member, *, left_on: datetime.date, reason: str, user=None) -> Membership:
    """Close the member's open membership on `left_on`; the row stays, with its dates."""
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": _("Chọn lý do ra khỏi chi hội.")})
    _check_day(left_on, "left_on")
    with transaction.atomic():
        open_one = (
            Membership.objects.select_for_update()
            .select_related("branch", "branch__unit")
            .filter(member=member, left_on__isnull=True)
            .first()
        )
        if open_one is None:
            raise ValidationError({"left_on": _("Hội viên hiện không sinh hoạt ở chi hội nào.")})
        scope.require(WRITE, open_one.branch.unit)
        if left_on < open_one.joined_on:
            raise ValidationError(
                {
                    "left_on": _("Ngày ra không được trước ngày vào chi hội (%(day)s).")
                    % {"day": _fmt(open_one.joined_on)}
                }
            )
        open_one.left_on, open_one.leave_reason = left_on, reason
        open_one.save()
        return open_one


def move(scope, member: Member, branch: Branch, *, on: datetime.date, user=None) -> Membership:
    """Leave the current branch and join `branch` on the same day (one transaction)."""
    with transaction.atomic():
        current = member.memberships.filter(left_on__isnull=True).select_related("branch").first()
        if current is not None and current.branch_id == branch.pk:
            raise ValidationError({"branch": _("Hội viên đang ở chi hội này; chọn chi hội khác.")})
        if current is not None:
            leave(scope, member, left_on=on, reason=LeaveReason.MOVED, user=user)
        return join(scope, branch, joined_on=on, member=member, user=user)


def branch_on(member: Member, day: datetime.date) -> Membership | None:
    """The membership holding on `day`, else the member's latest one that began by then."""
    rows = [m for m in member.memberships.select_related("branch").order_by("-joined_on", "-pk") if m.joined_on <= day]
    return next((m for m in rows if m.active_on(day)), rows[0] if rows else None)


# -- dues ----------------------------------------------------------------------------------------


def record_dues(scope, member: Member, *, year: int, amount, paid_on: datetime.date, user=None) -> Dues:
    """The dues of `year`, once a year, credited to the branch the member was in that year."""
    errors = {}
    try:
        amount = parse_dong(amount)
    except ValidationError as error:
        errors["amount"] = error.messages
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_JOIN.year <= year <= this_year + 1:
        errors["year"] = _("Năm hội phí phải từ %(first)d đến %(last)d.") % {
            "first": FIRST_JOIN.year,
            "last": this_year + 1,
        }
    if errors:
        raise ValidationError(errors)
    _check_day(paid_on, "paid_on")
    end = datetime.date(year, 12, 31)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        memberships = [
            m
            for m in member.memberships.select_related("branch", "branch__unit")
            if m.joined_on <= end and (m.left_on is None or m.left_on.year >= year)
        ]
        if not memberships:
            raise ValidationError(
                {
                    "year": _(
                        "Năm %(year)d hội viên chưa sinh hoạt ở chi hội nào; kiểm tra năm hoặc ghi ngày vào hội trước."
                    )
                    % {"year": year}
                }
            )
        membership = max(memberships, key=lambda m: (m.joined_on, m.pk))
        scope.require(WRITE, membership.branch.unit)
        earlier = Dues.objects.filter(member=member, year=year).first()
        if earlier is not None:
            raise ValidationError(
                {
                    "year": _("Hội viên đã nộp hội phí năm %(year)d (%(amount)s, ngày %(day)s).")
                    % {"year": year, "amount": format_dong(earlier.amount), "day": _fmt(earlier.paid_on)}
                }
            )
        return Dues.objects.create(
            member=member, branch=membership.branch, year=year, amount=amount, paid_on=paid_on, recorded_by=user
        )


# -- officers and training -----------------------------------------------------------------------


def add_office(
    scope,
    member: Member,
    *,
    position: str,
    started_on: datetime.date,
    branch: Branch | None = None,
    in_clc: bool = False,
    manages_clc: bool = False,
) -> Office:
    """An office in the commune's association (no branch) or in a branch of the member's commune."""
    _check_day(started_on, "started_on")
    commune = member.unit if member.unit.level == Level.COMMUNE else member.unit.parent
    if position in BRANCH_POSITIONS and branch is None:
        raise ValidationError({"branch": _("Chi hội trưởng, chi hội phó: chọn chi hội.")})
    if position not in BRANCH_POSITIONS:
        branch = None
    if branch is not None and branch.commune_id != commune.pk:
        raise ValidationError({"branch": _("Chi hội này không thuộc xã, phường của hội viên.")})
    if manages_clc and position not in LEADERS:
        raise ValidationError(
            {
                "manages_clc": _(
                    "Chỉ Chủ tịch hoặc Phó Chủ tịch Hội được ghi là tham gia Ban quản lý Trung tâm học tập cộng đồng."
                )
            }
        )
    office = Office(
        member=member,
        commune=commune,
        branch=branch,
        position=position,
        started_on=started_on,
        in_clc=bool(in_clc or manages_clc),
        manages_clc=bool(manages_clc),
    )
    return scope.save(office, WRITE)


def end_office(scope, office: Office, *, ended_on: datetime.date) -> Office:
    _check_day(ended_on, "ended_on")
    if office.ended_on is not None:
        raise ValidationError({"ended_on": _("Chức vụ này đã kết thúc ngày %(day)s.") % {"day": _fmt(office.ended_on)}})
    if ended_on < office.started_on:
        raise ValidationError(
            {
                "ended_on": _("Ngày thôi giữ chức vụ không được trước ngày bắt đầu (%(day)s).")
                % {"day": _fmt(office.started_on)}
            }
        )
    office.ended_on = ended_on
    return scope.save(office, WRITE)


def add_training(
    scope, member: Member, *, topic: str, date: datetime.date, course: str = "", organiser: str = ""
) -> Training:
    if topic not in TrainingTopic.values:
        raise ValidationError({"topic": _("Chọn nội dung bồi dưỡng, tập huấn.")})
    _check_day(date, "date")
    training = Training(
        member=member, topic=topic, date=date, course=normalise(course or ""), organiser=normalise(organiser or "")
    )
    training.full_clean(exclude=["member"])
    return scope.save(training, WRITE)


# -- figures -------------------------------------------------------------------------------------


def _active_at(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}joined_on__lte": day}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
    )


def _branch_alive(day: datetime.date) -> Q:
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=day)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
    )


@dataclass
class MemberTotals(Totals):
    branches: int = 0  # branches existing at the end of the year
    members: int = 0  # members at the end of the year
    joined: int = 0  # joins in the year (a move between branches is a leave and a join)
    left: int = 0  # leaves in the year
    paying: int = 0  # members who paid the year's dues
    dues: int = 0  # dues paid for the year, in đồng


def figures(unit: Unit, year: int) -> Rollup[MemberTotals]:
    """Branches, members at the year's end, joins, leaves and dues of `year` under `unit`, with one
    line per child (provinces of the nation, communes of a province, villages of a commune: a
    commune's own branches in units, schools and clans are in its total only). Four queries at any
    level: each table is grouped by the unit its branch sits under."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    gathering = Gathering(unit, MemberTotals)
    for row in (
        Branch.objects.filter(_branch_alive(end), unit__path__startswith=unit.path)
        .values("unit__path")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        gathering.spread(row["unit__path"], branches=row["n"])
    rows = (
        Membership.objects.filter(branch__unit__path__startswith=unit.path, joined_on__lte=end)
        .values("branch__unit__path")
        .order_by()
        .annotate(
            members=Count("pk", filter=_active_at(end)),
            joined=Count("pk", filter=Q(joined_on__gte=start)),
            left=Count("pk", filter=Q(left_on__gte=start, left_on__lte=end)),
        )
    )
    for row in rows:
        gathering.spread(row["branch__unit__path"], members=row["members"], joined=row["joined"], left=row["left"])
    rows = (
        Dues.objects.filter(branch__unit__path__startswith=unit.path, year=year)
        .values("branch__unit__path")
        .order_by()
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    for row in rows:
        gathering.spread(row["branch__unit__path"], paying=row["n"], dues=row["amount"] or 0)
    return gathering.rollup(year, villages=True)


# -- capacity, counted from the records (stats' declaration form offers these numbers) -----------


def capacity_counts(commune: Unit, year: int) -> dict:
    """The association capacity of `commune` in `year` as its records show it, in the fields of
    stats.AssociationCapacity: officers (anyone holding an office in the commune's association or a
    branch at some time in the year), of whom those in the learning centre's activities, of whom
    those trained in IT by the year's end; officers and members (members at the year's end and the
    officers); of them, those briefed on the programme's documents and on the citizen criteria; and
    whether a chair or vice-chair sits on the centre's board. None when the commune has no records
    for the year (nothing to offer: a declaration is never made from an empty list)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    in_year = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    offices = list(
        Office.objects.filter(in_year, commune=commune).values_list(
            "member_id", "position", "in_clc", "manages_clc", "branch_id"
        )
    )
    members = set(
        Membership.objects.filter(_active_at(end), branch__commune=commune).values_list("member_id", flat=True)
    )
    if not offices and not members:
        return None
    officers = {row[0] for row in offices}
    in_clc = {row[0] for row in offices if row[2]}
    everyone = members | officers
    trained = defaultdict(set)
    for member_id, topic in (
        Training.objects.filter(member_id__in=everyone, date__lte=end).values_list("member_id", "topic").distinct()
    ):
        trained[topic].add(member_id)
    return {
        "chair_manages_clc": any(row[1] in LEADERS and row[3] and row[4] is None for row in offices),
        "officers": len(officers),
        "officers_in_clc": len(in_clc),
        "officers_in_clc_it_trained": len(in_clc & trained[TrainingTopic.IT]),
        "officers_and_members": len(everyone),
        "briefed": len(everyone & trained[TrainingTopic.PROGRAMME]),
        "briefed_citizen": len(everyone & trained[TrainingTopic.CITIZEN]),
    }
