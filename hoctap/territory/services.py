"""Domain functions for the map: views and imports call these, never the ORM directly for writes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability
from hoctap.core.text import fold

from .models import REFORM_DATE, Era, Level, Unit


def next_village_code(commune: Unit) -> str:
    """Villages have no national code; ours are the commune code plus a running number."""
    taken = set(commune.children.filter(level=Level.VILLAGE).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{commune.code}-{number:03d}" in taken:
        number += 1
    return f"{commune.code}-{number:03d}"


def name_taken(commune: Unit, division_type: str, short_name: str) -> str:
    """Why a new village of the commune cannot be called this ("" when it can): a commune never has
    two villages of one name, open or dissolved (their histories would read alike)."""
    full = f"{division_type or ''} {short_name}".strip()
    if commune.children.filter(name_folded=fold(full)).exists():
        return _("Xã này đã có %(name)s.") % {"name": full}
    return ""


def create_village(scope, commune: Unit, *, division_type: str, short_name: str, code: str = "") -> Unit:
    """A new village of the commune, refused by field (`short_name`, `code`) when its name is taken in
    the commune or its code anywhere on the current map."""
    scope.assert_unit(commune, Capability.MANAGE_TERRITORY)
    problems = {}
    if taken := name_taken(commune, division_type, short_name):
        problems["short_name"] = taken
    code = code.strip()
    if code and Unit.objects.filter(era=Era.CURRENT, level=Level.VILLAGE, code=code).exists():
        problems["code"] = _("Mã %(code)s đã được dùng.") % {"code": code}
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        village = Unit(
            era=Era.CURRENT,
            level=Level.VILLAGE,
            code=code or next_village_code(commune),
            name=f"{division_type} {short_name}",
            short_name=short_name,
            division_type=division_type,
            parent=commune,
            valid_from=REFORM_DATE,
        )
        return scope.save(village, Capability.MANAGE_TERRITORY)
