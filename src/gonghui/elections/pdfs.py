"""Printed documents of formation and election: 请示, 名册, 批复 and the 选举结果报告 (reportlab).

ID numbers appear masked only: these files are filed under MEDIA_ROOT, which is not encrypted.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from gonghui.core import pdf

RED = Color(0.8, 0.08, 0.1)
GREY = Color(0.4, 0.42, 0.46)
LIGHT = Color(0.94, 0.95, 0.96)
W, H = A4
LEFT, RIGHT, TOP, BOTTOM = 25 * mm, W - 25 * mm, H - 25 * mm, 22 * mm

NUMERALS = "〇一二三四五六七八九"


def cn_date(d: dt.date) -> str:
    """2026年11月21日 in the style of official documents (二〇二六年十一月二十一日)."""

    def small(n: int) -> str:
        if n < 10:
            return NUMERALS[n]
        tens, ones = divmod(n, 10)
        return ("十" if tens == 1 else NUMERALS[tens] + "十") + (NUMERALS[ones] if ones else "")

    return "".join(NUMERALS[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break CJK text into lines by measured width (any character may end a line, except that
    closing punctuation is kept off the start of a line)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for ch in para:
            if pdf.text_width(line + ch, size) > width and line:
                if ch in "，。、；：！？）》」』”’":
                    line += ch
                    continue
                lines.append(line)
                line = ch
            else:
                line += ch
        lines.append(line)
    return lines


@dataclass
class Doc:
    c: Canvas
    y: float = TOP
    page: int = 1

    @property
    def font(self) -> str:
        return pdf.font_name()

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = TOP

    def footer(self) -> None:
        self.c.setFont(self.font, 8)
        self.c.setFillColor(GREY)
        self.c.drawCentredString(W / 2, 12 * mm, f"— {self.page} —")
        self.c.setFillColor(black)

    def title(self, text: str, size: float = 18) -> None:
        for line in wrap(text, size, RIGHT - LEFT):
            self.need(size * 1.6)
            self.c.setFont(self.font, size)
            self.c.drawCentredString(W / 2, self.y - size, line)
            self.y -= size * 1.6
        self.y -= 4 * mm

    def para(self, text: str, size: float = 12, indent: bool = True, leading: float = 1.75) -> None:
        text = ("\u3000\u3000" if indent else "") + text
        for line in wrap(text, size, RIGHT - LEFT):
            self.need(size * leading)
            self.c.setFont(self.font, size)
            self.c.drawString(LEFT, self.y - size, line)
            self.y -= size * leading

    def right(self, text: str, size: float = 12) -> None:
        self.need(size * 1.8)
        self.c.setFont(self.font, size)
        self.c.drawRightString(RIGHT, self.y - size, text)
        self.y -= size * 1.8

    def gap(self, h: float) -> None:
        self.y -= h

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths: Sequence[float],
        size: float = 9.5,
    ) -> None:
        """A ruled table; the header repeats on every page."""
        row_h = size * 2.1
        total = sum(widths)
        scale = (RIGHT - LEFT) / total
        ws = [w * scale for w in widths]

        def draw_row(cells: Sequence[str], head: bool) -> None:
            x = LEFT
            if head:
                self.c.setFillColor(LIGHT)
                self.c.rect(LEFT, self.y - row_h, RIGHT - LEFT, row_h, stroke=0, fill=1)
                self.c.setFillColor(black)
            self.c.setLineWidth(0.5)
            self.c.rect(LEFT, self.y - row_h, RIGHT - LEFT, row_h, stroke=1, fill=0)
            for cell, w in zip(cells, ws, strict=True):
                self.c.line(x, self.y - row_h, x, self.y)
                fs = pdf.fit_size(str(cell), size, w - 3 * mm)
                self.c.setFont(self.font, fs)
                self.c.drawString(x + 1.5 * mm, self.y - row_h + (row_h - fs) / 2 + 1, str(cell))
                x += w
            self.y -= row_h

        self.need(row_h * 2)
        draw_row(headers, True)
        for row in rows:
            if self.y - row_h < BOTTOM:
                self.need(row_h * 2)
                draw_row(headers, True)
            draw_row(row, False)
        self.y -= 3 * mm

    def finish(self) -> None:
        self.footer()
        self.c.save()


def _new(title: str) -> tuple[io.BytesIO, Doc]:
    buf = io.BytesIO()
    c = pdf.new_canvas(buf, A4, title=title)
    return buf, Doc(c)


SIGNATURE_HEIGHT = 48 * mm


def _closing(d: Doc, text: str, size: float = 12) -> None:
    """The closing line kept on one page with the signature block below it: a signature never
    stands alone on a page (issue 18)."""
    lines = len(wrap("\u3000\u3000" + text, size, RIGHT - LEFT))
    d.need(lines * size * 1.75 + SIGNATURE_HEIGHT)
    d.para(text, size)


def _signature(d: Doc, *, issuer: str, on: dt.date, seal: bool) -> None:
    d.need(SIGNATURE_HEIGHT)
    d.gap(14 * mm)
    cx = RIGHT - 30 * mm
    if seal:
        pdf.draw_seal(d.c, cx, d.y - 8 * mm, 19 * mm, issuer)
    d.c.setFillColor(black)
    d.c.setFont(d.font, 12)
    d.c.drawCentredString(cx, d.y - 4 * mm, issuer)
    d.c.drawCentredString(cx, d.y - 12 * mm, cn_date(on))
    d.gap(30 * mm)


def request_pdf(
    *, name: str, to: str, body: Sequence[str], roster_count: int, on: dt.date, applicant: str,
) -> bytes:  # fmt: skip
    """请示: the founding group asks the upper union for permission to form the union."""
    title = f"关于成立{name}的请示"
    buf, d = _new(title)
    d.gap(10 * mm)
    d.title(title, 20)
    d.para(f"{to}：", indent=False)
    for p in body:
        d.para(p)
    d.para("特此请示，请予批复。")
    d.gap(4 * mm)
    _closing(d, f"附件：{name}创始会员名册（{roster_count} 人）")
    _signature(d, issuer=applicant, on=on, seal=False)
    d.finish()
    return buf.getvalue()


def roster_pdf(*, name: str, rows: Sequence[Sequence[str]], on: dt.date) -> bytes:
    """名册: the founding members, ID numbers masked."""
    title = f"{name}创始会员名册"
    buf, d = _new(title)
    d.title(title, 16)
    d.right(f"共 {len(rows)} 人　　{on:%Y年%m月%d日}", 10)
    d.table(["序号", "姓名", "性别", "公民身份号码", "工作单位", "来源"], [[str(i + 1), *r] for i, r in enumerate(rows)],
            [10, 22, 10, 42, 58, 16])  # fmt: skip
    d.para("注：身份证号码按规定遮蔽显示，完整号码以加密形式保存于系统中。", size=9, indent=False)
    d.finish()
    return buf.getvalue()


def approval_pdf(*, issuer: str, number: str, title: str, to: str, body: Sequence[str], on: dt.date) -> bytes:
    """批复: the upper union's written approval, red-headed, numbered and sealed."""
    buf, d = _new(title)
    c = d.c
    c.setFillColor(RED)
    head = f"{issuer}文件"
    size = pdf.fit_size(head, 30, RIGHT - LEFT)
    c.setFont(d.font, size)
    c.drawCentredString(W / 2, d.y - 16 * mm, head)
    d.y -= 26 * mm
    c.setFillColor(black)
    c.setFont(d.font, 12)
    c.drawCentredString(W / 2, d.y, number)
    d.y -= 5 * mm
    c.setStrokeColor(RED)
    c.setLineWidth(1.6)
    c.line(LEFT, d.y, RIGHT, d.y)
    c.setStrokeColor(black)
    d.y -= 12 * mm
    d.title(title, 18)
    d.para(f"{to}：", indent=False)
    for p in body:
        d.para(p)
    _closing(d, "此复。")
    _signature(d, issuer=issuer, on=on, seal=True)
    d.finish()
    return buf.getvalue()


@dataclass
class ReportPost:
    label: str
    seats: int
    rounds: list[
        tuple[int, int | None, int, list[tuple[str, int, bool]]]
    ]  # (number, ballots, needed, [(name, votes, elected)])
    elected: list[str]
    vacant: int


def results_report_pdf(
    *, org: str, term_number: int, meeting: str, on: dt.date, place: str, members: int, due: int, present: int,
    quorum_text: str, majority_text: str, posts: Sequence[ReportPost], notes: Sequence[str],
) -> bytes:  # fmt: skip
    """选举结果报告: the meeting, the turnout against the quorum, each post's rounds and who was
    elected, for the upper union's approval."""
    title = f"关于{org}第{term_number}届委员会选举结果的报告"
    buf, d = _new(title)
    d.title(title, 17)
    d.para(
        f"{org}于{on:%Y年%m月%d日}{('在' + place) if place else ''}召开{meeting}，进行第{term_number}届委员会选举。"
        f"现有会员 {members} 人，应到 {due} 人，实到 {present} 人，{quorum_text}。"
    )
    d.para(f"当选规则：{majority_text}。")
    for p in posts:
        d.gap(2 * mm)
        d.para(f"{p.label}（应选 {p.seats} 名）", size=12.5, indent=False)
        for number, ballots, needed, rows in p.rounds:
            caption = "第一轮" if number == 1 else f"第{number}轮（另行选举）"
            d.para(
                f"{caption}：收回选票 {ballots if ballots is not None else '—'} 张，当选需 {needed} 票以上。",
                size=10.5,
                indent=False,
            )
            d.table(
                ["候选人", "赞成票", "结果"],
                [[n, str(v), "当选" if e else "未当选"] for n, v, e in rows],
                [50, 25, 25],
                size=9.5,
            )
        line = "当选：" + ("、".join(p.elected) if p.elected else "无")
        if p.vacant:
            line += f"；空缺 {p.vacant} 名，不再另行选举"
        d.para(line, size=11, indent=False)
    for n in notes:
        d.para(n, size=10.5)
    _closing(d, "以上选举结果，请予审批。")
    _signature(d, issuer=org, on=on, seal=False)
    d.finish()
    return buf.getvalue()
