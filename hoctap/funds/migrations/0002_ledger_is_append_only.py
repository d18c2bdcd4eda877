"""The database refuses to change a ledger entry (and, on PostgreSQL, to delete one): corrections are
reversing entries. SQLite keeps the DELETE guard in the model and queryset only, because Django's
test flush on SQLite empties tables with DELETE (PostgreSQL's uses TRUNCATE, which no row trigger sees).
"""

from django.db import migrations

POSTGRES_UP = """
CREATE FUNCTION funds_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'funds_fundentry is append-only: correct by a reversing entry';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER funds_entry_no_update BEFORE UPDATE OR DELETE ON funds_fundentry
    FOR EACH ROW EXECUTE FUNCTION funds_entry_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS funds_entry_no_update ON funds_fundentry;
DROP FUNCTION IF EXISTS funds_entry_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER funds_entry_no_update BEFORE UPDATE ON funds_fundentry
BEGIN
    SELECT RAISE(ABORT, 'funds_fundentry is append-only: correct by a reversing entry');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS funds_entry_no_update;"


def up(apps, schema_editor):
    sql = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    schema_editor.execute(sql)


def down(apps, schema_editor):
    for statement in (POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN).split(";"):
        if statement.strip():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_funds_and_ledger")]
    operations = [migrations.RunPython(up, down)]
