# The export job moved here from the reports app (reports.0005_move_exportjob copies the rows).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("territory", "0004_village_change"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExportJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40, verbose_name="loại")),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="năm")),
                ("params", models.JSONField(blank=True, default=dict)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Đang chờ"),
                            ("running", "Đang xuất"),
                            ("done", "Hoàn thành"),
                            ("failed", "Lỗi"),
                        ],
                        default="queued",
                        max_length=8,
                        verbose_name="trạng thái",
                    ),
                ),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="tiến độ (%)")),
                ("rows_done", models.PositiveIntegerField(default=0)),
                ("rows_total", models.PositiveIntegerField(blank=True, null=True)),
                ("file", models.FileField(blank=True, upload_to="exports/")),
                ("filename", models.CharField(blank=True, max_length=200)),
                ("error", models.TextField(blank=True)),
                ("task_id", models.CharField(blank=True, max_length=64)),
                ("worker", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="export_jobs",
                        to="territory.unit",
                        verbose_name="phạm vi",
                    ),
                ),
            ],
            options={
                "verbose_name": "yêu cầu xuất dữ liệu",
                "verbose_name_plural": "yêu cầu xuất dữ liệu",
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["requested_by", "-created_at"], name="exportjob_requester")],
            },
        ),
    ]
