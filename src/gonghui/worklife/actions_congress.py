"""Writes of the workers' congress (职工代表大会): sessions with their agenda and employers, proposals
(提案) and their handling, 厂务公开 items. Keyword-only, atomic, audited; pages, the API, the demo
and tests come through here.

Rules: a session is held by a union in the user's scope (the employer's union, or the township /
industry / joint union for a 区域/行业职代会); the employers it covers sit in that union's subtree;
counts are consistent (一线, 女职工 and 实到 not above the delegates); 届/次 unique per union. The
shares of the settings (conf.py) are advice shown on the page, not refusals: a small employer's
congress may well be all front-line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.orgs.models import Employer, Org
from gonghui.worklife import hooks
from gonghui.worklife.models import (
    AgendaItem,
    CongressEmployer,
    CongressKind,
    CongressSession,
    Disclosure,
    DisclosureForm,
    Proposal,
    ProposalStatus,
)
from gonghui.worklife.rules import (
    active_org,
    choice,
    count,
    day,
    employers_under,
    long_text,
    must_day,
    scope_of,
    text,
    user_or_none,
)

SESSION_FIELDS = ("kind", "term_no", "session_no", "held_on", "employees", "delegates",
                  "frontline_delegates", "women_delegates", "attended", "note")  # fmt: skip


def _session_data(
    *, kind: str = CongressKind.EMPLOYER, term_no: Any, session_no: Any, held_on: dt.date | None, delegates: Any, frontline_delegates: Any = 0,
    women_delegates: Any = 0, attended: Any = 0, employees: Any = 0, note: str = "",
) -> dict[str, Any]:  # fmt: skip
    data: dict[str, Any] = {
        "kind": choice(kind, CongressKind, "kind", _("类型")),
        "term_no": count(term_no, "term_no", _("届"), minimum=1),
        "session_no": count(session_no, "session_no", _("次"), minimum=1),
        "held_on": day(held_on, "held_on", _("召开日期")),
        "delegates": count(delegates, "delegates", _("代表人数"), minimum=1),
        "frontline_delegates": count(frontline_delegates or 0, "frontline_delegates", _("一线职工代表")),
        "women_delegates": count(women_delegates or 0, "women_delegates", _("女职工代表")),
        "attended": count(attended or 0, "attended", _("实到代表")),
        "employees": count(employees or 0, "employees", _("职工总数")),
        "note": long_text(note, 2000),
    }
    for f, label in (("frontline_delegates", _("一线职工代表")), ("women_delegates", _("女职工代表")),
                     ("attended", _("实到代表"))):  # fmt: skip
        if data[f] > data["delegates"]:
            raise ApplicationError(
                _("%(f)s不能多于代表人数。") % {"f": label}, code="delegates", details={"field": f}
            )
    if data["employees"] and data["delegates"] > data["employees"]:
        raise ApplicationError(
            _("代表人数不能多于职工总数。"), code="delegates", details={"field": "delegates"}
        )
    return data


@transaction.atomic
def session_record(
    *, user: Any, org: Org, employers: Sequence[Employer] = (), agenda: Sequence[str] = (), **fields: Any
) -> CongressSession:
    """Record a congress session held by `org` for `employers` (at least one for a 单位职代会)."""
    org = active_org(Org.objects.select_for_update().get(pk=org.pk))
    data = _session_data(**fields)
    covered = employers_under(org, employers)
    if data["kind"] == CongressKind.EMPLOYER and len(covered) > 1:
        raise ApplicationError(
            _("单位职代会只覆盖一个单位；多个单位请选择区域或行业职代会。"),
            code="kind",
            details={"field": "kind"},
        )
    if CongressSession.objects.filter(
        org=org, term_no=data["term_no"], session_no=data["session_no"]
    ).exists():
        raise ConflictError(
            _("第%(t)d届第%(s)d次职代会已登记。") % {"t": data["term_no"], "s": data["session_no"]},
            code="session_exists",
            details={"field": "session_no"},
        )
    s = CongressSession.objects.create(created_by=user_or_none(user), **scope_of(org), **data)
    CongressEmployer.objects.bulk_create([CongressEmployer(session=s, employer=e) for e in covered])
    items = [text(t, 200) for t in agenda]
    AgendaItem.objects.bulk_create(
        [AgendaItem(session=s, seq=i, title=t) for i, t in enumerate((t for t in items if t), start=1)]
    )
    audit_record(user=user_or_none(user), action="worklife.congress.record", obj=s, org_path=s.org_path,
                 changes={"held_on": str(s.held_on), "employers": [e.pk for e in covered], "delegates": s.delegates})  # fmt: skip
    hooks.changed("congress", org, s)
    return s


@transaction.atomic
def session_update(*, user: Any, session: CongressSession, **fields: Any) -> CongressSession:
    s = CongressSession.objects.select_for_update().get(pk=session.pk)
    data = _session_data(**fields)
    dup = CongressSession.objects.filter(
        org_id=s.org_id, term_no=data["term_no"], session_no=data["session_no"]
    )
    if dup.exclude(pk=s.pk).exists():
        raise ConflictError(_("该届次职代会已登记。"), code="session_exists", details={"field": "session_no"})
    before = {f: getattr(s, f) for f in SESSION_FIELDS}
    for k, v in data.items():
        setattr(s, k, v)
    s.save()
    changes = {k: [str(before[k]), str(v)] for k, v in data.items() if before[k] != v}
    audit_record(user=user_or_none(user), action="worklife.congress.update", obj=s, org_path=s.org_path,
                 changes=changes)  # fmt: skip
    hooks.changed("congress", s.org, s)
    return s


@transaction.atomic
def agenda_add(*, user: Any, session: CongressSession, title: str, result: str = "") -> AgendaItem:
    s = CongressSession.objects.select_for_update().get(pk=session.pk)
    seq = (s.agenda.aggregate(m=Max("seq"))["m"] or 0) + 1
    item = AgendaItem.objects.create(session=s, seq=seq, title=text(title, 200, "title", required=_("议题")),
                                     result=text(result, 200))  # fmt: skip
    audit_record(user=user_or_none(user), action="worklife.congress.agenda", obj=s, org_path=s.org_path,
                 changes={"agenda": item.title})  # fmt: skip
    return item


@transaction.atomic
def proposal_add(
    *, user: Any, session: CongressSession, author: str, subject: str, content: str = "", handling: str = ""
) -> Proposal:
    """Register a proposal (提案) raised at the session; numbered 1, 2, … per session."""
    s = CongressSession.objects.select_for_update().get(pk=session.pk)
    number = (s.proposals.aggregate(m=Max("number"))["m"] or 0) + 1
    handling = text(handling, 200)
    p = Proposal.objects.create(
        session=s, number=number, author=text(author, 80, "author", required=_("提案人")),
        subject=text(subject, 200, "subject", required=_("案由")), content=long_text(content),
        handling=handling, status=ProposalStatus.HANDLING if handling else ProposalStatus.REGISTERED,
    )  # fmt: skip
    audit_record(user=user_or_none(user), action="worklife.proposal.add", obj=s, org_path=s.org_path,
                 changes={"proposal": p.pk, "number": number, "subject": p.subject})  # fmt: skip
    hooks.changed("congress", s.org, s)
    return p


@transaction.atomic
def proposal_handle(
    *, user: Any, proposal: Proposal, handling: str = "", answer: str = "", answered_on: dt.date | None = None,
    close: bool = False, closed_on: dt.date | None = None,
) -> Proposal:  # fmt: skip
    """Hand a proposal to a department, record the answer, close it (办结). A closed proposal stays closed."""
    p = Proposal.objects.select_for_update().select_related("session").get(pk=proposal.pk)
    if p.status == ProposalStatus.CLOSED:
        raise ApplicationError(_("提案已办结。"), code="proposal_closed")
    before = {"status": p.status, "handling": p.handling}
    p.handling = text(handling, 200) or p.handling
    answer = long_text(answer)
    if answer:
        p.answer = answer
        p.answered_on = day(answered_on or timezone.localdate(), "answered_on", _("答复日期"))
        if p.answered_on and p.answered_on < p.session.held_on:
            raise ApplicationError(
                _("答复日期不能早于会议日期。"), code="date", details={"field": "answered_on"}
            )
        p.status = ProposalStatus.ANSWERED
    elif p.handling and p.status == ProposalStatus.REGISTERED:
        p.status = ProposalStatus.HANDLING
    if close:
        if not p.answer:
            raise ApplicationError(
                _("请先填写答复，再办结。"), code="answer_required", details={"field": "answer"}
            )
        p.closed_on = day(closed_on or timezone.localdate(), "closed_on", _("办结日期"))
        p.status = ProposalStatus.CLOSED
    p.save()
    audit_record(user=user_or_none(user), action="worklife.proposal.handle", obj=p.session, org_path=p.session.org_path,
                 changes={"proposal": p.pk, "status": [before["status"], p.status]})  # fmt: skip
    hooks.changed("congress", p.session.org, p.session)
    return p


@transaction.atomic
def disclosure_add(
    *, user: Any, org: Org, subject: str, disclosed_on: dt.date | None, form: str = DisclosureForm.BOARD,
    content: str = "", employer: Employer | None = None, session: CongressSession | None = None,
) -> Disclosure:  # fmt: skip
    """Record a 厂务公开 item of `org` (optionally for one employer, optionally at a session)."""
    org = active_org(org)
    if employer is not None:
        employers_under(org, [employer], field="employer")
    if session is not None and not session.org_path.startswith(org.path):
        raise ApplicationError(_("会议不属于该工会。"), code="session_scope", details={"field": "session"})
    d = Disclosure.objects.create(
        employer=employer, session=session, disclosed_on=must_day(disclosed_on, "disclosed_on", _("公开日期")),
        subject=text(subject, 200, "subject", required=_("公开事项")),
        form=choice(form, DisclosureForm, "form", _("公开形式")), content=long_text(content, 2000),
        created_by=user_or_none(user), **scope_of(org),
    )  # fmt: skip
    audit_record(user=user_or_none(user), action="worklife.disclosure.add", obj=d, org_path=d.org_path,
                 changes={"subject": d.subject, "employer": employer.pk if employer else None})  # fmt: skip
    return d
