"""core_identity as a WITHOUT ROWID table on SQLite (issue 19): its primary key, the blind index,
is then the table's own B-tree instead of a rowid table plus a second B-tree for the key. With
members/0013 (no index on the person's copy of the blind index) a new member costs one insert into
a tree keyed by a random value instead of three — the largest single cost of a large roster import
(bench/schema_floor.py: "register" against "three_keys", the layout before). Nothing on PostgreSQL
or Citus: there a table is a heap and the primary key an index whatever is declared.

Django does not know WITHOUT ROWID: a later migration that alters this table on SQLite remakes it
as an ordinary table (correct, only slower to write), so such a migration should repeat this step.
"""

from django.db import migrations

COLUMNS = '"id_index" varchar(32) NOT NULL PRIMARY KEY, "person_id" bigint NOT NULL'


def _remake(schema_editor, suffix: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in (
        f'CREATE TABLE "core_identity__new" ({COLUMNS}){suffix}',
        'INSERT INTO "core_identity__new" ("id_index", "person_id") SELECT "id_index", "person_id" FROM "core_identity"',
        'DROP TABLE "core_identity"',
        'ALTER TABLE "core_identity__new" RENAME TO "core_identity"',
    ):
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _remake(schema_editor, " WITHOUT ROWID")


def backwards(apps, schema_editor):
    _remake(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_identity")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
