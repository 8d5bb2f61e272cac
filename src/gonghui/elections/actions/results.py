"""The results: report to the upper union, its approval (章程（2008年文本）第二十七条), reopening."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.elections import conf, documents, notify, pdfs, rules
from gonghui.elections.actions.common import (
    _in,
    _lock,
    _raise,
    _u,
)
from gonghui.elections.models import (
    Candidate,
    DocKind,
    Election,
    ElectionStatus,
    LeadsBy,
    PostKind,
    Round,
    TermRequestStatus,
)  # fmt: skip
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import OrgForm


def elected(e: Election) -> dict[str, list[Candidate]]:
    out: dict[str, list[Candidate]] = {}
    for c in (
        Candidate.objects.filter(post__election=e, elected=True)
        .select_related("post")
        .order_by("post__order", "elected_round", "pk")
    ):
        out.setdefault(c.post.kind, []).append(c)
    return out


def _report_posts(e: Election) -> list[pdfs.ReportPost]:
    out = []
    for p in e.posts.prefetch_related("rounds__votes__candidate"):
        rounds = []
        for rnd in p.rounds.all():
            if not rnd.counted:
                continue
            rows = sorted(((v.candidate.name, v.votes_for, v.candidate_id in rnd.outcome.get("elected", [])) for v in rnd.votes.all()),
                          key=lambda t: -t[1])  # fmt: skip
            rounds.append((rnd.number, rnd.ballots, rnd.needed, rows))
        names = [c.name for c in p.candidates.filter(elected=True).order_by("elected_round", "pk")]
        out.append(pdfs.ReportPost(label=p.get_kind_display(), seats=p.seats, rounds=rounds, elected=names,
                                   vacant=p.seats - len(names) if p.closed else 0))  # fmt: skip
    return out


@transaction.atomic
def election_submit(*, user: Any, election: Election) -> Election:
    """Send the results to the upper union, with the results report (选举结果报告) filed as PDF."""
    e = _lock(election)
    _in(e, ElectionStatus.TALLIED, ElectionStatus.RETURNED)
    won = elected(e)
    committee = {c.membership_id for c in won.get(PostKind.COMMITTEE, [])}
    if e.posts.filter(kind=PostKind.COMMITTEE).exists():
        for kind in (PostKind.CHAIR, PostKind.VICE_CHAIR):
            for c in won.get(kind, []):
                if c.membership_id not in committee:
                    raise ApplicationError(_("%(n)s当选%(p)s，但未当选委员会委员：主席、副主席须从委员中产生。") % {"n": c.name, "p": c.post.get_kind_display()},
                                           code="lead_not_committee")  # fmt: skip
    _raise(results_problems(e, won))
    r = conf.rules()
    notes = []
    if e.early:
        notes.append(_("本次为提前换届，已经上级工会批准。"))
    if e.overdue:
        notes.append(_("原任期于 %(d)s 届满，本次为逾期换届。") % {"d": e.org.term_end})
    quorum_ok = rules.quorum_met(due=e.due, present=e.present, quorum=r.quorum, inclusive=r.quorum_inclusive)
    if e.leads_by == LeadsBy.COMMITTEE:
        notes.append(_("主席、副主席由新一届委员会第一次全体会议选举产生（应到 %(d)d 人，实到 %(p)d 人）。")
                     % {"d": len(won.get(PostKind.COMMITTEE, [])), "p": e.plenary_present or 0})  # fmt: skip
    for w in e.women_committees.all():
        notes.append(
            _("%(f)s（%(b)s）主任：%(c)s，随本次选举结果报批。")
            % {"f": w.get_form_display(), "b": w.get_formed_by_display(), "c": w.chair_name}
        )
    data = pdfs.results_report_pdf(
        org=e.org.name, term_number=e.term_number, meeting=e.get_meeting_type_display(), on=e.meeting_date, place=e.place,
        members=e.members, due=e.due, present=e.present,
        quorum_text=(_("达到应到人数的 %(q)s，选举有效") if quorum_ok else _("未达到应到人数的 %(q)s")) % {"q": r.quorum},
        majority_text=_("候选人获得赞成票超过应到人数的 %(m)s（至少 %(n)d 票）始得当选") % {"m": r.majority, "n": rules.votes_needed(due=e.due, majority=r.majority)},
        posts=_report_posts(e), notes=notes,
    )  # fmt: skip
    documents.store(kind=DocKind.RESULTS, title=_("%(o)s第%(n)d届委员会选举结果的报告") % {"o": e.org.name, "n": e.term_number},
                    data=data, filename=f"选举结果报告-{e.pk}.pdf", org=e.org, org_path=e.org_path, election=e, user=user)  # fmt: skip
    e.status = ElectionStatus.SUBMITTED
    e.submitted_at = timezone.now()
    e.reason = ""
    e.save(update_fields=["status", "submitted_at", "reason", "updated_at"])
    audit_record(user=user, action="election.submit", obj=e, org_path=e.org_path,
                 changes={k: [c.name for c in v] for k, v in won.items()})  # fmt: skip
    parent = notify.parent_of(e.org)
    notify.send(notify.accounts(parent, Perm.REVIEW), org=e.org, kind="election_submitted", key=f"election:{e.pk}:submit:{int(e.submitted_at.timestamp())}",
                message=_("%(o)s第%(n)d届选举结果待审批。") % {"o": e.org.name, "n": e.term_number},
                url=reverse("elections:election", args=[e.pk]))  # fmt: skip
    return e


@transaction.atomic
def election_decide(*, user: Any, election: Election, approve: bool, reason: str = "") -> Election:
    """The upper union approves the results (章程 art. 27): a numbered 批复 is filed, and the
    union's chair and term are updated (org_update); or it returns them with its reasons."""
    e = _lock(election)
    _in(e, ElectionStatus.SUBMITTED)
    reason = (reason or "").strip()
    if not approve:
        if not reason:
            raise ApplicationError(_("退回请填写理由。"), code="reason_required", details={"field": "reason"})
        e.status = ElectionStatus.RETURNED
        e.reason = reason[:500]
        e.decided_by = _u(user)
        e.decided_at = timezone.now()
        e.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        audit_record(
            user=user, action="election.return", obj=e, org_path=e.org_path, changes={"reason": e.reason}
        )
        _tell(
            e, _("%(o)s第%(n)d届选举结果被退回：%(r)s") % {"o": e.org.name, "n": e.term_number, "r": e.reason}
        )
        return e
    won = elected(e)
    _raise(results_problems(e, won))
    leads = won.get(PostKind.CHAIR) or won.get(PostKind.ORGANISER) or []
    lead = leads[0] if leads else None
    today = timezone.localdate()
    number = documents.next_approval_no(today.year, issuer=notify.parent_of(e.org))
    start = e.meeting_date
    end = rules.term_end(start, e.term_years)
    parent = notify.parent_of(e.org)
    issuer = parent.name if parent else e.org.name
    lines = []
    for kind, label in PostKind.choices:
        if won.get(kind):
            lines.append(f"{label}：" + "、".join(c.name for c in won[kind]))
    body = [
        _("你会《关于%(o)s第%(n)d届委员会选举结果的报告》收悉。经研究，同意你会%(d)s召开的%(m)s选举结果：") % {
            "o": e.org.name, "n": e.term_number, "d": e.meeting_date.strftime("%Y年%m月%d日"), "m": e.get_meeting_type_display()},
        "；".join(lines) + "。",
        _("第%(n)d届任期 %(y)d 年，自 %(s)s 至 %(e)s。") % {"n": e.term_number, "y": e.term_years, "s": start.isoformat(), "e": end.isoformat()},
    ]  # fmt: skip
    # the approver's comment stays on the election (e.reason), not in the 批复's body (issue 18)
    data = pdfs.approval_pdf(issuer=issuer, number=number, title=_("关于同意%(o)s第%(n)d届委员会选举结果的批复") % {"o": e.org.name, "n": e.term_number},
                             to=e.org.name, body=body, on=today)  # fmt: skip
    documents.store(kind=DocKind.RESULTS_APPROVAL, title=_("关于同意%(o)s第%(n)d届委员会选举结果的批复") % {"o": e.org.name, "n": e.term_number},
                    data=data, number=number, filename=f"选举结果批复-{e.pk}.pdf", org=e.org, org_path=e.org_path, election=e, user=user)  # fmt: skip
    org_actions.org_update(
        user=user, org=e.org, chair_name=lead.name if lead else e.org.chair_name, term_number=e.term_number, term_start=start,
        term_end=end, approval_no=number, org_form=OrgForm.ORGANISER if e.posts.filter(kind=PostKind.ORGANISER).exists() else OrgForm.COMMITTEE,
    )  # fmt: skip
    e.requests.update(status=TermRequestStatus.USED)
    e.women_committees.update(approved=True)
    e.status = ElectionStatus.APPROVED
    e.approval_no = number
    e.reason = reason[:500]
    e.decided_by = _u(user)
    e.decided_at = timezone.now()
    e.save(update_fields=["status", "approval_no", "reason", "decided_by", "decided_at", "updated_at"])
    audit_record(user=user, action="election.approve", obj=e, org_path=e.org_path,
                 changes={"approval_no": number, "chair": lead.name if lead else None, "term": [str(start), str(end)]})  # fmt: skip
    _tell(
        e, _("%(o)s第%(n)d届选举结果已批复（%(no)s）。") % {"o": e.org.name, "n": e.term_number, "no": number}
    )
    return e


def results_problems(e: Election, won: dict[str, list[Candidate]]) -> list[rules.Problem]:
    """The 经费审查委员会 is elected with the committee (工会法第四十五条、章程第二十六条（2008年文本）):
    without it the results cannot be approved; and the chair, vice-chairs and the committee's
    finance officer do not sit on it (a setting's default; source unverified)."""
    if (
        not e.posts.filter(kind=PostKind.COMMITTEE).exists()
        and not e.posts.filter(kind=PostKind.ORGANISER).exists()
    ):
        return []
    r = conf.rules()
    out = rules.audit_problems(members=e.members, audit_elected=len(won.get(PostKind.AUDIT, [])),
                               single_below=r.audit_single_below, committee_min=r.audit_committee_min)  # fmt: skip
    roles: dict[int, str] = {}
    for c in won.get(PostKind.COMMITTEE, []):
        if c.finance_officer:
            roles[c.membership_id] = _("分管经费工作的委员")
    for kind in (PostKind.VICE_CHAIR, PostKind.CHAIR):
        for c in won.get(kind, []):
            roles[c.membership_id] = str(PostKind(kind).label)
    overlap = [
        (c.name, roles[c.membership_id]) for c in won.get(PostKind.AUDIT, []) if c.membership_id in roles
    ]
    return out + rules.audit_overlap_problems(overlap)


def _tell(e: Election, message: str) -> None:
    users = [u for u in [e.created_by] if u is not None] + list(notify.accounts(e.org, Perm.ORG_MANAGE))
    notify.send(users, org=e.org, kind="election_decided", key=f"election:{e.pk}:{e.status}:{int(e.decided_at.timestamp()) if e.decided_at else 0}",
                message=message, url=reverse("elections:election", args=[e.pk]))  # fmt: skip


@transaction.atomic
def election_reopen(*, user: Any, election: Election) -> Election:
    """After results are returned: discard the rounds and go back to setting up (the posts and
    candidates stay), to hold the vote again."""
    e = _lock(election)
    _in(e, ElectionStatus.RETURNED)
    Round.objects.filter(post__election=e).delete()
    Candidate.objects.filter(post__election=e).update(elected=False, elected_round=None)
    e.posts.update(closed=False)
    e.status = ElectionStatus.SETUP
    e.save(update_fields=["status", "updated_at"])
    audit_record(user=user, action="election.reopen", obj=e, org_path=e.org_path)
    return e
