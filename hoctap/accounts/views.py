from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hoctap.web.shortcuts import form_page

from .forms import AccountForm
from .models import RoleAssignment, User
from .roles import Capability
from .scoping import scope_for
from .services import create_account


def user_list(request):
    scope = scope_for(request)
    scope.require(Capability.MANAGE_ACCOUNTS)
    assignments = scope.filter(
        RoleAssignment.objects.select_related("user", "unit"), Capability.MANAGE_ACCOUNTS
    ).order_by("unit__sort_key", "user__username")
    page = Paginator(assignments, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


def user_create(request):
    scope = scope_for(request)
    scope.require(Capability.MANAGE_ACCOUNTS)
    form = AccountForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        user = create_account(scope, **form.cleaned_data)
        messages.success(request, _("Đã tạo tài khoản %(name)s.") % {"name": user})
        return redirect("accounts:user_list")
    return form_page(request, form, title=_("Tạo tài khoản"), submit=_("Tạo"), back=reverse("accounts:user_list"))


def user_detail(request, user_id):
    scope = scope_for(request)
    account = scope.get_or_404(User.objects.select_related("created_by"), Capability.MANAGE_ACCOUNTS, pk=user_id)
    assignments = account.assignments.select_related("unit", "granted_by").order_by("-valid_from")
    return render(request, "accounts/user_detail.html", {"account": account, "assignments": assignments})
