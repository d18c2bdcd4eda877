"""Inserting many rows at once, for imports: COPY on PostgreSQL, one prepared statement on SQLite.

`QuerySet.bulk_create` spends most of its time composing SQL in Python: every value of every object
goes through the field's preparation and the insert compiler (profiled: a third of a 100,000-row
household import). Here the values are converted once per column kind, and the database receives
them through COPY (PostgreSQL) or `executemany` (SQLite), both of which run in C.

Like bulk_create, no model signal is sent and save() is not called: callers fill derived columns
themselves (`refresh_derived()`) and write their audit entries (registry.services.log_bulk_creation).
Ids are allocated first — from the table's sequence on PostgreSQL; on SQLite past both the largest
id and the largest ever handed out (AUTOINCREMENT's sqlite_sequence), under the write lock the
IMMEDIATE transaction already holds — so callers get them as bulk_create gives them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone


def instance(model: type[models.Model], /, **values) -> models.Model:
    """`model(**values)`, through Model.__init__'s positional path, which skips its search of the
    keywords for every column (half the time for a person: 100,000 of them cost seconds). Every
    other column takes its default, computed once per model; a model with a callable default
    (a fresh dict, a new uuid) takes the keyword path."""
    layout = _layout(model)
    if layout is None:
        return model(**values)
    positions, defaults = layout
    arguments = defaults.copy()
    for name, value in values.items():
        arguments[positions[name]] = value
    return model(*arguments)


@functools.cache
def _layout(model: type[models.Model]) -> tuple[dict[str, int], list] | None:
    fields = model._meta.concrete_fields
    if any(field.has_default() and callable(field.default) for field in fields):
        return None
    return {field.attname: index for index, field in enumerate(fields)}, [field.get_default() for field in fields]


def create(objects: Sequence[models.Model], *, batch_size: int = 2000) -> None:
    """Insert new model instances (their pk unset) and set their pk, as bulk_create does."""
    if not objects:
        return
    model = type(objects[0])
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
    attnames = [field.attname for field in fields]
    ids = _allocate_ids(model, len(objects))
    pk = model._meta.pk.attname
    rows = []
    for obj, new_id in zip(objects, ids, strict=True):
        setattr(obj, pk, new_id)
        obj._state.adding = False
        obj._state.db = connection.alias
        rows.append((new_id, *[getattr(obj, name) for name in attnames]))
    insert(model, [model._meta.pk, *fields], rows, batch_size=batch_size)


def insert(
    model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[tuple], *, batch_size: int = 2000
) -> None:
    """Insert rows of Python values, one value per field in `fields` order (pk included or not)."""
    if not connection.in_atomic_block:
        raise RuntimeError("core.bulk writes only inside a transaction")  # ids are allocated under its lock
    convert = [_converter(field) for field in fields]
    identity = all(function is None for function in convert)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)

    def prepared(row):
        if identity:
            return row
        return tuple(
            value if function is None or value is None else function(value)
            for function, value in zip(convert, row, strict=True)
        )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
            return
        placeholders = ", ".join(["%s"] * len(fields))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        batch = []
        for row in rows:
            batch.append(prepared(row))
            if len(batch) >= batch_size:
                cursor.executemany(statement, batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)


def _converter(field: models.Field):
    """How a Python value of `field` is handed to the database (None: as it is)."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder, ensure_ascii=False)
    if connection.vendor == "postgresql":
        return None  # psycopg adapts dates, datetimes and the rest itself
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return connection.ops.adapt_datefield_value
    if kind == "BooleanField":
        return int
    return None


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        start = max(largest, found[0] if found else 0) + 1
        return list(range(start, start + count))
