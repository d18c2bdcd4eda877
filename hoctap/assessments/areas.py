"""The area class an assessment is opened in, and the pass mark it then needs, as people read it.

The class comes from the unit's disadvantaged-area designation for the campaign's year
(`territory.areas.designation_for`: a village's own, else its commune's), mapped by the criteria
set's `scoring.area_rules` (zone III → disadvantaged in the citizen set). Both are stored on the
assessment when it is opened, so scoring it again later gives the same result.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from hoctap.criteria import engine
from hoctap.criteria.schema import CriteriaSet
from hoctap.territory.areas import designation_for
from hoctap.territory.models import Designation, Unit


def opening_class(definition: CriteriaSet, unit: Unit, year: int) -> tuple[str, str]:
    """(area class, designation code) for an assessment of `unit` in `year` under `definition`."""
    record = designation_for(unit, year)
    designation = record.designation if record is not None else ""
    return definition.area_class_for(designation or None), designation


def _points(value: Decimal) -> str:
    value = value.normalize()
    return str(int(value)) if value == value.to_integral_value() else number_format(value)


def pass_mark_line(definition: CriteriaSet, area_class: str, designation: str) -> str:
    """ "Ngưỡng đạt: 70 điểm — xã khu vực III"; "" when the set has no pass mark (levels, bands)."""
    mark = engine.pass_mark(definition, area_class)
    if mark is None:
        return ""
    line = _("Ngưỡng đạt: %(points)s điểm") % {"points": _points(mark)}
    if designation in Designation.values:
        return _("%(line)s — %(area)s") % {"line": line, "area": Designation(designation).label}
    if area_class != "normal":
        return _("%(line)s — vùng khó khăn") % {"line": line}
    return line
