"""Branches, members, memberships, dues, offices and training of the Study Promotion Association.

A member's history is never overwritten: joining a branch opens a `Membership`, leaving closes it
(its leave date is written once), moving to another branch closes one and opens another. The rows
say who was a member of which branch on any day, so "members at the end of year Y" is a count, not
a field someone keeps up to date. `Membership.save()` refuses to change a row's member, branch or
join date, or a leave date once written; `delete()` refuses; the audit log records every write.

Every record stores the territory unit it sits under (a branch: its village, or its commune for
branches in units, schools and clans), so the scoping layer filters it with one prefix match.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.derived import DerivedColumns
from hoctap.core.text import fold, normalise, sort_key
from hoctap.core.validators import VisibleText
from hoctap.registry.models import ClanBranch, Organisation, Sex
from hoctap.territory.models import Level, Unit, check_current_unit, commune_of


class BranchKind(models.TextChoices):
    VILLAGE = "village", _("Thôn, tổ dân phố")
    ORGANISATION = "organisation", _("Cơ quan, đơn vị")
    SCHOOL = "school", _("Trường học")
    CLAN = "clan", _("Dòng họ")


class Branch(DerivedColumns):
    """A branch (chi hội khuyến học) of a commune's association: in a village, or in an organisation,
    a school or a clan of the commune (then `unit` is the commune, and the registry record it belongs
    to may be linked)."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("thôn hoặc xã, phường"))
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", editable=False)
    kind = models.CharField(_("chi hội ở"), max_length=20, choices=BranchKind.choices)
    name = models.CharField(_("tên chi hội"), max_length=200, validators=[VisibleText(_("tên chi hội"))])
    organisation = models.ForeignKey(
        Organisation, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cơ quan, trường học")
    )
    clan = models.ForeignKey(
        ClanBranch, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("dòng họ")
    )
    founded_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    sort_key = models.CharField(max_length=1000, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("chi hội khuyến học")
        verbose_name_plural = _("chi hội khuyến học")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_folded"], name="members_branch_name_per_commune"),
            models.CheckConstraint(condition=Q(kind__in=BranchKind.values), name="members_branch_kind"),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=F("founded_on")),
                name="members_branch_dates",
            ),
        ]

    def __str__(self):
        return self.name

    def refresh_derived(self):
        self.name = normalise(self.name)
        self.name_folded = fold(self.name)
        self.sort_key = sort_key(self.name)

    def save(self, *args, **kwargs):
        self.commune = commune_of(self.unit)
        super().save(*args, **kwargs)

    def clean(self):
        if not self.unit_id:
            return
        check_current_unit(
            self.unit,
            {Level.COMMUNE, Level.VILLAGE},
            "unit",
            _("Chọn một thôn hoặc một xã, phường trên bản đồ hiện hành."),
        )
        if self.kind == BranchKind.VILLAGE and self.unit.level != Level.VILLAGE:
            raise ValidationError({"unit": _("Chi hội thôn, tổ dân phố phải gắn với một thôn, tổ dân phố.")})
        commune = commune_of(self.unit)
        if self.organisation_id and self.organisation.commune_id != commune.pk:
            raise ValidationError({"organisation": _("Cơ quan, trường học này không thuộc xã, phường của chi hội.")})
        if self.clan_id and self.clan.commune_id != commune.pk:
            raise ValidationError({"clan": _("Dòng họ này không thuộc xã, phường của chi hội.")})
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            raise ValidationError({"dissolved_on": _("Ngày giải thể không được trước ngày thành lập.")})


class Member(DerivedColumns):
    """A person on the association's lists. Where they belong is in their memberships; `unit` is the
    unit of their latest branch, kept by the services so that the scoping layer can filter members."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=200, validators=[VisibleText(_("họ và tên"))])
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    card_number = models.CharField(
        _("số thẻ hội viên"), max_length=30, blank=True, validators=[VisibleText(_("số thẻ hội viên"))]
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    sort_key = models.CharField(max_length=1000, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("hội viên")
        verbose_name_plural = _("hội viên")
        ordering = ["sort_key"]

    def __str__(self):
        return self.full_name

    def refresh_derived(self):
        self.full_name = normalise(self.full_name)
        self.card_number = normalise(self.card_number)
        self.name_folded = fold(self.full_name)
        self.sort_key = sort_key(self.full_name)


class HistoryRewrite(Exception):
    """An attempt to rewrite a member's history (a programming error: the services add rows)."""


class LeaveReason(models.TextChoices):
    MOVED = "moved", _("Chuyển sang chi hội khác")
    RESIGNED = "resigned", _("Xin ra khỏi Hội")
    MOVED_AWAY = "moved_away", _("Chuyển nơi ở")
    DECEASED = "deceased", _("Từ trần")
    OTHER = "other", _("Lý do khác")


class Membership(models.Model):
    """A member's time in one branch: from the join date to the leave date (open while none)."""

    member = models.ForeignKey(Member, models.PROTECT, related_name="memberships", verbose_name=_("hội viên"))
    branch = models.ForeignKey(Branch, models.PROTECT, related_name="memberships", verbose_name=_("chi hội"))
    joined_on = models.DateField(_("ngày vào hội"))
    left_on = models.DateField(_("ngày ra"), null=True, blank=True)
    leave_reason = models.CharField(_("lý do"), max_length=12, choices=LeaveReason.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "branch__unit__path"

    class Meta:
        verbose_name = _("quá trình sinh hoạt")
        verbose_name_plural = _("quá trình sinh hoạt")
        ordering = ["joined_on", "pk"]
        indexes = [models.Index(fields=["branch", "joined_on"], name="members_ms_branch_joined")]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(left_on__isnull=True), name="members_one_open_membership"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")), name="members_membership_dates"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leave_reason="") | Q(left_on__isnull=False) & ~Q(leave_reason=""),
                name="members_membership_reason",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.branch} · {self.joined_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            before = Membership.objects.get(pk=self.pk)
            fixed = ("member_id", "branch_id", "joined_on")
            if any(getattr(before, name) != getattr(self, name) for name in fixed) or (
                before.left_on is not None
                and (before.left_on, before.leave_reason) != (self.left_on, self.leave_reason)
            ):
                raise HistoryRewrite("A membership is never rewritten; record a leave or a new membership.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryRewrite("A membership is never deleted.")

    def active_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


class Dues(models.Model):
    """The dues (hội phí) a member paid for one year, in whole đồng, to the branch they were in."""

    member = models.ForeignKey(Member, models.PROTECT, related_name="dues", verbose_name=_("hội viên"))
    branch = models.ForeignKey(Branch, models.PROTECT, related_name="dues", verbose_name=_("chi hội"))
    year = models.PositiveSmallIntegerField(_("năm"))
    amount = models.BigIntegerField(_("số tiền (đồng)"))
    paid_on = models.DateField(_("ngày nộp"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    scope_path_lookup = "branch__unit__path"

    class Meta:
        verbose_name = _("hội phí")
        verbose_name_plural = _("hội phí")
        ordering = ["-year", "member__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="members_dues_once_a_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="members_dues_positive"),
        ]

    def __str__(self):
        return f"{self.member} · {self.year}"


class Position(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch Hội")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội")
    STANDING = "standing", _("Ủy viên Ban Thường vụ")
    EXECUTIVE = "executive", _("Ủy viên Ban Chấp hành")
    BRANCH_HEAD = "branch_head", _("Chi hội trưởng")
    BRANCH_DEPUTY = "branch_deputy", _("Chi hội phó")
    OFFICER = "officer", _("Cán bộ khuyến học")


COMMUNE_POSITIONS = (Position.CHAIR, Position.VICE_CHAIR, Position.STANDING, Position.EXECUTIVE, Position.OFFICER)
BRANCH_POSITIONS = (Position.BRANCH_HEAD, Position.BRANCH_DEPUTY)
LEADERS = (Position.CHAIR, Position.VICE_CHAIR)


class Office(models.Model):
    """A member's office in the commune's association (no branch) or in a branch, for a period."""

    member = models.ForeignKey(Member, models.PROTECT, related_name="offices", verbose_name=_("hội viên"))
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", editable=False)
    branch = models.ForeignKey(
        Branch, models.PROTECT, null=True, blank=True, related_name="offices", verbose_name=_("chi hội")
    )
    position = models.CharField(_("chức vụ"), max_length=15, choices=Position.choices)
    started_on = models.DateField(_("từ ngày"))
    ended_on = models.DateField(_("đến ngày"), null=True, blank=True)
    in_clc = models.BooleanField(_("tham gia hoạt động Trung tâm học tập cộng đồng"), default=False)
    manages_clc = models.BooleanField(_("trong Ban quản lý Trung tâm học tập cộng đồng"), default=False)

    scope_path_lookup = "commune__path"

    class Meta:
        verbose_name = _("chức vụ trong Hội")
        verbose_name_plural = _("chức vụ trong Hội")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="members_office_dates"
            ),
            models.CheckConstraint(condition=Q(position__in=Position.values), name="members_office_position"),
        ]

    def __str__(self):
        return f"{self.get_position_display()} · {self.member}"


class TrainingTopic(models.TextChoices):
    IT = "it", _("Bồi dưỡng công nghệ thông tin")
    PROGRAMME = "programme", _("Quán triệt văn bản của Đề án, Chương trình")
    CITIZEN = "citizen", _("Quán triệt tiêu chí Công dân học tập")
    WORK = "work", _("Nghiệp vụ công tác khuyến học")


class Training(models.Model):
    """A course, briefing or training a member (usually an officer) attended."""

    member = models.ForeignKey(Member, models.PROTECT, related_name="trainings", verbose_name=_("hội viên"))
    topic = models.CharField(_("nội dung"), max_length=10, choices=TrainingTopic.choices)
    date = models.DateField(_("ngày"))
    course = models.CharField(
        _("lớp, hội nghị"), max_length=200, blank=True, validators=[VisibleText(_("lớp, hội nghị"))]
    )
    organiser = models.CharField(
        _("đơn vị tổ chức"), max_length=200, blank=True, validators=[VisibleText(_("đơn vị tổ chức"))]
    )

    scope_path_lookup = "member__unit__path"

    class Meta:
        verbose_name = _("bồi dưỡng, tập huấn")
        verbose_name_plural = _("bồi dưỡng, tập huấn")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(condition=Q(topic__in=TrainingTopic.values), name="members_training_topic")
        ]

    def __str__(self):
        return f"{self.get_topic_display()} · {self.member}"
