from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hoctap.accounts.roles import Role
from hoctap.core.limits import FIRST_BIRTH_YEAR, FIRST_YEAR, LAST_YEAR, MAX_COUNT, ascii_int
from hoctap.criteria.models import CriteriaSetVersion
from hoctap.criteria.titles import Title
from hoctap.registry.models import OccupationGroup, Sex
from hoctap.territory.models import Era, Level, Unit

from .lists import WAITING
from .models import Campaign
from .states import Action, State


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# A campaign's season dates: each typed with a date picker, each optional (blank: the national campaign's).
CAMPAIGN_DATES = (
    "registration_opens",
    "registration_closes",
    "self_assessment_deadline",
    "review_deadline",
    "recognition_deadline",
)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "title",
            "year",
            "province",
            "registration_opens",
            "registration_closes",
            "self_assessment_deadline",
            "review_deadline",
            "recognition_deadline",
            "criteria_sets",
            "recognising_role",
            "validity_years",
            "upgrade_after_months",
            "allow_bulk_accept",
        ]
        widgets = {name: DateInput() for name in CAMPAIGN_DATES}

    def __init__(self, *args, provinces, national_allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["province"].required = not national_allowed
        self.fields["criteria_sets"].queryset = CriteriaSetVersion.objects.all()
        self.fields["criteria_sets"].required = False
        self.fields["criteria_sets"].help_text = _(
            "Để trống: lấy bộ tiêu chí đang hiệu lực (hoặc kế thừa đợt toàn quốc)."
        )
        self.fields["recognising_role"].choices = [
            (Role.COMMUNE_APPROVER, Role.COMMUNE_APPROVER.label),
            (Role.PROVINCE_APPROVER, Role.PROVINCE_APPROVER.label),
        ]
        for name in (*CAMPAIGN_DATES, "recognising_role", "validity_years"):
            self.fields[name].required = False

    # Province-managed units (TT 24/2023): their own recognising role, validity and upgrade period.
    # Blank: the pinned sets' rule (province approver, the set's years) or the national campaign's.
    province_units_role = forms.ChoiceField(
        label=_("Đơn vị cấp tỉnh quản lý: cấp có thẩm quyền công nhận"),
        required=False,
        choices=[("", _("Theo mặc định (lãnh đạo tỉnh)")), (Role.PROVINCE_APPROVER, Role.PROVINCE_APPROVER.label)],
    )
    province_units_validity = forms.IntegerField(
        label=_("Đơn vị cấp tỉnh quản lý: thời hạn công nhận (năm)"),
        required=False,
        min_value=1,
        max_value=10,
        help_text=_("Để trống: theo bộ tiêu chí (Thông tư 24/2023: 3 năm)."),
    )
    province_units_upgrade = forms.IntegerField(
        label=_("Đơn vị cấp tỉnh quản lý: nâng mức sau (tháng)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("Để trống: theo bộ tiêu chí (Thông tư 24/2023: 12 tháng)."),
    )

    def level_overrides(self) -> dict:
        """What the form changes in the campaign's rule for province-managed units."""
        data = self.cleaned_data
        given = {
            "recognising_role": data.get("province_units_role") or None,
            "validity_years": data.get("province_units_validity"),
            "upgrade_after_months": data.get("province_units_upgrade"),
        }
        given = {name: value for name, value in given.items() if value is not None}
        return {"province": given} if given else {}


class SelfAssessmentForm(forms.Form):
    """One fieldset per indicator: points (a number up to the maximum) or pass/fail, and a note."""

    def __init__(self, *args, definition, group=None, initial_answers=None, initial_notes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.indicators = []
        initial_answers, initial_notes = initial_answers or {}, initial_notes or {}
        for criterion in definition.criteria:
            for indicator in criterion.indicators:
                text_vi, _text_en = indicator.text_for(group)
                name = f"a_{indicator.code}"
                if indicator.kind == "pass_fail":
                    field = forms.TypedChoiceField(
                        label=text_vi,
                        required=False,
                        widget=forms.RadioSelect,
                        choices=[("true", _("Đạt")), ("false", _("Chưa đạt"))],
                        initial={True: "true", False: "false"}.get(initial_answers.get(indicator.code)),
                    )
                else:
                    # The limits the page checks as the user types are the criteria set's own (the
                    # numbers the engine scores with), handed over in data attributes: the script
                    # holds no rule of its own, and the server checks everything again.
                    attrs = {
                        "step": "0.5",
                        "inputmode": "decimal",
                        "class": "big",
                        "data-code": indicator.code,
                        "data-max": format(indicator.max_points, "f"),
                        "aria-describedby": f"check-{indicator.code}",
                    }
                    if indicator.floor is not None:
                        attrs["data-floor"] = format(indicator.floor, "f")
                    field = forms.DecimalField(
                        label=text_vi,
                        required=False,
                        min_value=0,
                        max_value=indicator.max_points,
                        decimal_places=4,
                        initial=initial_answers.get(indicator.code),
                        widget=forms.NumberInput(attrs=attrs),
                        help_text=_("Tối đa %(max)s điểm") % {"max": _points(indicator.max_points)}
                        + (
                            _("; tối thiểu %(floor)s") % {"floor": _points(indicator.floor)}
                            if indicator.floor is not None
                            else ""
                        ),
                        error_messages={
                            "max_value": _("Cao hơn điểm tối đa: nhập từ 0 đến %(limit_value)s."),
                            "min_value": _("Điểm không được âm: nhập từ 0 trở lên."),
                            "invalid": _("Hãy nhập một số, ví dụ 8 hoặc 7.5."),
                            "max_decimal_places": _("Nhập tối đa 4 chữ số sau dấu phẩy."),
                        },
                    )
                self.fields[name] = field
                self.fields[f"n_{indicator.code}"] = forms.CharField(
                    label=_("Ghi chú, minh chứng"),
                    required=False,
                    max_length=1000,
                    initial=initial_notes.get(indicator.code),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.indicators.append(
                    {
                        "criterion": criterion,
                        "indicator": indicator,
                        "field": self[name],
                        "note": self[f"n_{indicator.code}"],
                    }
                )

    def answers(self) -> dict:
        result = {}
        for item in self.indicators:
            code = item["indicator"].code
            value = self.cleaned_data.get(f"a_{code}")
            if value in (None, ""):
                continue
            result[code] = value == "true" if item["indicator"].kind == "pass_fail" else format(value, "f")
        return result

    def notes(self) -> dict:
        return {
            item["indicator"].code: self.cleaned_data.get(f"n_{item['indicator'].code}", "") for item in self.indicators
        }


def _points(value) -> str:
    """10 rather than 10.0000; 7,5 in Vietnamese."""
    from .areas import _points as points

    return points(value)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp (ảnh, PDF, Word hoặc Excel)"))
    effective_date = forms.DateField(label=_("Ngày của minh chứng"), widget=DateInput())
    indicator_codes = forms.MultipleChoiceField(
        label=_("Cho chỉ số"), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Mô tả"), required=False, max_length=300)

    def __init__(self, *args, definition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_codes"].choices = [(i.code, f"{i.code}") for i in definition.indicators]
        self.fields["effective_date"].initial = timezone.localdate()
        from .evidence import ACCEPT

        self.fields["file"].widget.attrs["accept"] = ACCEPT


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices)
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    revocation_reference = forms.CharField(label=_("Số quyết định thu hồi"), required=False, max_length=120)
    reopen = forms.BooleanField(label=_("Lập hồ sơ mới thay thế"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_COUNT)


class DecisionForm(forms.Form):
    issuer = forms.ModelChoiceField(label=_("Cơ quan ban hành"), queryset=Unit.objects.none())
    issued_on = forms.DateField(label=_("Ngày ký"), widget=DateInput())
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=200)
    signer_title = forms.CharField(label=_("Chức vụ"), max_length=120, initial="Chủ tịch")
    legal_bases = forms.CharField(label=_("Căn cứ (mỗi dòng một căn cứ)"), widget=forms.Textarea(attrs={"rows": 5}))
    recipients = forms.CharField(label=_("Nơi nhận (mỗi dòng một nơi)"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, issuers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = Unit.objects.filter(pk__in=[u.pk for u in issuers])
        if len(issuers) == 1:
            self.fields["issuer"].initial = issuers[0].pk
        self.fields["issued_on"].initial = timezone.localdate()


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    birth_year = forms.IntegerField(
        label=_("Năm sinh"),
        min_value=FIRST_BIRTH_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    province = forms.ModelChoiceField(
        label=_("Tỉnh, thành phố"), queryset=Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).in_order()
    )
    commune = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Unit.objects.none())
    id_number = forms.CharField(
        label=_("Số CCCD (không bắt buộc)"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    occupation_group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=OccupationGroup.choices)
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    password = forms.CharField(label=_("Mật khẩu"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    # The version of the notice shown on the page: consent is to the text the visitor read. Whether
    # the box may stay empty is the service's rule (citizens.sign_up refuses), not the form's.
    notice_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=10**6)
    consent = forms.BooleanField(
        required=False,
        label=_("Tôi đã đọc Thông báo xử lý dữ liệu cá nhân ở trên và đồng ý để xử lý dữ liệu của tôi như thông báo."),
    )
    sensitive_consent = forms.BooleanField(
        required=False,
        label=_(
            "Không bắt buộc: tôi đồng ý để cán bộ xã ghi dân tộc của tôi (dữ liệu nhạy cảm), chỉ để thống kê "
            "tổng hợp và xét điểm vùng dân tộc thiểu số."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        province_id = ascii_int(str(self.data.get("province") or self.initial.get("province") or ""))
        if province_id:
            self.fields["commune"].queryset = Unit.objects.filter(
                era=Era.CURRENT, level=Level.COMMUNE, parent_id=int(province_id)
            ).in_order()


class AssessmentFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.ChoiceField(label=_("Danh hiệu"), required=False, choices=[("", "—"), *Title.choices])
    state = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", "—"), (WAITING, _("Chờ thẩm định")), *State.choices],
    )
    q = forms.CharField(label=_("Tìm tên"), required=False, max_length=100)
    # Set by the campaign page's link ("the files of this campaign"); kept while filtering further.
    campaign = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class LearnerFiguresForm(forms.Form):
    """A school's learners in one year and how many hold the learning-citizen title, with a file."""

    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    learners = forms.IntegerField(
        label=_("Số người học"),
        min_value=1,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "big"}),
    )
    citizens = forms.IntegerField(
        label=_("Trong đó đạt danh hiệu «Công dân học tập»"),
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "big"}),
    )
    evidence = forms.FileField(
        label=_("Minh chứng (ảnh JPEG, PNG, WebP hoặc PDF)"),
        required=False,
        help_text=_("Danh sách người học đạt danh hiệu hoặc báo cáo của đơn vị. Bắt buộc lần nhập đầu tiên của năm."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["evidence"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,application/pdf"


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp kết quả (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
