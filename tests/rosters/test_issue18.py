"""Issue 18 D10: every member gets a 登记表编号 — roster rows without the column, founding members,
and (for data written before) the form_numbers command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from tests.rosters.conftest import HEADER, new_id, person_row, write_xlsx_rows

pytestmark = pytest.mark.django_db


def test_roster_rows_without_the_column_get_the_unions_next_form_numbers(tmp_path: Path, run_import: Any, tree: dict[str, Any]) -> None:  # fmt: skip
    from gonghui.members.models import Membership

    rows = [HEADER, person_row(1), person_row(2), person_row(3)]
    job = run_import(write_xlsx_rows(tmp_path / "r.xlsx", rows))
    assert job.status == "done"
    nos = sorted(Membership.objects.filter(org__code="T0003").values_list("form_no", flat=True))
    assert nos == ["T0003-000001", "T0003-000002", "T0003-000003"]


def test_founding_members_and_old_rows_get_form_numbers(tree: dict[str, Any]) -> None:
    from gonghui.core import pii
    from gonghui.members import actions
    from gonghui.members.models import Membership

    org = tree["orgs"]["T0006"]
    cipher = pii.encrypt(new_id(), context=actions.ID_CONTEXT)
    m = actions.founder_register(user=None, org=org, name="王芳", id_cipher=cipher, employer=None,
                                 joined_on=dt.date.today(), note="")  # fmt: skip
    assert m.form_no == "T0006-000001"
    old = actions.member_register(
        user=tree["users"]["county_admin"], org=org, name="李明", id_number=new_id()
    )
    Membership.objects.filter(pk=old.pk).update(form_no="")  # written before issue 18
    call_command("form_numbers")
    assert Membership.objects.get(pk=old.pk).form_no.startswith("T0006-0000")
    assert Membership.objects.get(pk=old.pk).form_no != m.form_no
    call_command("form_numbers")  # idempotent
    assert not Membership.objects.filter(form_no="").exists()
