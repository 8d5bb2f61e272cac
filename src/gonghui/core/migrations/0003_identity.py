from django.db import migrations, models


def backfill(apps, schema_editor):
    """Every person already on the register gets their identity row."""
    Person = apps.get_model("members", "Person")
    Identity = apps.get_model("core", "Identity")
    rows = Person.objects.values_list("id_index", "id").iterator(chunk_size=5000)
    batch = []
    for id_index, pk in rows:
        batch.append(Identity(id_index=id_index, person_id=pk))
        if len(batch) >= 5000:
            Identity.objects.bulk_create(batch)
            batch = []
    Identity.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_org_path_field"),
        ("members", "0008_org_path_field"),
    ]

    operations = [
        migrations.CreateModel(
            name="Identity",
            fields=[
                ("id_index", models.CharField(max_length=32, primary_key=True, serialize=False)),
                ("person_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
