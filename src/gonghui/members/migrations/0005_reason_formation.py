"""会籍变化原因 “本单位建会”: founding members who move from another union into the one newly formed at
their workplace (elections.formation approval) were recorded as 其他 with a note."""

from django.db import migrations

ITEM = {
    "table": "change_reason",
    "code": "formation",
    "label": "本单位建会（随建会转入新工会）",
    "parent": "transfer_out",
}


def add(apps, schema_editor):
    CodeItem = apps.get_model("members", "CodeItem")
    # after 工会合并 (sort 30) in the seeded order
    CodeItem.objects.get_or_create(
        table=ITEM["table"], code=ITEM["code"], defaults={**ITEM, "sort": 35, "active": True}
    )


def remove(apps, schema_editor):
    apps.get_model("members", "CodeItem").objects.filter(table=ITEM["table"], code=ITEM["code"]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0004_drop_unused_indexes")]
    operations = [migrations.RunPython(add, remove)]
