"""/api/v1/formations: 组建申请 through the same actions the pages call."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

from typing import Any

from django.http import HttpRequest
from ninja import File
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import Id, Pagination
from gonghui.elections import formation, scope
from gonghui.elections.api import router
from gonghui.elections.api.out import _employers, _Lazy, formation_out, formation_rows
from gonghui.elections.api.schemas import (
    DocumentOut,
    FormationDecision,
    FormationIn,
    FormationOut,
    FormationPatch,
    IdsIn,
    RosterEntryOut,
    RosterIn,
)
from gonghui.elections.models import (
    Document,
    FormationStatus,
)  # fmt: skip
from gonghui.orgs.api import ERRORS

# --- formations ----------------------------------------------------------------------------


@router.get("/formations", response=list[FormationOut], summary="组建申请列表")
@paginate(Pagination)
def formation_list(request: HttpRequest, status: FormationStatus | None = None) -> Any:
    qs = formation_rows(scope.scoped_formations(request.user))
    if status:
        qs = qs.filter(status=status)
    return _Lazy(qs, lambda f: formation_out(f, fresh=False, detail=False))


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
def formation_detail(request: HttpRequest, formation_id: Id) -> dict[str, Any]:
    return formation_out(scope.get_formation(request.user, formation_id))


@router.patch(
    "/formations/{formation_id}",
    response={200: FormationOut, **ERRORS},
    summary="修改组建申请（草拟或退回时）",
)
def formation_update(request: HttpRequest, formation_id: Id, payload: FormationPatch) -> dict[str, Any]:
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
def roster_list(request: HttpRequest, formation_id: Id) -> Any:
    return list(scope.get_formation(request.user, formation_id).roster.all())


@router.post(
    "/formations/{formation_id}/roster",
    response={201: FormationOut, **ERRORS},
    summary="添加创始会员（单个或批量）",
)
def roster_add(request: HttpRequest, formation_id: Id, payload: RosterIn) -> tuple[int, dict[str, Any]]:
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
def roster_register(request: HttpRequest, formation_id: Id) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    formation.roster_from_register(user=request.user, formation=f)
    return formation_out(f)


@router.post(
    "/formations/{formation_id}/roster/remove", response={200: FormationOut, **ERRORS}, summary="移除创始会员"
)
def roster_remove(request: HttpRequest, formation_id: Id, payload: IdsIn) -> dict[str, Any]:
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
    formation_id: Id,
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
def formation_submit(request: HttpRequest, formation_id: Id) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.ORG_MANAGE)
    return formation_out(formation.formation_submit(user=request.user, formation=f))


@router.post(
    "/formations/{formation_id}/decision",
    response={200: FormationOut, **ERRORS},
    summary="上级工会审批：批复、退回或不予批准",
)
def formation_decide(request: HttpRequest, formation_id: Id, payload: FormationDecision) -> dict[str, Any]:
    f = scope.get_formation(request.user, formation_id, Perm.REVIEW)
    if payload.decision == "approve":
        f = formation.formation_approve(user=request.user, formation=f, founded_on=payload.founded_on, term_years=payload.term_years,
                                        reason=payload.reason)  # fmt: skip
    elif payload.decision == "return":
        f = formation.formation_return(user=request.user, formation=f, reason=payload.reason)
    else:
        f = formation.formation_reject(user=request.user, formation=f, reason=payload.reason)
    return formation_out(f)
