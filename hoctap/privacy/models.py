"""Personal data under Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 and Nghị định 356/2025/NĐ-CP.

* `Notice`: the privacy notice, versioned as data (a new wording is a new row; a published row is never
  edited, so every consent can say which text the person read).
* `Controller`: who controls the data in a province — the commune's Study Promotion Association or its
  People's Committee, as the province decides; the notice and each consent name it.
* `LegalBasis`: why the registry may hold one person's data: their own consent (on line at sign-up, on
  paper, at the office) or a legal duty named by its reference. Ethnicity is sensitive data and has its
  own basis row (`covers=sensitive`). A consent is withdrawn by dating it, never by deleting it.
* `DataRequest`: a person's request to see, correct or delete their data or to withdraw consent, with
  its due date (computed once, on receipt, by `services.due_date`), who answered and how.
* `RequestDeadline`: a province's time limit for one kind of request (days, calendar or working days,
  provisional until checked against the decree's text); without a row, `settings.PRIVACY_REQUEST_DAYS`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.registry.models import Person
from hoctap.territory.models import Unit


class Notice(models.Model):
    """One published wording of the privacy notice (plain Vietnamese, the official language)."""

    version = models.PositiveIntegerField(_("phiên bản"), unique=True)
    published_on = models.DateField(_("áp dụng từ ngày"))
    data_kinds = models.TextField(_("dữ liệu được thu thập"))
    purpose = models.TextField(_("mục đích"))
    recipients = models.TextField(_("ai được xem"))
    retention = models.TextField(_("lưu giữ bao lâu"))
    rights = models.TextField(_("quyền của bạn"))
    sensitive = models.TextField(_("dữ liệu nhạy cảm (dân tộc)"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_shared = True  # public text: every reader sees the same

    class Meta:
        verbose_name = _("thông báo xử lý dữ liệu cá nhân")
        verbose_name_plural = _("thông báo xử lý dữ liệu cá nhân")
        ordering = ["-version"]

    def __str__(self):
        return _("Thông báo phiên bản %(version)s") % {"version": self.version}


class ControllerKind(models.TextChoices):
    ASSOCIATION = "association", _("Hội Khuyến học")
    COMMITTEE = "committee", _("Ủy ban nhân dân")


class Controller(models.Model):
    """The province's choice of who controls its people's data (default: the commune's association)."""

    province = models.OneToOneField(Unit, models.CASCADE, related_name="+", verbose_name=_("tỉnh, thành phố"))
    kind = models.CharField(_("bên kiểm soát dữ liệu"), max_length=12, choices=ControllerKind.choices)
    contact = models.CharField(_("nơi tiếp nhận yêu cầu"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người ghi")
    )
    updated_at = models.DateTimeField(_("ghi lúc"), null=True, blank=True)

    scope_path_lookup = "province__path"
    scope_shared = True

    class Meta:
        verbose_name = _("bên kiểm soát dữ liệu")
        verbose_name_plural = _("bên kiểm soát dữ liệu")

    def __str__(self):
        return f"{self.province.name}: {self.get_kind_display()}"


class Covers(models.TextChoices):
    GENERAL = "general", _("Dữ liệu cơ bản")
    SENSITIVE = "sensitive", _("Dân tộc (dữ liệu nhạy cảm)")


class BasisKind(models.TextChoices):
    CONSENT_ONLINE = "consent_online", _("Tự đồng ý trên hệ thống")
    CONSENT_PAPER = "consent_paper", _("Đồng ý bằng văn bản giấy")
    CONSENT_OFFICE = "consent_office", _("Đồng ý trực tiếp tại trụ sở xã, có ký xác nhận")
    LEGAL_DUTY = "legal_duty", _("Thực hiện nhiệm vụ theo quy định của pháp luật (không cần đồng ý)")


CONSENT_KINDS = (BasisKind.CONSENT_ONLINE, BasisKind.CONSENT_PAPER, BasisKind.CONSENT_OFFICE)


class LegalBasis(models.Model):
    """Why the data of one person (or one sign-up account still waiting for the commune) is held."""

    person = models.ForeignKey(
        Person, models.CASCADE, null=True, blank=True, related_name="legal_bases", verbose_name=_("nhân khẩu")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="legal_bases",
        verbose_name=_("tài khoản"),
    )
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("xã, phường"))
    covers = models.CharField(_("phạm vi"), max_length=10, choices=Covers.choices, default=Covers.GENERAL)
    kind = models.CharField(_("căn cứ"), max_length=16, choices=BasisKind.choices)
    notice = models.ForeignKey(
        Notice, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("phiên bản thông báo")
    )
    controller = models.CharField(_("bên kiểm soát dữ liệu"), max_length=255, blank=True)
    collected_by = models.CharField(_("người thu phiếu đồng ý"), max_length=200, blank=True)
    collected_on = models.DateField(_("ngày đồng ý"), null=True, blank=True)
    reference = models.CharField(_("văn bản pháp luật"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người ghi")
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"))
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)

    scope_path_lookup = "commune__path"
    scope_owner_lookup = "user"

    class Meta:
        verbose_name = _("căn cứ xử lý dữ liệu")
        verbose_name_plural = _("căn cứ xử lý dữ liệu")
        indexes = [models.Index(fields=["person", "covers"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_covers_display()}"

    @property
    def is_consent(self) -> bool:
        return self.kind in CONSENT_KINDS


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Xem, nhận bản sao dữ liệu của tôi")
    CORRECT = "correct", _("Sửa dữ liệu sai")
    DELETE = "delete", _("Xóa dữ liệu của tôi")
    WITHDRAW = "withdraw", _("Rút lại sự đồng ý")


class Channel(models.TextChoices):
    ACCOUNT = "account", _("Từ tài khoản công dân")
    OFFICE = "office", _("Tại trụ sở xã (cán bộ ghi)")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Chờ xử lý")
    DONE = "done", _("Đã thực hiện")
    REFUSED = "refused", _("Từ chối, có lý do")


class DataRequest(models.Model):
    """A data subject's request, in the commune's to-do list until answered."""

    person = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="data_requests", verbose_name=_("nhân khẩu")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        verbose_name=_("tài khoản"),
    )
    commune = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("xã, phường"))
    kind = models.CharField(_("yêu cầu"), max_length=10, choices=RequestKind.choices)
    details = models.TextField(_("nội dung"), blank=True, max_length=2000)
    withdraw_covers = models.CharField(_("rút lại đồng ý về"), max_length=10, choices=Covers.choices, blank=True)
    channel = models.CharField(_("hình thức"), max_length=8, choices=Channel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("cán bộ ghi")
    )
    received_at = models.DateTimeField(_("nhận lúc"))
    due_on = models.DateField(_("hạn xử lý"))
    # The rule the due date came from was provisional (not yet checked against the decree's text): every
    # page that shows the date marks it «tạm tính».
    due_provisional = models.BooleanField(_("hạn tạm tính"), default=True)
    state = models.CharField(_("trạng thái"), max_length=8, choices=RequestState.choices, default=RequestState.PENDING)
    answer = models.TextField(_("trả lời"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ trả lời"),
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    scope_path_lookup = "commune__path"
    scope_owner_lookup = "user"

    class Meta:
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")
        indexes = [models.Index(fields=["commune", "state", "due_on"])]

    def __str__(self):
        return _("Yêu cầu số %(id)s: %(kind)s") % {"id": self.pk, "kind": self.get_kind_display()}


class DayCount(models.TextChoices):
    CALENDAR = "calendar", _("ngày (tính cả ngày nghỉ)")
    WORKING = "working", _("ngày làm việc")


class RequestDeadline(models.Model):
    """A province's time limit for one kind of request, counted from the day of receipt. The decree's
    figures were not verified when this was built, so a rule is provisional until the province's legal
    officer checks it and says where the figure comes from (`source`)."""

    province = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("tỉnh, thành phố"))
    kind = models.CharField(_("yêu cầu"), max_length=10, choices=RequestKind.choices)
    days = models.PositiveSmallIntegerField(_("số ngày"))
    counting = models.CharField(_("cách tính"), max_length=8, choices=DayCount.choices, default=DayCount.CALENDAR)
    provisional = models.BooleanField(_("tạm tính (chưa đối chiếu văn bản)"), default=True)
    source = models.CharField(_("căn cứ (điều, khoản, văn bản)"), max_length=255, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người ghi")
    )
    updated_at = models.DateTimeField(_("ghi lúc"), null=True, blank=True)

    scope_path_lookup = "province__path"

    class Meta:
        verbose_name = _("thời hạn xử lý yêu cầu")
        verbose_name_plural = _("thời hạn xử lý yêu cầu")
        constraints = [models.UniqueConstraint(fields=["province", "kind"], name="privacy_deadline_once_per_kind")]

    def __str__(self):
        return f"{self.province.name}: {self.get_kind_display()} · {self.days} {self.get_counting_display()}"
