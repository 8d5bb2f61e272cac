"""Preparing an election: the meeting, the posts and seats, the candidates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import Identity
from gonghui.elections import conf, rules
from gonghui.elections.actions.common import (
    OPEN_STATUSES,
    _in,
    _lock,
    _raise,
    _u,
    approved_request,
    member_count,
    members_of,
)
from gonghui.elections.models import (
    POST_ORDER,
    Candidate,
    Election,
    ElectionStatus,
    LeadsBy,
    MeetingType,
    Post,
    PostKind,
    Round,
    TermRequestKind,
)  # fmt: skip
from gonghui.members.actions import id_index, parse_id
from gonghui.orgs.models import Org, OrgForm

# --- the election: setup ------------------------------------------------------------------


def default_seats(org: Org, members: int) -> dict[str, int]:
    """The posts an election starts with: the committee's band minimum and one chair, or one
    organiser; and the 经费审查委员会 elected with them (工会法第四十五条、章程第二十六条（2008年文本）)."""
    r = conf.rules()
    audit = rules.audit_min_seats(
        members, single_below=r.audit_single_below, committee_min=r.audit_committee_min
    )
    if org.org_form == OrgForm.ORGANISER and members < rules.COMMITTEE_MIN_MEMBERS:
        return {PostKind.ORGANISER: 1, PostKind.AUDIT: 1}
    lo, _hi = rules.committee_band(members, r.bands)
    return {
        PostKind.COMMITTEE: lo,
        PostKind.CHAIR: 1,
        PostKind.VICE_CHAIR: 0,
        PostKind.AUDIT: audit,
        PostKind.WOMEN: 0,
    }


def _meeting_checks(org: Org, *, members: int, meeting_type: str, meeting_date: dt.date) -> dict[str, Any]:
    """Which approvals the meeting rests on, or a clear error: a small union's delegates'
    assembly and an early election need the upper union's approval."""
    r = conf.rules()
    delegates_req = approved_request(org, TermRequestKind.DELEGATES)
    _raise(rules.meeting_problems(members=members, meeting_type=meeting_type, delegates_approved=delegates_req is not None,
                                  general_max=r.general_meeting_max))  # fmt: skip
    early = rules.is_early(meeting_date, org.term_end, r.due_days)
    early_req = approved_request(org, TermRequestKind.EARLY) if early else None
    if early and early_req is None:
        raise ApplicationError(
            _("任期至 %(e)s 届满，%(d)s 换届属于提前换届，须经上级工会批准：请先提交提前换届请示。") % {"e": org.term_end, "d": meeting_date},
            code="early_needs_approval", details={"field": "meeting_date"},
        )  # fmt: skip
    used = [
        q
        for q in (delegates_req if meeting_type == MeetingType.DELEGATES else None, early_req)
        if q is not None
    ]
    return {"early": early, "overdue": bool(org.term_end and meeting_date > org.term_end), "requests": used}


@transaction.atomic
def election_create(
    *, user: Any, org: Org, meeting_date: dt.date, meeting_type: str = MeetingType.GENERAL, term_years: int | None = None,
    due: int | None = None, place: str = "", leads_by: str = "", publicity_start: dt.date | None = None,
) -> Election:  # fmt: skip
    """Prepare an election: the meeting, those due, and default posts from the membership size."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    if not org.is_active:
        raise ApplicationError(_("“%(n)s”已撤销或合并。") % {"n": org.name}, code="inactive")
    if Election.objects.filter(org=org, status__in=OPEN_STATUSES).exists():
        raise ConflictError(_("该工会已有一次换届选举在办理中。"), code="election_open")
    years = term_years or conf.rules().default_term_years
    if years not in rules.TERM_YEARS:
        raise ApplicationError(
            _("任期应为 3 年或 5 年（工会法第十六条）。"), code="term_years", details={"field": "term_years"}
        )
    if meeting_type not in MeetingType.values:
        raise ApplicationError(_("会议形式无效。"), code="meeting_type", details={"field": "meeting_type"})
    leads_by = leads_by or LeadsBy.ASSEMBLY
    if leads_by not in LeadsBy.values:
        raise ApplicationError(
            _("主席、副主席产生方式无效。"), code="leads_by", details={"field": "leads_by"}
        )
    members = member_count(org)
    checks = _meeting_checks(org, members=members, meeting_type=meeting_type, meeting_date=meeting_date)
    if due is None:
        due = members if meeting_type == MeetingType.GENERAL else 0
    if due < 0:
        raise ApplicationError(_("应到人数不能为负数。"), code="negative", details={"field": "due"})
    e = Election.objects.create(
        org=org, org_path=org.path, term_number=(org.term_number or 0) + 1, founding=org.term_number is None,
        leads_by=leads_by, publicity_start=publicity_start, term_years=years, meeting_type=meeting_type,
        meeting_date=meeting_date, place=place, members=members, due=due, early=checks["early"], overdue=checks["overdue"],
        created_by=_u(user),
    )  # fmt: skip
    e.requests.set(checks["requests"])
    for kind, seats in default_seats(org, members).items():
        if seats:
            Post.objects.create(election=e, kind=kind, seats=seats, order=POST_ORDER.index(PostKind(kind)))
    audit_record(user=user, action="election.create", obj=e, org_path=org.path,
                 changes={"meeting_type": meeting_type, "meeting_date": str(meeting_date), "members": members, "due": due,
                          "early": e.early, "overdue": e.overdue})  # fmt: skip
    return e


MEETING_FIELDS = (
    "meeting_type", "meeting_date", "place", "due", "present", "term_years", "leads_by", "publicity_start",
)  # fmt: skip


@transaction.atomic
def election_update(*, user: Any, election: Election, **fields: Any) -> Election:
    """Change the meeting's facts. Those due and present are fixed once a round is counted."""
    e = _lock(election)
    _in(e, ElectionStatus.SETUP, ElectionStatus.VOTING)
    data = {k: v for k, v in fields.items() if k in MEETING_FIELDS and v is not None and v != ""}
    counted = Round.objects.filter(post__election=e, counted=True).exists()
    if counted and any(k in data and data[k] != getattr(e, k) for k in ("due", "present", "meeting_type")):
        raise ConflictError(_("已有计票结果，应到、实到人数和会议形式不能再改。"), code="counted")
    if (
        e.status == ElectionStatus.VOTING
        and "meeting_type" in data
        and data["meeting_type"] != e.meeting_type
    ):
        raise ConflictError(_("投票已开始，会议形式不能再改。"), code="voting")
    for k in ("leads_by", "publicity_start"):
        if e.status != ElectionStatus.SETUP and k in data and data[k] != getattr(e, k):
            raise ConflictError(_("投票已开始，主席产生方式和候选人公示不能再改。"), code="voting")
    if data.get("leads_by", e.leads_by) not in LeadsBy.values:
        raise ApplicationError(
            _("主席、副主席产生方式无效。"), code="leads_by", details={"field": "leads_by"}
        )
    if "term_years" in data and data["term_years"] not in rules.TERM_YEARS:
        raise ApplicationError(
            _("任期应为 3 年或 5 年（工会法第十六条）。"), code="term_years", details={"field": "term_years"}
        )
    if data.get("meeting_type", e.meeting_type) not in MeetingType.values:
        raise ApplicationError(_("会议形式无效。"), code="meeting_type", details={"field": "meeting_type"})
    for k in ("due", "present"):
        if k in data and data[k] < 0:
            raise ApplicationError(_("人数不能为负数。"), code="negative", details={"field": k})
    due, present = data.get("due", e.due), data.get("present", e.present)
    if present > due:
        raise ApplicationError(_("实到人数（%(p)d）不能多于应到人数（%(d)d）。") % {"p": present, "d": due}, code="present_gt_due",
                               details={"field": "present"})  # fmt: skip
    if "meeting_type" in data or "meeting_date" in data:
        checks = _meeting_checks(e.org, members=e.members, meeting_type=data.get("meeting_type", e.meeting_type),
                                 meeting_date=data.get("meeting_date", e.meeting_date))  # fmt: skip
        e.early, e.overdue = checks["early"], checks["overdue"]
        e.requests.set(checks["requests"])
    changes = {k: [str(getattr(e, k)), str(v)] for k, v in data.items() if getattr(e, k) != v}
    for k, v in data.items():
        setattr(e, k, v)
    e.save()
    if changes:
        audit_record(user=user, action="election.update", obj=e, org_path=e.org_path, changes=changes)
    return e


@transaction.atomic
def election_set_posts(*, user: Any, election: Election, seats: dict[str, int]) -> Election:
    """The posts to fill and their seats; a post set to 0 is dropped with its candidates."""
    e = _lock(election)
    _in(e, ElectionStatus.SETUP)
    seats = {k: int(v or 0) for k, v in seats.items() if k in PostKind.values}
    r = conf.rules()
    _raise(
        rules.seats_problems(
            members=e.members, seats=seats, organiser=seats.get(PostKind.ORGANISER, 0) > 0, bands=r.bands
        )
    )
    before = dict(e.posts.values_list("kind", "seats"))
    for kind, n in seats.items():
        if n > 0:
            Post.objects.update_or_create(
                election=e, kind=kind, defaults={"seats": n, "order": POST_ORDER.index(PostKind(kind))}
            )
        else:
            e.posts.filter(kind=kind).delete()
    after = dict(e.posts.values_list("kind", "seats"))
    if before != after:
        audit_record(
            user=user, action="election.posts", obj=e, org_path=e.org_path, changes={"seats": [before, after]}
        )
    return e


@transaction.atomic
def candidate_add(
    *, user: Any, election: Election, post: str, member_no: str = "", id_number: str = "", principal_relative: bool = False,
    note: str = "", chair_bar: str = "", finance_officer: bool = False,
) -> Candidate:  # fmt: skip
    """Nominate a current member of this union for a post, by 会员编号 or ID number. A near
    relative of the employer's principal is flagged (工会法 art. 10) and blocks committee posts."""
    e = _lock(election)
    _in(e, ElectionStatus.SETUP)
    p = e.posts.filter(kind=post).first()
    if p is None:
        raise ApplicationError(_("本次选举没有设置该职位。"), code="post", details={"field": "post"})
    qs = members_of(e.org).select_related("person")
    if member_no.strip():
        m = qs.filter(member_no=member_no.strip()).first()
    elif id_number.strip():
        m = qs.filter(person_id__in=Identity.holders(id_index(parse_id(id_number).number))).first()
    else:
        raise ApplicationError(
            _("请填写会员编号或身份证号。"), code="required", details={"field": "member_no"}
        )
    if m is None:
        raise ApplicationError(
            _("该人员不是本会的正常会员，不能作为候选人。"), code="not_member", details={"field": "member_no"}
        )
    if chair_bar and chair_bar not in rules.CHAIR_BARS:
        raise ApplicationError(_("主席人选限制无效。"), code="chair_bar", details={"field": "chair_bar"})
    if p.candidates.filter(membership=m).exists():
        raise ConflictError(
            _("%(n)s已是%(p)s候选人。") % {"n": m.person.name, "p": p.get_kind_display()},
            code="duplicate_candidate",
        )
    c = Candidate.objects.create(post=p, membership=m, name=m.person.name, gender=m.person.gender,
                                 principal_relative=bool(principal_relative), note=(note or "")[:120],
                                 chair_bar=chair_bar or "", finance_officer=bool(finance_officer))  # fmt: skip
    audit_record(user=user, action="election.candidate_add", obj=e, org_path=e.org_path,
                 changes={"post": post, "candidate": c.name, "membership": m.pk, "principal_relative": c.principal_relative,
                          "chair_bar": c.chair_bar, "finance_officer": c.finance_officer})  # fmt: skip
    return c


@transaction.atomic
def candidate_remove(*, user: Any, election: Election, candidate_ids: list[int]) -> int:
    e = _lock(election)
    _in(e, ElectionStatus.SETUP)
    qs = Candidate.objects.filter(post__election=e, pk__in=candidate_ids)
    names = list(qs.values_list("name", flat=True))
    n, _detail = qs.delete()
    if names:
        audit_record(
            user=user,
            action="election.candidate_remove",
            obj=e,
            org_path=e.org_path,
            changes={"removed": names},
        )
    return len(names)
