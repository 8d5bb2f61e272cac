"""A union's roll (members/roll.py, issue 13): one row per current membership, written for the
memberships there are now."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """One INSERT … SELECT (members/roll.py `rebuild`, with the model's names as of this migration)."""
    qn = schema_editor.connection.ops.quote_name
    cols = ", ".join(qn(c) for c in ("org_id", "membership_id", "person_id", "member_no", "joined_on"))
    schema_editor.execute(
        f"INSERT INTO {qn('members_rollentry')} ({cols}) "
        f"SELECT {qn('org_id')}, {qn('id')}, {qn('person_id')}, {qn('member_no')}, {qn('joined_on')} "
        f"FROM {qn('members_membership')} WHERE {qn('status')} IN ('active', 'retained')"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0014_membership_recent'),
        ('orgs', '0003_org_path_field'),
    ]

    operations = [
        migrations.CreateModel(
            name='RollEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('membership_id', models.BigIntegerField()),
                ('person_id', models.BigIntegerField()),
                ('member_no', models.CharField(max_length=32)),
                ('joined_on', models.DateField()),
                ('org', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='orgs.org')),
            ],
            options={
                'verbose_name': '会员名单',
                'verbose_name_plural': '会员名单',
                'indexes': [models.Index(fields=['org', 'joined_on', 'membership_id'], name='roll_newest'), models.Index(fields=['org', 'member_no'], name='roll_member_no')],
                'constraints': [models.UniqueConstraint(fields=('org', 'membership_id'), name='roll_org_membership_unique')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
