"""Bulk import of activities (工会活动) from a spreadsheet, through the same reader as rosters
(`core.sheet_reading`: xlsx, xls, ods, CSV in any encoding).

The header row is found among the first 30 rows (a row naming at least 活动日期 and 活动名称);
columns may come in any order. Each row is checked in full and every problem is reported as
(row number as the spreadsheet shows it, column title, what is wrong, in Chinese). The import is
all or nothing: with any problem nothing is saved, so a corrected file can be imported again
without duplicates. Rows name their union by code or full name (工会代码 / 工会名称); a row that
names none belongs to the union the import is made into. Every union must be in that union's subtree.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.sheet_reading import SheetReadError, Table
from gonghui.orgs.models import Org, OrgStatus
from gonghui.worklife import codes, hooks
from gonghui.worklife.models import Activity, ActivitySource, HomeStatus
from gonghui.worklife.rules import scope_of, user_or_none

MAX_ROWS = 5000
MAX_ERRORS = 200

# key → accepted titles (the first is the template's)
COLUMNS: dict[str, tuple[str, ...]] = {
    "org_code": ("工会代码", "组织代码"),
    "org_name": ("工会名称", "工会全称", "单位工会"),
    "held_on": ("活动日期", "日期"),
    "kind": ("活动类型", "类型"),
    "title": ("活动名称", "名称", "活动主题"),
    "participants": ("参加人数", "人数"),
    "place": ("地点", "活动地点"),
    "result": ("成绩/结果", "成绩", "结果"),
    "home_status": ("职工之家状态",),
    "description": ("内容", "活动内容", "备注"),
}
REQUIRED = ("held_on", "kind", "title")
TEMPLATE_HEADERS = [t[0] for t in COLUMNS.values()]


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第 %(r)d 行“%(c)s”：%(m)s") % {"r": self.row, "c": self.column, "m": self.message}


@dataclass
class ImportResult:
    created: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)


def _clean(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split())


def _title(v: Any) -> str:
    return re.sub(r"[\s*＊:：]", "", _clean(v))


def _find_header(table: Table) -> tuple[int, dict[str, int]]:
    for number, cells in table.head(0, 30):
        titles = {_title(c): i for i, c in enumerate(cells) if _clean(c)}
        found: dict[str, int] = {}
        for key, names in COLUMNS.items():
            for n in names:
                if n in titles:
                    found[key] = titles[n]
                    break
        if "held_on" in found and "title" in found:
            return number, found
    raise ApplicationError(
        _("找不到表头：前 30 行中没有一行同时写有“活动日期”和“活动名称”；请使用导入模板。"), code="no_header"
    )


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool) and 20000 < v < 80000:  # Excel serial day
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(v))
    m = _DATE.match(_clean(v))
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _check_row(
    cells: list[Any], cols: dict[str, int], *, root: Org, orgs: dict[str, Org], kinds: dict[str, str],
    homes: dict[str, str], today: dt.date,
) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:  # fmt: skip
    def cell(key: str) -> Any:
        i = cols.get(key)
        return cells[i] if i is not None and i < len(cells) else ""

    def title(key: str) -> str:
        return COLUMNS[key][0]

    errs: list[tuple[str, str]] = []
    for key in REQUIRED:
        if not _clean(cell(key)):
            errs.append((title(key), _("未填写")))
    org = root
    code, name = _clean(cell("org_code")), _clean(cell("org_name"))
    if code or name:
        found = orgs.get(code) if code else orgs.get(name)
        if found is None:
            errs.append((title("org_code") if code else title("org_name"),
                         _("找不到工会“%(v)s”，或不在“%(o)s”范围内") % {"v": code or name, "o": root.name}))  # fmt: skip
        else:
            org = found
    held_on = None
    if _clean(cell("held_on")):
        held_on = parse_date(cell("held_on"))
        if held_on is None:
            errs.append(
                (
                    title("held_on"),
                    _("日期“%(v)s”无法识别，请写成 2026-03-08") % {"v": _clean(cell("held_on"))[:20]},
                )
            )
        elif held_on > today:
            errs.append((title("held_on"), _("日期不能晚于今天")))
        elif held_on.year < 1950:
            errs.append((title("held_on"), _("日期过早")))
    kind = ""
    if _clean(cell("kind")):
        kind = kinds.get(_clean(cell("kind")), "")
        if not kind:
            errs.append((title("kind"), _("活动类型“%(v)s”不在代码表中（可填：%(l)s）")
                         % {"v": _clean(cell("kind"))[:24], "l": "、".join(lab for _c, lab in codes.choices())}))  # fmt: skip
    participants = 0
    raw = _clean(cell("participants"))
    if raw:
        if not raw.isdigit() or int(raw) > 10_000_000:
            errs.append((title("participants"), _("“%(v)s”不是人数（应为整数）") % {"v": raw[:20]}))
        else:
            participants = int(raw)
    home = ""
    if _clean(cell("home_status")):
        home = homes.get(_clean(cell("home_status")), "")
        if not home:
            errs.append(
                (title("home_status"), _("职工之家状态“%(v)s”无效") % {"v": _clean(cell("home_status"))[:20]})
            )
        elif kind and kind != codes.HOME:
            errs.append((title("home_status"), _("只有“职工之家建设”类活动填写职工之家状态")))
    t = _clean(cell("title"))
    if len(t) > 200:
        errs.append((title("title"), _("超过 200 字")))
    if errs:
        return None, errs
    return {
        "org": org, "kind": kind, "held_on": held_on, "title": t, "participants": participants,
        "place": _clean(cell("place"))[:120], "result": _clean(cell("result"))[:300], "home_status": home,
        "description": str(cell("description") or "").strip()[:4000],
    }, []  # fmt: skip


def _subtree_orgs(root: Org) -> dict[str, Org]:
    out: dict[str, Org] = {}
    for o in Org.objects.filter(path__startswith=root.path, status=OrgStatus.ACTIVE):
        out[o.code] = o
        out.setdefault(o.name, o)
    return out


def import_activities(*, user: Any, org: Org, path: str) -> ImportResult:
    """Check the file at `path` and, if every row is right, record its activities in `org`'s subtree."""
    try:
        table = Table(path)
        header_row, cols = _find_header(table)
        rows = [(n, cells) for n, cells in table.rows(0) if n > header_row and any(_clean(c) for c in cells)]
    except SheetReadError as exc:
        raise ApplicationError(exc.message, code=exc.code) from None
    if len(rows) > MAX_ROWS:
        raise ApplicationError(
            _("表格有 %(n)d 行，超过每次 %(m)d 行的上限；请分成几个文件导入。")
            % {"n": len(rows), "m": MAX_ROWS},
            code="too_many_rows",
        )
    orgs = _subtree_orgs(org)
    kinds = codes.by_label()
    homes = {str(label): value for value, label in HomeStatus.choices if value} | {
        v: v for v in HomeStatus.values if v
    }
    today = timezone.localdate()
    result = ImportResult(rows=len(rows))
    good: list[dict[str, Any]] = []
    for n, cells in rows:
        data, errs = _check_row(cells, cols, root=org, orgs=orgs, kinds=kinds, homes=homes, today=today)
        result.errors.extend(RowError(n, c, m) for c, m in errs)
        if data is not None:
            good.append(data)
        if len(result.errors) >= MAX_ERRORS:
            break
    if result.errors or not good:
        if not good and not result.errors:
            raise ApplicationError(_("表格中没有活动记录。"), code="empty")
        return result
    with transaction.atomic():
        acts = [Activity(source=ActivitySource.IMPORT, created_by=user_or_none(user), **scope_of(d.pop("org")), **d)
                for d in good]  # fmt: skip
        Activity.objects.bulk_create(acts, batch_size=500)
        audit_record(user=user_or_none(user), action="worklife.activity.import", obj=org, org_path=org.path,
                     changes={"rows": len(acts)})  # fmt: skip
        for a in acts:
            hooks.changed("activity", a.org, a)
    result.created = len(acts)
    return result


def import_upload(*, user: Any, org: Org, upload: Any) -> ImportResult:
    """The same from an uploaded file (kept in a temporary file only while it is read)."""
    if upload is None or not getattr(upload, "size", 0):
        raise ApplicationError(_("请选择文件。"), code="required", details={"field": "upload"})
    if upload.size > 20 * 1024 * 1024:
        raise ApplicationError(_("文件超过 20 MB。"), code="too_large", details={"field": "upload"})
    fd, tmp = tempfile.mkstemp(suffix=".upload")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        return import_activities(user=user, org=org, path=tmp)
    finally:
        os.unlink(tmp)
