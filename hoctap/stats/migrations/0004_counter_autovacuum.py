"""PostgreSQL: vacuum the counter tables after 1 % of their rows changed, not the default 20 %.

Every decision updates a few counter rows, and each update clears its page's all-visible bit; the
national and provincial sums read the covering indexes alone only while those bits are set (else
they fetch the heap, about four times slower on the nation-scale benchmark). The tables are small
(a few hundred thousand rows at national scale), so frequent vacuums are cheap. SQLite has no
vacuum settings per table: nothing to do there.
"""

from django.db import migrations

TABLES = ("stats_tally", "stats_recordedtally", "stats_citizentally", "stats_subjectcount")
SETTINGS = ("autovacuum_vacuum_scale_factor", "autovacuum_analyze_scale_factor", "autovacuum_vacuum_insert_scale_factor")


def set_autovacuum(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} SET ("
            + ", ".join(f"{name} = 0.01" for name in SETTINGS) + ")"
        )


def reset_autovacuum(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET ({', '.join(SETTINGS)})")


class Migration(migrations.Migration):

    dependencies = [
        ("stats", "0003_covering_indexes"),
    ]

    operations = [
        migrations.RunPython(set_autovacuum, reset_autovacuum),
    ]
