"""gonghui form_numbers: give every current member without a 登记表编号 the union's next one.

Founding members and roster rows without the column were written without one before issue 18
(档案关: the form number is the record number). Numbers follow each union's own sequence (the
same counter the paper and QR applications use), in 会员编号 order; idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from gonghui.campaigns import daycount
from gonghui.members.actions.common import format_form_no, reserve_numbers
from gonghui.members.models import CURRENT_STATUSES, Counter, Membership
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "为缺少登记表编号的在册会员按本会顺序补编登记表编号。"

    def handle(self, *args: Any, **opts: Any) -> None:
        missing = Membership.objects.filter(form_no="", status__in=CURRENT_STATUSES)
        total = 0
        for org_id in missing.values_list("org_id", flat=True).distinct().order_by("org_id"):
            with transaction.atomic():
                org = Org.objects.get(pk=org_id)
                rows = list(
                    missing.filter(org_id=org_id).order_by("member_no").only("pk", "person_id", "form_no")
                )
                first = reserve_numbers(org, Counter.FORM_NO, len(rows))
                for k, m in enumerate(rows):
                    m.form_no = format_form_no(org, first + k)
                Membership.objects.bulk_update(rows, ["form_no"], batch_size=2000)
                daycount.forms_given(
                    [(m.pk, m.person_id) for m in rows]
                )  # complete records: campaigns count them
                total += len(rows)
        self.stdout.write(f"已补编登记表编号 {total} 个。")
