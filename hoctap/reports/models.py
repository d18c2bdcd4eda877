import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.validators import VisibleText
from hoctap.core.versions import StaleRecord
from hoctap.territory.models import Level, Unit


class ReportType(models.Model):
    """A kind of periodic report (annual, mid-year). Loaded from `schedules.yaml`, so a new kind of
    report is a data change, not a code change. Reference data like the titles: not territorial, so
    it has no scope lookup and is never handed out through the scoping layer as a record."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    heading = models.CharField(
        _("tiêu đề biểu"),
        max_length=300,
        help_text=_("Tiêu đề in trên biểu và báo cáo; {year} được thay bằng năm."),
    )
    order = models.PositiveSmallIntegerField(default=0)
    # The figure sections it carries, by code (reports/sections.py); empty: every default section.
    sections = models.JSONField(default=list, blank=True)
    # Who receives it besides the association above, per submitting level:
    # {"commune": ["peoples_committee", ...], "province": [...]} (reports/distribution.py).
    distribution = models.JSONField(default=dict, blank=True)
    # A review of a period (2021–2025, held in 2026): its figures are those of the period's last
    # year, with each year of the period beside them. Empty for a report on its own year.
    period_first = models.PositiveSmallIntegerField(_("giai đoạn từ năm"), null=True, blank=True)
    period_last = models.PositiveSmallIntegerField(_("giai đoạn đến năm"), null=True, blank=True)
    # Who sends it: empty for the association of the reporting unit; else a body that reports on the
    # learning units it manages (`reporters.py`, schedules.yaml `reporters:`), by code.
    reporter = models.CharField(_("đơn vị lập báo cáo"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("loại báo cáo")
        verbose_name_plural = _("loại báo cáo")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def heading_for(self, year: int) -> str:
        return self.heading.replace("{year}", str(year))


class ReportLevel(models.TextChoices):
    """Who submits: communes report to their province, provinces to the centre."""

    COMMUNE = Level.COMMUNE, _("Xã, phường, đặc khu")
    PROVINCE = Level.PROVINCE, _("Tỉnh, thành phố")


class ReportSchedule(models.Model):
    """The deadline of one report type for one submitting level, in one province (or the national
    default when province is empty), for one year (or every year when year is empty).

    The most specific row wins: province and year, province every year, national and year,
    national every year. A report type with no row for a province is not asked of it (the mid-year
    report exists only where a province's plan asks for it).
    """

    report_type = models.ForeignKey(
        ReportType,
        models.CASCADE,
        related_name="schedules",
        verbose_name=_("loại báo cáo"),
    )
    province = models.ForeignKey(
        Unit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="report_schedules",
        verbose_name=_("tỉnh"),
        help_text=_("Để trống: mặc định toàn quốc."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True, help_text=_("Để trống: hằng năm."))
    level = models.CharField(_("cấp báo cáo"), max_length=10, choices=ReportLevel.choices)
    due_month = models.PositiveSmallIntegerField(_("tháng"))
    due_day = models.PositiveSmallIntegerField(_("ngày"))
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)

    scope_path_lookup = "province__path"
    scope_shared = Q(province__isnull=True)

    class Meta:
        verbose_name = _("hạn báo cáo")
        verbose_name_plural = _("hạn báo cáo")
        ordering = ["report_type__order", "level", "due_month", "due_day"]

    def __str__(self):
        return f"{self.report_type} · {self.get_level_display()} · {self.due_day:02d}/{self.due_month:02d}"

    def due_date(self, year: int) -> datetime.date:
        return datetime.date(year, self.due_month, self.due_day)


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    RETURNED = "returned", _("Trả lại")


# States in which the report is locked against edits by its authors.
LOCKED_STATES = frozenset({ReportState.SUBMITTED, ReportState.ACCEPTED})


class StaleReport(StaleRecord):
    """Someone else saved or moved the report since it was loaded. The refusal names the `version`
    field, where the page and the API carry the version they showed."""

    message = _(
        "Báo cáo đã được người khác cập nhật (phiên bản %(current)s, bạn đang xem phiên bản %(loaded)s). "
        "Hãy tải lại trang để xem thay đổi rồi làm lại."
    )

    def __init__(self, current_version: int, loaded_version: int):
        self.current_version = current_version
        params = {"current": current_version, "loaded": loaded_version}
        ValidationError.__init__(self, {"version": ValidationError(self.message, code="stale", params=params)})


class Report(models.Model):
    """One unit's report of one type for one year.

    While it is a draft its tables are computed live from the statistics; on submission they are
    frozen into `snapshot` exactly as they were, so later changes to the tallies never alter what
    was sent.
    """

    report_type = models.ForeignKey(ReportType, models.PROTECT, related_name="reports", verbose_name=_("loại báo cáo"))
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="reports", verbose_name=_("đơn vị báo cáo"))
    state = models.CharField(_("trạng thái"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    outstanding_note = models.TextField(
        _("giải trình đơn vị chưa báo cáo"),
        blank=True,
        help_text=_(
            "Bắt buộc khi còn đơn vị cấp dưới chưa gửi hoặc chưa được tiếp nhận báo cáo; phải nêu tên từng đơn vị."
        ),
    )
    # The document itself (Nghị định 30/2020/NĐ-CP): number, place and date, signer, recipients.
    # Set by the reporting officer, defaulted when the report is started and completed on
    # submission; the rules are `services.check_document` (pages and API alike).
    number = models.CharField(
        _("số văn bản"),
        max_length=40,
        blank=True,
        help_text=_("Ví dụ: 15/BC-HKH. Để trống: khi gửi, hệ thống cấp số tiếp theo của đơn vị trong năm."),
    )
    place = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        validators=[VisibleText(_("địa danh"))],
        help_text=_("Ghi ở dòng ngày tháng, ví dụ: Cao Bằng."),
    )
    dated = models.DateField(
        _("ngày báo cáo"),
        null=True,
        blank=True,
        help_text=_("Để trống: ngày gửi báo cáo."),
    )
    signer_title = models.CharField(
        _("chức vụ người ký"),
        max_length=120,
        default="Chủ tịch",
        validators=[VisibleText(_("chức vụ người ký"))],
    )
    signer_name = models.CharField(
        _("người ký"),
        max_length=200,
        blank=True,
        validators=[VisibleText(_("người ký"))],
        help_text=_("Họ và tên người ký; bắt buộc khi gửi."),
    )
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_("Mỗi nơi nhận một dòng; dòng cuối là nơi lưu, ví dụ: Lưu: VT."),
    )
    snapshot = models.JSONField(_("số liệu đã chốt"), null=True, blank=True, editable=False)
    due_date = models.DateField(_("hạn gửi"), null=True, blank=True, editable=False)
    first_submitted_at = models.DateTimeField(_("gửi lần đầu"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("gửi lần cuối"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("ngày tiếp nhận / trả lại"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    # Optimistic concurrency: an edit made on a stale copy is refused instead of silently lost.
    version = models.PositiveIntegerField(default=1)

    scope_path_lookup = "unit__path"
    # The bodies it was sent to read it (the scoping layer: accounts/scoping.py).
    scope_addressee_lookup = "addressees"

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["report_type", "year", "unit"], name="report_unique_type_year_unit"),
        ]
        indexes = [models.Index(fields=["report_type", "year", "state"])]

    def __str__(self):
        return f"{self.report_type} {self.year} · {self.unit}"

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKED_STATES

    def recipient_lines(self) -> list[str]:
        return [
            line.strip().lstrip("-–").strip()
            for line in self.recipients.splitlines()
            if line.strip().lstrip("-–").strip()
        ]


class ReportAddressee(models.Model):
    """A body a sent report was addressed to, by the report type's distribution list: a role at a
    unit (the People's Committee of the commune, the province's steering committee…). Written when
    the report is sent; whoever holds that role there reads the report, read-only."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="addressees")
    role = models.CharField(_("vai trò nhận"), max_length=24)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("đơn vị nhận"))
    line = models.CharField(_("nơi nhận"), max_length=300)

    scope_path_lookup = "report__unit__path"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "role", "unit"], name="report_addressee_unique"),
        ]
        indexes = [models.Index(fields=["role", "unit"])]

    def __str__(self):
        return self.line


class ReportEvent(models.Model):
    """Every transition of a report, with who, when and why: the report's own history."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=12)
    from_state = models.CharField(max_length=12, choices=ReportState.choices)
    to_state = models.CharField(max_length=12, choices=ReportState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    scope_path_lookup = "report__unit__path"

    class Meta:
        ordering = ["at", "pk"]


class ExportKind(models.TextChoices):
    """Report exports whose size grows with the population run as jobs (hoctap.exports); the
    report's own table and PDF (one row per child unit) are built while the user waits."""

    HOUSEHOLDS = "households", _("Danh sách hộ gia đình và kết quả đánh giá")
