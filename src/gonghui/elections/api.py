"""/api/v1/formations, /terms, /term-requests, /elections, /documents, /notifications: the same
actions the pages call, through the same gatekeeper."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.elections import actions, conf, formation, rules, scope, selectors
from gonghui.elections.models import (
    Document,
    Election,
    ElectionStatus,
    Formation,
    FormationStatus,
    MeetingType,
    PostKind,
    TermRequest,
    TermRequestKind,
)  # fmt: skip
from gonghui.orgs.api import ERRORS
from gonghui.orgs.models import OrgKind

router = Router(tags=["elections"])


# --- schemas ----------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    generated: bool
    created_at: dt.datetime


class RosterEntryOut(Schema):
    id: int
    name: str
    id_masked: str
    gender: str
    employer_id: int | None
    source: str


class FormationOut(Schema):
    id: int
    parent: str
    name: str
    short_name: str
    kind: str
    form: str
    region_code: str
    joint_scope: str
    employers: list[int]
    chair_name: str
    term_years: int
    status: str
    reason: str
    approval_no: str
    founded_on: dt.date | None
    org: str | None
    members: int
    problems: list[dict[str, Any]]
    documents: list[DocumentOut]


class FormationIn(Schema):
    parent: str = Field(..., description="上级工会（审批单位）的组织代码")
    name: str = Field(..., min_length=1, max_length=120)
    kind: OrgKind = OrgKind.GRASSROOTS
    form: Literal["committee", "organiser"] = "committee"
    short_name: str = ""
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    joint_scope: str = ""
    employers: list[int] = []
    chair_name: str = ""
    term_years: Literal[3, 5] = 5
    request_text: str = ""


class FormationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: OrgKind | None = None
    form: Literal["committee", "organiser"] | None = None
    short_name: str | None = None
    region_code: str | None = Field(None, pattern=r"^\d{6}$")
    joint_scope: str | None = None
    employers: list[int] | None = None
    chair_name: str | None = None
    term_years: Literal[3, 5] | None = None
    request_text: str | None = None


class RosterIn(Schema):
    name: str = ""
    id_number: str = Field("", description="公民身份号码（加密保存，响应中只返回遮蔽形式）")
    employer_id: int | None = None
    lines: str = Field("", description="批量：每行“姓名 身份证号 [单位名称]”")


class IdsIn(Schema):
    ids: list[int]


class FormationDecision(Schema):
    decision: Literal["approve", "return", "reject"]
    reason: str = ""
    founded_on: dt.date | None = None
    term_years: Literal[3, 5] | None = None


class TermOut(Schema):
    org: str
    name: str
    term_number: int | None
    start: dt.date | None
    end: dt.date | None
    status: str


class TermRequestIn(Schema):
    kind: TermRequestKind
    reason: str = Field(..., min_length=1, max_length=500)
    proposed_date: dt.date | None = None


class TermRequestOut(Schema):
    id: int
    org: str
    kind: str
    proposed_date: dt.date | None
    reason: str
    status: str
    decision_reason: str
    previous_end: dt.date | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class Decision(Schema):
    decision: Literal["approve", "reject", "return"]
    reason: str = ""


class ElectionIn(Schema):
    org: str = Field(..., description="举行选举的工会组织代码")
    meeting_date: dt.date
    meeting_type: MeetingType = MeetingType.GENERAL
    term_years: Literal[3, 5] | None = None
    due: int | None = Field(None, ge=0)
    place: str = ""


class ElectionPatch(Schema):
    meeting_type: MeetingType | None = None
    meeting_date: dt.date | None = None
    place: str | None = None
    due: int | None = Field(None, ge=0)
    present: int | None = Field(None, ge=0)
    term_years: Literal[3, 5] | None = None


class PostsIn(Schema):
    """Seats per post; a post left at 0 is not filled (dropped with its candidates)."""

    committee: int = Field(0, ge=0)
    chair: int = Field(0, ge=0)
    vice_chair: int = Field(0, ge=0)
    audit: int = Field(0, ge=0)
    women: int = Field(0, ge=0)
    organiser: int = Field(0, ge=0)


class CandidateIn(Schema):
    post: PostKind
    member_no: str = ""
    id_number: str = ""
    principal_relative: bool = False
    note: str = ""


class VotesIn(Schema):
    post: PostKind
    ballots: int = Field(..., ge=0)
    votes: dict[int, int] = Field(..., description="候选人 id → 赞成票")


class PostIn(Schema):
    post: PostKind


class CandidateOut(Schema):
    id: int
    name: str
    member_no: str
    principal_relative: bool
    elected: bool
    elected_round: int | None


class RoundOut(Schema):
    number: int
    seats: int
    counted: bool
    ballots: int | None
    needed: int
    candidates: list[int]
    votes: dict[int, int]
    elected: list[int]
    tied: list[int]


class PostOut(Schema):
    kind: str
    seats: int
    closed: bool
    candidates: list[CandidateOut]
    rounds: list[RoundOut]


class ElectionOut(Schema):
    id: int
    org: str
    status: str
    term_number: int
    term_years: int
    meeting_type: str
    meeting_date: dt.date
    place: str
    members: int
    due: int
    present: int
    quorum_met: bool
    votes_needed: int
    early: bool
    overdue: bool
    reason: str
    approval_no: str
    posts: list[PostOut]
    problems: list[dict[str, Any]]
    documents: list[DocumentOut]


class NotificationOut(Schema):
    id: int
    kind: str
    message: str
    url: str
    org: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


# --- helpers -------------------------------------------------------------------------------


def _problems(found: list[rules.Problem]) -> list[dict[str, Any]]:
    return [{"code": p.code, "message": p.message, "blocking": p.blocking} for p in found]


def formation_out(f: Formation, *, fresh: bool = True) -> dict[str, Any]:
    if fresh:  # the actions write through their own locked copy
        f.refresh_from_db()
    return {
        "id": f.pk, "parent": f.parent.code, "name": f.name, "short_name": f.short_name, "kind": f.kind, "form": f.form,
        "region_code": f.region_code, "joint_scope": f.joint_scope, "employers": list(f.employers.values_list("pk", flat=True)),
        "chair_name": f.chair_name, "term_years": f.term_years, "status": f.status, "reason": f.reason, "approval_no": f.approval_no,
        "founded_on": f.founded_on, "org": f.org.code if f.org else None, "members": f.roster.count(),
        "problems": _problems(formation.problems(f)) if f.status != FormationStatus.APPROVED else [],
        "documents": list(f.documents.all()),
    }  # fmt: skip


def election_out(e: Election, *, fresh: bool = True) -> dict[str, Any]:
    if fresh:  # the actions write through their own locked copy
        e.refresh_from_db()
    r = conf.rules()
    posts = []
    for p in e.posts.prefetch_related("candidates__membership", "rounds__votes", "rounds__candidates"):
        rounds = [{
            "number": rd.number, "seats": rd.seats, "counted": rd.counted, "ballots": rd.ballots, "needed": rd.needed,
            "candidates": [c.pk for c in rd.candidates.all()], "votes": {v.candidate_id: v.votes_for for v in rd.votes.all()},
            "elected": rd.outcome.get("elected", []), "tied": rd.outcome.get("tied", []),
        } for rd in p.rounds.all()]  # fmt: skip
        cands = [{"id": c.pk, "name": c.name, "member_no": c.membership.member_no, "principal_relative": c.principal_relative,
                  "elected": c.elected, "elected_round": c.elected_round} for c in p.candidates.all()]  # fmt: skip
        posts.append(
            {"kind": p.kind, "seats": p.seats, "closed": p.closed, "candidates": cands, "rounds": rounds}
        )
    return {
        "id": e.pk, "org": e.org.code, "status": e.status, "term_number": e.term_number, "term_years": e.term_years,
        "meeting_type": e.meeting_type, "meeting_date": e.meeting_date, "place": e.place, "members": e.members, "due": e.due,
        "present": e.present, "quorum_met": rules.quorum_met(due=e.due, present=e.present, quorum=r.quorum),
        "votes_needed": rules.votes_needed(due=e.due, majority=r.majority), "early": e.early, "overdue": e.overdue,
        "reason": e.reason, "approval_no": e.approval_no, "posts": posts,
        "problems": _problems(actions.problems(e)) if e.status == ElectionStatus.SETUP else [], "documents": list(e.documents.all()),
    }  # fmt: skip


def term_request_out(q: TermRequest) -> dict[str, Any]:
    return {"id": q.pk, "org": q.org.code, "kind": q.kind, "proposed_date": q.proposed_date, "reason": q.reason, "status": q.status,
            "decision_reason": q.decision_reason, "previous_end": q.previous_end, "created_at": q.created_at, "decided_at": q.decided_at}  # fmt: skip


class _Lazy:
    """A sequence for the paginator: a slice loads and serialises one page only."""

    def __init__(self, qs: Any, out: Any):
        self.qs, self.out = qs, out

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        return [self.out(o) for o in self.qs[s]]


def _employers(user: Any, ids: list[int]) -> list[Any]:
    return [access.get_employer(user, pk, Perm.ORG_MANAGE) for pk in ids]


# --- formations ----------------------------------------------------------------------------


@router.get("/formations", response=list[FormationOut], summary="组建申请列表")
@paginate(LimitOffsetPagination)
def formation_list(request: HttpRequest, status: FormationStatus | None = None) -> Any:
    qs = scope.scoped_formations(request.user).select_related("parent", "org")
    if status:
        qs = qs.filter(status=status)
    return _Lazy(qs, lambda f: formation_out(f, fresh=False))


@router.post("/formations", response={201: FormationOut, **ERRORS}, summary="新建组建申请（草拟）")
def formation_create(request: HttpRequest, payload: FormationIn) -> tuple[int, dict[str, Any]]:
    parent = access.get_org(request.user, payload.parent, Perm.ORG_MANAGE)
    data = payload.dict(exclude={"parent", "employers"})
    if data["region_code"] is None:
        data.pop("region_code")
    f = formation.formation_create(
        user=request.user, parent=parent, employers=_employers(request.user, payload.employers), **data
    )
    return 201, formation_out(f)


@router.get("/formations/{formation_id}", response={200: FormationOut, **ERRORS}, summary="组建申请详情")
def formation_detail(request: HttpRequest, formation_id: int) -> dict[str, Any]:
    return formation_out(scope.get_formation(request.user, formation_id))


@router.patch(
    "/formations/{formation_id}",
    response={200: FormationOut, **ERRORS},
    summary="修改组建申请（草拟或退回时）",
)
def formation_update(request: HttpRequest, formation_id: int, payload: FormationPatch) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    data = payload.dict(exclude_unset=True)
    ids = data.pop("employers", None)
    employers = _employers(request.user, ids) if ids is not None else None
    return formation_out(
        formation.formation_update(user=request.user, formation=f, employers=employers, **data)
    )


@router.get(
    "/formations/{formation_id}/roster",
    response={200: list[RosterEntryOut], **ERRORS},
    summary="创始会员名册（身份证号遮蔽）",
)
def roster_list(request: HttpRequest, formation_id: int) -> Any:
    return list(scope.get_formation(request.user, formation_id).roster.all())


@router.post(
    "/formations/{formation_id}/roster",
    response={201: FormationOut, **ERRORS},
    summary="添加创始会员（单个或批量）",
)
def roster_add(request: HttpRequest, formation_id: int, payload: RosterIn) -> tuple[int, dict[str, Any]]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    if payload.lines.strip():
        formation.roster_add_lines(user=request.user, formation=f, text=payload.lines)
    else:
        employer = (
            access.get_employer(request.user, payload.employer_id, Perm.ORG_MANAGE)
            if payload.employer_id
            else None
        )
        formation.roster_add(
            user=request.user, formation=f, name=payload.name, id_number=payload.id_number, employer=employer
        )
    return 201, formation_out(f)


@router.post(
    "/formations/{formation_id}/roster/from-register",
    response={200: FormationOut, **ERRORS},
    summary="从会员库添加建会单位的会员",
)
def roster_register(request: HttpRequest, formation_id: int) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    formation.roster_from_register(user=request.user, formation=f)
    return formation_out(f)


@router.post(
    "/formations/{formation_id}/roster/remove", response={200: FormationOut, **ERRORS}, summary="移除创始会员"
)
def roster_remove(request: HttpRequest, formation_id: int, payload: IdsIn) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    formation.roster_remove(user=request.user, formation=f, entry_ids=payload.ids)
    return formation_out(f)


@router.post(
    "/formations/{formation_id}/request",
    response={201: DocumentOut, **ERRORS},
    summary="上传已签章的请示（multipart）",
)
def formation_upload(
    request: HttpRequest,
    formation_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja's idiom
) -> tuple[int, Document]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    if file is None:
        raise ApplicationError(
            "请上传文件（multipart 字段 file）。", code="required", details={"field": "file"}
        )
    return 201, formation.formation_upload_request(user=request.user, formation=f, file=file)


@router.post(
    "/formations/{formation_id}/submit", response={200: FormationOut, **ERRORS}, summary="报上级工会审批"
)
def formation_submit(request: HttpRequest, formation_id: int) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    return formation_out(formation.formation_submit(user=request.user, formation=f))


@router.post(
    "/formations/{formation_id}/decision",
    response={200: FormationOut, **ERRORS},
    summary="上级工会审批：批复、退回或不予批准",
)
def formation_decide(request: HttpRequest, formation_id: int, payload: FormationDecision) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.REVIEW)
    if payload.decision == "approve":
        f = formation.formation_approve(user=request.user, formation=f, founded_on=payload.founded_on, term_years=payload.term_years,
                                        reason=payload.reason)  # fmt: skip
    elif payload.decision == "return":
        f = formation.formation_return(user=request.user, formation=f, reason=payload.reason)
    else:
        f = formation.formation_reject(user=request.user, formation=f, reason=payload.reason)
    return formation_out(f)


# --- documents and notifications -------------------------------------------------------------


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS}, summary="文书信息")
def document_detail(request: HttpRequest, document_id: int) -> Document:
    return scope.get_document(request.user, document_id)


@router.get("/documents/{document_id}/file", response={200: None, **ERRORS}, summary="下载文书文件")
def document_file(request: HttpRequest, document_id: int) -> Any:
    d = scope.get_document(request.user, document_id)
    resp = FileResponse(
        d.file.open("rb"), content_type=d.content_type, as_attachment=True, filename=d.original_name
    )
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@router.get("/notifications", response=list[NotificationOut], summary="本账号的提醒")
@paginate(LimitOffsetPagination)
def notification_list(request: HttpRequest, unread: bool = False) -> Any:
    qs = scope.my_notifications(request.user).select_related("org")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return _Lazy(qs, lambda n: {"id": n.pk, "kind": n.kind, "message": n.message, "url": n.url, "org": n.org.code if n.org else None,
                                "created_at": n.created_at, "read_at": n.read_at})  # fmt: skip


# --- terms -----------------------------------------------------------------------------------


@router.get("/terms", response=list[TermOut], summary="届次：到期未换届、即将到期")
@paginate(LimitOffsetPagination)
def term_list(
    request: HttpRequest, under: str | None = None, overdue: bool = False, due_within: int | None = None
) -> Any:
    qs = access.scoped_orgs(request.user)
    if under:
        qs = qs.filter(path__startswith=access.get_org(request.user, under).path)
    today = timezone.localdate()
    due_days = due_within if due_within is not None else conf.rules().due_days
    qs = selectors.term_filter(qs, today=today, overdue=overdue, due_within=due_within).order_by(
        "term_end", "path"
    )
    return _Lazy(qs, lambda o: {**selectors.term_row(o, today=today, due_days=due_days), "name": o.name})


@router.get("/term-requests", response=list[TermRequestOut], summary="换届事项请示")
@paginate(LimitOffsetPagination)
def term_request_list(request: HttpRequest, status: str | None = None) -> Any:
    qs = scope.scoped_term_requests(request.user).select_related("org")
    if status:
        qs = qs.filter(status=status)
    return _Lazy(qs, term_request_out)


@router.post(
    "/orgs/{code}/term-requests",
    response={201: TermRequestOut, **ERRORS},
    summary="请示延期、提前换届或召开会员代表大会",
)
def term_request_create(
    request: HttpRequest, code: str, payload: TermRequestIn
) -> tuple[int, dict[str, Any]]:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    q = actions.term_request_create(
        user=request.user,
        org=org,
        kind=payload.kind,
        reason=payload.reason,
        proposed_date=payload.proposed_date,
    )
    return 201, term_request_out(q)


@router.post(
    "/term-requests/{request_id}/decision",
    response={200: TermRequestOut, **ERRORS},
    summary="上级工会审批换届事项",
)
def term_request_decide(request: HttpRequest, request_id: int, payload: Decision) -> dict[str, Any]:
    q = scope.get_term_request_to_decide(request.user, request_id)
    return term_request_out(
        actions.term_request_decide(
            user=request.user, request=q, approve=payload.decision == "approve", reason=payload.reason
        )
    )


# --- elections -------------------------------------------------------------------------------


@router.get("/elections", response=list[ElectionOut], summary="换届选举列表")
@paginate(LimitOffsetPagination)
def election_list(request: HttpRequest, status: ElectionStatus | None = None, org: str | None = None) -> Any:
    qs = scope.scoped_elections(request.user).select_related("org")
    if status:
        qs = qs.filter(status=status)
    if org:
        qs = qs.filter(org=access.get_org(request.user, org))
    return _Lazy(qs, lambda e: election_out(e, fresh=False))


@router.post("/elections", response={201: ElectionOut, **ERRORS}, summary="开始换届选举（筹备）")
def election_create(request: HttpRequest, payload: ElectionIn) -> tuple[int, dict[str, Any]]:
    org = access.get_org(request.user, payload.org, Perm.ORG_MANAGE)
    e = actions.election_create(user=request.user, org=org, **payload.dict(exclude={"org"}))
    return 201, election_out(e)


@router.get("/elections/{election_id}", response={200: ElectionOut, **ERRORS}, summary="换届选举详情")
def election_detail(request: HttpRequest, election_id: int) -> dict[str, Any]:
    return election_out(scope.get_election(request.user, election_id))


@router.patch(
    "/elections/{election_id}",
    response={200: ElectionOut, **ERRORS},
    summary="会议情况：形式、日期、应到、实到",
)
def election_update(request: HttpRequest, election_id: int, payload: ElectionPatch) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(
        actions.election_update(user=request.user, election=e, **payload.dict(exclude_unset=True))
    )


@router.put("/elections/{election_id}/posts", response={200: ElectionOut, **ERRORS}, summary="应选职位与名额")
def election_posts(request: HttpRequest, election_id: int, payload: PostsIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_set_posts(user=request.user, election=e, seats=payload.dict()))


@router.post(
    "/elections/{election_id}/candidates",
    response={201: ElectionOut, **ERRORS},
    summary="提名候选人（本会会员）",
)
def candidate_add(request: HttpRequest, election_id: int, payload: CandidateIn) -> tuple[int, dict[str, Any]]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.candidate_add(user=request.user, election=e, **payload.dict())
    return 201, election_out(e)


@router.post(
    "/elections/{election_id}/candidates/remove", response={200: ElectionOut, **ERRORS}, summary="移除候选人"
)
def candidate_remove(request: HttpRequest, election_id: int, payload: IdsIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.candidate_remove(user=request.user, election=e, candidate_ids=payload.ids)
    return election_out(e)


@router.post(
    "/elections/{election_id}/start", response={200: ElectionOut, **ERRORS}, summary="确定候选人，开始投票"
)
def election_start(request: HttpRequest, election_id: int) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_start_voting(user=request.user, election=e))


@router.post(
    "/elections/{election_id}/votes", response={200: ElectionOut, **ERRORS}, summary="录入一轮票数并计票"
)
def election_votes(request: HttpRequest, election_id: int, payload: VotesIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.round_record(
        user=request.user, election=e, post=payload.post, ballots=payload.ballots, votes=payload.votes
    )
    return election_out(e)


@router.post(
    "/elections/{election_id}/close-post",
    response={200: ElectionOut, **ERRORS},
    summary="不再另行选举（名额空缺）",
)
def election_close_post(request: HttpRequest, election_id: int, payload: PostIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.post_close(user=request.user, election=e, post=payload.post)
    return election_out(e)


@router.post(
    "/elections/{election_id}/submit",
    response={200: ElectionOut, **ERRORS},
    summary="生成结果报告，报上级审批",
)
def election_submit(request: HttpRequest, election_id: int) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_submit(user=request.user, election=e))


@router.post(
    "/elections/{election_id}/reopen",
    response={200: ElectionOut, **ERRORS},
    summary="结果退回后清除计票重新选举",
)
def election_reopen(request: HttpRequest, election_id: int) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_reopen(user=request.user, election=e))


@router.post(
    "/elections/{election_id}/decision", response={200: ElectionOut, **ERRORS}, summary="上级工会审批选举结果"
)
def election_decide(request: HttpRequest, election_id: int, payload: Decision) -> dict[str, Any]:
    e = scope.get_election_to_decide(request.user, election_id)
    return election_out(
        actions.election_decide(
            user=request.user, election=e, approve=payload.decision == "approve", reason=payload.reason
        )
    )
