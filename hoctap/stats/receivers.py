"""What keeps the counters current: receivers of the assessments' and the registry's signals.

All of them run inside the transaction of the change they count (Django sends model signals and
`assessment_transitioned` inside it), so a figure and the record it counts are committed together
or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from hoctap.assessments.models import Assessment
from hoctap.assessments.moves import assessments_moved
from hoctap.assessments.signals import assessment_transitioned
from hoctap.assessments.states import HOLDING_STATES
from hoctap.criteria import validity
from hoctap.criteria.titles import Title
from hoctap.registry.models import WORKING_AGE_MAX, WORKING_AGE_MIN, ClanBranch, Household, Organisation, Person
from hoctap.registry.signals import registry_bulk_written
from hoctap.territory.models import Era, Level, Unit

from . import carried, citizens, digital
from .models import SubjectKind
from .recompute import rebuild_units
from .tallies import ASSESSMENT_FIELDS, Batch, Place, UnitInfo, counted_years

# -- state changes ------------------------------------------------------------------------------


def on_transition(sender, assessment, from_state, to_state, **kwargs):
    units = UnitInfo()
    batch = Batch()
    units.load([assessment.unit_id, assessment.recorded_unit_id])
    place = units.place(assessment.unit_id)
    recorded = units.recorded_commune(assessment.recorded_unit_id, place)
    year = assessment.campaign.year
    title = assessment.title
    batch.add_assessment(place, recorded, year, title, to_state, assessment.classification, +1)
    batch.add_assessment(place, recorded, year, title, from_state, assessment.classification, -1)
    if from_state is None and assessment.replaces_id:
        # The revoked assessment this one replaces stops counting: the subject counts once.
        old = Assessment.objects.filter(pk=assessment.replaces_id).values(*ASSESSMENT_FIELDS).first()
        if old is not None:
            units.load([old["unit_id"], old["recorded_unit_id"]])
            batch.add_assessment_row(units, old, -1)
    was, now = from_state in HOLDING_STATES, to_state in HOLDING_STATES
    if was != now:
        carried.on_holding_changed(batch, units, assessment, now)
    batch.flush()
    if title in citizens.CITIZEN_TITLES and was != now and place is not None:
        subject_id = getattr(assessment, citizens.SUBJECT_FIELD[title])
        person_filter = {
            Title.FAMILY: Q(household_id=subject_id),
            Title.CLAN: Q(household__clan_branch_id=subject_id),
            Title.COMMUNITY: Q(unit_id=subject_id),
            Title.UNIT: Q(employer_id=subject_id),
            Title.CITIZEN: Q(pk=subject_id),
        }[title]
        communes = {place.commune_id}
        if title == Title.CITIZEN:
            employer_unit = Person.objects.filter(pk=subject_id).values_list("employer__unit_id", flat=True).first()
            if employer_unit is not None:
                communes.add(units.place(employer_unit).commune_id)
        held_years = validity.held_years(year, assessment.validity_years)
        undo = citizens.undo_holding(
            title, held_years, subject_id, was, shows_digital=digital.assessment_shows(assessment)
        )
        citizens.apply_change(batch, person_filter, undo, communes, units=units)
        batch.flush()


def on_moved(sender, moved, **kwargs):
    """Assessments that followed their subject to another village or commune."""
    units = UnitInfo()
    batch = Batch()
    units.load([unit for m in moved for unit in (m.old_unit_id, m.new_unit_id, m.recorded_unit_id)])
    for m in moved:
        for unit_id, sign in ((m.old_unit_id, -1), (m.new_unit_id, +1)):
            place = units.place(unit_id)
            recorded = units.recorded_commune(m.recorded_unit_id, place)
            batch.add_assessment(place, recorded, m.year, m.title, m.state, m.classification, sign, replaced=m.replaced)
    carried.on_moved(batch, units, moved)
    batch.flush()


# -- the registry -----------------------------------------------------------------------------


def _stored(model, pk, fields):
    return model._default_manager.filter(pk=pk).values(*fields).first()


def remember(sender, instance, raw=False, **kwargs):
    """pre_save / pre_delete: what the record was, for the before/after difference."""
    if raw or instance.pk is None:
        instance._stats_old = None
        return
    if sender is Person:
        row = _stored(Person, instance.pk, citizens.PERSON_FIELDS)
        instance._stats_old = citizens.person_state(row) if row else None
    elif sender in COUNTED_UNDER:
        instance._stats_old = _stored(sender, instance.pk, COUNTED_UNDER[sender].remembered)
    elif sender is Unit:
        instance._stats_old = _stored(Unit, instance.pk, ("parent_id", "level", "era", "valid_to"))


def _before(instance, created: bool) -> dict | None:
    """What the saved record was (read by `remember`); None for a new one."""
    return None if created else getattr(instance, "_stats_old", None)


def _working_years(birth_year):
    return [y for y in counted_years() if WORKING_AGE_MIN <= y - birth_year <= WORKING_AGE_MAX]


def _person_counts(batch, units, state, sign):
    """A person counts among the working-age adults of their village while they have a household
    (as the registry's own count does)."""
    if state is None or state["household_id"] is None or state["unit_id"] is None:
        return
    place = units.place(state["unit_id"])
    for year in _working_years(state["birth_year"]):
        batch.add_subjects(place, SubjectKind.WORKING_AGE_ADULTS, year, sign)


def _communes(units, *unit_ids):
    out = set()
    for unit_id in unit_ids:
        place = units.place(unit_id)
        if place is not None:
            out.add(place.commune_id)
    return out


def person_changed(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    old = _before(instance, created)
    row = _stored(Person, instance.pk, citizens.PERSON_FIELDS)
    new = citizens.person_state(row) if row else None
    if old == new:
        return
    units = UnitInfo()
    batch = Batch()
    units.load([old and old["unit_id"], old and old["employer_unit_id"], new["unit_id"], new["employer_unit_id"]])
    _person_counts(batch, units, old, -1)
    _person_counts(batch, units, new, +1)
    relevant = (
        "unit_id",
        "birth_year",
        "digital_skill",
        "household_id",
        "clan_branch_id",
        "employer_id",
        "employer_unit_id",
    )
    if old is None or any(old[f] != new[f] for f in relevant):
        communes = _communes(
            units, new["unit_id"], new["employer_unit_id"], old and old["unit_id"], old and old["employer_unit_id"]
        )
        citizens.apply_change(
            batch, Q(pk=instance.pk), citizens.undo_person_fields(instance.pk, old), communes, units=units
        )
    batch.flush()
    instance._stats_old = new


def person_deleted(sender, instance, **kwargs):
    old = getattr(instance, "_stats_old", None)
    if old is None:
        return
    units = UnitInfo()
    batch = Batch()
    units.load([old["unit_id"], old["employer_unit_id"]])
    _person_counts(batch, units, old, -1)
    before = citizens.World({instance.pk: dict(old)}, citizens.load_holding([old], [instance.pk]))
    citizens.apply_change(
        batch,
        Q(pk=instance.pk),
        None,
        _communes(units, old["unit_id"], old["employer_unit_id"]),
        units=units,
        before_world=before,
    )
    batch.flush()


def _subject_placed(batch: Batch, units: UnitInfo, kind: str, old_unit_id: int | None, unit_id: int) -> None:
    """A registry subject counted under its unit: new (no old unit), or moved from `old_unit_id`."""
    if old_unit_id is not None:
        batch.add_subjects(units.place(old_unit_id), kind, 0, -1)
    batch.add_subjects(units.place(unit_id), kind, 0, +1)


def _citizens_follow(batch: Batch, units: UnitInfo, record, old: dict) -> None:
    """The citizens counted with a saved household or organisation follow it: a household's members
    its clan branch (their learning clan), an organisation's staff its unit (where they count)."""
    if isinstance(record, Household) and old["clan_branch_id"] != record.clan_branch_id:
        people = Q(household_id=record.pk)
        undo = citizens.undo_household_clan(record.pk, old["clan_branch_id"])
        communes = _communes(units, record.village_id)
    elif isinstance(record, Organisation) and old["unit_id"] != record.unit_id:
        people = Q(employer_id=record.pk)
        undo = citizens.undo_organisation_unit(record.pk, old["unit_id"])
        communes = _communes(units, old["unit_id"], record.unit_id)
    else:
        return
    citizens.apply_change(batch, people, undo, communes, units=units)


@dataclass(frozen=True)
class CountedUnder:
    """A registry record counted as a subject under one unit: households under their village, clan
    branches under their commune, organisations under their unit."""

    kind: str
    unit_field: str
    # What `remember` keeps of the saved record for the before/after difference.
    remembered: tuple[str, ...]


COUNTED_UNDER = {
    Household: CountedUnder(SubjectKind.HOUSEHOLDS, "village_id", ("village_id", "clan_branch_id")),
    ClanBranch: CountedUnder(SubjectKind.CLAN_BRANCHES, "commune_id", ("commune_id",)),
    Organisation: CountedUnder(SubjectKind.ORGANISATIONS, "unit_id", ("unit_id",)),
}


def subject_changed(sender, instance, created=False, raw=False, **kwargs):
    """A household, clan branch or organisation saved: counted under its unit when new, moved to
    its new unit when that changed; then the citizens counted with it follow."""
    if raw:
        return
    counted = COUNTED_UNDER[sender]
    old = _before(instance, created)
    unit_id = getattr(instance, counted.unit_field)
    old_unit_id = old and old[counted.unit_field]
    units = UnitInfo()
    batch = Batch()
    if created or (old and old_unit_id != unit_id):
        _subject_placed(batch, units, counted.kind, old_unit_id, unit_id)
    if old:
        _citizens_follow(batch, units, instance, old)
    batch.flush()
    instance._stats_old = {name: getattr(instance, name) for name in counted.remembered}


def _subject_deleted(kind: str, unit_id: int) -> None:
    batch = Batch()
    batch.add_subjects(UnitInfo().place(unit_id), kind, 0, -1)
    batch.flush()


def subject_deleted(sender, instance, **kwargs):
    counted = COUNTED_UNDER[sender]
    _subject_deleted(counted.kind, getattr(instance, counted.unit_field))


# Villages (the learning-community subjects) are counted as they are created by commune officers.
# Communes are not counted here: the map is loaded in bulk (no signals), and their number under a
# unit is read from the map itself (stats.figures).
UNIT_KIND = {Level.VILLAGE: SubjectKind.VILLAGES}


def unit_changed(sender, instance, created=False, raw=False, **kwargs):
    """Villages and communes of the current map are themselves subjects (learning communities)."""
    if raw or instance.era != Era.CURRENT or instance.level not in UNIT_KIND:
        return
    old = _before(instance, created)
    if created:
        # Unit.save() writes the path after this signal: place the unit from its parent.
        if instance.valid_to is None:
            batch = Batch()
            batch.add_subjects(_new_unit_place(instance), UNIT_KIND[instance.level], 0, +1)
            batch.flush()
    elif old and (old["valid_to"] is None) != (instance.valid_to is None) and old["parent_id"] == instance.parent_id:
        # A village merged into another or split (territory.village_changes) is no longer counted
        # among the villages (the community title's eligible); reopened, it counts again.
        batch = Batch()
        batch.add_subjects(
            UnitInfo().place(instance.pk), UNIT_KIND[instance.level], 0, -1 if instance.valid_to is not None else +1
        )
        batch.flush()
    elif old and old["parent_id"] != instance.parent_id:
        # A village moved to another commune (an administrative correction, rare). Unit.save()
        # rewrites the paths after this signal, so both communes are recounted once it commits.
        communes = [old["parent_id"], instance.parent_id]
        transaction.on_commit(lambda: rebuild_units(communes))


def _new_unit_place(unit: Unit) -> Place | None:
    if unit.parent_id is None:
        return None
    if unit.level == Level.COMMUNE:
        return Place(commune_id=unit.pk, commune_parent_id=unit.parent_id)
    grandparent = Unit.objects.filter(pk=unit.parent_id).values_list("parent_id", flat=True).first()
    return Place(commune_id=unit.parent_id, commune_parent_id=grandparent, village_id=unit.pk) if grandparent else None


def unit_deleted(sender, instance, **kwargs):
    if instance.era != Era.CURRENT or instance.level not in UNIT_KIND or instance.valid_to is not None:
        return
    _subject_deleted(UNIT_KIND[instance.level], instance.pk)


def bulk_written(sender, communes, **kwargs):
    """Registry imports write with bulk_create and queryset updates (no model signals): recount
    the communes they touched, inside the import's transaction."""
    rebuild_units(communes)


def connect() -> None:
    registry_bulk_written.connect(bulk_written, dispatch_uid="stats-registry-bulk")
    assessment_transitioned.connect(on_transition, dispatch_uid="stats-transition")
    assessments_moved.connect(on_moved, dispatch_uid="stats-moved")
    for model, changed, deleted in (
        (Person, person_changed, person_deleted),
        *((model, subject_changed, subject_deleted) for model in COUNTED_UNDER),
        (Unit, unit_changed, unit_deleted),
    ):
        pre_save.connect(remember, sender=model, dispatch_uid=f"stats-pre-{model.__name__}")
        post_save.connect(changed, sender=model, dispatch_uid=f"stats-post-{model.__name__}")
        if model is Person:
            pre_delete.connect(remember, sender=model, dispatch_uid=f"stats-predel-{model.__name__}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"stats-del-{model.__name__}")
