"""The newest-first index on memberships, on SQLite only: a large subtree's member list walks it
backwards (members.selectors.walk_newest_first) instead of reading and sorting the whole subtree.

Not in the model's Meta: PostgreSQL (and Citus) keep planning the list as before — with the index,
its planner could walk it for a subtree whose members all joined long ago and read most of the
register for one page. Django's SQLite table remakes rebuild only the indexes the model declares,
so a later migration that remakes members_membership must make it again;
tests/members/test_queries.py fails if it is missing.
"""

from django.db import migrations

CREATE = 'CREATE INDEX IF NOT EXISTS "membership_recent" ON "members_membership" ("joined_on", "id")'
DROP = 'DROP INDEX IF EXISTS "membership_recent"'


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0013_person_id_index_unkeyed"),
        ("orgs", "0003_org_path_field"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
