"""The annual report: the tables a county federation fills for the ACFTU survey (基层工会 and
基层以上 forms), by child unit, as xlsx and PDF. Figures come from the maintained counters."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.sheets import safe_cell
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import subtree_stats
from gonghui.reports.periods import statistical_year
from gonghui.reports.selectors import children_figures, new_employment_groups


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def tables(org: Org) -> list[dict[str, Any]]:
    total = subtree_stats(org)
    children = children_figures(org)
    org_head = [_("单位"), _("工会组织"), _("乡镇(街道)"), _("系统"), _("产业(行业)"), _("园区"), _("基层工会(独立)"),
                _("联合基层工会"), _("新就业形态工会"), _("用人单位"), _("已建会单位"), _("应建会单位"), _("建会率")]  # fmt: skip
    mem_head = [_("单位"), _("会员"), _("女会员"), _("农民工会员"), _("新就业形态会员"), _("保留会籍"), _("持证会员"),
                _("已建会单位职工"), _("入会率"), _("农民工入会率")]  # fmt: skip

    def org_row(name: str, c: dict[str, Any]) -> list[Any]:
        return [name, c["orgs"], c["township_unions"], c["system_unions"], c["industry_unions"], c["park_unions"],
                c["grassroots"], c["joint_grassroots"], c["new_employment_unions"], c["employers"],
                c["unionised_employers"], c["coverage_denominator"], _pct(c["unionisation_rate"])]  # fmt: skip

    def mem_row(name: str, c: dict[str, Any]) -> list[Any]:
        return [name, c["members"], c["female_members"], c["migrant_members"], c["new_employment_members"],
                c["retained_members"], c["cards"], c["unionised_employees"], _pct(c["membership_rate"]),
                _pct(c["migrant_membership_rate"])]  # fmt: skip

    t = dict(total)
    t.update({"park_unions": total["orgs_by_kind"]["park_union"], "grassroots": total["orgs_by_kind"]["grassroots"],
              "joint_grassroots": total["orgs_by_kind"]["joint_grassroots"], "new_employment_unions": total["orgs_by_kind"]["new_employment"],
              "unionised_employees": total["unionised_employees"]})  # fmt: skip
    groups = new_employment_groups(org)
    return [
        {"title": _("表一 工会组织与建会情况"), "head": org_head,
         "rows": [org_row(c["name"], c) for c in children] + [org_row(_("合计"), t)]},
        {"title": _("表二 会员情况"), "head": mem_head,
         "rows": [mem_row(c["name"], c) for c in children] + [mem_row(_("合计"), t)]},
        {"title": _("表三 新就业形态劳动者入会情况"), "head": [_("群体"), _("会员")],
         "rows": [[g["name"], g["members"]] for g in groups] + [[_("合计"), sum(g["members"] for g in groups)]]},
    ]  # fmt: skip


def report_title(org: Org) -> str:
    start, end = statistical_year(timezone.localdate())
    return _("%(org)s 工会组织和会员情况年报（统计年度 %(a)s 至 %(b)s）") % {
        "org": org.name,
        "a": start,
        "b": end,
    }


def as_xlsx(org: Org) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    bold = wb.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1, "text_wrap": True})
    title = wb.add_format({"bold": True, "font_size": 13})
    for table in tables(org):
        ws = wb.add_worksheet(table["title"][:31].replace(" ", "")[:31])
        ws.write_string(0, 0, report_title(org), title)
        ws.write_string(1, 0, table["title"], title)
        for c, h in enumerate(table["head"]):
            ws.write_string(3, c, h, bold)
            ws.set_column(c, c, 22 if c == 0 else 12)
        for r, row in enumerate(table["rows"], start=4):
            for c, v in enumerate(row):
                if isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(safe_cell(str(v))))
        ws.freeze_panes(4, 1)
    wb.close()
    return buf.getvalue()


def as_pdf(org: Org) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gonghui.core.pdf import font_name

    font = font_name()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=report_title(org))  # fmt: skip
    h1 = ParagraphStyle("h1", fontName=font, fontSize=14, leading=20, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=11, leading=16, spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5)
    story: list[Any] = [Paragraph(report_title(org), h1)]
    for table in tables(org):
        story.append(Paragraph(table["title"], h2))
        data: list[Sequence[Any]] = [[Paragraph(str(h), cell) for h in table["head"]]]
        data += [[Paragraph(str(v), cell) for v in row] for row in table["rows"]]
        first = 48 * mm
        other = (doc.width - first) / max(1, len(table["head"]) - 1)
        t = Table(data, colWidths=[first] + [other] * (len(table["head"]) - 1), repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.94, 0.95, 0.96)),
            ("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.99, 0.93, 0.93)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))  # fmt: skip
        story += [t, Spacer(1, 4 * mm)]
    story.append(
        Paragraph(
            _("数据来源：gonghui 会员实名制数据库，生成于 %(t)s。口径说明见系统帮助。")
            % {"t": f"{timezone.localtime():%Y-%m-%d %H:%M}"},
            cell,
        )
    )
    doc.build(story)
    return buf.getvalue()
