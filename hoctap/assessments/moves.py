"""When a registry subject moves, its assessments follow.

A household that moves to another village, a person to another village or commune, a clan branch
or an organisation to another commune: every assessment of that subject gets the new `unit` (the
current-map place that anchors the scope and the statistics) in the same transaction as the move.
`recorded_unit` is left alone: it is where the subject was when the assessment was recorded.

The assessments app does not know who counts what: it announces the moved rows with
`assessments_moved`, and the statistics app (which connects these receivers to the registry's
signals in its AppConfig.ready()) adjusts its counters in the same transaction. Data still flows one
way: registry → assessments → stats.

Recognised assessments are frozen (Assessment.save refuses to change them), and a move is not a
change of the decision, so the new unit is written with a queryset update.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal

from hoctap.registry.models import ClanBranch, Household, Organisation, Person

from .models import Assessment

# Sent inside the transaction of the move, after the rows are updated: moved=list[MovedAssessment]
assessments_moved = Signal()


@dataclass(frozen=True)
class MovedAssessment:
    id: int
    title: str
    year: int
    state: str
    classification: str
    recorded_unit_id: int | None
    old_unit_id: int
    new_unit_id: int
    replaced: bool  # a revoked assessment replaced by a new one (it no longer counts)


# registry model → (the field holding the subject's place, the Assessment field naming the subject)
SUBJECTS = {
    Household: ("village_id", "household"),
    Person: ("unit_id", "person"),
    ClanBranch: ("commune_id", "clan_branch"),
    Organisation: ("unit_id", "organisation"),
}


def move_assessments(subject_field: str, subject_id: int, new_unit_id: int) -> list[MovedAssessment]:
    """Give every assessment of the subject the unit `new_unit_id`; announce what moved."""
    with transaction.atomic():
        rows = list(
            Assessment.objects.filter(**{subject_field: subject_id})
            .exclude(unit_id=new_unit_id)
            .annotate(is_replaced=Exists(Assessment.objects.filter(replaces=OuterRef("pk"))))
            .select_for_update(of=("self",))
            .order_by("pk")
            .values(
                "pk", "title", "campaign__year", "state", "classification", "recorded_unit_id", "unit_id", "is_replaced"
            )
        )
        if not rows:
            return []
        moved = [
            MovedAssessment(
                id=row["pk"],
                title=row["title"],
                year=row["campaign__year"],
                state=row["state"],
                classification=row["classification"],
                recorded_unit_id=row["recorded_unit_id"],
                old_unit_id=row["unit_id"],
                new_unit_id=new_unit_id,
                replaced=row["is_replaced"],
            )
            for row in rows
        ]
        Assessment.objects.filter(pk__in=[m.id for m in moved]).update(unit_id=new_unit_id)
        assessments_moved.send(sender=Assessment, moved=moved)
        return moved


def remember_place(sender, instance, raw=False, **kwargs):
    """pre_save: note where the subject was, so post_save can tell a move."""
    if raw or instance.pk is None:
        return
    place_field, _ = SUBJECTS[sender]
    instance._moves_old_place = (
        sender._default_manager.filter(pk=instance.pk).values_list(place_field, flat=True).first()
    )


def follow_subject(sender, instance, created=False, raw=False, **kwargs):
    """post_save: if the subject changed place, its assessments follow."""
    if raw or created:
        return
    place_field, subject_field = SUBJECTS[sender]
    old = getattr(instance, "_moves_old_place", None)
    new = getattr(instance, place_field)
    instance._moves_old_place = new
    if old is not None and new is not None and old != new:
        move_assessments(subject_field, instance.pk, new)


def connect() -> None:
    """Called from this app's ready(): the registry signals drive the moves."""
    for model in SUBJECTS:
        pre_save.connect(remember_place, sender=model, dispatch_uid=f"moves-pre-{model.__name__}")
        post_save.connect(follow_subject, sender=model, dispatch_uid=f"moves-post-{model.__name__}")
