"""A union's roll (members/roll.py, issue 13): one row per current membership, written for the
memberships there are now."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Membership, RollEntry = apps.get_model("members", "Membership"), apps.get_model("members", "RollEntry")
    rows = Membership.objects.using(schema_editor.connection.alias).filter(status__in=["active", "retained"])
    batch = []
    for org_id, mid, pid, no, on in rows.order_by("pk").values_list("org_id", "pk", "person_id", "member_no", "joined_on").iterator(chunk_size=10_000):
        batch.append(RollEntry(org_id=org_id, membership_id=mid, person_id=pid, member_no=no, joined_on=on))
        if len(batch) == 10_000:
            RollEntry.objects.using(schema_editor.connection.alias).bulk_create(batch)
            batch = []
    RollEntry.objects.using(schema_editor.connection.alias).bulk_create(batch)


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
