"""The inspection's three forms: planning (which province, year, communes, and a sample by number or
share), the inspector's verdict, and the follow-up. They only read the input; every rule (a sample
by number or by share, never both; reasons for a disagreement; who may follow up) is in `services`,
so the page and the API refuse the same things."""

from django import forms
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Capability
from hoctap.core.limits import FIRST_YEAR, LAST_YEAR, MAX_COUNT
from hoctap.criteria.titles import Title
from hoctap.territory.models import Level, Unit

from . import services
from .models import FollowUp, Verdict


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt kiểm tra"), max_length=200)
    province = forms.ModelChoiceField(label=_("Tỉnh"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Năm được kiểm tra"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.ChoiceField(label=_("Danh hiệu"), choices=[("", _("Mọi danh hiệu"))] + Title.choices, required=False)
    communes = forms.ModelMultipleChoiceField(
        label=_("Các xã"), queryset=Unit.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10})
    )
    sample_size = forms.IntegerField(label=_("Số hồ sơ chọn mẫu"), min_value=1, max_value=MAX_COUNT, required=False)
    sample_percent = forms.DecimalField(
        label=_("hoặc tỷ lệ (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    seed = forms.IntegerField(
        label=_("Mã chọn mẫu (để trống: hệ thống chọn)"), min_value=0, max_value=MAX_COUNT, required=False
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = services.inspected_provinces(scope)
        self.fields["province"].queryset = provinces
        self.fields["communes"].queryset = scope.filter(
            Unit.objects.current().filter(level=Level.COMMUNE, parent__in=provinces), Capability.REVIEW
        ).in_order()


class ScoreForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Kết luận"), choices=[(Verdict.AGREE, Verdict.AGREE.label), (Verdict.DISAGREE, Verdict.DISAGREE.label)]
    )
    reasons = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.ChoiceField(label=_("Kiến nghị xử lý"), choices=FollowUp.choices, required=False)


class FollowUpForm(forms.Form):
    action = forms.ChoiceField(choices=[(choice, choice.label) for choice in (FollowUp.RETURN, FollowUp.REVOKE)])
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}))
    revocation_reference = forms.CharField(label=_("Số quyết định thu hồi"), max_length=60, required=False)
