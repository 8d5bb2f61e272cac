"""Printed documents: the 催缴函 (reminder to an employer in arrears, 工会法 arts. 43–44) and a
union's yearly statement. User text enters a paragraph only through `pdf.para`."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from gonghui.core import pdf
from gonghui.finance import conf, rules
from gonghui.finance.selectors import EmployerFunds
from gonghui.orgs.models import Org


def _styles() -> dict[str, ParagraphStyle]:
    f = pdf.font_name()
    return {
        "title": ParagraphStyle(
            "t", fontName=f, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm
        ),
        "no": ParagraphStyle(
            "no", fontName=f, fontSize=10.5, leading=16, alignment=TA_CENTER, spaceAfter=6 * mm
        ),
        "body": ParagraphStyle("b", fontName=f, fontSize=12, leading=22, firstLineIndent=24),
        "plain": ParagraphStyle("p", fontName=f, fontSize=12, leading=22),
        "right": ParagraphStyle("r", fontName=f, fontSize=12, leading=22, alignment=TA_RIGHT),
        "cell": ParagraphStyle("c", fontName=f, fontSize=10, leading=14),
        "small": ParagraphStyle("s", fontName=f, fontSize=9, leading=13, textColor=colors.grey),
    }


def _table(
    rows: list[list[object]],
    widths: list[float],
    *,
    header: bool = True,
    bold_last: bool = False,
    numbers_from: int = -1,
) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), pdf.font_name()),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numbers_from, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    if bold_last:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f5f5f5")))
    t.setStyle(TableStyle(style))
    return t


def _plain_row(cells: list[object], widths: list[float]) -> Table:
    """One row laid out in columns, without lines (a heading's left and right parts, signatures)."""
    t = Table([cells], colWidths=widths)
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def reminder_letter(row: EmployerFunds, *, issuer: Org, on: dt.date, letter_no: str) -> bytes:
    """催缴函: what the employer owes, since when, the law, and what follows if it does not pay."""
    s = _styles()
    r = conf.rules()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                            bottomMargin=25 * mm, title="工会经费催缴函", author=issuer.name)  # fmt: skip
    what = "工会筹备金" if row.is_prep else "工会经费"
    since = f"{row.oldest_unpaid.year}年{row.oldest_unpaid.month}月" if row.oldest_unpaid else ""
    how = (
        "由税务机关代收，请按期向主管税务机关申报缴纳"
        if r.collector == "tax"
        else f"请直接拨缴至{row.home}账户"
    )
    story = [
        pdf.para("工会经费催缴函", s["title"]),
        pdf.para(letter_no, s["no"]),
        pdf.para(f"{row.employer.name}：", s["plain"]),
        pdf.para(
            (
                f"根据《中华人民共和国工会法》第四十三条，建立工会组织的用人单位应按每月全部职工工资总额的"
                f"{float(r.funds_rate * 100):g}%向工会拨缴经费。"
                if not row.is_prep
                else f"根据《中华人民共和国工会法》第四十三条和本省工会经费收缴规定，尚未建立工会的用人单位应按全部职工工资总额的"
                f"{float(r.funds_rate * 100):g}%缴纳工会筹备金。"
            )  # fmt: skip
            + f"经核对，截至{_date(on)}，贵单位自{since}起"
            f"应缴未缴{what}共计人民币 {rules.yuan(row.balance_fen)} 元（应缴 {rules.yuan(row.due_fen)} 元，"
            f"已缴 {rules.yuan(row.paid_fen)} 元），已逾期 {row.age_days} 天。",
            s["body"],
        ),
        pdf.para(
            f"请贵单位自收到本函之日起十五日内足额缴纳，{how}。如有异议，请在上述期限内与我会联系核对。",
            s["body"],
        ),
        pdf.para(
            "根据《中华人民共和国工会法》第四十四条，企业、事业单位、社会组织拖延或者拒不拨缴工会经费的，"
            "基层工会或者上级工会可以向当地人民法院申请支付令；拒不执行支付令的，工会可以依法申请人民法院强制执行。",
            s["body"],
        ),
        Spacer(1, 6 * mm),
        _table(
            [
                ["单位名称", "应缴金额（元）", "已缴金额（元）", "欠缴金额（元）"],
                [
                    pdf.para(row.employer.name, s["cell"]),
                    rules.yuan(row.due_fen),
                    rules.yuan(row.paid_fen),
                    rules.yuan(row.balance_fen),
                ],
            ],
            [60 * mm, 32 * mm, 32 * mm, 32 * mm],
            numbers_from=1,
        ),  # fmt: skip
        Spacer(1, 18 * mm),
        pdf.para(issuer.name, s["right"]),
        pdf.para(_date(on), s["right"]),
        Spacer(1, 10 * mm),
        pdf.para("（本函一式两份，一份送达用人单位，一份存档。）", s["small"]),
    ]
    doc.build(story)
    return buf.getvalue()


def yearly_statement(st: dict[str, object], *, printed_on: dt.date) -> bytes:
    """A union's yearly income and spending by head (工会会计制度's main heads), with the balance."""
    s = _styles()
    org = st["org"]
    assert isinstance(org, Org)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=f"{st['year']}年度收支情况表", author=org.name)  # fmt: skip

    def block(title: str, items: object, total: int) -> Table:
        rows: list[list[object]] = [["科目编码", "科目名称", "金额（元）"]]
        rows += [[c, n, rules.yuan(v)] for c, n, v in items]  # type: ignore[attr-defined]
        rows.append(["", f"{title}合计", rules.yuan(total)])  # shaded by bold_last
        return _table(rows, [28 * mm, 90 * mm, 48 * mm], bold_last=True)

    story = [
        pdf.para(f"{st['year']}年度工会收支情况表", s["title"]),
        _plain_row(
            [pdf.para(f"编制单位：{org.name}", s["plain"]), pdf.para("单位：元", s["right"])],
            [120 * mm, 46 * mm],
        ),
        Spacer(1, 3 * mm),
        pdf.para("一、收入", s["plain"]),
        block("收入", st["income"], int(st["income_total"])),  # type: ignore[call-overload]
        Spacer(1, 5 * mm),
        pdf.para("二、支出", s["plain"]),
        block("支出", st["spending"], int(st["spending_total"])),  # type: ignore[call-overload]
        Spacer(1, 5 * mm),
        _table([["本年收支结余（元）", rules.yuan(int(st["balance"]))]], [118 * mm, 48 * mm], header=False),  # type: ignore[call-overload]
        Spacer(1, 8 * mm),
        pdf.para(
            f"说明：科目名称依《工会会计制度》主要收支科目，编码为本系统编码；本表依本会收支登记汇总，不代替会计账簿和决算报表。"
            f"打印日期：{_date(printed_on)}。",
            s["small"],
        ),
        Spacer(1, 12 * mm),
        _plain_row(
            [pdf.para(t, s["plain"]) for t in ("单位负责人：", "财务负责人：", "经审会主任：", "制表：")],
            [42 * mm] * 4,
        ),
    ]
    doc.build(story)
    return buf.getvalue()
