"""The export job moved to hoctap.exports (registry list exports use it too, and the registry may not
import reports). Every row is copied with its id, file and state, so existing jobs keep their pages,
downloads and task ids; the audit entries of the old rows are moved to the new model's content type;
PostgreSQL's id sequence continues after the copied ids."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = (
    "id",
    "kind",
    "unit_id",
    "year",
    "params",
    "status",
    "progress",
    "rows_done",
    "rows_total",
    "file",
    "filename",
    "error",
    "task_id",
    "worker",
    "requested_by_id",
    "created_at",
    "started_at",
    "finished_at",
)


def copy_jobs(apps, schema_editor):
    old = apps.get_model("reports", "ExportJob")
    new = apps.get_model("exports", "ExportJob")
    alias = schema_editor.connection.alias
    batch = []
    for values in old.objects.using(alias).order_by("pk").values(*FIELDS).iterator(chunk_size=1000):
        batch.append(new(**values))
        if len(batch) == 1000:
            new.objects.using(alias).bulk_create(batch)
            batch = []
    new.objects.using(alias).bulk_create(batch)
    # auto_now_add would have stamped the copies with today's date.
    for values in old.objects.using(alias).values("pk", "created_at").iterator(chunk_size=1000):
        new.objects.using(alias).filter(pk=values["pk"]).update(created_at=values["created_at"])
    sequences = schema_editor.connection.ops.sequence_reset_sql(no_style(), [new])
    with schema_editor.connection.cursor() as cursor:
        for statement in sequences:
            cursor.execute(statement)
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(alias)
    before = content_types.filter(app_label="reports", model="exportjob").first()
    if before is None:
        return
    after = content_types.filter(app_label="exports", model="exportjob").first()
    if after is None:
        before.app_label = "exports"
        before.save(update_fields=["app_label"])
    else:
        apps.get_model("auditlog", "LogEntry").objects.using(alias).filter(content_type=before).update(
            content_type=after
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_sections_distribution_reviews"),
        ("exports", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunPython(copy_jobs, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="ExportJob"),
    ]
