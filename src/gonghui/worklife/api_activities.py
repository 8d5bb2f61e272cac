"""/api/v1/worklife/… activities (with the spreadsheet import and the code table) and union
groups, registered on worklife.api.router."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, File, Form, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import (
    ERRORS,
    Code,
    Id,
    IdList,
    Pagination,
    Search,
    Str24,
    Str60,
    Str120,
    Str200,
    Text4000,
    UInt,
    Year,
)
from gonghui.members.models import CURRENT_STATUSES, Membership, Person
from gonghui.worklife import actions_activities as acts
from gonghui.worklife import actions_groups, activity_import, codes, selectors
from gonghui.worklife.api import router
from gonghui.worklife.models import Activity, ActivitySource, GroupMember, UnionGroup

# --------------------------------------------------------------------------- activities


class ActivityIn(Schema):
    org: Code
    kind: Str24
    held_on: dt.date
    title: Str200
    participants: UInt = 0
    place: Str120 = ""
    result: Str200 = ""
    home_status: Literal["", "building", "county", "city", "province", "national"] = ""
    description: Text4000 = ""
    member_ids: IdList = Field([], description="参加会员的会籍 ID")


class ActivityOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    kind: str
    kind_label: str
    held_on: dt.date
    title: str
    place: str
    participants: int
    result: str
    home_status: str
    description: str
    source: str

    @staticmethod
    def resolve_kind_label(obj: Activity) -> str:
        return codes.label(obj.kind)


class ActivityTypeOut(Schema):
    code: str
    label: str


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    rows: int
    created: int
    errors: list[ImportErrorOut]


def memberships_in_scope(
    request: HttpRequest, ids: list[int], perm: Perm = Perm.UNION_WORK
) -> list[Membership]:
    """Each membership id through the gatekeeper (404 for one out of scope)."""
    qs = Membership.objects.select_related("person")
    return [access.get_scoped(qs, request.user, pk, perm=perm) for pk in dict.fromkeys(ids)]


@router.get("/worklife/activity-types", response=list[ActivityTypeOut], summary="活动类型代码表")
def activity_types(request: HttpRequest) -> Any:
    access.require(request.user, Perm.VIEW)
    return [{"code": c, "label": label} for c, label in codes.choices()]


@router.get("/worklife/activities", response=list[ActivityOut], summary="工会活动")
@paginate(Pagination)
def activity_list(
    request: HttpRequest,
    under: Code | None = None,
    kind: Str24 = "",
    year: Year | None = None,
    q: Search = "",
) -> Any:
    qs = selectors.under(selectors.activities(request.user), request.user, under)
    return selectors.activity_filter(qs, kind=kind, year=year, q=q).order_by("-held_on", "-id")


@router.post("/worklife/activities", response={201: ActivityOut, **ERRORS}, summary="登记工会活动")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.UNION_WORK)
    persons: list[Person] = [m.person for m in memberships_in_scope(request, payload.member_ids)]
    data = payload.dict(exclude={"org", "member_ids"})
    return 201, acts.activity_record(
        user=request.user, org=org, persons=persons, source=ActivitySource.API, **data
    )


@router.post("/worklife/activities/import", response={200: ImportOut, **ERRORS},
             summary="批量导入工会活动（xlsx/xls/ods/CSV；有错则整表不导入，返回逐行问题）")  # fmt: skip
def activity_import_api(
    request: HttpRequest,
    file: UploadedFile = File(None),  # noqa: B008
    org: Code = Form(None),  # noqa: B008
) -> Any:
    access.require(request.user, Perm.UNION_WORK)  # before looking at the input: a viewer gets 403
    if not org:
        raise ApplicationError(
            "请指定导入到的工会（org）。", code="required", details={"field": "org"}, status=422
        )
    if file is None:
        raise ApplicationError(
            "请上传表格文件（file）。", code="required", details={"field": "file"}, status=422
        )
    target = access.get_org(request.user, org, Perm.UNION_WORK)
    r = activity_import.import_upload(user=request.user, org=target, upload=file)
    return {"rows": r.rows, "created": r.created, "errors": [e.__dict__ for e in r.errors]}


@router.get(
    "/worklife/activities/{activity_id}", response={200: ActivityOut, **ERRORS}, summary="工会活动详情"
)
def activity_detail(request: HttpRequest, activity_id: Id) -> Any:
    return access.get_scoped(selectors.activities(request.user), request.user, activity_id)


@router.delete("/worklife/activities/{activity_id}", response={204: None, **ERRORS}, summary="删除工会活动")
def activity_delete(request: HttpRequest, activity_id: Id) -> Any:
    a = access.get_scoped(selectors.activities(request.user), request.user, activity_id, perm=Perm.UNION_WORK)
    acts.activity_delete(user=request.user, activity=a)
    return 204, None


# --------------------------------------------------------------------------- union groups


class UnionGroupIn(Schema):
    org: Code
    name: Str60


class GroupMembersIn(Schema):
    member_ids: IdList = Field(..., min_length=1, description="会籍 ID")


class LeaderIn(Schema):
    member_id: Id | None = Field(None, description="会籍 ID；null 为取消组长")


class GroupMemberOut(Schema):
    member_id: int
    member_no: str
    name: str


class UnionGroupOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    name: str
    leader_id: int | None
    member_count: int

    @staticmethod
    def resolve_member_count(obj: UnionGroup) -> int:
        n = getattr(obj, "n_current", None)
        return (
            int(n)
            if n is not None
            else obj.assignments.filter(membership__status__in=CURRENT_STATUSES).count()
        )


class GroupDetailOut(UnionGroupOut):
    members: list[GroupMemberOut]

    @staticmethod
    def resolve_members(obj: UnionGroup) -> list[dict[str, Any]]:
        rows = obj.assignments.filter(membership__status__in=CURRENT_STATUSES).select_related(
            "membership__person"
        )
        return [{"member_id": g.membership_id, "member_no": g.membership.member_no, "name": g.membership.person.name}
                for g in rows.order_by("membership__member_no")]  # fmt: skip


@router.get("/worklife/groups", response=list[UnionGroupOut], summary="工会小组")
@paginate(Pagination)
def group_list(request: HttpRequest, under: Code | None = None) -> Any:
    qs = selectors.under(selectors.groups(request.user), request.user, under)
    return _CountedPage(qs.order_by("org_path", "name"))


class _CountedPage:
    """The paginator's sequence: a page of groups, then their current members counted in one
    grouped query. Not an annotation over a join with memberships: on Citus the join plans the
    groups as a subquery, and grouping by their id no longer covers their other columns."""

    def __init__(self, qs: Any):
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, s: slice) -> list[UnionGroup]:
        rows = list(self.qs[s])
        current = GroupMember.objects.filter(group__in=rows, membership__status__in=CURRENT_STATUSES)
        n = dict(current.values_list("group_id").annotate(n=Count("id")).order_by())
        for g in rows:
            g.n_current = n.get(g.pk, 0)
        return rows


@router.post("/worklife/groups", response={201: GroupDetailOut, **ERRORS}, summary="建立工会小组")
def group_create(request: HttpRequest, payload: UnionGroupIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.UNION_WORK)
    return 201, actions_groups.group_create(user=request.user, org=org, name=payload.name)


def _group(request: HttpRequest, group_id: int, perm: Perm = Perm.VIEW) -> UnionGroup:
    return access.get_scoped(selectors.groups(request.user), request.user, group_id, perm=perm)


@router.get("/worklife/groups/{group_id}", response={200: GroupDetailOut, **ERRORS}, summary="工会小组详情")
def group_detail(request: HttpRequest, group_id: Id) -> Any:
    return _group(request, group_id)


@router.post(
    "/worklife/groups/{group_id}/members", response={200: GroupDetailOut, **ERRORS}, summary="编入会员"
)
def group_assign(request: HttpRequest, group_id: Id, payload: GroupMembersIn) -> Any:
    g = _group(request, group_id, Perm.UNION_WORK)
    actions_groups.group_assign(
        user=request.user, group=g, memberships=memberships_in_scope(request, payload.member_ids)
    )
    return _group(request, group_id)


@router.delete(
    "/worklife/groups/{group_id}/members/{member_id}",
    response={200: GroupDetailOut, **ERRORS},
    summary="移出会员",
)
def group_remove(request: HttpRequest, group_id: Id, member_id: Id) -> Any:
    g = _group(request, group_id, Perm.UNION_WORK)
    m = memberships_in_scope(request, [member_id])[0]
    actions_groups.group_remove(user=request.user, group=g, membership=m)
    return _group(request, group_id)


@router.post(
    "/worklife/groups/{group_id}/leader", response={200: GroupDetailOut, **ERRORS}, summary="设定组长"
)
def group_leader(request: HttpRequest, group_id: Id, payload: LeaderIn) -> Any:
    g = _group(request, group_id, Perm.UNION_WORK)
    m = memberships_in_scope(request, [payload.member_id])[0] if payload.member_id else None
    return actions_groups.group_set_leader(user=request.user, group=g, membership=m)
