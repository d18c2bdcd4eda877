"""The inbox, what went out on other channels, and what each person chose not to receive."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Unit


class Kind(models.TextChoices):
    """What a notice is about; a person turns each kind on or off per channel."""

    REPORT_DEADLINE = "report_deadline", _("Hạn gửi báo cáo (trước 7 ngày, trước 1 ngày, khi quá hạn)")
    CAMPAIGN_WINDOW = "campaign_window", _("Mốc của đợt đánh giá (mở đăng ký, sắp đến hạn)")
    DOSSIER_RETURNED = "dossier_returned", _("Hồ sơ đánh giá bị trả lại")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    DATA_REQUEST_DUE = (
        "data_request_due",
        _("Hạn trả lời yêu cầu về dữ liệu cá nhân (trước 7 ngày, trước 1 ngày, khi quá hạn)"),
    )


# The kind as a row of the inbox names it (the choices' labels explain the kind on the preferences page).
SHORT_LABELS = {
    Kind.REPORT_DEADLINE: _("Hạn báo cáo"),
    Kind.CAMPAIGN_WINDOW: _("Đợt đánh giá"),
    Kind.DOSSIER_RETURNED: _("Hồ sơ trả lại"),
    Kind.REPORT_RETURNED: _("Báo cáo trả lại"),
    Kind.DATA_REQUEST_DUE: _("Yêu cầu về dữ liệu"),
}


class Notification(models.Model):
    """One notice to one person. `key` names the event and the reminder stage ("report:3:2026:41:week"),
    unique per person: the daily job may run any number of times and each notice exists once.

    The text is not stored: `params` keeps the facts and `text.render` words them in the reader's
    language when shown (names of units and report types are data and stay as recorded)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    key = models.CharField(max_length=120)
    unit = models.ForeignKey(Unit, models.SET_NULL, null=True, blank=True, related_name="+")
    params = models.JSONField(default=dict)
    url = models.CharField(max_length=300, blank=True)
    # False when the person turned the inbox off for this kind but wants it on another channel.
    in_inbox = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user")]
        indexes = [models.Index(fields=["user", "in_inbox", "read_at"])]

    def __str__(self):
        from .text import render

        return render(self)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class Delivery(models.Model):
    """One notice on one channel other than the inbox (e-mail, and any channel added later). A run
    claims pending rows with a conditional update before sending, so two runs at once never send a
    notice twice; a failed send is tried again on later runs, at most MAX_ATTEMPTS times."""

    notification = models.ForeignKey(Notification, models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel")]
        indexes = [models.Index(fields=["channel", "state"])]


class Muted(models.Model):
    """A person's choice not to receive one kind on one channel. Everything is on until muted, so
    a new account is reminded without setting anything up."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="muted_notifications")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "channel"], name="muted_once")]
