"""No index on the person's copy of the ID number's blind index (issue 19).

The blind index is keyed in `core.Identity` (its primary key, written with every person in the
same transaction since core/0003): that table now carries the rule "one person per ID number" on
every backend, and every lookup by ID number starts there (`Identity.holders`). The person's unique
index on the same value was a second B-tree keyed by a random value for every new member — on
PostgreSQL a third, the `varchar_pattern_ops` copy Django adds to a unique CharField — and the
largest cost of a large roster import after the rows themselves (bench/schema_floor.py: 1,000,000
rows 94.4 → 80.0 s with core/0004). The column stays: the person's own rows read it back.

SQLite cannot drop a UNIQUE column constraint, so the table is remade there once (Django's own
remake). On PostgreSQL every index on that column alone is dropped by what the catalogue holds —
the unique constraint Django made, its `_like` index, or the plain index a Citus migrate made of
the constraint (core/citus.py) — so the migration runs on all three.
"""

from django.db import migrations, models

INDEXES_ON_ID_INDEX = """
SELECT ci.relname, con.conname
  FROM pg_index i
  JOIN pg_class ci ON ci.oid = i.indexrelid
  LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
 WHERE i.indrelid = 'members_person'::regclass AND NOT i.indisprimary AND i.indnatts = 1
   AND i.indkey[0] = (SELECT attnum FROM pg_attribute
                       WHERE attrelid = 'members_person'::regclass AND attname = 'id_index')
"""


def _fields(apps):
    Person = apps.get_model("members", "Person")
    old = Person._meta.get_field("id_index")
    new = models.CharField(max_length=old.max_length, editable=False)
    new.set_attributes_from_name("id_index")
    new.model = Person
    return Person, old, new


def forwards(apps, schema_editor):
    Person, old, new = _fields(apps)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.alter_field(Person, old, new)
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(INDEXES_ON_ID_INDEX)
        found = cur.fetchall()
    for index, constraint in found:
        if constraint:
            schema_editor.execute(f'ALTER TABLE "members_person" DROP CONSTRAINT "{constraint}"')
        else:
            schema_editor.execute(f'DROP INDEX "{index}"')


def backwards(apps, schema_editor):
    Person, old, new = _fields(apps)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.alter_field(Person, new, old)
    else:
        schema_editor.execute('ALTER TABLE "members_person" ADD CONSTRAINT "members_person_id_index_key" UNIQUE ("id_index")')


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0012_event_fk_indexes"),
        ("core", "0004_identity_without_rowid"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="id_index",
                    field=models.CharField(editable=False, max_length=32),
                ),
            ],
        ),
    ]
