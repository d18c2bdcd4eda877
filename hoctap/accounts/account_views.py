"""One's own account: change the password, issue and revoke API tokens."""

import datetime

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hoctap.web.shortcuts import not_post

from .forms import TokenForm
from .models import ApiToken
from .services import change_password, issue_token, revoke_token


@sensitive_post_parameters()
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoked = change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        text = _("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.")
        if revoked:
            text += " " + ngettext(
                "%(n)d mã truy cập API đã bị thu hồi.", "%(n)d mã truy cập API đã bị thu hồi.", revoked
            ) % {"n": revoked}
        messages.success(request, text)
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
def token_list(request):
    """Issue a token (shown once on the answer to the POST, never again) and list the others."""
    default_expiry = timezone.localdate() + datetime.timedelta(days=90)
    form = TokenForm(request.POST or None, initial={"expires_on": default_expiry})
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            token, text = issue_token(
                request.user, name=form.cleaned_data["name"], expires_on=form.cleaned_data["expires_on"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            issued = {"token": token, "text": text}
            form = TokenForm(initial={"expires_on": default_expiry})
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request, "accounts/token_list.html", {"form": form, "issued": issued, "tokens": tokens, "now": timezone.now()}
    )


def token_revoke(request, token_id):
    # A user's tokens are their own: another user's token is a 404 like any out-of-scope record.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if refused := not_post(request):
        return refused
    revoke_token(token)
    messages.success(request, _("Đã thu hồi mã %(name)s.") % {"name": token.name})
    return redirect("accounts:token_list")
