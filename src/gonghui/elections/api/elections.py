"""/api/v1/elections: 换届选举 through the same actions the pages call."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

from typing import Any

from django.http import HttpRequest
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import Code, Id, Pagination
from gonghui.elections import actions, scope
from gonghui.elections.api import router
from gonghui.elections.api.out import _Lazy, election_out, election_rows
from gonghui.elections.api.schemas import (
    CandidateIn,
    Decision,
    ElectionIn,
    ElectionOut,
    ElectionPatch,
    IdsIn,
    PlenaryIn,
    PostIn,
    PostsIn,
    VotesIn,
)
from gonghui.elections.models import (
    ElectionStatus,
)  # fmt: skip
from gonghui.orgs.api import ERRORS

# --- elections -------------------------------------------------------------------------------


@router.get("/elections", response=list[ElectionOut], summary="换届选举列表")
@paginate(Pagination)
def election_list(request: HttpRequest, status: ElectionStatus | None = None, org: Code | None = None) -> Any:
    qs = election_rows(scope.scoped_elections(request.user))
    if status:
        qs = qs.filter(status=status)
    if org:
        qs = qs.filter(org=access.get_org(request.user, org))
    return _Lazy(qs, lambda e: election_out(e, fresh=False, detail=False))


@router.post("/elections", response={201: ElectionOut, **ERRORS}, summary="开始换届选举（筹备）")
def election_create(request: HttpRequest, payload: ElectionIn) -> tuple[int, dict[str, Any]]:
    org = access.get_org(request.user, payload.org, Perm.ORG_MANAGE)
    e = actions.election_create(user=request.user, org=org, **payload.dict(exclude={"org"}))
    return 201, election_out(e)


@router.get("/elections/{election_id}", response={200: ElectionOut, **ERRORS}, summary="换届选举详情")
def election_detail(request: HttpRequest, election_id: Id) -> dict[str, Any]:
    return election_out(scope.get_election(request.user, election_id))


@router.patch(
    "/elections/{election_id}",
    response={200: ElectionOut, **ERRORS},
    summary="会议情况：形式、日期、应到、实到",
)
def election_update(request: HttpRequest, election_id: Id, payload: ElectionPatch) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(
        actions.election_update(user=request.user, election=e, **payload.dict(exclude_unset=True))
    )


@router.put("/elections/{election_id}/posts", response={200: ElectionOut, **ERRORS}, summary="应选职位与名额")
def election_posts(request: HttpRequest, election_id: Id, payload: PostsIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_set_posts(user=request.user, election=e, seats=payload.dict()))


@router.post(
    "/elections/{election_id}/candidates",
    response={201: ElectionOut, **ERRORS},
    summary="提名候选人（本会会员）",
)
def candidate_add(request: HttpRequest, election_id: Id, payload: CandidateIn) -> tuple[int, dict[str, Any]]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.candidate_add(user=request.user, election=e, **payload.dict())
    return 201, election_out(e)


@router.post(
    "/elections/{election_id}/candidates/remove", response={200: ElectionOut, **ERRORS}, summary="移除候选人"
)
def candidate_remove(request: HttpRequest, election_id: Id, payload: IdsIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.candidate_remove(user=request.user, election=e, candidate_ids=payload.ids)
    return election_out(e)


@router.post(
    "/elections/{election_id}/start", response={200: ElectionOut, **ERRORS}, summary="确定候选人，开始投票"
)
def election_start(request: HttpRequest, election_id: Id) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_start_voting(user=request.user, election=e))


@router.post(
    "/elections/{election_id}/votes", response={200: ElectionOut, **ERRORS}, summary="录入一轮票数并计票"
)
def election_votes(request: HttpRequest, election_id: Id, payload: VotesIn) -> dict[str, Any]:
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
def election_close_post(request: HttpRequest, election_id: Id, payload: PostIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    actions.post_close(user=request.user, election=e, post=payload.post)
    return election_out(e)


@router.post(
    "/elections/{election_id}/submit",
    response={200: ElectionOut, **ERRORS},
    summary="生成结果报告，报上级审批",
)
def election_submit(request: HttpRequest, election_id: Id) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_submit(user=request.user, election=e))


@router.post(
    "/elections/{election_id}/reopen",
    response={200: ElectionOut, **ERRORS},
    summary="结果退回后清除计票重新选举",
)
def election_reopen(request: HttpRequest, election_id: Id) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_reopen(user=request.user, election=e))


@router.post(
    "/elections/{election_id}/decision", response={200: ElectionOut, **ERRORS}, summary="上级工会审批选举结果"
)
def election_decide(request: HttpRequest, election_id: Id, payload: Decision) -> dict[str, Any]:
    e = scope.get_election_to_decide(request.user, election_id)
    return election_out(
        actions.election_decide(
            user=request.user, election=e, approve=payload.decision == "approve", reason=payload.reason
        )
    )


@router.post(
    "/elections/{election_id}/plenary",
    response={200: ElectionOut, **ERRORS},
    summary="委员会第一次全体会议实到人数（由委员会选举主席、副主席时）",
)
def election_plenary(request: HttpRequest, election_id: Id, payload: PlenaryIn) -> dict[str, Any]:
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    return election_out(actions.election_plenary(user=request.user, election=e, present=payload.present))
