"""The fields of the learning pages; the rules are in services (the API and the import use them too)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import topics
from .models import StandardLevel

NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


def _number(label, help_text=""):
    # Checked by services (whole number, bounds, named refusal); the widget only opens the digit keyboard.
    return forms.CharField(
        label=label, max_length=12, required=False, help_text=help_text, widget=forms.TextInput(attrs=NUMBER)
    )


class ClassForm(forms.Form):
    topic = forms.ChoiceField(label=_("Chủ đề"), choices=())
    name = forms.CharField(
        label=_("Tên lớp, chuyên đề"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Kỹ thuật trồng lúa chất lượng cao; Sử dụng dịch vụ công trực tuyến."),
    )
    started_on = forms.DateField(
        label=_("Ngày bắt đầu"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=_("Ngày kết thúc"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Để trống nếu lớp học trong một ngày."),
    )
    sessions = _number(_("Số buổi"))
    participants = _number(_("Số người tham gia"))
    held_by = forms.CharField(
        label=_("Đơn vị, người tổ chức"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Trạm Khuyến nông; Công an xã; Hội Khuyến học xã."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topics.choices()
        self.fields["started_on"].initial = timezone.localdate()
        self.fields["sessions"].initial = 1


class WeekActivityForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    activity = forms.CharField(
        label=_("Hoạt động"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Lễ khai mạc Tuần lễ; Ngày hội đọc sách; Tập huấn kỹ năng số."),
    )
    participants = _number(_("Số người tham gia"))


LEVELS_UP_TO_2 = [(v, label) for v, label in StandardLevel.choices if v <= 2]


class DeclarationForm(forms.Form):
    population_15_35 = _number(_("Số người 15–35 tuổi"))
    literate_15_35 = _number(_("Trong đó đạt chuẩn biết chữ (mức độ 1 trở lên)"))
    population_15_60 = _number(_("Số người 15–60 tuổi"))
    literate2_15_60 = _number(_("Trong đó đạt chuẩn biết chữ mức độ 2"))
    literacy_level = forms.TypedChoiceField(label=_("Chuẩn xóa mù chữ của xã"), coerce=int, choices=LEVELS_UP_TO_2)
    primary_level = forms.TypedChoiceField(
        label=_("Chuẩn phổ cập giáo dục tiểu học"), coerce=int, choices=StandardLevel.choices
    )
    lower_secondary_level = forms.TypedChoiceField(
        label=_("Chuẩn phổ cập giáo dục trung học cơ sở"), coerce=int, choices=StandardLevel.choices
    )
    preschool = forms.BooleanField(label=_("Đạt chuẩn phổ cập giáo dục mầm non cho trẻ em 5 tuổi"), required=False)
    declared_by = forms.CharField(label=_("Người kê khai (họ tên, chức vụ)"), max_length=200, required=False)
    document = forms.CharField(
        label=_("Văn bản nguồn"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Báo cáo kết quả phổ cập giáo dục, xóa mù chữ của UBND xã."),
    )
    document_number = forms.CharField(
        label=_("Số văn bản"), max_length=60, required=False, help_text=_("Ví dụ: 25/BC-UBND")
    )
    document_date = forms.DateField(
        label=_("Ngày văn bản"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
