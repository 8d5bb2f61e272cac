"""Code tables (代码表, members/codes.py): a federation admin relabels, reorders, adds or retires
items. Codes the rules use (codes.PROTECTED) may be relabelled but never retired; a code once
used stays in the table (retired, it still labels old records)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members import codes
from gonghui.members.codes import DEFAULTS, PROTECTED, TABLE_LABELS, Table
from gonghui.members.models import CodeItem
from gonghui.sysconf.actions import _gate

CODE_RX = re.compile(r"^[A-Za-z0-9_]{1,24}$")


def _seeded(table: str) -> None:
    """A table with no rows answers with the built-in list: write it out before the first change."""
    if table not in TABLE_LABELS:
        raise ApplicationError(_("没有这个代码表。"), code="code_table", status=404)
    if not CodeItem.objects.filter(table=table).exists():
        CodeItem.objects.bulk_create(
            CodeItem(table=table, code=c, label=label, parent=p, sort=(i + 1) * 10)
            for i, (c, label, p) in enumerate(DEFAULTS.get(table, []))
        )


def rows(table: str) -> list[CodeItem]:
    if table not in TABLE_LABELS:
        raise ApplicationError(_("没有这个代码表。"), code="code_table", status=404)
    found = list(CodeItem.objects.filter(table=table).order_by("sort", "code"))
    if found:
        return found
    return [CodeItem(table=table, code=c, label=label, parent=p, sort=(i + 1) * 10)
            for i, (c, label, p) in enumerate(DEFAULTS.get(table, []))]  # fmt: skip


def _item(table: str, code: str) -> CodeItem:
    _seeded(table)
    item = CodeItem.objects.select_for_update().filter(table=table, code=code).first()
    if item is None:
        raise ApplicationError(_("没有这个代码项。"), code="code_item", status=404)
    return item


def _record(user: Any, path: str, item: CodeItem, what: str, changes: dict[str, Any]) -> None:
    audit_record(user=user, action=f"codes.{what}", object_type="members.codeitem", object_id=str(item.pk),
                 object_repr=f"{TABLE_LABELS[item.table]}：{item.label}", org_path=path, changes=changes)  # fmt: skip
    transaction.on_commit(codes.clear_cache)
    codes.clear_cache()


@transaction.atomic
def item_add(*, user: Any, table: str, code: str, label: str, parent: str = "") -> CodeItem:
    path = _gate(user)
    _seeded(table)
    code, label, parent = code.strip(), label.strip(), parent.strip()
    if not code:  # numbered like the table's own codes where they are numbers
        used = set(CodeItem.objects.filter(table=table).values_list("code", flat=True))
        numeric = [int(c) for c in used if c.isdigit()]
        all_numeric = bool(numeric) and len(numeric) == len(used)
        n = max(numeric) + 1 if all_numeric else len(used) + 1
        code = str(n).zfill(2) if all_numeric else f"x{n}"
        while code in used:
            n += 1
            code = str(n).zfill(2) if all_numeric else f"x{n}"
    if not CODE_RX.match(code):
        raise ApplicationError(
            _("代码只能用字母、数字和下划线，最多 24 位。"), code="code", details={"field": "code"}
        )
    if not label or len(label) > 80:
        raise ApplicationError(_("请填写名称（最多 80 字）。"), code="label", details={"field": "label"})
    if table == Table.CHANGE_REASON:
        if parent not in {c for c, _l, _p in DEFAULTS[Table.CHANGE_TYPE]}:
            raise ApplicationError(
                _("请选择此原因适用的会籍变化类型。"), code="parent", details={"field": "parent"}
            )
    else:
        parent = ""
    if CodeItem.objects.filter(table=table, code=code).exists():
        raise ConflictError(
            _("代码 %(c)s 已存在。") % {"c": code}, code="duplicate_code", details={"field": "code"}
        )
    top = CodeItem.objects.filter(table=table).aggregate(m=Max("sort"))["m"] or 0
    item = CodeItem.objects.create(
        table=table, code=code, label=label, parent=parent, sort=min(top + 10, 32000)
    )
    _record(user, path, item, "add", {"code": code, "label": label, "parent": parent})
    return item


@transaction.atomic
def item_relabel(*, user: Any, table: str, code: str, label: str) -> CodeItem:
    path = _gate(user)
    item = _item(table, code)
    label = label.strip()
    if not label or len(label) > 80:
        raise ApplicationError(_("请填写名称（最多 80 字）。"), code="label", details={"field": "label"})
    old, item.label = item.label, label
    item.save(update_fields=["label"])
    _record(user, path, item, "relabel", {"label": [old, label]})
    return item


@transaction.atomic
def item_set_active(*, user: Any, table: str, code: str, active: bool) -> CodeItem:
    path = _gate(user)
    item = _item(table, code)
    if not active and code in PROTECTED.get(table, frozenset()):
        raise ApplicationError(_("系统规则用到此项，只能改名，不能停用。"), code="protected_code")
    item.active = active
    item.save(update_fields=["active"])
    _record(user, path, item, "restore" if active else "retire", {"active": active})
    return item


@transaction.atomic
def item_move(*, user: Any, table: str, code: str, up: bool) -> CodeItem:
    """Swap the item with its neighbour above (or below)."""
    path = _gate(user)
    item = _item(table, code)
    ordered = list(CodeItem.objects.select_for_update().filter(table=table).order_by("sort", "code"))
    for i, x in enumerate(ordered):  # make sort values distinct first
        x.sort = (i + 1) * 10
    at = next(i for i, x in enumerate(ordered) if x.pk == item.pk)
    other = at - 1 if up else at + 1
    if 0 <= other < len(ordered):
        ordered[at].sort, ordered[other].sort = ordered[other].sort, ordered[at].sort
    CodeItem.objects.bulk_update(ordered, ["sort"])
    item = ordered[at]
    _record(user, path, item, "move", {"up": up})
    return item
