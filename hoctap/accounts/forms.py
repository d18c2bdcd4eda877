from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from hoctap.territory.models import Unit

from .models import RoleAssignment, User
from .roles import ROLE_LEVELS, Role
from .services import grant_refusal


class AccountForm(forms.Form):
    """An officer creates an account inside their territory with one role."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200)
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, strip=False)
    role = forms.ChoiceField(label=_("Vai trò"))
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=Unit.objects.none())
    valid_to = forms.DateField(label=_("Hiệu lực đến (không bắt buộc)"), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r.value in scope.grantable_roles()]
        from .roles import Capability

        self.fields["unit"].queryset = scope.filter(Unit.objects.current(), Capability.MANAGE_ACCOUNTS).in_order()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập đã có người dùng."))
        return username

    def clean(self):
        data = super().clean()
        role, unit = data.get("role"), data.get("unit")
        if role and unit and unit.level not in ROLE_LEVELS[role]:
            self.add_error("unit", _("Vai trò này không được giao ở cấp đơn vị đã chọn."))
        elif role and unit and (refusal := grant_refusal(self.scope, role, unit)):
            self.add_error("role", refusal)
        if data.get("password"):
            try:
                validate_password(
                    data["password"], User(username=data.get("username", ""), full_name=data.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["role", "unit", "valid_from", "valid_to"]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ (dùng ở đâu)"), max_length=100)
    expires_on = forms.DateField(
        label=_("Hết hạn vào ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Tối đa một năm. Hết hạn, mã không dùng được nữa; cấp mã mới khi cần."),
    )
