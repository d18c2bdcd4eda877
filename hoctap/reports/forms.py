from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import LAST_YEAR, MAX_COUNT
from hoctap.territory.models import Level, Unit

from . import services
from .models import ExportKind, Report, ReportType
from .states import Action


def _this_year() -> int:
    return timezone.localdate().year


def workable_units(scope, levels, capability):
    """Units the user works on for `capability`: the scope also shows ancestors for navigation,
    which are not theirs to report on or export."""
    visible = scope.filter(Unit.objects.current().filter(level__in=levels), capability).in_order()
    return Unit.objects.filter(pk__in=[unit.pk for unit in visible if scope.can(capability, unit)]).in_order()


class BoardForm(forms.Form):
    report_type = forms.ModelChoiceField(
        label=_("Loại báo cáo"),
        queryset=ReportType.objects.all(),
        to_field_name="code",
        required=False,
    )
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=LAST_YEAR, required=False)
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [Level.NATION, Level.PROVINCE, Level.COMMUNE]
        self.fields["unit"].queryset = workable_units(scope, levels, Capability.VIEW)

    def values(self, default_unit):
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("report_type") or ReportType.objects.first(),
            data.get("year") or _this_year(),
            data.get("unit") or default_unit,
        )


class NarrativeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_COUNT)

    class Meta:
        model = Report
        # What a writer may change on a report is the service's rule (`update_narrative` writes only
        # these): the page offers the same fields as the API, in the same order.
        fields = services.EDITABLE_FIELDS
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 6})
                for name in ("results", "difficulties", "proposals", "outstanding_note")
            },
            "dated": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices)
    reason = forms.CharField(label=_("Lý do trả lại"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0, max_value=MAX_COUNT)


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Dữ liệu"), choices=ExportKind.choices)
    unit = forms.ModelChoiceField(label=_("Phạm vi"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2021, max_value=LAST_YEAR, initial=_this_year)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = workable_units(scope, [Level.PROVINCE, Level.COMMUNE], Capability.REPORT)
