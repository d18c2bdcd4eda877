"""The counter tables' upkeep on PostgreSQL: a recompute leaves them vacuumed and analysed (so the
national and provincial sums read the covering indexes alone at once), and autovacuum visits them
after 1 % of their rows changed. SQLite has neither; there the command must simply succeed."""

import importlib
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection

from hoctap.criteria.titles import Title
from hoctap.stats.models import Tally
from hoctap.stats.recompute import TABLES
from tests.stats.conftest import Maker

upkeep = importlib.import_module("hoctap.stats.migrations.0004_counter_autovacuum")


def _pg_class(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages, relallvisible, reloptions FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_recompute_leaves_the_counter_tables_vacuumed(small_map, capsys):
    make = Maker()
    make.recognise(make.register(Title.FAMILY, make.household(small_map["village_a"]), 2025))
    call_command("stats", "recompute")
    assert "recomputed" in capsys.readouterr().out
    assert Tally.objects.filter(unit=small_map["commune_a"], year=2025, recognised=1).exists()
    if connection.vendor != "postgresql":
        return
    pages, all_visible, _options = _pg_class(Tally._meta.db_table)
    # a table never vacuumed nor analysed reports 0 pages; after VACUUM every page is all-visible
    assert pages > 0 and all_visible == pages


@pytest.mark.django_db
def test_counter_tables_are_autovacuumed_after_one_percent_changed():
    if connection.vendor != "postgresql":
        executed = []
        editor = SimpleNamespace(connection=connection, execute=executed.append, quote_name=str)
        upkeep.set_autovacuum(None, editor)
        assert executed == []  # nothing to set on SQLite
        return
    for model in TABLES:
        options = _pg_class(model._meta.db_table)[2]
        assert "autovacuum_vacuum_scale_factor=0.01" in options, model
        assert "autovacuum_vacuum_insert_scale_factor=0.01" in options, model
