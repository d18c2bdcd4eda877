"""Criteria-set pages: browse, read as a scoring sheet, compare versions, export, and publish.

Thin views: every record comes through the scoping layer, every decision from services.py.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hoctap.accounts.scoping import scope_for
from hoctap.core.exports import XLSX_CONTENT_TYPE
from hoctap.territory.models import Unit
from hoctap.web.shortcuts import download

from . import services
from .diff import diff_sets
from .forms import ImportForm, PublishForm, SetFilterForm
from .models import CriteriaSetVersion
from .schema import CriteriaFileError


def _visible(request):
    return scope_for(request).filter(CriteriaSetVersion.objects.select_related("province", "published_by"))


def _version_or_404(request, set_id):
    return scope_for(request).get_or_404(
        CriteriaSetVersion.objects.select_related("province", "published_by"),
        pk=set_id,
    )


def set_list(request):
    versions = _visible(request)
    provinces = Unit.objects.filter(pk__in=versions.exclude(province=None).values("province")).in_order()
    form = SetFilterForm(request.GET or None, provinces=provinces)
    if form.is_valid():
        versions = form.apply(versions)
    return render(
        request,
        "criteria/set_list.html",
        {
            "form": form,
            "groups": services.versions_by_code(versions),
            "can_publish": bool(services.publish_targets(scope_for(request))),
        },
    )


def set_detail(request, set_id):
    version = _version_or_404(request, set_id)
    scope = scope_for(request)
    siblings = list(scope.filter(CriteriaSetVersion.objects.filter(code=version.code)).order_by("-version"))
    today = timezone.localdate()
    return render(
        request,
        "criteria/set_detail.html",
        {
            "version": version,
            "definition": version.definition,
            "siblings": siblings,
            "previous": next((v for v in siblings if v.version < version.version), None),
            "in_force": CriteriaSetVersion.objects.filter(pk=version.pk).in_force(today).exists(),
            "in_use": version.is_in_use(),
            "can_publish_next": any(
                province == version.province for _value, _label, province in services.publish_targets(scope)
            ),
        },
    )


def scoring_sheet(request, set_id):
    version = _version_or_404(request, set_id)
    return render(request, "criteria/sheet.html", {"version": version, "definition": version.definition})


def export_yaml(request, set_id):
    version = _version_or_404(request, set_id)
    services.audit_export(request.user, version, "yaml")
    return download(
        services.export_yaml(version), services.export_filename(version, "yaml"), services.YAML_CONTENT_TYPE
    )


def export_xlsx(request, set_id):
    version = _version_or_404(request, set_id)
    services.audit_export(request.user, version, "xlsx")
    return download(services.export_workbook(version), services.export_filename(version, "xlsx"), XLSX_CONTENT_TYPE)


def diff(request, set_id, other_id):
    old = _version_or_404(request, set_id)
    new = _version_or_404(request, other_id)
    return render(
        request,
        "criteria/diff.html",
        {
            "old": old,
            "new": new,
            "diff": diff_sets(old.definition, new.definition),
        },
    )


def _targets_or_404(request):
    targets = services.publish_targets(scope_for(request))
    if not targets:
        raise Http404
    return targets


def _report(request, candidate, targets, province, target, status=200):
    publish_form = None
    if candidate.is_valid:
        publish_form = PublishForm(
            targets=targets,
            initial={
                "source_yaml": candidate.source_yaml,
                "source_name": candidate.source_name,
                "fingerprint": candidate.fingerprint,
                "target": target,
            },
        )
    return render(
        request,
        "criteria/report.html",
        {
            "candidate": candidate,
            "definition": candidate.criteria_set,
            "problems": services.problem_rows(candidate.problems, get_language()),
            "province": province,
            "diff": candidate.diff() if candidate.is_valid else None,
            "publish_form": publish_form,
        },
        status=status,
    )


def import_set(request):
    """Upload → report of every problem → (only when valid) the publish button. Nothing is stored here."""
    targets = _targets_or_404(request)
    form = ImportForm(request.POST or None, request.FILES or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        province = form.cleaned_data["province"]
        candidate = services.check_against_published(
            form.cleaned_data["candidate"],
            province=province,
            scope=scope_for(request),
        )
        return _report(request, candidate, targets, province, form.cleaned_data["target"])
    return render(request, "criteria/import.html", {"form": form})


@require_POST
def publish(request):
    targets = _targets_or_404(request)
    form = PublishForm(request.POST, targets=targets)
    if not form.is_valid():
        return render(request, "criteria/import.html", {"form": ImportForm(targets=targets), "stale": True}, status=400)
    data = form.cleaned_data
    try:
        version = services.publish(
            scope_for(request),
            data["source_yaml"],
            province=data["province"],
            user=request.user,
            source_name=data["source_name"],
            expected_fingerprint=data["fingerprint"],
        )
    except CriteriaFileError as error:
        # Published by someone else meanwhile, or the text changed: the report, without the button.
        candidate = services.Candidate(data["source_name"], data["source_yaml"], None, error.problems)
        return _report(request, candidate, targets, data["province"], data["target"], status=422)
    messages.success(
        request,
        _("Đã công bố %(name)s, phiên bản %(version)s.")
        % {
            "name": version.name_vi,
            "version": version.version,
        },
    )
    return redirect("criteria:set_detail", set_id=version.pk)
