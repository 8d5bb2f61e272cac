"""Drop indexes no query uses (members/models.py says why for each); the tables stay as they are.

The field changes are state only: on SQLite, AlterField would copy the whole person and membership
tables once per field. The database side drops the indexes by the names Django gave them (the same
on every backend; PostgreSQL also made a `_like` index for each text column).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "members_person": {
        "members_person_name_8aa8fb39": "name",
        "members_person_province_code_cc0a6ece": "province_code",
        "members_person_new_employment_group_3aea211c": "new_employment_group",
        "members_person_employer_name_5c46c347": "employer_name",
    },
    "members_membership": {"members_membership_org_id_1006520d": "org_id"},
}
DROP = [
    f'DROP INDEX IF EXISTS "{name}{suffix}"'
    for table in INDEXES.values()
    for name in table
    for suffix in ("", "_like")
]
CREATE = [
    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")'
    for table, names in INDEXES.items()
    for name, column in names.items()
]


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_membership_channel_formation"),
        ("orgs", "0002_alter_org_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="membership",
                    name="org",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="memberships",
                        to="orgs.org",
                        verbose_name="基层工会",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="employer_name",
                    field=models.CharField(blank=True, max_length=120, verbose_name="工作单位名称"),
                ),
                migrations.AlterField(
                    model_name="person", name="name", field=models.CharField(max_length=40, verbose_name="姓名")
                ),
                migrations.AlterField(
                    model_name="person",
                    name="new_employment_group",
                    field=models.CharField(blank=True, max_length=24, verbose_name="新就业形态群体"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="province_code",
                    field=models.CharField(max_length=2, verbose_name="省级代码"),
                ),
            ],
            database_operations=[migrations.RunSQL(sql=DROP, reverse_sql=CREATE)],
        )
    ]
