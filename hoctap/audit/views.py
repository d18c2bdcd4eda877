from auditlog.registry import auditlog
from django.apps import apps
from django.http import Http404
from django.shortcuts import render

from hoctap.accounts.scoping import scope_for

from .history import history_of


def history(request, model_label, object_id):
    """The history page of any audited record, through the scoping layer like every other page.

    Reading a record's history needs what reading the record needs: `Scope.filter` applies the
    model's `scope_read_capability` (accounts, role assignments and reset codes: managing accounts).
    Records that are not scoped by territory (a phone's credential, seen only by its owner) have no
    history page."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404 from None
    if not auditlog.contains(model) or not getattr(model, "scope_path_lookup", None):
        raise Http404
    obj = scope_for(request).get_or_404(model._default_manager.all(), pk=object_id)
    return render(request, "audit/history.html", {"object": obj, "lines": history_of(obj)})
