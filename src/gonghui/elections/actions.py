"""Terms (届次) and elections (换届选举). Every write here is atomic and audited.

Rules (rules.py; sources 工会法 arts. 10, 11, 16; 章程 arts. 26–27; 选举工作条例 2016): early or late
elections and a delegates' assembly of a small union need the upper union's approval; committee
seats lie within the band for the membership; committee candidates exceed seats by the 差额
margin; the vote counts only if turnout exceeds 2/3 of those due; a candidate is elected with
votes for exceeding half of those due; ties and unfilled seats go to a further round; the upper
union approves the results, and then the union's chair and term are updated through
`orgs.actions.org_update`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf, documents, notify, pdfs, rules
from gonghui.elections.models import (
    POST_ORDER,
    Candidate,
    DocKind,
    Election,
    ElectionStatus,
    MeetingType,
    Post,
    PostKind,
    Round,
    TermRequest,
    TermRequestKind,
    TermRequestStatus,
    Vote,
)  # fmt: skip
from gonghui.members.actions import id_index, parse_id
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import Org, OrgForm

# Near relatives of the employer's principal may not sit on the committee (工会法 art. 10):
# chair and vice-chairs are committee members; the organiser stands in for the committee.
COMMITTEE_POSTS = frozenset({PostKind.COMMITTEE, PostKind.CHAIR, PostKind.VICE_CHAIR, PostKind.ORGANISER})
OPEN_STATUSES = (
    ElectionStatus.SETUP,
    ElectionStatus.VOTING,
    ElectionStatus.TALLIED,
    ElectionStatus.SUBMITTED,
    ElectionStatus.RETURNED,
)


def _u(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def member_count(org: Org) -> int:
    """Current (active) members of the union and the unions below it, from the register."""
    return Membership.objects.filter(org_path__startswith=org.path, status=MembershipStatus.ACTIVE).count()


def members_of(org: Org) -> QuerySet[Membership]:
    return Membership.objects.filter(org_path__startswith=org.path, status=MembershipStatus.ACTIVE)


def _raise(found: list[rules.Problem]) -> None:
    bad = rules.blocking(found)
    if bad:
        raise ApplicationError(
            " ".join(p.message for p in bad), code=bad[0].code, details={"problems": [p.code for p in bad]}
        )


# --- term requests (延期、提前、会员代表大会) -------------------------------------------------


def approved_request(org: Org, kind: str) -> TermRequest | None:
    return (
        org.term_requests.filter(kind=kind, status=TermRequestStatus.APPROVED).order_by("-decided_at").first()
    )


@transaction.atomic
def term_request_create(
    *, user: Any, org: Org, kind: str, reason: str, proposed_date: dt.date | None = None
) -> TermRequest:
    """Ask the upper union to approve a postponement, an early election, or a delegates' assembly."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    r = conf.rules()
    reason = (reason or "").strip()
    if kind not in TermRequestKind.values:
        raise ApplicationError(_("事项无效。"), code="kind", details={"field": "kind"})
    if not reason:
        raise ApplicationError(_("请填写理由。"), code="reason_required", details={"field": "reason"})
    if not org.is_active:
        raise ApplicationError(_("“%(n)s”已撤销或合并。") % {"n": org.name}, code="inactive")
    if org.depth <= 1:
        raise ApplicationError(
            _("顶层总工会的换届事项由其上级工会办理，不在本系统内审批。"), code="no_upper_union"
        )
    if kind in (TermRequestKind.POSTPONE, TermRequestKind.EARLY) and proposed_date is None:
        raise ApplicationError(_("请填写日期。"), code="required", details={"field": "proposed_date"})
    if kind == TermRequestKind.POSTPONE:
        _raise(rules.postponement_problems(org.term_end, proposed_date, r.max_postpone_months))  # type: ignore[arg-type]
    elif kind == TermRequestKind.EARLY:
        if not rules.is_early(proposed_date, org.term_end, r.due_days):  # type: ignore[arg-type]
            raise ApplicationError(_("拟换届日期距任期届满不超过 %(d)d 天，按期换届，无需批准。") % {"d": r.due_days}, code="not_early",
                                   details={"field": "proposed_date"})  # fmt: skip
    elif kind == TermRequestKind.DELEGATES:
        n = member_count(org)
        if n > r.general_meeting_max:
            raise ApplicationError(_("会员 %(n)d 人，超过 %(m)d 人，可直接召开会员代表大会，无需批准。") % {"n": n, "m": r.general_meeting_max},
                                   code="delegates_not_needed")  # fmt: skip
    if org.term_requests.filter(kind=kind, status=TermRequestStatus.PENDING).exists():
        raise ConflictError(_("已有同类请示在审批中。"), code="duplicate_request")
    req = TermRequest.objects.create(org=org, org_path=org.path, kind=kind, reason=reason[:500], proposed_date=proposed_date,
                                     previous_end=org.term_end, created_by=_u(user))  # fmt: skip
    audit_record(user=user, action="term_request.create", obj=req, org_path=org.path,
                 changes={"kind": kind, "proposed_date": str(proposed_date) if proposed_date else None})  # fmt: skip
    parent = notify.parent_of(org)
    notify.send(notify.accounts(parent, Perm.REVIEW), org=org, kind="term_request", key=f"term_request:{req.pk}",
                message=_("%(org)s请示%(k)s，待审批。") % {"org": org.name, "k": req.get_kind_display()},
                url=reverse("elections:term", args=[org.code]))  # fmt: skip
    return req


@transaction.atomic
def term_request_decide(*, user: Any, request: TermRequest, approve: bool, reason: str = "") -> TermRequest:
    """The upper union decides. An approved postponement moves the term's end (org_update)."""
    req = TermRequest.objects.select_for_update(of=("self",)).select_related("org").get(pk=request.pk)
    if req.status != TermRequestStatus.PENDING:
        raise ConflictError(_("该请示已处理。"), code="decided")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ApplicationError(_("不予批准请填写理由。"), code="reason_required", details={"field": "reason"})
    if approve and req.kind == TermRequestKind.POSTPONE:
        if req.proposed_date is None:  # pragma: no cover - required on creation
            raise ApplicationError(_("请填写日期。"), code="required")
        _raise(
            rules.postponement_problems(req.org.term_end, req.proposed_date, conf.rules().max_postpone_months)
        )
        req.previous_end = req.org.term_end
        org_actions.org_update(user=user, org=req.org, term_end=req.proposed_date)
    req.status = TermRequestStatus.APPROVED if approve else TermRequestStatus.REJECTED
    req.decision_reason = reason[:500]
    req.decided_by = _u(user)
    req.decided_at = timezone.now()
    req.save()
    audit_record(user=user, action="term_request.approve" if approve else "term_request.reject", obj=req, org_path=req.org_path,
                 changes={"kind": req.kind, "reason": req.decision_reason})  # fmt: skip
    if req.created_by_id:
        notify.send([req.created_by], org=req.org, kind="term_request_decided", key=f"term_request:{req.pk}:{req.status}",
                    message=_("%(org)s%(k)s请示：%(s)s。") % {"org": req.org.name, "k": req.get_kind_display(), "s": req.get_status_display()},
                    url=reverse("elections:term", args=[req.org.code]))  # fmt: skip
    return req


# --- the election: setup ------------------------------------------------------------------


def default_seats(org: Org, members: int) -> dict[str, int]:
    r = conf.rules()
    if org.org_form == OrgForm.ORGANISER and members < rules.COMMITTEE_MIN_MEMBERS:
        return {PostKind.ORGANISER: 1}
    lo, _hi = rules.committee_band(members, r.bands)
    return {
        PostKind.COMMITTEE: lo,
        PostKind.CHAIR: 1,
        PostKind.VICE_CHAIR: 0,
        PostKind.AUDIT: 0,
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
    due: int | None = None, place: str = "",
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
    members = member_count(org)
    checks = _meeting_checks(org, members=members, meeting_type=meeting_type, meeting_date=meeting_date)
    if due is None:
        due = members if meeting_type == MeetingType.GENERAL else 0
    if due < 0:
        raise ApplicationError(_("应到人数不能为负数。"), code="negative", details={"field": "due"})
    e = Election.objects.create(
        org=org, org_path=org.path, term_number=(org.term_number or 0) + 1, term_years=years, meeting_type=meeting_type,
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


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update(of=("self",)).select_related("org").get(pk=election.pk)


def _in(e: Election, *statuses: str) -> None:
    if e.status not in statuses:
        raise ConflictError(
            _("换届选举当前状态为“%(s)s”，不能进行此操作。") % {"s": e.get_status_display()},
            code="wrong_status",
        )


MEETING_FIELDS = ("meeting_type", "meeting_date", "place", "due", "present", "term_years")


@transaction.atomic
def election_update(*, user: Any, election: Election, **fields: Any) -> Election:
    """Change the meeting's facts. Those due and present are fixed once a round is counted."""
    e = _lock(election)
    _in(e, ElectionStatus.SETUP, ElectionStatus.VOTING)
    data = {k: v for k, v in fields.items() if k in MEETING_FIELDS and v is not None}
    counted = Round.objects.filter(post__election=e, counted=True).exists()
    if counted and any(k in data and data[k] != getattr(e, k) for k in ("due", "present", "meeting_type")):
        raise ConflictError(_("已有计票结果，应到、实到人数和会议形式不能再改。"), code="counted")
    if (
        e.status == ElectionStatus.VOTING
        and "meeting_type" in data
        and data["meeting_type"] != e.meeting_type
    ):
        raise ConflictError(_("投票已开始，会议形式不能再改。"), code="voting")
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
    note: str = "",
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
        m = qs.filter(person__id_index=id_index(parse_id(id_number).number)).first()
    else:
        raise ApplicationError(
            _("请填写会员编号或身份证号。"), code="required", details={"field": "member_no"}
        )
    if m is None:
        raise ApplicationError(
            _("该人员不是本会的正常会员，不能作为候选人。"), code="not_member", details={"field": "member_no"}
        )
    if p.candidates.filter(membership=m).exists():
        raise ConflictError(
            _("%(n)s已是%(p)s候选人。") % {"n": m.person.name, "p": p.get_kind_display()},
            code="duplicate_candidate",
        )
    c = Candidate.objects.create(post=p, membership=m, name=m.person.name, gender=m.person.gender,
                                 principal_relative=bool(principal_relative), note=(note or "")[:120])  # fmt: skip
    audit_record(user=user, action="election.candidate_add", obj=e, org_path=e.org_path,
                 changes={"post": post, "candidate": c.name, "membership": m.pk, "principal_relative": c.principal_relative})  # fmt: skip
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


def problems(e: Election) -> list[rules.Problem]:
    """Everything the rules say about the election as it stands (blocking and flags)."""
    r = conf.rules()
    out: list[rules.Problem] = []
    out += rules.meeting_problems(members=e.members, meeting_type=e.meeting_type,
                                  delegates_approved=approved_request(e.org, TermRequestKind.DELEGATES) is not None,
                                  general_max=r.general_meeting_max)  # fmt: skip
    posts = list(e.posts.prefetch_related("candidates"))
    seats = {p.kind: p.seats for p in posts}
    out += rules.seats_problems(
        members=e.members, seats=seats, organiser=seats.get(PostKind.ORGANISER, 0) > 0, bands=r.bands
    )
    committee = next((p for p in posts if p.kind == PostKind.COMMITTEE), None)
    committee_members = {c.membership_id for c in committee.candidates.all()} if committee else set()
    for p in posts:
        cands = list(p.candidates.all())
        out += rules.candidate_problems(seats=p.seats, candidates=len(cands), contested=p.kind in r.contested_posts,
                                        rate=r.contest_rate, post_label=p.get_kind_display())  # fmt: skip
        for c in cands:
            if c.principal_relative:
                blocking = p.kind in COMMITTEE_POSTS
                out.append(rules.Problem(
                    "principal_relative",
                    _("%(n)s为单位主要负责人的近亲属，不得作为%(p)s人选（工会法第十条）。") % {"n": c.name, "p": p.get_kind_display()}
                    if blocking else _("%(n)s为单位主要负责人的近亲属，请注意回避。") % {"n": c.name},
                    blocking=blocking,
                ))  # fmt: skip
            if (
                p.kind in (PostKind.CHAIR, PostKind.VICE_CHAIR)
                and committee
                and c.membership_id not in committee_members
            ):
                out.append(
                    rules.Problem(
                        "lead_not_committee",
                        _("%(n)s须同时是委员会委员候选人，才能作为%(p)s候选人。")
                        % {"n": c.name, "p": p.get_kind_display()},
                    )
                )
    if e.due <= 0:
        out.append(rules.Problem("due_missing", _("请填写应到人数。")))
    if e.meeting_type == MeetingType.GENERAL and e.members and e.due > e.members:
        out.append(
            rules.Problem(
                "due_gt_members",
                _("会员大会应到人数（%(d)d）多于会员人数（%(m)d），请核对。") % {"d": e.due, "m": e.members},
                blocking=False,
            )
        )
    if e.early:
        out.append(rules.Problem("early", _("提前换届（已经上级工会批准）。"), blocking=False))
    if e.overdue:
        out.append(
            rules.Problem(
                "overdue", _("任期已于 %(d)s 届满，属逾期换届。") % {"d": e.org.term_end}, blocking=False
            )
        )
    return out


@transaction.atomic
def election_start_voting(*, user: Any, election: Election) -> Election:
    """Fix the candidate lists and open the first round of every post."""
    e = _lock(election)
    _in(e, ElectionStatus.SETUP)
    if not e.posts.exists():
        raise ApplicationError(_("请先设置应选职位。"), code="no_posts")
    _raise(problems(e))
    for p in e.posts.all():
        rnd = Round.objects.create(post=p, number=1, seats=p.seats)
        rnd.candidates.set(p.candidates.all())
    e.status = ElectionStatus.VOTING
    e.save(update_fields=["status", "updated_at"])
    audit_record(user=user, action="election.start_voting", obj=e, org_path=e.org_path,
                 changes={"candidates": {p.kind: p.candidates.count() for p in e.posts.all()}})  # fmt: skip
    return e


# --- the vote -------------------------------------------------------------------------------


def open_round(post: Post) -> Round | None:
    return post.rounds.filter(counted=False).order_by("number").first()


def post_filled(post: Post) -> int:
    return post.candidates.filter(elected=True).count()


def post_done(post: Post) -> bool:
    return post.closed or post_filled(post) >= post.seats


def _maybe_tallied(e: Election) -> None:
    if all(post_done(p) for p in e.posts.all()):
        e.status = ElectionStatus.TALLIED
        e.save(update_fields=["status", "updated_at"])


@transaction.atomic
def round_record(*, user: Any, election: Election, post: str, ballots: int, votes: dict[int, int]) -> Round:
    """Record one round's votes for a post and count it by the rules; a tie or unfilled seats
    open a further round (另行选举) with the candidates the rules name."""
    e = _lock(election)
    _in(e, ElectionStatus.VOTING)
    r = conf.rules()
    if not rules.quorum_met(due=e.due, present=e.present, quorum=r.quorum):
        raise ApplicationError(
            _("实到 %(p)d 人，未超过应到 %(d)d 人的 %(q)s，选举无效，不能计票。") % {"p": e.present, "d": e.due, "q": r.quorum},
            code="quorum", details={"field": "present"},
        )  # fmt: skip
    p = e.posts.filter(kind=post).first()
    if p is None:
        raise ApplicationError(_("本次选举没有设置该职位。"), code="post", details={"field": "post"})
    rnd = open_round(p)
    if rnd is None or p.closed:
        raise ConflictError(_("%(p)s没有待计票的轮次。") % {"p": p.get_kind_display()}, code="no_open_round")
    cands = {c.pk: c for c in rnd.candidates.all()}
    votes = {int(k): int(v) for k, v in votes.items()}
    if set(votes) != set(cands):
        raise ApplicationError(
            _("请为本轮每位候选人填写得票数。"), code="votes_missing", details={"field": "votes"}
        )
    _raise(rules.ballot_problems(ballots=ballots, present=e.present, seats=rnd.seats, votes=votes))
    result = rules.tally(seats=rnd.seats, votes=votes, due=e.due, majority=r.majority)
    Vote.objects.bulk_create([Vote(round=rnd, candidate_id=k, votes_for=v) for k, v in votes.items()])
    Candidate.objects.filter(pk__in=result.elected).update(elected=True, elected_round=rnd.number)
    rnd.ballots = ballots
    rnd.counted = True
    rnd.needed = result.needed
    rnd.outcome = {"elected": result.elected, "tied": result.tied, "remaining": result.remaining}
    rnd.recorded_by = _u(user)
    rnd.recorded_at = timezone.now()
    rnd.save()
    nxt = None
    if result.remaining > 0:
        runoff = rules.runoff_candidates(
            result=result, votes=votes, contested=p.kind in r.contested_posts, rate=r.contest_rate
        )
        if runoff:
            nxt = Round.objects.create(post=p, number=rnd.number + 1, seats=result.remaining)
            nxt.candidates.set(runoff)
            rnd.outcome["next"] = list(runoff)
            rnd.save(update_fields=["outcome"])
    audit_record(user=user, action="election.round", obj=e, org_path=e.org_path,
                 changes={"post": post, "round": rnd.number, "ballots": ballots, "votes": {cands[k].name: v for k, v in votes.items()},
                          "elected": [cands[k].name for k in result.elected], "tied": [cands[k].name for k in result.tied],
                          "remaining": result.remaining})  # fmt: skip
    _maybe_tallied(e)
    return rnd


@transaction.atomic
def post_close(*, user: Any, election: Election, post: str) -> Post:
    """Stop with seats unfilled (不再另行选举): the committee only once it has its band's minimum;
    never the chair or the organiser."""
    e = _lock(election)
    _in(e, ElectionStatus.VOTING)
    p = e.posts.filter(kind=post).first()
    if p is None:
        raise ApplicationError(_("本次选举没有设置该职位。"), code="post")
    filled = post_filled(p)
    if not rules.may_leave_vacant(
        post=p.kind, elected=filled, seats=p.seats, members=e.members, bands=conf.rules().bands
    ):
        raise ApplicationError(
            _("%(p)s已当选 %(n)d 名，不能空缺，须另行选举。") % {"p": p.get_kind_display(), "n": filled},
            code="must_fill",
        )
    p.rounds.filter(counted=False).delete()
    p.closed = True
    p.save(update_fields=["closed"])
    audit_record(
        user=user,
        action="election.post_close",
        obj=e,
        org_path=e.org_path,
        changes={"post": post, "elected": filled, "seats": p.seats},
    )
    _maybe_tallied(e)
    return p


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
    r = conf.rules()
    notes = []
    if e.early:
        notes.append(_("本次为提前换届，已经上级工会批准。"))
    if e.overdue:
        notes.append(_("原任期于 %(d)s 届满，本次为逾期换届。") % {"d": e.org.term_end})
    quorum_ok = rules.quorum_met(due=e.due, present=e.present, quorum=r.quorum)
    data = pdfs.results_report_pdf(
        org=e.org.name, term_number=e.term_number, meeting=e.get_meeting_type_display(), on=e.meeting_date, place=e.place,
        members=e.members, due=e.due, present=e.present,
        quorum_text=(_("超过应到人数的 %(q)s，选举有效") if quorum_ok else _("未超过应到人数的 %(q)s")) % {"q": r.quorum},
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
    leads = won.get(PostKind.CHAIR) or won.get(PostKind.ORGANISER) or []
    lead = leads[0] if leads else None
    today = timezone.localdate()
    number = documents.next_approval_no(today.year)
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
    if reason:
        body.append(reason)
    data = pdfs.approval_pdf(issuer=issuer, number=number, title=_("关于同意%(o)s第%(n)d届委员会选举结果的批复") % {"o": e.org.name, "n": e.term_number},
                             to=e.org.name, body=body, on=today)  # fmt: skip
    documents.store(kind=DocKind.RESULTS_APPROVAL, title=_("关于同意%(o)s第%(n)d届委员会选举结果的批复") % {"o": e.org.name, "n": e.term_number},
                    data=data, number=number, filename=f"选举结果批复-{e.pk}.pdf", org=e.org, org_path=e.org_path, election=e, user=user)  # fmt: skip
    org_actions.org_update(
        user=user, org=e.org, chair_name=lead.name if lead else e.org.chair_name, term_number=e.term_number, term_start=start,
        term_end=end, org_form=OrgForm.ORGANISER if e.posts.filter(kind=PostKind.ORGANISER).exists() else OrgForm.COMMITTEE,
    )  # fmt: skip
    e.requests.update(status=TermRequestStatus.USED)
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
