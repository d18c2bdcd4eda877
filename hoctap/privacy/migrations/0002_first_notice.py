"""The first privacy notice (version 1), in force with the law on 01/01/2026. Later wordings are new
versions (new rows), never edits of this one: consents name the version the person read."""

from django.db import migrations

from hoctap.privacy.first_notice import FIRST


def add_first_notice(apps, schema_editor):
    Notice = apps.get_model("privacy", "Notice")
    if not Notice.objects.filter(version=1).exists():
        Notice.objects.create(**FIRST)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(add_first_notice, migrations.RunPython.noop)]
