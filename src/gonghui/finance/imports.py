"""The payroll sheet (工资表) read into members' dues wages, as rosters are read: the file is sealed
at rest while it is read (core/sealed.py) and deleted after, every row is checked, and any error —
row, column, what is wrong, in Chinese — means nothing is written (all or nothing). ID numbers never
appear in a message or a file: a row is named by its number and the person's name."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core import ids, sealed
from gonghui.core.audit import audit_record
from gonghui.core.db import bulk_set
from gonghui.core.errors import ApplicationError
from gonghui.core.models import Identity
from gonghui.core.sheet_reading import SheetReadError, Table
from gonghui.finance import rules
from gonghui.finance.actions_dues import MAX_WAGE_FEN, check_base
from gonghui.finance.models import DuesAccount, WageSource
from gonghui.members import identity
from gonghui.members.models import CURRENT_STATUSES, Membership
from gonghui.orgs.models import Org

HEADERS = {
    "id_number": ("公民身份号码", "身份证号码", "身份证号", "身份证"),
    "name": ("姓名",),
    "wage": ("月工资", "应发工资", "工资收入", "月工资收入", "工资", "应发合计"),
}
LABELS = {"id_number": "身份证号", "name": "姓名", "wage": "月工资"}
MAX_ROWS = 50_000


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class PayrollResult:
    rows: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, row: int, col: int | None, message: str) -> None:
        self.errors.append(
            {"row": row, "column": col_letter(col) if col is not None else "", "message": message}
        )


def _find_header(table: Table) -> tuple[int, dict[str, int]]:
    for row_no, cells in table.head(0, 15):
        names = [str(c).strip().replace(" ", "") for c in cells]
        found = {}
        for key, options in HEADERS.items():
            for i, n in enumerate(names):
                if n in options:
                    found[key] = i
                    break
        if "id_number" in found and "wage" in found:
            return row_no, found
    raise ApplicationError(
        _("没有找到表头：工资表须有“身份证号”和“月工资”（或“应发工资”）两列。"), code="payroll_header"
    )


def _wage(cell: Any) -> int:
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, int | float):
        fen = round(cell * 100)
        if abs(cell * 100 - fen) > 1e-6 or fen < 0:
            raise ValueError
        return int(fen)
    return rules.parse_yuan(str(cell))


def read_payroll(path: str, org: Org) -> tuple[PayrollResult, list[tuple[int, int]]]:
    """Check every row; (result, [(membership id, wage in fen)]) — the list is empty if any row failed."""
    result = PayrollResult()
    try:
        table = Table(path)
        header_row, cols = _find_header(table)
        raw_rows = [(n, cells) for n, cells in table.rows(0) if n > header_row]
    except SheetReadError as e:
        raise ApplicationError(e.message, code="payroll_unreadable") from None
    parsed: list[tuple[int, str, str, int]] = []  # row, id index, name, wage
    seen: dict[str, int] = {}
    for row_no, cells in raw_rows:

        def cell(key: str, cells: list[Any] = cells) -> Any:
            i = cols.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        if all(str(c).strip() == "" for c in cells):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise ApplicationError(
                _("工资表超过 %(n)d 行，请分批导入。") % {"n": MAX_ROWS}, code="payroll_too_long"
            )
        ok = True
        try:
            info = ids.parse_id_number(str(cell("id_number")))
        except ids.IdNumberError as e:
            result.error(row_no, cols["id_number"], _("身份证号：%(m)s") % {"m": e.message})
            ok = False
        try:
            wage = _wage(cell("wage"))
            if wage > MAX_WAGE_FEN:
                raise ValueError
        except (ValueError, TypeError):
            result.error(
                row_no,
                cols["wage"],
                _("月工资“%(v)s”不是有效金额（元，最多两位小数）。") % {"v": str(cell("wage"))[:20]},
            )
            ok = False
        if not ok:
            continue
        index = identity.id_index(info.number)
        if index in seen:
            result.error(row_no, cols["id_number"], _("与第 %(r)d 行是同一人。") % {"r": seen[index]})
            continue
        seen[index] = row_no
        parsed.append((row_no, index, str(cell("name")).strip(), wage))
    members = {
        m.person.id_index: m
        for m in Membership.objects.filter(org=org, status__in=CURRENT_STATUSES, person_id__in=Identity.holders(*(p[1] for p in parsed)))
        .select_related("person")
    }  # fmt: skip
    out = []
    for row_no, index, name, wage in parsed:
        m = members.get(index)
        if m is None:
            result.error(
                row_no, cols["id_number"], _("不是本工会的会员（姓名：%(n)s）。") % {"n": name[:20] or "—"}
            )
            continue
        if name and "name" in cols and name != m.person.name:
            result.error(
                row_no,
                cols["name"],
                _("姓名“%(a)s”与会员名册中的“%(b)s”不一致。") % {"a": name[:20], "b": m.person.name},
            )
            continue
        out.append((m.pk, wage))
    return result, ([] if result.errors else out)


@transaction.atomic
def payroll_import(*, user: Any, org: Org, upload: Any) -> PayrollResult:
    """Read an uploaded payroll sheet (a Django UploadedFile or bytes) into the members' dues wages."""
    check_base(org)
    folder = sealed.make_private_dir(settings.DATA_DIR / "finance")
    fd, name = tempfile.mkstemp(dir=folder, suffix=".sealed")
    os.close(fd)
    os.unlink(name)
    try:
        data = upload if isinstance(upload, bytes) else b"".join(upload.chunks())
        sealed.seal_bytes(name, data)
        del data
        result, wages = read_payroll(name, org)
    finally:
        if os.path.exists(name):
            os.unlink(name)
    if result.errors:
        return result
    accounts = {
        a.membership_id: a for a in DuesAccount.objects.filter(membership_id__in=[pk for pk, _w in wages])
    }
    new = []
    for pk, wage in wages:
        acc = accounts.get(pk)
        if acc is None:
            new.append(
                DuesAccount(
                    membership_id=pk,
                    org=org,
                    org_path=org.path,
                    wage_fen=wage,
                    wage_source=WageSource.IMPORTED,
                )
            )
        else:
            acc.wage_fen, acc.wage_source = wage, WageSource.IMPORTED
    DuesAccount.objects.bulk_create(new, batch_size=1000)
    bulk_set(list(accounts.values()), ["wage_fen", "wage_source"])
    result.updated = len(wages)
    audit_record(user=user if getattr(user, "is_authenticated", False) else None, action="dues.payroll_import",
                 obj=org, org_path=org.path, changes={"rows": result.rows, "updated": result.updated})  # fmt: skip
    return result
