"""What lived in a village that closed (merged or split, `territory.village_changes`) moves to the
receiving village: households (their people follow in `Household.save`), people without a
household, organisations. Each is saved one by one, as a move through the form is, so the audit
log records every move and the registry's signals take the subjects' assessments along
(`assessments.moves`) and keep the counters (`stats.receivers`) in the same transaction."""

from __future__ import annotations

from .models import Household, Organisation, Person


def follow_village_change(sender, change, closed, receiving, **kwargs):
    if not closed:
        return
    ids = [village.pk for village in closed]
    for household in Household.objects.filter(village_id__in=ids).select_related("village").order_by("pk"):
        household.village = receiving
        household.save()
    for person in Person.objects.filter(unit_id__in=ids, household__isnull=True).order_by("pk"):
        person.unit = receiving
        person.save()
    for organisation in Organisation.objects.filter(unit_id__in=ids).order_by("pk"):
        organisation.unit = receiving
        organisation.save()


def connect() -> None:
    from hoctap.territory.signals import villages_changed

    villages_changed.connect(follow_village_change, dispatch_uid="registry-village-change")
