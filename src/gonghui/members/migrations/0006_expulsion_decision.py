"""开除会籍 needs the base committee's decision and filing with the upper union (中国工会章程第7条
（2008年文本）): recorded with the 除名 event."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
        ("members", "0005_reason_formation"),
    ]

    operations = [
        migrations.CreateModel(
            name="Expulsion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("decision_no", models.CharField(max_length=60, verbose_name="委员会决定文号")),
                ("decided_on", models.DateField(verbose_name="委员会决定日期")),
                ("filed_on", models.DateField(blank=True, null=True, verbose_name="报上级工会备案日期")),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="expulsion", to="members.membershipevent"
                    ),
                ),
                (
                    "filed_with",
                    models.ForeignKey(
                        blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                        to="orgs.org", verbose_name="备案的上级工会",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="expulsions", to="members.membership"
                    ),
                ),
            ],
            options={"verbose_name": "开除会籍决定", "verbose_name_plural": "开除会籍决定"},
        ),
    ]
