"""The fields of the learning pages; the rules are in services (the API and the import use them too)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import topics
from .models import StandardLevel

NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


# Every field is optional here: the services check what is missing and name it, for the pages, the
# API and the import alike.


def _number(label, help_text=""):
    # Checked by services (whole number, bounds, named refusal); the widget only opens the digit keyboard.
    return forms.CharField(
        label=label, max_length=12, required=False, help_text=help_text, widget=forms.TextInput(attrs=NUMBER)
    )


def _date(label, help_text=""):
    return forms.DateField(
        label=label, required=False, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def _text(label, help_text="", max_length=200):
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=help_text)


class ClassForm(forms.Form):
    topic = forms.ChoiceField(label=_("Chủ đề"), choices=())
    name = _text(
        _("Tên lớp, chuyên đề"), _("Ví dụ: Kỹ thuật trồng lúa chất lượng cao; Sử dụng dịch vụ công trực tuyến.")
    )
    started_on = _date(_("Ngày bắt đầu"))
    ended_on = _date(_("Ngày kết thúc"), _("Để trống nếu lớp học trong một ngày."))
    sessions = _number(_("Số buổi"))
    participants = _number(_("Số người tham gia"))
    held_by = _text(_("Đơn vị, người tổ chức"), _("Ví dụ: Trạm Khuyến nông; Công an xã; Hội Khuyến học xã."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = topics.choices()
        self.fields["started_on"].initial = timezone.localdate()
        self.fields["sessions"].initial = 1


class WeekActivityForm(forms.Form):
    date = _date(_("Ngày"))
    activity = _text(_("Hoạt động"), _("Ví dụ: Lễ khai mạc Tuần lễ; Ngày hội đọc sách; Tập huấn kỹ năng số."))
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
    declared_by = _text(_("Người kê khai (họ tên, chức vụ)"))
    document = _text(
        _("Văn bản nguồn"), _("Ví dụ: Báo cáo kết quả phổ cập giáo dục, xóa mù chữ của UBND xã."), max_length=300
    )
    document_number = _text(_("Số văn bản"), _("Ví dụ: 25/BC-UBND"), max_length=60)
    document_date = _date(_("Ngày văn bản"))
