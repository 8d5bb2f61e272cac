"""会籍变化原因 “用人单位终止、工会撤销” under 保留会籍 (工会法 art. 13, orgs/closure.py), and the
charter's own word for 除名: 开除会籍 (中国工会章程第7条（2008年文本）). Labels are changed only
where a federation has not relabelled them."""

from django.db import migrations

ITEM = {
    "table": "change_reason",
    "code": "employer_closed",
    "label": "用人单位终止、工会撤销（会籍保留在上级工会）",
    "parent": "retain",
}
RELABEL = [
    ("change_type", "expel", "除名", "开除会籍"),
    ("change_reason", "criminal", "受到刑事处罚（除名）", "严重违法犯罪受到刑事处罚（开除会籍）"),
]


def forward(apps, schema_editor):
    CodeItem = apps.get_model("members", "CodeItem")
    # after 失业（下岗） (sort 60) in the seeded order
    CodeItem.objects.get_or_create(
        table=ITEM["table"], code=ITEM["code"], defaults={**ITEM, "sort": 65, "active": True}
    )
    for table, code, old, new in RELABEL:
        CodeItem.objects.filter(table=table, code=code, label=old).update(label=new)


def backward(apps, schema_editor):
    CodeItem = apps.get_model("members", "CodeItem")
    CodeItem.objects.filter(table=ITEM["table"], code=ITEM["code"]).delete()
    for table, code, old, new in RELABEL:
        CodeItem.objects.filter(table=table, code=code, label=new).update(label=old)


class Migration(migrations.Migration):
    dependencies = [("members", "0006_expulsion_decision")]
    operations = [migrations.RunPython(forward, backward)]
