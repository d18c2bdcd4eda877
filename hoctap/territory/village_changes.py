"""Villages merged or split: the one writer (`record`) for the page and the demo.

The rule of history (docs/architecture.md "Village merges and splits"):
* a village that is not among the results closes the day before the change (`valid_to`); it stays
  on the map, with its records of the years it existed, and takes nothing new;
* what lived in it (households, with their people; people without a household; organisations)
  moves to the receiving village — the merged village, or the part of a split the officer names —
  through the registry's ordinary saves, so every move is audited and the subjects' assessments of
  every year follow them (the current map counts a subject where it lives now); for a split, the
  officer then moves the households that went to the other parts, one by one or by a re-uploaded
  household list, and each takes its history along;
* the villages' own recognitions (learning community of a village) stay on the village that earned
  them; the pages of a village formed by a change list its predecessors and their years
  (`predecessors_of`, `stats` year comparison).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hoctap.accounts.roles import Capability

from .models import Era, Level, Unit, VillageChange, VillageChangeKind
from .services import create_village, name_taken
from .signals import villages_changed


def record(
    scope,
    commune: Unit,
    *,
    kind: str,
    effective_on: datetime.date,
    from_villages: list[Unit],
    to_villages: list[Unit],
    receiving: Unit | None,
    basis_number: str,
    basis_date: datetime.date,
    basis_issuer: str,
    note: str = "",
    new_village: dict | None = None,
) -> VillageChange:
    """Record a merge (several villages → one) or a split (one → several) of `commune`'s villages.

    `new_village` ({"division_type", "short_name"}) creates a resulting village on the spot; it
    joins `to_villages` (and, for a merge, receives). Every problem is reported at once by field.
    """
    scope.assert_unit(commune, Capability.MANAGE_TERRITORY)
    problems = problems_of(
        commune,
        kind=kind,
        effective_on=effective_on,
        from_villages=from_villages,
        to_villages=to_villages,
        receiving=receiving,
        basis_date=basis_date,
        new_village=new_village,
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        to_villages = list(to_villages)
        created = None
        if new_village:
            created = create_village(
                scope, commune, division_type=new_village["division_type"], short_name=new_village["short_name"]
            )
            Unit.objects.filter(pk=created.pk).update(valid_from=effective_on)
            to_villages.append(created)
        if receiving is None:
            # a split's village that keeps its name keeps its households; else the new village takes them
            continuing = next((v for v in to_villages if v in from_villages), None)
            receiving = continuing or created or to_villages[0]
        user = scope.signed_in
        change = VillageChange.objects.create(
            commune=commune,
            kind=kind,
            effective_on=effective_on,
            receiving=receiving,
            basis_number=basis_number.strip(),
            basis_date=basis_date,
            basis_issuer=basis_issuer.strip(),
            note=note.strip(),
            recorded_by=user,
        )
        change.from_villages.set(from_villages)
        change.to_villages.set(to_villages)
        closed = [village for village in from_villages if village.pk not in {v.pk for v in to_villages}]
        for village in closed:
            village.valid_to = effective_on - datetime.timedelta(days=1)
            scope.save(village, Capability.MANAGE_TERRITORY)  # audited (Unit is tracked)
        villages_changed.send(sender=VillageChange, change=change, closed=closed, receiving=receiving)
        return change


def problems_of(
    commune: Unit, *, kind, effective_on, from_villages, to_villages, receiving, basis_date, new_village
) -> dict[str, str]:
    """Why the change cannot be recorded, by field (empty: it can)."""
    problems: dict[str, str] = {}
    today = timezone.localdate()
    if effective_on and effective_on > today:
        problems["effective_on"] = _("Ngày hiệu lực ở tương lai: hãy ghi khi việc sáp nhập, chia tách đã có hiệu lực.")
    if basis_date and basis_date > today:
        problems["basis_date"] = _("Ngày ban hành văn bản ở tương lai.")
    if basis_date and effective_on and basis_date > effective_on:
        problems["basis_date"] = _("Văn bản phải ban hành trước hoặc đúng ngày hiệu lực.")
    everyone = [*from_villages, *to_villages, *([receiving] if receiving else [])]
    foreign = [
        v.name for v in everyone if v.era != Era.CURRENT or v.level != Level.VILLAGE or v.parent_id != commune.pk
    ]
    if foreign:
        problems["from_villages"] = _("Chỉ chọn thôn, tổ dân phố của %(commune)s: %(names)s.") % {
            "commune": commune.name,
            "names": ", ".join(foreign),
        }
        return problems
    closed = [v.name for v in [*from_villages, *to_villages] if v.valid_to is not None]
    if closed:
        problems["from_villages"] = _("%(names)s đã giải thể (sáp nhập hoặc chia tách trước đó).") % {
            "names": ", ".join(closed)
        }
    if new_village and (taken := name_taken(commune, new_village["division_type"], new_village["short_name"])):
        problems["new_short_name"] = taken
    results = len(to_villages) + (1 if new_village else 0)
    if kind == VillageChangeKind.MERGE:
        if len(from_villages) < 2:
            problems["from_villages"] = _("Sáp nhập cần ít nhất hai thôn trước thay đổi.")
        if results != 1:
            problems["to_villages"] = _(
                "Sáp nhập tạo ra đúng một thôn: chọn một thôn (một trong các thôn sáp nhập giữ "
                "tên) hoặc ghi tên thôn mới."
            )
        if receiving is not None and receiving not in to_villages:
            problems["receiving"] = _("Khi sáp nhập, thôn nhận hộ là thôn sau sáp nhập; để trống ô này.")
    elif kind == VillageChangeKind.SPLIT:
        if len(from_villages) != 1:
            problems["from_villages"] = _("Chia tách bắt đầu từ đúng một thôn.")
        if results < 2:
            problems["to_villages"] = _(
                "Chia tách tạo ra ít nhất hai thôn: chọn các thôn sau chia tách (thôn cũ nếu "
                "còn giữ tên) hoặc ghi thêm tên thôn mới."
            )
        continuing = [v for v in from_villages if v in to_villages]
        if receiving is None and not continuing and not new_village:
            problems["receiving"] = _(
                "Chọn thôn nhận các hộ của thôn cũ; sau đó chuyển từng hộ sang đúng thôn mới trong sổ theo dõi."
            )
        elif receiving is not None and receiving not in to_villages:
            problems["receiving"] = _("Thôn nhận hộ phải là một trong các thôn sau chia tách.")
    else:
        problems["kind"] = _("Chọn sáp nhập hoặc chia tách.")
    return problems


def predecessors_of(village: Unit) -> list[tuple[VillageChange, list[Unit]]]:
    """The changes that formed `village` (or that it received from), each with the other villages
    before it, most recent first: what the village's pages show as its history."""
    changes = (
        VillageChange.objects.filter(to_villages=village)
        .prefetch_related("from_villages")
        .order_by("-effective_on", "-pk")
    )
    return [(change, [v for v in change.from_villages.all() if v.pk != village.pk]) for change in changes]
