"""Writing many rows at once, set-based: the batch jobs (roll-ups, scores) write tens of thousands of rows.

Django's bulk_update builds a CASE expression per field over every row (seconds of Python for 10,000 rows) and a
round trip per row costs as much again; on PostgreSQL one statement over arrays (``unnest``) writes 20,000 rows in
one round trip. Elsewhere (SQLite, embedded and fast per statement) one prepared statement runs for every row.
"""
from django.db import connection

CHUNK = 20000


# Values of these fields go to the driver as they are (their preparation only checks and copies, and costs more
# than the write for a hundred thousand rows); dates and times are prepared (time zones).
AS_IS = {"BigIntegerField", "BooleanField", "CharField", "DecimalField", "ForeignKey", "IntegerField",
         "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField", "TextField"}


def _prepared(model, fields, rows):
    columns = [model._meta.get_field(name) for name in fields]
    prepare = [None if c.get_internal_type() in AS_IS else c.get_db_prep_save for c in columns]
    if not any(prepare):
        return columns, [list(row) for row in rows]
    return columns, [
        [p(v, connection) if p else v for p, v in zip(prepare, row[:len(columns)], strict=True)] + list(row[len(columns):])
        for row in rows
    ]


def _array_types(columns):
    return [c.db_type(connection).split("(")[0] for c in columns]


def update_rows(model, fields, rows):
    """Set ``fields`` of many rows: each row is (value of each field…, pk)."""
    if not rows:
        return
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns, prepared = _prepared(model, fields, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [f"c{i}" for i in range(len(columns) + 1)]
            arrays = ", ".join(f"%s::{kind}[]" for kind in [*_array_types(columns),
                                                              model._meta.pk.rel_db_type(connection)])
            assignments = ", ".join(f"{quote(c.column)} = v.{name}" for c, name in zip(columns, names, strict=False))
            sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
                   f"WHERE {table}.{pk} = v.{names[-1]}")
            for start in range(0, len(prepared), CHUNK):
                cursor.execute(sql, [list(values) for values in zip(*prepared[start:start + CHUNK], strict=True)])
            return
        assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", prepared)


def insert_rows(model, fields, rows):
    """Insert many rows of ``fields`` (each row a tuple of their values) without reading their keys back."""
    if not rows:
        return
    quote, table = connection.ops.quote_name, connection.ops.quote_name(model._meta.db_table)
    columns, prepared = _prepared(model, fields, rows)
    names = ", ".join(quote(c.column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in _array_types(columns))
            sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"
            for start in range(0, len(prepared), CHUNK):
                cursor.execute(sql, [list(values) for values in zip(*prepared[start:start + CHUNK], strict=True)])
            return
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", prepared)


def insert_objects(model, objects):
    """Insert unsaved instances as bulk_create() would (defaults set, auto_now fields filled by pre_save), through
    insert_rows(): no keys read back, no signals."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    insert_rows(model, [f.name for f in fields], [[f.pre_save(obj, True) for f in fields] for obj in objects])
