"""Drop the indexes on a membership event's from_org, to_org and user (issue 19): no query filters
events by them (the event shows them; history is read by person, membership or path), orgs and
accounts are never deleted, and every roster row paid for three more B-tree inserts.

State only for the fields (AlterField would copy the event table on SQLite); the indexes are
dropped by the names Django gave them, the same on every backend.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "members_membershipevent_from_org_id_c36044c3": "from_org_id",
    "members_membershipevent_to_org_id_ea2dd102": "to_org_id",
    "members_membershipevent_user_id_e84f4f67": "user_id",
}
DROP = [f'DROP INDEX IF EXISTS "{name}"' for name in INDEXES]
CREATE = [
    f'CREATE INDEX IF NOT EXISTS "{name}" ON "members_membershipevent" ("{column}")'
    for name, column in INDEXES.items()
]


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0011_membership_name"),
        ("orgs", "0003_org_path_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DROP, CREATE)],
            state_operations=[
                migrations.AlterField(
                    model_name="membershipevent",
                    name="from_org",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="转出工会",
                    ),
                ),
                migrations.AlterField(
                    model_name="membershipevent",
                    name="to_org",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.org",
                        verbose_name="转入工会",
                    ),
                ),
                migrations.AlterField(
                    model_name="membershipevent",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
