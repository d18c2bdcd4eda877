from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hoctap.core.uploads import UploadRejected

from . import services
from .models import CriteriaSetVersion
from .titles import Title

NATIONAL = "national"


class SetFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo mã hoặc tên"), required=False, max_length=100)
    title = forms.ChoiceField(label=_("Danh hiệu"), choices=[("", _("Tất cả"))] + Title.choices, required=False)
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=[("", _("Tất cả"))] + CriteriaSetVersion.Status.choices,
        required=False,
    )
    province = forms.ChoiceField(label=_("Nơi ban hành"), required=False)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only provinces whose sets the reader can see are offered.
        self.fields["province"].choices = [("", _("Tất cả")), (NATIONAL, _("Toàn quốc"))] + [
            (str(unit.pk), unit.name) for unit in provinces
        ]

    def apply(self, versions):
        data = self.cleaned_data
        if data.get("q"):
            versions = versions.filter(Q(code__icontains=data["q"]) | Q(name_vi__icontains=data["q"]))
        if data.get("title"):
            versions = versions.filter(title=data["title"])
        if data.get("status"):
            versions = versions.filter(status=data["status"])
        if data.get("province") == NATIONAL:
            versions = versions.filter(province__isnull=True)
        elif data.get("province"):
            versions = versions.filter(province_id=int(data["province"]))
        return versions


class _TargetMixin:
    def _set_targets(self, targets):
        self.targets = {value: province for value, _label, province in targets}
        self.fields["target"].choices = [(value, label) for value, label, _province in targets]
        if len(targets) == 1:
            self.fields["target"].initial = targets[0][0]

    def clean_target(self):
        value = self.cleaned_data["target"]
        self.cleaned_data["province"] = self.targets[value]
        return value


class ImportForm(_TargetMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp bộ tiêu chí (.yaml hoặc .xlsx)"),
        help_text=_(
            "Tải bản xuất YAML hoặc Excel của một bộ tiêu chí, sửa, tăng số phiên bản (version) "
            "lên một, rồi tải lên. Bộ tiêu chí mới bắt đầu từ phiên bản 1."
        ),
    )
    target = forms.ChoiceField(label=_("Áp dụng cho"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_targets(targets)

    def clean_file(self):
        try:
            self.cleaned_data["candidate"] = services.read_upload(self.cleaned_data["file"])
        except UploadRejected as error:
            raise forms.ValidationError(error.messages) from None
        return self.cleaned_data["file"]


class PublishForm(_TargetMixin, forms.Form):
    source_yaml = forms.CharField(
        label=_("Nội dung sẽ công bố (YAML)"),
        strip=False,
        widget=forms.Textarea(attrs={"readonly": True, "rows": 16, "spellcheck": "false", "class": "source"}),
    )
    source_name = forms.CharField(widget=forms.HiddenInput, max_length=120)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    target = forms.ChoiceField(widget=forms.HiddenInput)

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_targets(targets)
