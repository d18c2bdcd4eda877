"""Disadvantaged-area designations: which list a unit is on in a year, set by the province.

`designation_for(unit, year)` is the one answer to "what is this unit's class this year": a
village's own record, else its commune's; a commune's own record; nothing for other units. Forms,
the xlsx import and the assessments all go through this module.

Designations are kept on the current map only. The legal lists of 2021-2025 (QĐ 861, QĐ 612) were
drawn on the old map; a province records, on each current commune, the class it decides for it
(a commune formed from several classed ones may hold parts of several zones), year by year.
Assessments carry their unit on the current map, so a record of a year before the reform reads the
class recorded for that year on the current unit it belongs to; an assessment keeps the class it
was opened with, so later changes never re-score it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from hoctap.accounts.roles import Capability

from .models import AreaDesignation, Era, Level, Unit, designation_problem


def designation_for(unit: Unit | None, year: int) -> AreaDesignation | None:
    """The designation that holds for `unit` in `year`: its own, else (for a village) its commune's."""
    if unit is None or unit.era != Era.CURRENT or unit.level not in (Level.COMMUNE, Level.VILLAGE):
        return None
    ids = [unit.pk]
    if unit.level == Level.VILLAGE and unit.parent_id:
        ids.append(unit.parent_id)
    found = {record.unit_id: record for record in AreaDesignation.objects.filter(year=year, unit_id__in=ids)}
    return next((found[pk] for pk in ids if pk in found), None)


def set_designation(
    scope,
    unit: Unit,
    years: Iterable[int],
    *,
    designation: str,
    basis_number: str,
    basis_date,
    basis_issuer: str,
    note: str = "",
) -> list[AreaDesignation]:
    """Give `unit` `designation` for each of `years` (replacing what those years held), as the
    scope's user, who must hold the province's right to classify areas over the unit."""
    scope.assert_unit(unit, Capability.CLASSIFY_AREAS)
    problem = designation_problem(unit, designation)
    if problem:
        raise ValidationError({"designation": problem})
    saved = []
    with transaction.atomic():
        for year in sorted(set(years)):
            record = AreaDesignation.objects.filter(unit=unit, year=year).first() or AreaDesignation(
                unit=unit, year=year
            )
            record.designation, record.basis_number, record.basis_date = designation, basis_number.strip(), basis_date
            record.basis_issuer, record.note = basis_issuer.strip(), note.strip()
            record.full_clean()  # the basis is required, as on the form and in the import
            saved.append(scope.save(record, Capability.CLASSIFY_AREAS))
    return saved


def remove_designation(scope, record: AreaDesignation) -> None:
    scope.delete(record, Capability.CLASSIFY_AREAS)
