"""Seed the activity-type code table (a frozen copy of worklife.codes.DEFAULT_TYPES)."""

from django.db import migrations

TYPES = [
    ("meeting", "会议（委员会会议、会员大会等）"),
    ("culture", "文体活动"),
    ("ankang", "安康杯竞赛"),
    ("competition", "劳动竞赛"),
    ("home", "职工之家建设"),
    ("training", "培训"),
    ("care_visit", "走访慰问"),
    ("other", "其他"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    ActivityType = apps.get_model("worklife", "ActivityType")
    for i, (code, label) in enumerate(TYPES):
        ActivityType.objects.get_or_create(code=code, defaults={"label": label, "sort": (i + 1) * 10})


class Migration(migrations.Migration):
    dependencies = [("worklife", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
