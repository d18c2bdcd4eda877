from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BasisKind, ControllerKind, Covers, DayCount, RequestKind

OFFICER_KINDS = [(k, label) for k, label in BasisKind.choices if k != BasisKind.CONSENT_ONLINE]


class BasisForm(forms.Form):
    kind = forms.ChoiceField(label=_("Căn cứ"), choices=OFFICER_KINDS, widget=forms.RadioSelect)
    covers = forms.ChoiceField(
        label=_("Phạm vi"), choices=Covers.choices, initial=Covers.GENERAL, widget=forms.RadioSelect
    )
    collected_by = forms.CharField(label=_("Cán bộ nhận phiếu đồng ý"), required=False, max_length=200)
    collected_on = forms.DateField(
        label=_("Ngày người dân đồng ý (ngày trên phiếu)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(
        label=_("Văn bản pháp luật giao nhiệm vụ (nếu chọn nhiệm vụ theo pháp luật)"), required=False, max_length=255
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Bạn muốn"), choices=RequestKind.choices, widget=forms.RadioSelect)
    withdraw_covers = forms.ChoiceField(
        label=_("Nếu rút lại đồng ý: về dữ liệu nào"),
        required=False,
        widget=forms.RadioSelect,
        choices=Covers.choices,
    )
    details = forms.CharField(
        label=_("Nội dung (thông tin nào sai, cần sửa thành gì; hoặc ghi chú)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Kết quả"),
        widget=forms.RadioSelect,
        choices=[
            ("done", _("Đã thực hiện")),
            ("refused", _("Từ chối (ghi rõ lý do và người dân có thể làm gì tiếp)")),
        ],
    )
    answer = forms.CharField(
        label=_("Trả lời người yêu cầu"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ControllerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Bên kiểm soát dữ liệu của người dân trong tỉnh (ở mỗi xã, phường)"),
        choices=ControllerKind.choices,
        widget=forms.RadioSelect,
    )
    contact = forms.CharField(
        label=_("Nơi tiếp nhận yêu cầu về dữ liệu (thông báo công khai ghi dòng này)"),
        required=False,
        max_length=255,
        help_text=_(
            "Ví dụ: Bộ phận một cửa Ủy ban nhân dân xã, phường nơi cư trú; điện thoại đường dây nóng của tỉnh."
        ),
    )


class DeadlineForm(forms.Form):
    """One kind of request's time limit (the page shows one per kind, prefixed by the kind)."""

    days = forms.IntegerField(
        label=_("Số ngày"),
        min_value=1,
        max_value=90,
        error_messages={
            key: _("Ghi số ngày là một số nguyên từ 1 đến 90.")
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )
    counting = forms.ChoiceField(label=_("Tính theo"), choices=DayCount.choices)
    provisional = forms.BooleanField(label=_("Tạm tính (chưa đối chiếu văn bản)"), required=False)
    source = forms.CharField(
        label=_("Căn cứ (điều, khoản, văn bản) — bắt buộc khi bỏ «tạm tính»"), required=False, max_length=255
    )
