from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import FIRST_YEAR, LAST_YEAR
from hoctap.territory.models import Era, Level, Unit

from .figures import CURRENT, RECORDED
from .imports import parse_percent
from .indicators import Indicator
from .models import AssociationCapacity, Target


class DashboardForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    map = forms.ChoiceField(
        label=_("Bản đồ"),
        required=False,
        choices=[(CURRENT, _("Địa giới hiện hành")), (RECORDED, _("Địa giới khi ghi nhận"))],
    )
    focus = forms.ChoiceField(label=_("Chỉ số"), required=False, choices=Indicator.choices)


class TargetForm(forms.ModelForm):
    unit_code = forms.CharField(
        label=_("Mã tỉnh hoặc xã"),
        max_length=20,
        required=False,
        help_text=_("Để trống: chỉ tiêu toàn quốc (chỉ quản trị trung ương)."),
    )
    era = forms.ChoiceField(
        label=_("Bản đồ"), choices=[(Era.CURRENT, _("mới")), (Era.LEGACY, _("cũ"))], initial=Era.CURRENT
    )
    value = forms.CharField(label=_("Tỷ lệ (%)"), max_length=12)

    class Meta:
        model = Target
        fields = ["indicator", "year", "source"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if self.instance.pk:
            self.fields["value"].initial = self.instance.value
            if self.instance.unit_id:
                self.fields["unit_code"].initial = self.instance.unit.code
                self.fields["era"].initial = self.instance.unit.era

    def clean_value(self):
        value = parse_percent(self.cleaned_data["value"])
        if value is None:
            raise ValidationError(_("Tỷ lệ phải là số từ 0 đến 100."))
        return value

    def clean(self):
        data = super().clean()
        code = (data.get("unit_code") or "").strip()
        unit = None
        if code:
            unit = Unit.objects.filter(
                era=data.get("era") or Era.CURRENT, code=code, level__in=[Level.PROVINCE, Level.COMMUNE]
            ).first()
            if unit is None:
                self.add_error("unit_code", _("Không có tỉnh hoặc xã mang mã này."))
            elif not self.scope.can(Capability.REPORT, unit):
                self.add_error("unit_code", _("Đơn vị nằm ngoài địa bàn bạn được giao."))
        elif not self.scope.is_national(Capability.REPORT):
            self.add_error("unit_code", _("Chỉ quản trị trung ương đặt chỉ tiêu toàn quốc; hãy ghi mã đơn vị."))
        data["unit"] = unit
        if not self.errors and data.get("indicator") and data.get("year"):
            clash = Target.objects.filter(indicator=data["indicator"], year=data["year"], unit=unit)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("year", _("Đã có chỉ tiêu này cho năm và đơn vị đã chọn."))
        return data

    def save(self, commit=True):
        target = super().save(commit=False)
        target.unit = self.cleaned_data["unit"]
        target.value = self.cleaned_data["value"]
        if commit:
            target.save()
        return target


class CapacityForm(forms.ModelForm):
    class Meta:
        model = AssociationCapacity
        fields = ["chair_manages_clc", *AssociationCapacity.COUNTS]

    def _post_clean(self):
        super()._post_clean()  # runs the model's clean(): a part never exceeds its whole
