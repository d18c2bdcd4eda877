"""The export job moved from reports to exports: rows keep their ids, files, states and audit history,
and new jobs get new ids (PostgreSQL's sequence follows the copied rows)."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hoctap.exports.models import ExportJob

BEFORE = [("reports", "0004_sections_distribution_reviews"), ("exports", "0001_initial")]
AFTER = [("reports", "0005_move_exportjob"), ("exports", "0001_initial")]


@pytest.fixture
def back_to_the_latest_schema():
    """Later migrations (reports 0006 …) are unapplied by going BEFORE; the tests after this one need
    the whole schema back, whatever happens here."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_report_export_jobs_survive_the_move(back_to_the_latest_schema, small_map, officer_a):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    old = apps.get_model("reports", "ExportJob")
    created = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    job = old.objects.create(
        pk=41,
        kind="households",
        unit_id=small_map["commune_a"].pk,
        year=2025,
        status="done",
        progress=100,
        rows_done=7,
        rows_total=7,
        file="exports/41-households-12001-2025.xlsx",
        filename="households-12001-2025.xlsx",
        task_id="abc",
        requested_by_id=officer_a.pk,
    )
    old.objects.filter(pk=job.pk).update(created_at=created)
    before_type, _ = ContentType.objects.get_or_create(app_label="reports", model="exportjob")
    ContentType.objects.filter(app_label="exports", model="exportjob").delete()  # as before the move
    LogEntry.objects.create(content_type=before_type, object_pk="41", object_id=41, object_repr="x", action=0)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    ContentType.objects.clear_cache()

    moved = ExportJob.objects.get(pk=41)
    assert (moved.kind, moved.unit, moved.year, moved.status, moved.rows_done, moved.file.name, moved.task_id) == (
        "households",
        small_map["commune_a"],
        2025,
        "done",
        7,
        "exports/41-households-12001-2025.xlsx",
        "abc",
    )
    assert moved.created_at == created and moved.requested_by == officer_a
    assert LogEntry.objects.get(object_id=41).content_type.app_label == "exports"
    assert ExportJob.objects.create(kind="households", unit=small_map["commune_a"], year=2025).pk > 41
