from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.core.limits import FIRST_YEAR, LAST_YEAR
from hoctap.core.text import normalise
from hoctap.core.validators import check_visible_text

from .area_codes import COMMUNE_DESIGNATIONS, VILLAGE_DESIGNATIONS
from .models import Designation, Era, Level, Unit, VillageChangeKind
from .village_kinds import village_kind_choices


def _day_field(label) -> forms.DateField:
    """A day picked in the browser's calendar, or typed as people write it here (dd/mm/yyyy)."""
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )


def _check_visible(form: forms.Form, data: dict, names) -> None:
    """Each of the named texts, where given, must show something (`check_visible_text`); a refusal
    stays on its field."""
    for name in names:
        if data.get(name):
            try:
                check_visible_text(data[name], form.fields[name].label)
            except forms.ValidationError as error:
                form.add_error(name, error)


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
        label=_("Mã thôn (nếu có)"),
        max_length=20,
        required=False,
        help_text=_("Để trống để hệ thống tự cấp mã."),
    )

    def clean_short_name(self):
        check_visible_text(self.cleaned_data["short_name"], _("tên thôn, tổ dân phố"))
        name = normalise(self.cleaned_data["short_name"])
        if not name:
            raise forms.ValidationError(_("Tên không được để trống."))
        return name


class AreaDesignationForm(forms.Form):
    """A unit's designation for one year or a run of years, with its legal basis."""

    designation = forms.ChoiceField(label=_("Loại vùng"))
    year_from = forms.IntegerField(label=_("Từ năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    year_to = forms.IntegerField(
        label=_("Đến năm"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
        help_text=_("Để trống nếu chỉ một năm."),
    )
    basis_number = forms.CharField(label=_("Số văn bản"), max_length=60, help_text=_("Ví dụ: 861/QĐ-TTg"))
    basis_date = _day_field(_("Ngày ban hành"))
    basis_issuer = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=200,
        help_text=_("Ví dụ: Thủ tướng Chính phủ; Ủy ban Dân tộc; UBND tỉnh"),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: xã mới hình thành từ các xã khu vực III và khu vực I; tỉnh quyết định xếp khu vực III."),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        allowed = COMMUNE_DESIGNATIONS if unit.level == Level.COMMUNE else VILLAGE_DESIGNATIONS
        self.fields["designation"].choices = [(code, str(Designation(code).label).capitalize()) for code in allowed]

    def clean(self):
        data = super().clean()
        first, last = data.get("year_from"), data.get("year_to")
        if first and last and last < first:
            self.add_error("year_to", _("Năm kết thúc phải từ năm bắt đầu trở đi."))
        elif first and last and last - first > 10:
            self.add_error("year_to", _("Mỗi lần ghi tối đa 11 năm."))
        _check_visible(self, data, ("basis_number", "basis_issuer", "note"))
        return data

    def years(self) -> range:
        first = self.cleaned_data["year_from"]
        return range(first, (self.cleaned_data.get("year_to") or first) + 1)


class AreaYearForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)


class VillageChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, unit):
        return unit.name


class VillageChangeForm(forms.Form):
    """A merge or split of one commune's villages (`village_changes.record` checks the rest)."""

    kind = forms.ChoiceField(label=_("Loại thay đổi"), choices=VillageChangeKind.choices, widget=forms.RadioSelect)
    effective_on = _day_field(_("Ngày hiệu lực"))
    from_villages = VillageChoices(
        queryset=Unit.objects.none(),
        label=_("Thôn trước thay đổi"),
        help_text=_("Sáp nhập: các thôn nhập lại. Chia tách: thôn được chia."),
    )
    to_villages = VillageChoices(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Thôn sau thay đổi"),
        help_text=_("Chọn thôn giữ tên (nếu có); thôn mới ghi tên ở dưới."),
    )
    new_division_type = forms.ChoiceField(label=_("Loại thôn mới"), choices=village_kind_choices, required=False)
    new_short_name = forms.CharField(label=_("Tên thôn mới (nếu có)"), max_length=150, required=False)
    receiving = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=_("Thôn nhận hộ của thôn giải thể"),
        help_text=_(
            "Chỉ khi chia tách mà thôn cũ không còn: các hộ chuyển sang thôn này trước, rồi chuyển từng hộ "
            "sang đúng thôn trong sổ theo dõi. Để trống: thôn mới nhận."
        ),
    )
    basis_number = forms.CharField(label=_("Số văn bản"), max_length=60, help_text=_("Ví dụ: 45/NQ-HĐND"))
    basis_date = _day_field(_("Ngày ban hành"))
    basis_issuer = forms.CharField(
        label=_("Cơ quan ban hành"), max_length=200, help_text=_("Ví dụ: Hội đồng nhân dân tỉnh Hưng Yên")
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args, commune: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        villages = commune.children.filter(level=Level.VILLAGE, era=Era.CURRENT).open().in_order()
        for name in ("from_villages", "to_villages", "receiving"):
            self.fields[name].queryset = villages
        self.fields["receiving"].label_from_instance = lambda unit: unit.name

    def clean(self):
        data = super().clean()
        _check_visible(self, data, ("basis_number", "basis_issuer", "note", "new_short_name"))
        name = normalise(data.get("new_short_name") or "")
        if name and not data.get("new_division_type"):
            self.add_error("new_division_type", _("Chọn loại của thôn mới (thôn, xóm, bản, tổ dân phố…)."))
        data["new_village"] = {"division_type": data.get("new_division_type"), "short_name": name} if name else None
        return data
