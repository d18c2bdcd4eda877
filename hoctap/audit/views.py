from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from hoctap.accounts.scoping import scope_for

from .history import history_of


@login_required
def history(request, model_label, object_id):
    """The history page of any audited record, through the scoping layer like every other page."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not auditlog.contains(model):
        raise Http404
    obj = scope_for(request).get_or_404(model._default_manager.all(), pk=object_id)
    return render(request, "audit/history.html", {"object": obj, "lines": history_of(obj)})
