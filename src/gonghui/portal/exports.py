"""Everything held about the member (个人信息保护法 art. 45: access and copy), as JSON and PDF.

The ID number and the phone appear masked, as everywhere outside the audited reveal: the file
leaves the system on a phone and the person knows their own numbers; the export says both are
held encrypted.
"""

from __future__ import annotations

import io
import json
from typing import Any

from django.utils import timezone

from gonghui.members.models import Person
from gonghui.portal import actions, selectors
from gonghui.portal.auth import Member

PERSON_FIELDS = ("name", "gender", "birth_date", "ethnicity", "education", "political_status", "hukou_type",
                 "is_migrant", "employment_status", "new_employment_group", "job", "skill_level",
                 "is_model_worker", "employer_name")  # fmt: skip


def _s(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | str):
        return v
    return str(v)


def held(member: Member) -> dict[str, Any]:
    p: Person | None = member.person
    out: dict[str, Any] = {"exported_at": timezone.now().isoformat(timespec="seconds")}
    if p is not None:
        out["person"] = {f: _s(getattr(p, f)) for f in PERSON_FIELDS} | {
            "id_number": p.id_masked + "（加密存储，此处脱敏）",
            "phone": p.phone_masked + "（加密存储，此处脱敏）",
            "address": selectors.address(member),
        }
    out["memberships"] = [{"union": m.org.name, "member_no": m.member_no, "joined_on": _s(m.joined_on),
                           "status": str(m.get_status_display()), "ended_on": _s(m.ended_on)}
                          for m in selectors.memberships(member)]  # fmt: skip
    out["history"] = [{"on": _s(e.on), "type": str(e.type_label), "reason": str(e.reason_label), "note": e.note}
                      for e in (selectors.events(member) if p else [])]  # fmt: skip
    out["applications"] = [{"form_no": a.form_no, "union": a.org.name, "submitted": a.created_at.isoformat(timespec="seconds"),
                            "status": str(a.get_status_display()), "reason": a.reason, "consent_version": a.consent_version}
                           for a in selectors.applications(member)]  # fmt: skip
    out["transfers"] = [{"from": t.from_org.name, "to": t.to_org.name, "status": str(t.get_status_display()),
                         "started": t.started_at.isoformat(timespec="seconds")} for t in selectors.transfers(member)]  # fmt: skip
    out["requests"] = [{"kind": str(r.get_kind_display()), "union": r.org.name, "status": selectors.request_step(r),
                        "submitted": r.created_at.isoformat(timespec="seconds"), "note": r.note, "answer": r.answer}
                       for r in selectors.requests(member)]  # fmt: skip
    out["trainings"] = [{"course": t.course.title, "status": str(t.get_status_display()), "certificate_no": t.certificate_no}
                        for t in selectors.trainings(member)]  # fmt: skip
    out["consents"] = [{"item": c.item, "version": c.version, "given_at": c.given_at.isoformat(timespec="seconds"),
                        "withdrawn_at": c.withdrawn_at.isoformat(timespec="seconds") if c.withdrawn_at else None}
                       for c in selectors.consents(member)]  # fmt: skip
    reg = actions.register_consent(member)
    if reg:
        out["consents"].insert(
            0,
            {
                "item": "register",
                "version": reg["version"],
                "given_at": reg["at"].isoformat(timespec="seconds"),
                "withdrawn_at": None,
            },
        )
    out["reveals"] = [{"at": e.at.isoformat(timespec="seconds"), "by": e.username, "purpose": (e.changes or {}).get("purpose", "")}
                      for e in selectors.reveals(member)]  # fmt: skip
    return out


def as_json(member: Member) -> bytes:
    return json.dumps(held(member), ensure_ascii=False, indent=2).encode("utf-8")


LABELS = {"person": "个人信息", "memberships": "会籍", "history": "会籍变化", "applications": "入会申请",
          "transfers": "会员关系接转", "requests": "办理事项", "trainings": "培训", "consents": "同意记录",
          "reveals": "查看完整身份证号/手机号的记录"}  # fmt: skip


def as_pdf(member: Member) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from gonghui.core.pdf import font_name, para

    data = held(member)
    font = font_name()
    h = ParagraphStyle("h", fontName=font, fontSize=13, leading=18, spaceBefore=8)
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=13)
    story: list[Any] = [para("我的工会信息（个人信息副本）", ParagraphStyle("t", fontName=font, fontSize=16, leading=22)),
                        para(f"导出时间：{data['exported_at']}", body), Spacer(1, 6)]  # fmt: skip
    for key, label in LABELS.items():
        value = data.get(key)
        if value is None:
            continue
        story.append(para(label, h))
        rows = [value] if isinstance(value, dict) else value
        if not rows:
            story.append(para("（无）", body))
        for row in rows:
            story.append(para("；".join(f"{k}: {v}" for k, v in row.items() if v not in (None, "")), body))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, title="我的工会信息", author="gonghui").build(story)
    return buf.getvalue()
