"""A record's history in plain Vietnamese, built from auditlog entries."""

import ast
import datetime
import json
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# Lazy: read in the reader's language, not in the one active when the module was imported.
ACTION_LABELS = {
    LogEntry.Action.CREATE: gettext_lazy("tạo mới"),
    LogEntry.Action.UPDATE: gettext_lazy("sửa"),
    LogEntry.Action.DELETE: gettext_lazy("xoá"),
    LogEntry.Action.ACCESS: gettext_lazy("xem dữ liệu cá nhân"),
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
            field = _field(model, name)
            changes.append(Change(_field_label(model, name), _display(before, field), _display(after, field)))
        lines.append(
            HistoryLine(
                when=entry.timestamp,
                who=str(entry.actor) if entry.actor else _("hệ thống"),
                action=str(ACTION_LABELS.get(entry.action, entry.action)),
                request_id=entry.cid or "",
                changes=changes,
            )
        )
    return lines


def _field(model, name):
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    return field if isinstance(field, models.Field) else None  # reverse relations carry no value


def _structure(value):
    """A dict or list that auditlog stored as its text (JSON or Python's repr), or None."""
    if isinstance(value, (dict, list)):
        return value
    if isinstance(value, str) and value[:1] in "{[":
        for parse in (json.loads, ast.literal_eval):
            try:
                return parse(value)
            except (ValueError, SyntaxError):
                continue
    return None


def _display(value, field=None):
    """A stored value as people read it: a choice's label, có/không, dd/mm/yyyy, the number of
    entries of a structured value (scores, answers) instead of its raw dict, a record's name."""
    if value in (None, "None", ""):
        return "—"
    structure = _structure(value)
    if structure is not None:
        count = len(structure)
        return ngettext("%(n)d mục", "%(n)d mục", count) % {"n": count} if count else "—"
    text = str(value)
    if field is None:
        return text
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(text, dict(field.flatchoices).get(value, text)))
    if isinstance(field, models.BooleanField):
        return _("có") if text in ("True", "true", "1") else _("không")
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(text)
        if moment is None:
            return text
        return formats.date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "d/m/Y H:i")
    if isinstance(field, models.DateField):
        day = parse_date(text)
        return formats.date_format(day, "d/m/Y") if isinstance(day, datetime.date) else text
    if isinstance(field, (models.DecimalField, models.FloatField, models.IntegerField)):
        try:
            return formats.number_format(float(text) if "." in text else int(text), use_l10n=True, force_grouping=True)
        except ValueError:
            return text
    if isinstance(field, models.ForeignKey):
        # Units are public names; another record (a household, a person) may lie outside the
        # reader's territory, so it is named only by its number.
        from hoctap.territory.models import Unit

        if field.related_model is Unit and text.isdigit():
            unit = Unit.objects.filter(pk=text).only("name").first()
            if unit is not None:
                return unit.name
        return _("bản ghi số %(id)s") % {"id": text}
    return text
