from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BasisKind, Covers, RequestKind

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
