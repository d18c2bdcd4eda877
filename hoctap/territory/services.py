"""Domain functions for the map: views and imports call these, never the ORM directly for writes."""

from django.db import transaction

from hoctap.accounts.roles import Capability

from .models import REFORM_DATE, Era, Level, Unit


def next_village_code(commune: Unit) -> str:
    """Villages have no national code; ours are the commune code plus a running number."""
    taken = set(commune.children.filter(level=Level.VILLAGE).values_list("code", flat=True))
    number = len(taken) + 1
    while f"{commune.code}-{number:03d}" in taken:
        number += 1
    return f"{commune.code}-{number:03d}"


def create_village(scope, commune: Unit, *, division_type: str, short_name: str, code: str = "") -> Unit:
    scope.assert_unit(commune, Capability.MANAGE_TERRITORY)
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
