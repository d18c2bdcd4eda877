"""Pages of personal data: the public notice, the citizen's rights, the commune's requests and bases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.core.limits import ascii_int
from hoctap.registry.models import Person
from hoctap.territory.models import Era, Level, Unit
from hoctap.web.shortcuts import accepted, add_service_errors

from . import services
from .forms import AnswerForm, BasisForm, ControllerForm, DeadlineForm, RequestForm
from .models import DataRequest, LegalBasis, RequestKind, RequestState

BULK_LIMIT = 200  # people shown (and recorded) at once on the bulk page


@login_not_required
def notice(request):
    """Public: the notice in force, with the controller the chosen province has set."""
    provinces = Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE).order_by("name")
    province = None
    province_id = ascii_int(request.GET.get("province", ""))
    if province_id:
        province = provinces.filter(pk=province_id).first()
    chosen = services.controller_of(province)
    return render(
        request,
        "privacy/notice.html",
        {
            "notice": services.current_notice(),
            "controller": chosen.kind,
            "controller_contact": chosen.contact,
            "province": province,
            "provinces": provinces,
        },
    )


def mine(request):
    """The citizen's consents and requests, and the form to make a request."""
    form = RequestForm(request.POST or None)
    if accepted(request, form, lambda data: services.citizen_request(request.user, **data)) is not None:
        messages.success(request, _("Đã gửi yêu cầu. Xã, phường sẽ trả lời trong thời hạn ghi dưới đây."))
        return redirect("privacy:mine")
    records = services.own_records(request.user)
    people = Person.objects.filter(account=request.user).values_list("pk", flat=True)
    from django.db.models import Q

    mine_q = Q(user=request.user) | Q(person_id__in=list(people))
    return render(
        request,
        "privacy/mine.html",
        {
            "form": form,
            "records": records,
            "bases": LegalBasis.objects.filter(mine_q).select_related("notice").order_by("-recorded_at"),
            "requests": DataRequest.objects.filter(mine_q).order_by("-received_at"),
        },
    )


def request_list(request):
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    requests = scope.filter(DataRequest.objects.select_related("person", "commune"), Capability.EDIT_REGISTRY)
    pending = list(requests.filter(state=RequestState.PENDING).order_by("due_on", "pk"))
    return render(
        request,
        "privacy/request_list.html",
        {
            "pending": pending,
            "any_provisional": any(r.due_provisional for r in pending),
            "answered": requests.exclude(state=RequestState.PENDING).order_by("-answered_at")[:50],
            "missing": services.people_without_basis(scope).count(),
        },
    )


def request_detail(request, request_id):
    scope = scope_for(request)
    data_request = scope.get_or_404(
        DataRequest.objects.select_related("person__unit", "commune", "recorded_by"),
        Capability.EDIT_REGISTRY,
        pk=request_id,
    )
    form = AnswerForm(request.POST or None)
    answered = accepted(
        request,
        form,
        lambda data: services.answer_request(
            scope, data_request, done=data["outcome"] == "done", answer=data["answer"]
        ),
    )
    if answered is not None:
        messages.success(request, _("Đã ghi câu trả lời. Người yêu cầu thấy nó trên trang của họ."))
        return redirect("privacy:request_list")
    return render(
        request,
        "privacy/request_detail.html",
        {
            "r": data_request,
            "form": form,
            "kinds": RequestKind,
            "pending": data_request.state == RequestState.PENDING,
        },
    )


def office_request(request, person_id):
    """A request made at the commune office (people without an account, or who prefer paper)."""
    scope = scope_for(request)
    person = scope.get_or_404(Person.objects.select_related("unit", "commune"), Capability.EDIT_REGISTRY, pk=person_id)
    form = RequestForm(request.POST or None)
    created = accepted(request, form, lambda data: services.office_request(scope, person, **data))
    if created is not None:
        message = (
            _("Đã ghi yêu cầu; hạn xử lý %(day)s (tạm tính).")
            if created.due_provisional
            else _("Đã ghi yêu cầu; hạn xử lý %(day)s.")
        )
        messages.success(request, message % {"day": created.due_on.strftime("%d/%m/%Y")})
        return redirect("privacy:request_detail", request_id=created.pk)
    return render(request, "privacy/office_request.html", {"person": person, "form": form})


def basis(request, person_id):
    """The legal basis of one person's data, as the officer who registered them records it."""
    scope = scope_for(request)
    person = scope.get_or_404(Person.objects.select_related("unit", "commune"), Capability.EDIT_REGISTRY, pk=person_id)
    form = BasisForm(request.POST or None)
    if accepted(request, form, lambda data: services.record_basis(scope, [person], **data)) is not None:
        messages.success(request, _("Đã ghi căn cứ xử lý dữ liệu của %(person)s.") % {"person": person.full_name})
        return redirect("registry:person_detail", person_id=person.pk)
    return render(
        request,
        "privacy/basis.html",
        {
            "person": person,
            "form": form,
            "bases": LegalBasis.objects.filter(person=person)
            .select_related("notice", "recorded_by")
            .order_by("-recorded_at"),
        },
    )


def basis_missing(request):
    """People registered (by form, import or API) whose basis nobody has recorded yet: one basis for a
    chosen group at once — typically the consent forms collected on paper at a village meeting."""
    scope = scope_for(request)
    scope.require(Capability.EDIT_REGISTRY)
    people = services.people_without_basis(scope).select_related("unit").in_order()
    total = people.count()
    shown = list(people[:BULK_LIMIT])
    form = BasisForm(request.POST or None)
    chosen_error = None
    if request.method == "POST" and form.is_valid():
        chosen = {ascii_int(value) for value in request.POST.getlist("person")} - {None}
        picked = [p for p in shown if p.pk in chosen]
        try:
            done = services.record_basis(scope, picked, **form.cleaned_data)
        except ValidationError as error:
            if "people" in getattr(error, "error_dict", {}):
                chosen_error = error.message_dict["people"]
            add_service_errors(
                form,
                ValidationError({k: v for k, v in error.message_dict.items() if k != "people"})
                if hasattr(error, "error_dict")
                else error,
            )
        else:
            messages.success(request, _("Đã ghi căn cứ cho %(count)d người.") % {"count": len(done)})
            return redirect("privacy:basis_missing")
    return render(
        request,
        "privacy/basis_missing.html",
        {
            "people": shown,
            "total": total,
            "form": form,
            "chosen_error": chosen_error,
            "limit": BULK_LIMIT,
        },
    )


def province_settings(request):
    """The province's choices about its people's data: who controls them (the commune's association or
    its People's Committee, and where requests are received) and the time limit of each kind of request.
    A province officer sets their own province; the central administrator picks one."""
    scope = scope_for(request)
    scope.require(Capability.SET_PRIVACY)
    provinces = scope.filter(
        Unit.objects.filter(era=Era.CURRENT, level=Level.PROVINCE), Capability.SET_PRIVACY
    ).order_by("name")
    chosen_id = ascii_int(request.POST.get("province") or request.GET.get("province") or "")
    province = provinces.filter(pk=chosen_id).first() if chosen_id else None
    if province is None and chosen_id:
        raise Http404
    if province is None and provinces.count() == 1:
        province = provinces.first()
    if province is None:
        return render(request, "privacy/province_settings.html", {"provinces": provinces, "province": None})
    controller = services.controller_of(province)
    deadlines = services.deadlines_for(province)
    posted = request.POST if request.method == "POST" else None
    controller_form = ControllerForm(posted, initial={"kind": controller.kind, "contact": controller.contact})
    deadline_forms = [
        (
            RequestKind(kind),
            DeadlineForm(
                posted,
                prefix=kind,
                initial={
                    "days": rule.days,
                    "counting": rule.counting,
                    "provisional": rule.provisional,
                    "source": rule.source,
                },
            ),
            rule,
        )
        for kind, rule in deadlines.items()
    ]
    if posted is not None and controller_form.is_valid() and all(form.is_valid() for _k, form, _r in deadline_forms):
        try:
            with transaction.atomic():
                services.set_controller(scope, province, **controller_form.cleaned_data)
                services.set_deadlines(scope, province, {kind: form.cleaned_data for kind, form, _r in deadline_forms})
        except ValidationError as error:
            by_kind = {kind.value: form for kind, form, _r in deadline_forms}
            for key, errors in error.message_dict.items():
                kind, _dash, field = key.partition("-")
                if kind in by_kind and field in by_kind[kind].fields:
                    by_kind[kind].add_error(field, errors)
                else:
                    controller_form.add_error(key if key in controller_form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Đã lưu cài đặt dữ liệu cá nhân của %(province)s. Yêu cầu nhận từ nay tính hạn theo cài đặt mới.")
                % {"province": province.name},
            )
            return redirect(f"{reverse('privacy:province_settings')}?province={province.pk}")
    return render(
        request,
        "privacy/province_settings.html",
        {
            "provinces": provinces,
            "province": province,
            "controller": controller,
            "controller_form": controller_form,
            "deadline_forms": deadline_forms,
        },
    )
