"""The inbox and the preferences page: a person's own notices, never anyone else's (another
person's notice is a 404, like another person's API token)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hoctap.accounts.scoping import scope_for

from . import services
from .channels import channels
from .models import SHORT_LABELS, Kind, Notification
from .text import render as render_text

PAGE_SIZE = 30


def inbox(request):
    page = Paginator(services.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "pk": n.pk,
            "text": render_text(n),
            "created_at": n.created_at,
            "unread": n.read_at is None,
            "kind": SHORT_LABELS.get(n.kind, n.kind),
        }
        for n in page.object_list
    ]
    return render(request, "notifications/inbox.html", {"page": page, "rows": rows})


def open_notice(request, pk: int):
    """Mark one notice read and go to what it is about (a page that checks the scope again)."""
    notice = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, notice.pk)
    target = notice.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect("notifications:inbox")
    return redirect(target)


@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
    return redirect("notifications:inbox")


class EmailForm(forms.Form):
    """Setting one's own address needs the password: the address also receives password-reset links."""

    email = forms.EmailField(label=gettext_lazy("Địa chỉ thư điện tử"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Mật khẩu hiện tại (để xác nhận)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Mật khẩu không đúng. Nhập mật khẩu bạn dùng để đăng nhập."))
        return password


def preferences(request):
    user = request.user
    email_form = EmailForm(initial={"email": user.email}, user=user)
    if request.method == "POST" and request.POST.get("form") == "email":
        email_form = EmailForm(request.POST, user=user)
        if email_form.is_valid():
            user.email = email_form.cleaned_data["email"]
            user.save(update_fields=["email"])
            messages.success(request, _("Đã lưu địa chỉ thư điện tử."))
            return redirect("notifications:preferences")
    kinds = services.kinds_for(scope_for(request))
    if request.method == "POST" and request.POST.get("form") != "email":
        codes = {c.code for c in channels()}
        wanted = set()
        for value in request.POST.getlist("on"):
            kind, _sep, code = value.partition(":")
            if kind in kinds and code in codes:
                wanted.add((kind, code))
        services.set_preferences(user, wanted, kinds)
        messages.success(request, _("Đã lưu lựa chọn thông báo."))
        return redirect("notifications:preferences")
    muted = services.muted_pairs(user)
    chans = [
        {"code": c.code, "label": c.label, "reachable": bool(c.address(user)), "no_address": c.no_address}
        for c in channels()
    ]
    rows = [
        {
            "kind": kind,
            "label": label,
            "cells": [
                {"value": f"{kind}:{c['code']}", "on": (kind, c["code"]) not in muted, "channel": c} for c in chans
            ],
        }
        for kind, label in Kind.choices
        if kind in kinds
    ]
    return render(
        request, "notifications/preferences.html", {"rows": rows, "channels": chans, "email_form": email_form}
    )
