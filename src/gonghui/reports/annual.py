"""The annual report (统计年报): a county's figures at 30 September of a statistical year, by the
units directly under it, as a page, xlsx, PDF and `gonghui annual --json`.

Figures are each unit's own figures on that day (reports/yearend.py) summed over the subtree of
each row. The rows partition the subtree: one per unit directly under the org, and one for what
the org holds itself (employers surveyed by it that have no union, members of its own), so the
totals row is the sum of the rows. Every rate is its numerator over its denominator, both counted
over the same set; a rate whose denominator is 0 is given as 0.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter as Tally
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.sheets import safe_cell
from gonghui.orgs.models import Org
from gonghui.reports import yearend
from gonghui.reports.snapshots import FIRST_YEAR

STEP = Org.steplen
# rate, numerator, denominator (DOMAIN.md "Indicators")
RATES = (
    ("unionisation_rate", "employers_unionised", "employers_due"),
    ("membership_rate", "members", "employees"),
    ("migrant_membership_rate", "migrant_members", "migrant_workers"),
)
ROW_KEYS = (
    "employers_due", "employers_unionised", "unionisation_rate", "employees", "members", "membership_rate",
    "migrant_workers", "migrant_members", "migrant_membership_rate",
)  # fmt: skip


class YearError(ValueError):
    """A statistical year the report cannot be made for."""


class Pct(float):
    """A rate in a table: a number, shown as a percentage."""

    def __str__(self) -> str:
        return f"{self * 100:.1f}%"


def rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _row(figures: Tally[str]) -> dict[str, Any]:
    row: dict[str, Any] = {f: int(figures.get(f, 0)) for f in yearend.FIGURES}
    for name, num, den in RATES:
        row[name] = rate(row[num], row[den])
    return row


def years(today: dt.date | None = None) -> list[int]:
    """The statistical years a report can be made for, newest first."""
    last = yearend.last_completed_year(today or timezone.localdate())
    return list(range(last, FIRST_YEAR - 1, -1))


def parse_year(value: Any, today: dt.date | None = None) -> int:
    """`value` (None, a string or an int) as a completed statistical year; YearError if it is not one."""
    allowed = years(today)
    if value is None or value == "":
        return allowed[0]
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise YearError(_("统计年度无效：%(v)s") % {"v": str(value)[:20]}) from None
    if year not in allowed:
        raise YearError(
            _("统计年度须在 %(a)s 至 %(b)s 之间（统计年度截至当年9月30日，已结束的年度才能出年报）")
            % {"a": allowed[-1], "b": allowed[0]}
        )
    return year


def report(org: Org, year: int | str | None = None, *, today: dt.date | None = None) -> dict[str, Any]:
    """The report's figures: rows (each with "org": code and name), total, groups, dates."""
    year = parse_year(year, today)
    on = yearend.as_of(year)
    path, units, kept = yearend.units_at(org, on)
    children: dict[str, Tally[str]] = {}
    direct: Tally[str] = Tally()
    for p in sorted(units):
        if len(p) == len(path) + STEP:
            children[p] = Tally()
    for p, u in units.items():
        target = children.get(p[: len(path) + STEP]) if len(p) > len(path) else None
        (target if target is not None else direct).update(u.figures)
    rows = []
    for p, figs in children.items():
        u = units[p]
        rows.append({"org": {"code": u.code, "name": u.name}, **_row(figs)})
    if any(direct.values()) or not children:
        name = org.short_name or org.name
        label = name if not children else _("%(org)s本级（直属单位及会员）") % {"org": name}
        rows.append({"org": {"code": org.code, "name": label}, **_row(direct)})
    total: Tally[str] = Tally()
    for r in rows:
        total.update({f: r[f] for f in yearend.FIGURES})
    return {
        "org": org,
        "year": year,
        "as_of": on,
        "from_snapshot": kept,
        "rows": rows if units else [],
        "total": _row(total),
        "groups": _groups(org, on),
    }


def as_json(rep: dict[str, Any]) -> dict[str, Any]:
    """The report as `gonghui annual --json` prints it."""
    return {
        "year": rep["year"],
        "as_of": rep["as_of"].isoformat(),
        "rows": [{"org": r["org"], **{k: r[k] for k in ROW_KEYS}} for r in rep["rows"]],
        "total": {k: rep["total"][k] for k in ROW_KEYS},
    }


def _groups(org: Org, on: dt.date) -> list[dict[str, Any]]:
    """Members of each new-employment group that day (the person's group as recorded now)."""
    from django.db.models import Count, Q

    from gonghui.members.models import Membership
    from gonghui.reports.selectors import _group_rows

    counts = (
        Membership.objects.filter(org_path__startswith=org.path, joined_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .exclude(person__new_employment_group="")
        .order_by()
        .values_list("person__new_employment_group")
        .annotate(n=Count("id"))
    )
    return _group_rows(dict(counts))


def tables(rep: dict[str, Any]) -> list[dict[str, Any]]:
    org_head = [_("单位"), _("基层工会"), _("用人单位"), _("应建会单位"), _("其中已建会"), _("建会率")]
    mem_head = [_("单位"), _("已建会单位职工"), _("会员"), _("其中女会员"), _("入会率"), _("已建会单位农民工"),
                _("农民工会员"), _("农民工入会率")]  # fmt: skip

    def org_row(name: str, r: dict[str, Any]) -> list[Any]:
        return [name, r["base_unions"], r["employers"], r["employers_due"], r["employers_unionised"],
                Pct(r["unionisation_rate"])]  # fmt: skip

    def mem_row(name: str, r: dict[str, Any]) -> list[Any]:
        return [name, r["employees"], r["members"], r["female_members"], Pct(r["membership_rate"]),
                r["migrant_workers"], r["migrant_members"], Pct(r["migrant_membership_rate"])]  # fmt: skip

    rows, total, groups = rep["rows"], rep["total"], rep["groups"]
    return [
        {"title": _("表一 工会组织与建会情况"), "head": org_head,
         "rows": [org_row(r["org"]["name"], r) for r in rows] + [org_row(_("合计"), total)]},
        {"title": _("表二 会员情况"), "head": mem_head,
         "rows": [mem_row(r["org"]["name"], r) for r in rows] + [mem_row(_("合计"), total)]},
        {"title": _("表三 新就业形态劳动者入会情况"), "head": [_("群体"), _("会员")],
         "rows": [[g["name"], g["members"]] for g in groups] + [[_("合计"), sum(g["members"] for g in groups)]]},
    ]  # fmt: skip


def report_title(rep: dict[str, Any]) -> str:
    on = rep["as_of"]
    return _("%(org)s 工会组织和会员情况年报（%(y)s 统计年度，截至 %(d)s）") % {
        "org": rep["org"].name,
        "y": rep["year"],
        "d": f"{on.year}年{on.month}月{on.day}日",
    }


def notes(rep: dict[str, Any]) -> list[str]:
    from django.conf import settings

    from gonghui.worklife.stats import annual_lines

    return [
        _("建会率 = 应建会单位中已建会的单位数 ÷ 应建会单位数（应建会单位：截至当日已摸底、正常经营、职工 %(n)s 人以上）；"
          "入会率 = 会员数 ÷ 已建会单位职工数；农民工入会率 = 农民工会员数 ÷ 已建会单位农民工数。分母为 0 时比率记为 0。")
        % {"n": settings.GONGHUI_COVERAGE_MIN_EMPLOYEES},
        _("数字为截至 %(d)s 的时点数（用人单位按当日以前最近一次摸底，会员按会籍起止日期），合计等于各行之和。")
        % {"d": rep["as_of"].isoformat()},
        *annual_lines(rep),  # the working life (worklife/stats.py, issue 14)
    ]  # fmt: skip


def as_xlsx(rep: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    bold = wb.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1, "text_wrap": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    pct = wb.add_format({"num_format": "0.0%"})
    for table in tables(rep):
        ws = wb.add_worksheet(table["title"].replace(" ", "")[:31])
        ws.write_string(0, 0, report_title(rep), title)
        ws.write_string(1, 0, table["title"], title)
        for c, h in enumerate(table["head"]):
            ws.write_string(3, c, h, bold)
            ws.set_column(c, c, 22 if c == 0 else 12)
        r = 4
        for r, row in enumerate(table["rows"], start=4):
            for c, v in enumerate(row):
                if isinstance(v, Pct):
                    ws.write_number(r, c, float(v), pct)
                elif isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(safe_cell(str(v))))
        for i, note in enumerate(notes(rep), start=r + 2):
            ws.write_string(i, 0, note)
        ws.freeze_panes(4, 1)
    wb.close()
    return buf.getvalue()


def as_pdf(rep: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    from gonghui.core.pdf import font_name, para

    font = font_name()
    buf = io.BytesIO()
    title = report_title(rep)
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=title)  # fmt: skip
    h1 = ParagraphStyle("h1", fontName=font, fontSize=14, leading=20, spaceAfter=6, wordWrap="CJK")
    h2 = ParagraphStyle(
        "h2", fontName=font, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4, wordWrap="CJK"
    )
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    num = ParagraphStyle("num", parent=cell, alignment=2)  # figures right-aligned
    story: list[Any] = [para(title, h1)]
    for table in tables(rep):
        story.append(para(table["title"], h2))
        data: list[Sequence[Any]] = [[para(h, cell) for h in table["head"]]]
        data += [[para(v, num if i else cell) for i, v in enumerate(row)] for row in table["rows"]]
        first = 60 * mm
        other = (doc.width - first) / max(1, len(table["head"]) - 1)
        t = Table(data, colWidths=[first] + [other] * (len(table["head"]) - 1), repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.94, 0.95, 0.96)),
            ("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.99, 0.93, 0.93)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))  # fmt: skip
        story += [t, Spacer(1, 4 * mm)]
    for note in notes(rep):
        story.append(para(note, cell))
    story.append(
        para(
            _("数据来源：gonghui 会员实名制数据库，生成于 %(t)s。")
            % {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
            cell,
        )
    )
    doc.build(story)
    return buf.getvalue()
