"""The unit's learners page: a school's or continuing-education centre's learners per year and how
many hold the learning-citizen title, entered with evidence by the unit's officer (`learners.record`)
and read by the TT 24/2023 rule; its evidence file, served in scope."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.accounts.scoping import scope_for
from hoctap.registry.models import Organisation
from hoctap.web.shortcuts import accepted, download, private_file, writer_form

from . import evidence, learners
from .forms import LearnerFiguresForm
from .models import LearnerFigures


def learner_figures(request, organisation_id):
    scope = scope_for(request)
    organisation = scope.get_or_404(Organisation.objects.select_related("unit"), pk=organisation_id)
    if not learners.has_learners(organisation):
        raise Http404
    can_edit = scope.can(Capability.EDIT_REGISTRY, organisation.unit)
    form = writer_form(request, can_edit, lambda: LearnerFiguresForm(request.POST or None, request.FILES or None))
    figures = None if form is None else accepted(request, form, lambda data: _record(scope, organisation, data))
    if figures is not None:
        messages.success(request, _("Đã lưu số liệu người học năm %(year)s.") % {"year": figures.year})
        return redirect("assessments:learner_figures", organisation_id=organisation.pk)
    rows = [
        {"figures": figures, "percent": learners.percent(learners.share_of(figures))}
        for figures in LearnerFigures.objects.filter(organisation=organisation).select_related(
            "evidence", "recorded_by"
        )
    ]
    return render(
        request,
        "assessments/learner_figures.html",
        {
            "organisation": organisation,
            "rows": rows,
            "form": form,
            "is_provincial": learners.is_provincial_educational_institution(organisation),
        },
    )


def _record(scope, organisation, data: dict) -> LearnerFigures:
    """Record the form's figures; its fields are named as `learners.record` names them, but for the
    file, which the form calls evidence."""
    figures = dict(data)
    return learners.record(scope, organisation, uploaded=figures.pop("evidence"), **figures)


def learner_figures_evidence(request, figures_id):
    figures = scope_for(request).get_or_404(LearnerFigures.objects.select_related("evidence"), pk=figures_id)
    if figures.evidence is None:
        raise Http404
    stored = figures.evidence
    return private_file(
        download(
            evidence.read_original(stored),
            f"learners-{figures.pk}",
            stored.content_type,
            inline=stored.content_type != evidence.PDF,
        )
    )
