from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.text import fold, normalise
from hoctap.core.validators import check_visible_text

from .models import Era, Level, Unit
from .village_kinds import village_kind_choices


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=100)
    era = forms.ChoiceField(label=_("Thời kỳ"), choices=Era.choices, required=False, initial=Era.CURRENT)
    level = forms.ChoiceField(label=_("Cấp"), choices=[("", _("Tất cả"))] + Level.choices, required=False)

    def apply(self, units):
        data = self.cleaned_data
        units = units.filter(era=data.get("era") or Era.CURRENT)
        if data.get("level"):
            units = units.filter(level=data["level"])
        if data.get("q"):
            units = units.search(data["q"])
        elif not data.get("level"):
            units = units.filter(level__in=[Level.PROVINCE, Level.COMMUNE])
        return units


class VillageForm(forms.Form):
    division_type = forms.ChoiceField(label=_("Loại"), choices=village_kind_choices)
    short_name = forms.CharField(label=_("Tên"), max_length=150)
    code = forms.CharField(
        label=_("Mã thôn (nếu có)"), max_length=20, required=False,
        help_text=_("Để trống để hệ thống tự cấp mã."),
    )

    def __init__(self, *args, commune: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean_short_name(self):
        check_visible_text(self.cleaned_data["short_name"], _("tên thôn, tổ dân phố"))
        name = normalise(self.cleaned_data["short_name"])
        if not name:
            raise forms.ValidationError(_("Tên không được để trống."))
        return name

    def clean(self):
        data = super().clean()
        name = data.get("short_name")
        if name:
            full = f"{data.get('division_type', '')} {name}".strip()
            if self.commune.children.filter(name_folded=fold(full)).exists():
                self.add_error("short_name", _("Xã này đã có %(name)s.") % {"name": full})
        code = (data.get("code") or "").strip()
        if code and Unit.objects.filter(era=Era.CURRENT, level=Level.VILLAGE, code=code).exists():
            self.add_error("code", _("Mã %(code)s đã được dùng.") % {"code": code})
        return data
