"""The briefing (通报) of a campaign at one unit: its units with target, done, completion, rank,
the ones behind time progress marked, a bar chart, and the open supervision findings.
As PDF (reportlab, CJK font from core.pdf) and as xlsx (xlsxwriter, with a native chart).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from django.utils import timezone
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from gonghui.campaigns.models import Measure
from gonghui.campaigns.selectors import Board, Unit
from gonghui.core import pdf
from gonghui.core.sheets import safe_cell

RED = Color(0.78, 0.09, 0.11)
BLUE = Color(0.2, 0.45, 0.75)
GREY = Color(0.4, 0.42, 0.46)
LIGHT = Color(0.94, 0.95, 0.96)

HEADERS = [
    "排名",
    "单位",
    "组织代码",
    "基数",
    "目标任务",
    "已完成",
    "完成率(%)",
    "序时进度(%)",
    "落后",
    "新会员实名登记率(%)",
    "工作组",
]


def _ordered(units: Sequence[Unit]) -> list[Unit]:
    return sorted(units, key=lambda u: (u.rank is None, u.rank or 0, u.org.path))


def rows(b: Board) -> list[list[Any]]:
    out = []
    for u in _ordered(b.children):
        out.append([
            u.rank, u.org.name, u.org.code, u.baseline, u.target, u.done, u.pct, b.time_pct, "落后" if u.behind else "",
            u.realname_pct, u.group.name if u.group else "",
        ])  # fmt: skip
    return out


def _summary(b: Board) -> str:
    c, r = b.campaign, b.root
    terms = []
    if c.growth_rate is not None:
        terms.append(f"增长 {c.growth_rate.normalize():f}%")
    if c.net_minimum is not None:
        terms.append(f"净增不少于 {c.net_minimum:,}")
    unit_word = "个" if c.measure == Measure.UNIONS else "名"
    text = (
        f"{c.name}目标任务 {c.target_net:,}{unit_word}（基数 {c.baseline:,}，{'、'.join(terms)}，取其大者）。"
        f"截至 {b.until:%Y年%m月%d日}，{r.org.name}目标任务 {r.target if r.target is not None else '—'}，"
        f"已完成 {r.done:,}，完成率 {r.pct if r.pct is not None else '—'}%，序时进度 {b.time_pct}%。"
    )
    behind = [u for u in b.children if u.behind]
    if behind:
        names = "、".join(u.org.short_name or u.org.name for u in sorted(behind, key=lambda u: -u.gap))
        text += f"完成率低于序时进度 {c.behind_margin.normalize():f} 个百分点以上的单位 {len(behind)} 个：{names}。"
    elif b.children:
        text += "各单位均未落后于序时进度。"
    if r.realname_pct is not None:
        text += f"新入会会员实名登记完整率 {r.realname_pct}%。"
    return text


def _chart(b: Board, width: float, font: str) -> Drawing | None:
    units = [u for u in b.children if u.target]
    if not units:
        return None
    height = 210
    d = Drawing(width, height)
    bc = VerticalBarChart()
    bc.x, bc.y, bc.width, bc.height = 32, 62, width - 44, height - 82
    values = [float(u.pct or 0) for u in units]
    top = max(100.0, max(values), b.time_pct)
    top = (int(top / 20) + 1) * 20
    bottom = min(0, math.floor(min(values) / 20) * 20)  # a unit that shrank has a negative completion
    bc.data = [values]
    bc.valueAxis.valueMin, bc.valueAxis.valueMax, bc.valueAxis.valueStep = bottom, top, 20
    bc.valueAxis.labels.fontName, bc.valueAxis.labels.fontSize = font, 7
    bc.valueAxis.labelTextFormat = "%d%%"
    bc.categoryAxis.categoryNames = [(u.org.short_name or u.org.name)[:8] for u in units]
    bc.categoryAxis.labels.fontName, bc.categoryAxis.labels.fontSize = font, 6.5 if len(units) > 20 else 8
    bc.categoryAxis.labels.angle = 90 if len(units) > 8 else 0
    bc.categoryAxis.labels.boxAnchor = "e" if len(units) > 8 else "n"
    bc.categoryAxis.labels.dy = -2
    bc.categoryAxis.joinAxisMode = "bottom"  # labels below the lowest bar, even a negative one
    bc.barWidth = 6
    bc.bars.strokeColor = None
    bc.bars[0].fillColor = BLUE
    for i, u in enumerate(units):
        if u.behind:
            bc.bars[(0, i)].fillColor = RED
    d.add(bc)
    y = bc.y + bc.height * (b.time_pct - bottom) / (top - bottom)
    line = Line(
        bc.x, y, bc.x + bc.width, y, strokeColor=Color(0.85, 0.55, 0), strokeWidth=1, strokeDashArray=[4, 2]
    )
    d.add(line)
    d.add(String(bc.x + 3, y + 3, f"序时进度 {b.time_pct}%", fontName=font, fontSize=7.5, textAnchor="start",
                 fillColor=Color(0.75, 0.45, 0)))  # fmt: skip
    d.add(
        String(
            bc.x,
            height - 10,
            "各单位完成率（红色：落后于序时进度）",
            fontName=font,
            fontSize=8.5,
            fillColor=GREY,
        )
    )
    return d


def briefing_pdf(b: Board, *, notes: Sequence[Any] = ()) -> bytes:
    font = pdf.font_name()
    buf = io.BytesIO()
    title = f"{b.campaign.name}进展情况通报"
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
                            title=title, author="gonghui", creator="gonghui")  # fmt: skip
    h1 = ParagraphStyle(
        "h1", fontName=font, fontSize=17, leading=23, alignment=1, textColor=RED, wordWrap="CJK"
    )
    sub = ParagraphStyle(
        "sub", fontName=font, fontSize=9.5, leading=13, alignment=1, textColor=GREY, wordWrap="CJK"
    )
    body = ParagraphStyle(
        "body", fontName=font, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK"
    )
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=18, spaceBefore=6, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    story: list[Any] = [
        pdf.para(title, h1),
        pdf.para(
            f"{b.root.org.name} · 截至 {b.until:%Y-%m-%d} · 行动期限 {b.campaign.starts_on:%Y-%m-%d} 至 {b.campaign.ends_on:%Y-%m-%d}",
            sub,
        ),
        Spacer(1, 5 * mm),
        pdf.para(_summary(b), body),
        Spacer(1, 3 * mm),
    ]
    chart = _chart(b, doc.width, font)
    if chart is not None:
        story += [chart, Spacer(1, 2 * mm)]
    if b.children:
        story.append(pdf.para("各单位完成情况", h2))
        head = ["排名", "单位", "目标任务", "已完成", "完成率", "实名登记率", "情况"]
        data: list[list[Any]] = [head]
        style = [
            ("FONT", (0, 0), (-1, -1), font, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
            ("GRID", (0, 0), (-1, -1), 0.4, Color(0.8, 0.82, 0.85)),
            ("ALIGN", (2, 1), (5, -1), "RIGHT"),
            ("ALIGN", (0, 0), (0, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        for i, u in enumerate(_ordered(b.children), start=1):
            data.append([
                u.rank or "—", pdf.para(u.org.name, cell), u.target if u.target is not None else "—", f"{u.done:,}",
                f"{u.pct}%" if u.pct is not None else "—", f"{u.realname_pct}%" if u.realname_pct is not None else "—",
                "落后" if u.behind else ("已完成" if u.target and u.done >= u.target else ""),
            ])  # fmt: skip
            if u.behind:
                style += [
                    ("TEXTCOLOR", (0, i), (-1, i), RED),
                    ("BACKGROUND", (6, i), (6, i), Color(1, 0.92, 0.91)),
                ]
        t = Table(data, colWidths=[12 * mm, None, 20 * mm, 18 * mm, 18 * mm, 20 * mm, 16 * mm], repeatRows=1)
        t.setStyle(TableStyle(style))
        story.append(t)
    open_notes = [n for n in notes if not n.done]
    if notes:
        story.append(pdf.para("督促检查情况", h2))
        story.append(
            pdf.para(
                f"本期共开展督促检查 {len(notes)} 次，已整改 {len(notes) - len(open_notes)} 项，待整改 {len(open_notes)} 项。",
                body,
            )
        )
        for n in open_notes[:15]:
            text = f"{n.org.name}（{n.on:%m月%d日}，{n.get_kind_display()}）：{n.findings}"
            if n.follow_up:
                text += f" 整改要求：{n.follow_up}"
            if n.due_on:
                text += f"（{n.due_on:%m月%d日}前）"
            story.append(
                pdf.para(
                    text,
                    ParagraphStyle(
                        "note", parent=body, fontSize=9.5, leading=14, firstLineIndent=0, leftIndent=8
                    ),
                )
            )
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def footer(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(
            doc_.leftMargin, 9 * mm, f"{b.root.org.name} · 工会组建与会员实名制管理 生成于 {generated}"
        )
        canvas.drawRightString(A4[0] - doc_.rightMargin, 9 * mm, f"第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def briefing_xlsx(b: Board) -> bytes:
    """The same table with a native column chart. Text cells are escaped against formula
    injection (core.sheets.safe_cell)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("通报")
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#9E1016"})
    head = wb.add_format({"bold": True, "bg_color": "#F0F2F4", "border": 1})
    plain = wb.add_format({"border": 1})
    late = wb.add_format({"border": 1, "font_color": "#CF222E", "bg_color": "#FFEBE9"})
    ws.write_string(0, 0, str(safe_cell(f"{b.campaign.name}进展情况通报")), title)
    ws.write_string(1, 0, str(safe_cell(_summary(b))))
    ws.write_string(
        2, 0, str(safe_cell(f"{b.root.org.name} · 截至 {b.until:%Y-%m-%d} · 序时进度 {b.time_pct}%"))
    )
    first = 4
    for col, h in enumerate(HEADERS):
        ws.write_string(first, col, h, head)
    widths = [6, 36, 14, 10, 10, 10, 10, 12, 6, 18, 14]
    for col, w in enumerate(widths):
        ws.set_column(col, col, w)
    data = rows(b)
    for r, row in enumerate(data, start=first + 1):
        fmt = late if row[8] else plain
        for col, v in enumerate(row):
            if v is None or v == "":
                ws.write_blank(r, col, None, fmt)
            elif isinstance(v, int | float):
                ws.write_number(r, col, v, fmt)
            else:
                ws.write_string(r, col, str(safe_cell(str(v))), fmt)
    if data:
        last = first + len(data)
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": "完成率(%)", "categories": ["通报", first + 1, 1, last, 1], "values": ["通报", first + 1, 6, last, 6],
                          "fill": {"color": "#336FBF"}})  # fmt: skip
        line = wb.add_chart({"type": "line"})
        line.add_series({"name": "序时进度(%)", "categories": ["通报", first + 1, 1, last, 1], "values": ["通报", first + 1, 7, last, 7],
                         "line": {"color": "#D98C00", "dash_type": "dash"}})  # fmt: skip
        chart.combine(line)
        chart.set_title({"name": "各单位完成率与序时进度"})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 960, "height": 360})
        ws.insert_chart(last + 2, 1, chart)
    ws.freeze_panes(first + 1, 0)
    wb.close()
    return buf.getvalue()
