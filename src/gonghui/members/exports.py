"""The member list as a table, for the page download and `gonghui export members`.

Masked by default (DESIGN.md: exports are masked unless the user holds the right and asks);
`reveal=True` decrypts ID numbers and phones — callers check the right and audit it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from gonghui.core import pii
from gonghui.members import codes
from gonghui.members.codes import Table
from gonghui.members.identity import ID_CONTEXT, PHONE_CONTEXT
from gonghui.members.models import Membership

HEADERS = [
    "姓名", "性别", "出生日期", "公民身份号码", "手机号", "民族", "学历", "政治面貌", "户籍类型", "农民工", "就业状况",
    "新就业形态群体", "工种/岗位", "技能等级", "劳动模范", "工作单位", "所在工会", "工会代码", "会员编号", "登记表编号",
    "入会日期", "会籍状态", "入会渠道",
]  # fmt: skip


def member_rows(qs: QuerySet[Membership], *, reveal: bool = False) -> Iterator[list[Any]]:
    labels = {
        t: codes.labels(t)
        for t in (
            Table.ETHNICITY,
            Table.EDUCATION,
            Table.POLITICAL,
            Table.HUKOU,
            Table.EMPLOYMENT,
            Table.NEW_EMPLOYMENT,
            Table.SKILL,
        )
    }
    statuses = dict(Membership._meta.get_field("status").choices)  # type: ignore[arg-type]
    channels = dict(Membership._meta.get_field("channel").choices)  # type: ignore[arg-type]
    for m in qs.select_related("person", "org").order_by("org_path", "member_no").iterator(chunk_size=2000):
        p = m.person
        if reveal:
            id_shown = pii.decrypt(p.id_cipher, context=ID_CONTEXT)
            phone_shown = pii.decrypt(p.phone_cipher, context=PHONE_CONTEXT) if p.phone_cipher else ""
        else:
            id_shown, phone_shown = p.id_masked, p.phone_masked
        yield [
            p.name, p.get_gender_display(), p.birth_date, id_shown, phone_shown,
            labels[Table.ETHNICITY].get(p.ethnicity, p.ethnicity), labels[Table.EDUCATION].get(p.education, p.education),
            labels[Table.POLITICAL].get(p.political_status, p.political_status), labels[Table.HUKOU].get(p.hukou_type, p.hukou_type),
            p.is_migrant, labels[Table.EMPLOYMENT].get(p.employment_status, p.employment_status),
            labels[Table.NEW_EMPLOYMENT].get(p.new_employment_group, p.new_employment_group), p.job,
            labels[Table.SKILL].get(p.skill_level, p.skill_level), p.is_model_worker, p.employer_name, m.org.name, m.org.code,
            m.member_no, m.form_no, m.joined_on, statuses.get(m.status, m.status), channels.get(m.channel, m.channel),
        ]  # fmt: skip
