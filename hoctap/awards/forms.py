"""The awards pages' forms. Each offers only what its user may choose (the units they write for or
read, the programme's bodies and occasions); the services check the rest, so the API refuses the
same."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import LAST_YEAR
from hoctap.reports.forms import workable_units
from hoctap.territory.models import Level, Unit

from . import emulation
from .models import AwardKind, NomineeKind, Stage
from .services import HONOUR_LIST_LEVELS


def _units(scope, levels):
    """The units of `levels` the user writes awards records for (not the ancestors they only see)."""
    return workable_units(scope, levels, Capability.REPORT)


class SelfReportForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=LAST_YEAR)
    body = forms.ChoiceField(label=_("Đối tượng thi đua"))
    body_name = forms.CharField(label=_("Tên tổ chức, cá nhân"), max_length=300)
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Unit.objects.none())

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = emulation.body_choices()
        self.fields["unit"].queryset = _units(scope, [Level.COMMUNE, Level.PROVINCE])


def answers_from_post(body: emulation.Body, data) -> dict:
    """The criteria checkboxes and notes of the self-report page, as the service expects them."""
    return {
        c.code: {"met": data.get(f"met_{c.code}") == "on", "note": data.get(f"note_{c.code}", "")}
        for c in body.criteria
    }


class NominationForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Đợt biểu dương"))
    nominee_kind = forms.ChoiceField(label=_("Loại"), choices=NomineeKind.choices)
    nominee_name = forms.CharField(label=_("Tên"), max_length=300)
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Unit.objects.none())
    achievements = forms.CharField(label=_("Thành tích tiêu biểu"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occasion"].choices = emulation.occasion_choices()
        self.fields["unit"].queryset = _units(scope, [Level.VILLAGE, Level.COMMUNE, Level.PROVINCE])


class DecisionForm(forms.Form):
    """One button of the nomination page. The action is not a choice field: an action the table
    refuses goes to `services.transition`, whose refusal says to reload, like a stale page."""

    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AwardForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=AwardKind.choices)
    issuer = forms.CharField(label=_("Cấp khen"), max_length=300)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))
    recipient_name = forms.CharField(label=_("Người, tập thể được khen"), max_length=300)
    recipient_kind = forms.ChoiceField(label=_("Loại"), choices=NomineeKind.choices)
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Unit.objects.none())

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(scope, [Level.VILLAGE, Level.COMMUNE, Level.PROVINCE, Level.NATION])


class HonourListForm(forms.Form):
    occasion = forms.ChoiceField(label=_("Đợt biểu dương"))
    stage = forms.ChoiceField(label=_("Cấp"), choices=Stage.choices)
    unit = forms.ModelChoiceField(label=_("Phạm vi"), queryset=Unit.objects.none())

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occasion"].choices = emulation.occasion_choices()
        self.fields["unit"].queryset = workable_units(scope, HONOUR_LIST_LEVELS, Capability.VIEW)
