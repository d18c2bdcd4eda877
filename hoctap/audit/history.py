"""A record's history in plain Vietnamese, built from auditlog entries."""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.utils.translation import gettext as _

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("tạo mới"),
    LogEntry.Action.UPDATE: _("sửa"),
    LogEntry.Action.DELETE: _("xoá"),
    LogEntry.Action.ACCESS: _("xem dữ liệu cá nhân"),
}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryLine:
    when: object
    who: str
    action: str
    request_id: str
    changes: list[Change]


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def history_of(obj) -> list[HistoryLine]:
    model = type(obj)
    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")
    lines = []
    for entry in entries:
        changes = []
        for name, values in (entry.changes_dict or {}).items():
            before, after = (list(values) + ["", ""])[:2] if isinstance(values, (list, tuple)) else ("", values)
            changes.append(Change(_field_label(model, name), _display(before), _display(after)))
        lines.append(
            HistoryLine(
                when=entry.timestamp,
                who=str(entry.actor) if entry.actor else _("hệ thống"),
                action=ACTION_LABELS.get(entry.action, str(entry.action)),
                request_id=entry.cid or "",
                changes=changes,
            )
        )
    return lines


def _display(value):
    if value in (None, "None", ""):
        return "—"
    return str(value)
