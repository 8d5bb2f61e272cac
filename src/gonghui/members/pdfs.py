"""Printed documents of the register: the 会员登记表, the card sheet, the join poster (reportlab).

The registration form shows the full ID number and phone only when the caller passes them (the
view does so for users holding the reveal right, and audits it); otherwise the masked forms.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from gonghui.core import pdf
from gonghui.members import codes
from gonghui.members.codes import Table
from gonghui.members.models import Application, Card

RED = Color(0.78, 0.09, 0.11)
GREY = Color(0.4, 0.42, 0.46)
LIGHT = Color(0.94, 0.95, 0.96)


def _yes(v: bool) -> str:
    return "是" if v else "否"


def registration_form_pdf(
    app: Application, *, federation: str, id_number: str = "", phone: str = ""
) -> bytes:
    """会员登记表 for one application; its number (登记表编号) is the electronic record's number."""
    font = pdf.font_name()
    buf = io.BytesIO()
    c = pdf.new_canvas(buf, A4, title=f"会员登记表 {app.form_no}")
    w, h = A4
    left, right = 20 * mm, w - 20 * mm
    y = h - 22 * mm
    c.setFont(font, 20)
    c.drawCentredString(w / 2, y, "工会会员入会申请登记表")
    y -= 9 * mm
    c.setFont(font, 10.5)
    c.drawString(left, y, f"工会：{app.org.name}")
    c.setFillColor(RED)
    c.setFont(font, 12)
    c.drawRightString(right, y, f"登记表编号：{app.form_no}")
    c.setFillColor(black)
    y -= 5 * mm

    rows: list[tuple[str, str, str, str]] = [
        ("姓名", app.name, "性别", app.get_gender_display()),
        ("出生日期", f"{app.birth_date:%Y年%m月%d日}", "民族", codes.label(Table.ETHNICITY, app.ethnicity)),
        ("公民身份号码", id_number or app.id_masked, "籍贯地址码", app.birthplace_code),
        ("手机号", phone or app.phone_masked, "政治面貌", codes.label(Table.POLITICAL, app.political_status)),
        (
            "学历",
            codes.label(Table.EDUCATION, app.education),
            "户籍类型",
            codes.label(Table.HUKOU, app.hukou_type),
        ),
        (
            "是否农民工",
            _yes(app.is_migrant),
            "就业状况",
            codes.label(Table.EMPLOYMENT, app.employment_status),
        ),
        (
            "新就业形态群体",
            codes.label(Table.NEW_EMPLOYMENT, app.new_employment_group) or "无",
            "劳动模范",
            _yes(app.is_model_worker),
        ),
        ("工种/岗位", app.job, "技能等级", codes.label(Table.SKILL, app.skill_level) or "无"),
        ("工作单位", app.employer_name, "", ""),
        ("居住或工作地点", app.workplace, "", ""),
        (
            "申请方式",
            app.get_channel_display(),
            "申请日期",
            f"{timezone.localtime(app.consent_at):%Y年%m月%d日}",
        ),
    ]
    row_h = 10 * mm
    label_w = 32 * mm
    mid = left + (right - left) / 2
    c.setLineWidth(0.7)
    for a, av, b, bv in rows:
        top = y
        y -= row_h
        c.setFillColor(LIGHT)
        c.rect(left, y, label_w, row_h, stroke=0, fill=1)
        if b:
            c.rect(mid, y, label_w, row_h, stroke=0, fill=1)
        c.setFillColor(black)
        c.rect(left, y, right - left, row_h, stroke=1, fill=0)
        c.line(left + label_w, y, left + label_w, top)
        if b:
            c.line(mid, y, mid, top)
            c.line(mid + label_w, y, mid + label_w, top)
        c.setFont(font, 10)
        c.drawString(left + 2.5 * mm, y + 3.4 * mm, a)
        value_w = (mid if b else right) - (left + label_w) - 5 * mm
        c.setFont(font, pdf.fit_size(av, 10.5, value_w))
        c.drawString(left + label_w + 2.5 * mm, y + 3.4 * mm, av)
        if b:
            c.setFont(font, 10)
            c.drawString(mid + 2.5 * mm, y + 3.4 * mm, b)
            c.setFont(font, pdf.fit_size(bv, 10.5, right - mid - label_w - 5 * mm))
            c.drawString(mid + label_w + 2.5 * mm, y + 3.4 * mm, bv)

    # the applicant's declaration and signature (申请关)
    box = 42 * mm
    y -= box
    c.rect(left, y, right - left, box, stroke=1, fill=0)
    c.setFont(font, 11)
    c.drawString(left + 4 * mm, y + box - 8 * mm, "本人申请")
    c.setFont(font, 10.5)
    lines = [
        "我以工资收入为主要生活来源（含新就业形态劳动者），承认《中国工会章程》，",
        "自愿申请加入中华全国总工会，履行会员义务。以上信息由本人填写或核对，真实有效。",
    ]
    for i, line in enumerate(lines):
        c.drawString(left + 8 * mm, y + box - 16 * mm - i * 6 * mm, line)
    c.drawString(right - 90 * mm, y + 7 * mm, "申请人签名：________________    日期：____年__月__日")

    # the union's review
    box = 40 * mm
    y -= box
    c.rect(left, y, right - left, box, stroke=1, fill=0)
    c.setFont(font, 11)
    c.drawString(left + 4 * mm, y + box - 8 * mm, "基层工会审核意见")
    c.setFont(font, 10.5)
    member_no = app.membership.member_no if app.membership_id and app.membership else "________________"
    c.drawString(
        left + 8 * mm, y + box - 17 * mm, f"审核结果：□ 同意入会   □ 不同意        会员编号：{member_no}"
    )
    c.drawString(
        left + 8 * mm, y + 7 * mm, "审核人：____________    （工会盖章）          日期：____年__月__日"
    )

    c.setFont(font, 8.5)
    c.setFillColor(GREY)
    y -= 8 * mm
    c.drawString(
        left,
        y,
        f"说明：本表编号 {app.form_no} 即该会员电子档案编号，纸质表与电子档案一一对应（档案关）。{federation}制。",
    )
    c.drawString(
        left,
        y - 5 * mm,
        "个人信息仅用于会员管理和服务，仅本会及上级工会经授权人员可查阅，依法保护，不对外提供。",
    )
    c.showPage()
    c.save()
    return buf.getvalue()


CARD_W, CARD_H = 85.6 * mm, 54 * mm


def _card(c: Any, x: float, y: float, card: Card, *, federation: str, url: str, font: str) -> None:
    c.saveState()
    c.setStrokeColor(GREY)
    c.setLineWidth(0.4)
    c.setDash(2, 2)
    c.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)  # cut line
    c.setDash()
    band = 12 * mm
    c.setFillColor(RED)
    p = c.beginPath()
    p.roundRect(x, y + CARD_H - band, CARD_W, band, 3 * mm)
    c.drawPath(p, stroke=0, fill=1)
    c.rect(x, y + CARD_H - band, CARD_W, 4 * mm, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(font, 13)
    c.drawString(x + 4 * mm, y + CARD_H - 8.2 * mm, "中华全国总工会会员证")
    c.setFont(font, pdf.fit_size(federation, 7.5, 30 * mm))
    c.drawRightString(x + CARD_W - 3.5 * mm, y + CARD_H - 7.8 * mm, federation)
    c.setFillColor(black)
    m = card.membership
    lines = [
        ("姓　　名", card.person.name),
        ("会员编号", m.member_no),
        ("所在工会", m.org.name),
        ("发证日期", f"{card.issued_on:%Y年%m月%d日}"),
        ("证　　号", card.card_no),
    ]
    ty = y + CARD_H - band - 7.5 * mm
    qr = 24 * mm
    text_w = CARD_W - 17 * mm - qr - 6 * mm
    for label, value in lines:
        first = label.startswith("姓")
        c.setFillColor(GREY)
        c.setFont(font, 7.5)
        c.drawString(x + 4 * mm, ty, label)
        c.setFillColor(black)
        c.setFont(font, pdf.fit_size(value, 12 if first else 8, text_w))
        c.drawString(x + 17 * mm, ty, value)
        ty -= 6.6 * mm if first else 5.2 * mm
    pdf.draw_qr(c, url, x + CARD_W - qr - 3 * mm, y + 5.5 * mm, qr)
    c.setFont(font, 5.5)
    c.setFillColor(GREY)
    c.drawCentredString(x + CARD_W - qr / 2 - 3 * mm, y + 3 * mm, "扫码核验")
    # the federation's seal over the issue date, as a stamp would sit (发证关)
    pdf.draw_seal(c, x + CARD_W - qr - 16 * mm, y + 16 * mm, 10 * mm, federation)
    c.restoreState()


def card_sheet_pdf(cards: Iterable[Card], *, federation: str, check_url: Callable[[str], str]) -> bytes:
    """A4 sheets of cards (2 × 5 per page, credit-card size, dashed cut lines)."""
    font = pdf.font_name()
    buf = io.BytesIO()
    c = pdf.new_canvas(buf, A4, title="会员证")
    w, h = A4
    gap_x, gap_y = 8 * mm, 3.5 * mm
    x0 = (w - 2 * CARD_W - gap_x) / 2
    y_top = h - 12 * mm
    per_page = 10
    i = -1
    for i, card in enumerate(cards):
        slot = i % per_page
        if slot == 0 and i:
            c.showPage()
        col, row = slot % 2, slot // 2
        x = x0 + col * (CARD_W + gap_x)
        y = y_top - (row + 1) * CARD_H - row * gap_y
        _card(c, x, y, card, federation=federation, url=check_url(card.check_token), font=font)
    if i < 0:
        c.setFont(font, 12)
        c.drawString(20 * mm, h - 30 * mm, "本批次没有会员证。")
    c.showPage()
    c.save()
    return buf.getvalue()


def join_poster_pdf(*, org_name: str, federation: str, url: str) -> bytes:
    """An A4 poster with the union's join QR code (扫码入会)."""
    font = pdf.font_name()
    buf = io.BytesIO()
    c = pdf.new_canvas(buf, A4, title=f"扫码入会 {org_name}")
    w, h = A4
    c.setFillColor(RED)
    c.rect(0, h - 62 * mm, w, 62 * mm, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(font, 40)
    c.drawCentredString(w / 2, h - 32 * mm, "扫码加入工会")
    c.setFont(font, pdf.fit_size(org_name, 18, w - 30 * mm))
    c.drawCentredString(w / 2, h - 48 * mm, org_name)
    qr = 110 * mm
    pdf.draw_qr(c, url, (w - qr) / 2, h - 62 * mm - 14 * mm - qr, qr, error="q")
    c.setFillColor(black)
    y = h - 62 * mm - 14 * mm - qr - 12 * mm
    c.setFont(font, 14)
    c.drawCentredString(w / 2, y, "用手机扫描上方二维码，填写本人信息，短信验证后提交申请")
    y -= 9 * mm
    c.setFont(font, 11)
    c.setFillColor(GREY)
    for line in (
        "以工资收入为主要生活来源的职工（含农民工、快递员、网约送餐员、货车司机等新就业形态劳动者）均可申请。",
        "收集：姓名、身份证号、手机号等，仅用于会员登记和服务；仅本工会及上级工会经授权人员可查阅。",
        "单位尚未建立工会的，可在页面中选择所在地的联合工会或新就业形态工会。",
    ):
        c.setFont(font, pdf.fit_size(line, 11, w - 30 * mm))
        c.drawCentredString(w / 2, y, line)
        y -= 7 * mm
    c.setFont(font, 9)
    c.drawCentredString(w / 2, 22 * mm, url)
    c.setFont(font, 12)
    c.setFillColor(RED)
    c.drawCentredString(w / 2, 14 * mm, federation)
    c.showPage()
    c.save()
    return buf.getvalue()
