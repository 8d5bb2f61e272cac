"""The person's name copied onto each membership, and one index a subtree's name search reads alone
(issue 19): (first character of the name, org_path, status, joined_on, name) — a surname over a
county reads only that county's holders of the surname, no person row.

Fast on a register of millions: the column is added with a constant default (no table rebuild on
SQLite, where Django's AddField would copy the whole table), filled by one UPDATE … FROM (SQLite
3.33+, PostgreSQL; on Citus a co-located join on the distribution column), then indexed. The
index on `person.name` served only this search: dropped (one index less for every roster row)."""

from django.db import migrations, models
from django.db.models.functions import Substr

ADD = "ALTER TABLE members_membership ADD COLUMN name varchar(40) DEFAULT '' NOT NULL"
FILL = (
    "UPDATE members_membership SET name = members_person.name FROM members_person "
    "WHERE members_person.id = members_membership.person_id"
)
DROP = "ALTER TABLE members_membership DROP COLUMN name"


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_subtree_index_person"),
        ("orgs", "0003_org_path_field"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="person_name"),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="membership",
                    name="name",
                    field=models.CharField(default="", editable=False, max_length=40, verbose_name="姓名"),
                )
            ],
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                Substr("name", 1, 1),
                models.F("org_path"),
                models.F("status"),
                models.F("joined_on"),
                models.F("name"),
                name="membership_name",
            ),
        ),
    ]
