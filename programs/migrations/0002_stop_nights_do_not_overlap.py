"""The nights of a program's stops never overlap (a travel day may end one stop and start the next).

Enforced by the database: an exclusion constraint on PostgreSQL, triggers on SQLite. A one-day stop counts as
one night so that it cannot hide inside another stop.
"""

from django.db import migrations

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE programs_stop ADD CONSTRAINT stop_nights_do_not_overlap EXCLUDE USING gist (
        program_id WITH =,
        daterange(start_date, greatest(end_date, start_date + 1), '[)') WITH &&
    )
    """,
]
POSTGRES_DOWN = ["ALTER TABLE programs_stop DROP CONSTRAINT IF EXISTS stop_nights_do_not_overlap"]

_SQLITE_CHECK = """
    WHEN EXISTS (
        SELECT 1 FROM programs_stop AS other
        WHERE other.program_id = NEW.program_id AND other.id IS NOT NEW.id
          AND NEW.start_date < MAX(other.end_date, date(other.start_date, '+1 day'))
          AND other.start_date < MAX(NEW.end_date, date(NEW.start_date, '+1 day'))
    )
    BEGIN SELECT RAISE(ABORT, 'stop_nights_do_not_overlap'); END
"""
SQLITE_UP = [
    f"CREATE TRIGGER stop_nights_do_not_overlap_insert BEFORE INSERT ON programs_stop {_SQLITE_CHECK}",
    f"CREATE TRIGGER stop_nights_do_not_overlap_update BEFORE UPDATE ON programs_stop {_SQLITE_CHECK}",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS stop_nights_do_not_overlap_insert",
    "DROP TRIGGER IF EXISTS stop_nights_do_not_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        ),
    ]
