"""The payroll sheet: every row checked, errors named by row and column in Chinese, nothing written
unless every row is right, no ID number in any message; the upload is not left on disk."""

from __future__ import annotations

from typing import Any

import pytest

from gonghui.core.sheets import write_xlsx_bytes
from gonghui.finance import imports
from gonghui.finance.models import DuesAccount
from tests.finance.conftest import new_id

pytestmark = pytest.mark.django_db
HEAD = ["序号", "姓名", "身份证号", "应发工资"]


def test_payroll_rows_with_errors_write_nothing(tree: Any, fin: Any, member: Any, settings: Any) -> None:
    org = tree["orgs"]["T0003"]
    a_id, b_id, stranger = new_id(), new_id(), new_id()
    a = member(name="王一", id_number=a_id)
    member(name="王二", id_number=b_id)
    bad = write_xlsx_bytes("工资", HEAD, [
        [1, "王一", a_id, 4200.5],
        [2, "王二", b_id, "四千"],            # row 3: wage not a number
        [3, "外人", stranger, 3000],          # row 4: not a member of this union
        [4, "王三", a_id[:-1] + "0" if a_id[-1] != "0" else a_id[:-1] + "1", 3000],  # row 5: bad check digit
        [5, "王二", a_id, 3000],              # row 6: the same person as row 2
        [6, "王九", b_id, 3000],              # row 7: name differs from the register
    ])  # fmt: skip
    result = imports.payroll_import(user=fin["east_fin"], org=org, upload=bad)
    got = {(e["row"], e["column"]) for e in result.errors}
    assert got == {(3, "D"), (4, "C"), (5, "C"), (6, "C"), (7, "B")}
    text = " ".join(e["message"] for e in result.errors)
    assert a_id not in text and b_id not in text and stranger not in text
    assert "不是本工会的会员" in text and "不是有效金额" in text
    assert not DuesAccount.objects.filter(wage_fen__isnull=False).exists()
    assert not list((settings.DATA_DIR / "finance").iterdir())  # the sealed upload is gone
    good = write_xlsx_bytes("工资", HEAD, [[1, "王一", a_id, 4200.5], [2, "王二", b_id, "3,000.00"]])
    result = imports.payroll_import(user=fin["east_fin"], org=org, upload=good)
    assert (result.errors, result.updated) == ([], 2)
    assert DuesAccount.objects.get(membership=a).wage_fen == 420050


def test_payroll_page_shows_the_errors(client: Any, tree: Any, fin: Any, member: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    member(name="王一")
    sheet = write_xlsx_bytes("工资", HEAD, [[1, "某人", new_id(), "x"]])
    client.force_login(fin["east_fin"])
    r = client.post("/finance/T0003/dues/payroll/", {"file": SimpleUploadedFile("gz.xlsx", sheet)})
    body = r.content.decode()
    assert r.status_code == 200 and "未导入任何数据" in body and "不是有效金额" in body
    no_header = write_xlsx_bytes("工资", ["甲", "乙"], [[1, 2]])
    r = client.post("/finance/T0003/dues/payroll/", {"file": SimpleUploadedFile("gz.xlsx", no_header)})
    assert "没有找到表头" in r.content.decode()
