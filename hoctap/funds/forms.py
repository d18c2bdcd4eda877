from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import EntryKind, Fund, Purpose


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = ["unit", "owner_kind", "name"]
        help_texts = {"name": _("Ví dụ: Quỹ khuyến học xã An Lạc; Quỹ khuyến học dòng họ Nguyễn Văn.")}

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: unit.name
        if units.count() == 1:
            self.fields["unit"].initial = units.first()


def dong_field(help_text) -> forms.CharField:
    """An amount of whole đồng as people type it ("1.250.000"); `funds.money.parse_dong`, called by
    the services, reads it and says what is wrong."""
    return forms.CharField(
        label=_("Số tiền (đồng)"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=help_text,
    )


class EntryForm(forms.Form):
    """The fields of a receipt or a payment; the rules are in services.record."""

    date = forms.DateField(label=_("Ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = dong_field(_("Chỉ gồm chữ số, có thể có dấu chấm ngăn cách: 1.250.000"))
    party = forms.CharField(max_length=200, required=False)  # required by services.record, with the other rules
    in_kind = forms.BooleanField(label=_("Nhận bằng hiện vật (ghi giá trị quy ra tiền ở trên)"), required=False)
    goods = forms.CharField(label=_("Hiện vật"), max_length=200, required=False)
    purpose = forms.ChoiceField(label=_("Mục đích chi"), choices=[("", "—")] + list(Purpose.choices), required=False)
    reason = forms.CharField(label=_("Lý do chi"), max_length=300, required=False)
    decision = forms.CharField(label=_("Số quyết định chi (nếu có)"), max_length=100, required=False)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["date"].initial = timezone.localdate()
        if kind == EntryKind.RECEIPT:
            self.fields["party"].label = _("Người hoặc tổ chức đóng góp")
            for name in ("purpose", "reason", "decision"):
                del self.fields[name]
        else:
            self.fields["party"].label = _("Người nhận")
            for name in ("in_kind", "goods"):
                del self.fields[name]


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"), max_length=300, help_text=_("Ví dụ: ghi nhầm số tiền; ghi trùng phiếu thu.")
    )
