"""The few things every app's views do alike, written once."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError, *, field_for: dict[str, str] | None = None) -> None:
    """Show what a service refused on the form that sent it: each field's messages on that field
    (a service's `unit_id` is the form's `unit`; `field_for` renames others), everything else, and
    refusals that name no field (a stale version, a state that moved on), above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, problems in error.message_dict.items():
        name = (field_for or {}).get(name, name)
        if name not in form.fields and name.removesuffix("_id") in form.fields:
            name = name.removesuffix("_id")
        form.add_error(name if name in form.fields else None, problems)
