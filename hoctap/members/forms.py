"""Forms carry the fields; the rules are in services (the import calls the same functions)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.funds.forms import dong_field
from hoctap.registry.models import Sex

from .models import BRANCH_POSITIONS, Branch, LeaveReason, Position, TrainingTopic

# A select with more options than this is not sent to a phone; the link is then left out.
MAX_OPTIONS = 300


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["unit", "kind", "name", "organisation", "clan", "founded_on"]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "unit": _("Chi hội thôn: chọn thôn, tổ dân phố. Chi hội ở cơ quan, trường học, dòng họ: chọn xã, phường."),
            "name": _("Ví dụ: Chi hội khuyến học thôn Đông; Chi hội Trường THCS An Lạc."),
        }

    def __init__(self, *args, units, organisations, clans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: (
            unit.name if unit.level == "commune" else f"{unit.name} ({unit.parent.name})"
        )
        for name, queryset in (("organisation", organisations), ("clan", clans)):
            if queryset.count() > MAX_OPTIONS:
                del self.fields[name]
            else:
                self.fields[name].queryset = queryset
                self.fields[name].required = False
        self.fields["name"].widget.attrs["autocomplete"] = "off"


class JoinForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    sex = forms.ChoiceField(label=_("Giới tính"), choices=[("", "—"), *Sex.choices], required=False)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"), required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    card_number = forms.CharField(label=_("Số thẻ hội viên (nếu có)"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("Điện thoại (nếu có)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    joined_on = _date(_("Ngày vào hội"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = timezone.localdate()


class LeaveForm(forms.Form):
    left_on = _date(_("Ngày ra"))
    reason = forms.ChoiceField(
        label=_("Lý do"), choices=[(v, label) for v, label in LeaveReason.choices if v != LeaveReason.MOVED]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()


class MoveForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Chuyển sang chi hội"), queryset=Branch.objects.none())
    on = _date(_("Từ ngày"))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["on"].initial = timezone.localdate()


class DuesForm(forms.Form):
    year = forms.IntegerField(label=_("Hội phí năm"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    amount = dong_field(_("Chỉ gồm chữ số, có thể có dấu chấm ngăn cách: 50.000"))
    paid_on = _date(_("Ngày nộp"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["paid_on"].initial = timezone.localdate()


class OfficeForm(forms.Form):
    position = forms.ChoiceField(label=_("Chức vụ"), choices=Position.choices)
    branch = forms.ModelChoiceField(
        label=_("Chi hội (với chi hội trưởng, chi hội phó)"), queryset=Branch.objects.none(), required=False
    )
    started_on = _date(_("Từ ngày"))
    in_clc = forms.BooleanField(label=_("Tham gia hoạt động Trung tâm học tập cộng đồng"), required=False)
    manages_clc = forms.BooleanField(
        label=_("Trong Ban quản lý Trung tâm học tập cộng đồng (Chủ tịch, Phó Chủ tịch)"), required=False
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["started_on"].initial = timezone.localdate()


class EndOfficeForm(forms.Form):
    ended_on = _date(_("Thôi giữ chức vụ từ ngày"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class TrainingForm(forms.Form):
    topic = forms.ChoiceField(label=_("Nội dung"), choices=TrainingTopic.choices)
    date = _date(_("Ngày"))
    course = forms.CharField(label=_("Lớp, hội nghị"), max_length=200, required=False)
    organiser = forms.CharField(label=_("Đơn vị tổ chức"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


BRANCH_POSITION_VALUES = {str(p) for p in BRANCH_POSITIONS}
