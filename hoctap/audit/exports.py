"""Every export is audited: who, which export, the scope and filters asked, how many rows.

One access entry per export (auditlog's ACCESS action, as for a citizen's own data download), on the
unit the export is bounded by, or on the exporting account when it spans the user's whole territory
(a list without a village filter, a citizen's own data). The entry holds no personal data: filters
are recorded by the exporting code without searched text (only that a search was used), and the
rows are counted, not listed. The actor is stamped as for every entry (`audit.context`): the signed-in
user in a request, the requester in a background job.
"""

from __future__ import annotations

from auditlog.models import LogEntry

EXPORT_KEY = "export"


def record_export(actor, export: str, *, rows: int, unit=None, filters: dict | None = None, file_format: str = ""):
    """Write the audit entry of one export. `export` names it ("registry.people", "reports.pdf");
    `filters` are plain values (ids, codes, choices), never searched text."""
    target = unit if unit is not None else actor
    data = {
        EXPORT_KEY: export,
        "unit": unit.code if unit is not None else None,
        "filters": filters or {},
        "rows": int(rows),
    }
    if file_format:
        data["format"] = file_format
    return LogEntry.objects.log_create(
        target, action=LogEntry.Action.ACCESS, force_log=True, actor=actor, additional_data=data
    )


def export_entries():
    """The audit entries of exports, newest first (the per-person access entries a citizen's download
    or a sensitive export also writes name an export too, but count no rows)."""
    return LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__has_keys=[EXPORT_KEY, "rows"]
    ).order_by("-timestamp", "-pk")


def search_filters(filters: dict) -> dict:
    """Filters as an audit entry may hold them: searched text (a name, an ID number) becomes only the
    fact that a search was used; model instances become their ids; empty values are dropped."""
    kept = {}
    for key, value in filters.items():
        if value in (None, "", False):
            continue
        if key == "q":
            kept["search"] = True
        elif hasattr(value, "pk"):
            kept[key] = value.pk
        else:
            kept[key] = value
    return kept
