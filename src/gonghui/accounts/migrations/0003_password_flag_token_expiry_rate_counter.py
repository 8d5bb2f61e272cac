# Account security (issue 12): forced password change after a reset, API tokens that expire,
# and rate-limit counters shared by every server process.

import datetime as dt

from django.db import migrations, models


def expire_existing_tokens(apps, schema_editor):
    # Tokens made before expiry existed live the default 90 days from their creation.
    ApiToken = apps.get_model("accounts", "ApiToken")
    for row in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=row.pk).update(expires_at=row.created_at + dt.timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(default=False, verbose_name="须修改密码"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="有效期至"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="有效期至"),
        ),
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "访问频率计数",
                "verbose_name_plural": "访问频率计数",
            },
        ),
    ]
