"""Forgotten passwords: a link by e-mail where mail is configured, or a one-time code from an
officer of the level above (audited), which works everywhere."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hoctap.web.shortcuts import not_post

from .models import User
from .roles import Capability
from .scoping import OutOfScope, scope_for
from .services import change_password, issue_reset_code, reset_with_code


class NewPasswordForm(SetPasswordForm):
    """Django's form; saving goes through the one rule that also revokes sessions and tokens."""

    def save(self, commit=True):
        change_password(self.user, self.cleaned_data["new_password1"])
        return self.user


class CodeResetForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150)
    code = forms.CharField(
        label=gettext_lazy("Mã đặt lại (cán bộ cấp trên đưa cho bạn)"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )
    new_password1 = forms.CharField(
        label=gettext_lazy("Mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=gettext_lazy("Nhập lại mật khẩu mới"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Hai mật khẩu không giống nhau."))
        elif first:
            user = User.objects.filter(username__iexact=data.get("username", "")).first()
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return data


@login_not_required
def password_reset_start(request):
    """Where a user who forgot their password starts: by e-mail if configured, else the code."""
    if not settings.PASSWORD_RESET_BY_EMAIL:
        return render(request, "registration/password_reset_start.html", {"by_email": False})
    return EmailReset.as_view()(request)


class EmailReset(auth_views.PasswordResetView):
    template_name = "registration/password_reset_start.html"
    email_template_name = "registration/hoctap_reset_email.txt"
    subject_template_name = "registration/hoctap_reset_subject.txt"
    extra_context = {"by_email": True}


class EmailResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password_reset_complete")


@login_not_required
@sensitive_post_parameters()
@never_cache
def password_reset_code(request):
    form = CodeResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if reset_with_code(data["username"], data["code"], data["new_password1"]):
            messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới."))
            return redirect("login")
        form.add_error(
            "code",
            _(
                "Tên đăng nhập hoặc mã không đúng, hoặc mã đã hết hạn (mã dùng được một lần, "
                "trong 24 giờ). Hỏi cán bộ cấp trên một mã mới."
            ),
        )
    return render(request, "registration/password_reset_code.html", {"form": form})


@never_cache
def reset_code_for(request, user_id):
    """An officer gives an account of the level below a one-time code (shown once, audited)."""
    scope = scope_for(request)
    account = scope.get_or_404(User.objects.all(), Capability.MANAGE_ACCOUNTS, pk=user_id)
    if refused := not_post(request):
        return refused
    try:
        code = issue_reset_code(scope, account)
    except OutOfScope as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:user_detail", user_id=account.pk)
    return render(request, "accounts/reset_code.html", {"account": account, "code": code})
