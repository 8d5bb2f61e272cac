"""/api/v1/orgs and /api/v1/employers: the same actions the pages call."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import (
    ERRORS,
    UNSET,
    Code,
    Id,
    Pagination,
    Region,
    Search,
    SmallUInt,
    Str18,
    Str24,
    Str40,
    Str60,
    Str120,
    Str200,
    UInt,
)
from gonghui.orgs import actions, selectors
from gonghui.orgs.models import Employer, Org, OrgKind

router = Router(tags=["orgs"])


class OrgOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    org_form: str
    joint_scope: str
    region_code: str
    parent_code: str | None
    depth: int
    status: str
    founded_on: dt.date | None
    approval_no: str
    credit_code: str
    chair_name: str
    term_number: int | None
    term_start: dt.date | None
    term_end: dt.date | None
    full_time_staff: int
    address: str


class OrgCreate(Schema):
    parent: Code = Field(..., description="上级工会的组织代码")
    kind: OrgKind
    name: Str120 = Field(..., min_length=1)
    region_code: Region
    short_name: Str60 = ""
    org_form: Str24 = "committee"
    joint_scope: Str24 = ""
    founded_on: dt.date | None = None
    approval_no: Str60 = ""
    credit_code: Str18 = ""
    chair_name: Str40 = ""
    term_number: SmallUInt | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    full_time_staff: SmallUInt = 0
    address: Str200 = ""


class OrgUpdate(Schema):
    """Fields left out stay unchanged; `null` only where the column allows it (dates, term_number)."""

    name: Str120 = Field(UNSET, min_length=1)
    short_name: Str60 = UNSET
    org_form: Str24 = UNSET
    joint_scope: Str24 = UNSET
    region_code: Region = UNSET
    founded_on: dt.date | None = None
    approval_no: Str60 = UNSET
    credit_code: Str18 = UNSET
    chair_name: Str40 = UNSET
    term_number: SmallUInt | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None
    full_time_staff: SmallUInt = UNSET
    address: Str200 = UNSET


class MoveIn(Schema):
    parent: Code = Field(..., description="新上级工会的组织代码")


__all__ = ["ERRORS", "router"]  # ERRORS (core.schema) is imported from here by the other apps' APIs


def org_out(org: Org, parent_code: str | None = None) -> dict[str, Any]:
    data = {f: getattr(org, f) for f in OrgOut.model_fields if f != "parent_code"}
    data["parent_code"] = parent_code
    return data


def _parent_codes(orgs: list[Org]) -> dict[str, str]:
    parent_paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
    return dict(Org.objects.filter(path__in=parent_paths).values_list("path", "code"))


@router.get("/orgs", response=list[OrgOut], summary="工会组织列表（本级及下级）")
@paginate(Pagination)
def org_list(
    request: HttpRequest, under: Code | None = None, kind: OrgKind | None = None, q: Search | None = None,
    include_ended: bool = False,
) -> list[dict[str, Any]]:  # fmt: skip
    qs = access.scoped_orgs(request.user)
    if under:
        qs = qs.filter(path__startswith=access.get_org(request.user, under).path)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q))
    if not include_ended:
        qs = qs.filter(status="active")
    return _OrgPage(qs.order_by("path"))  # type: ignore[return-value]


class _OrgPage:
    """Lazy sequence for the paginator: slices load one page and its parents' codes in 2 queries."""

    def __init__(self, qs: Any):
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        page = list(self.qs[s])
        parents = _parent_codes(page)
        return [org_out(o, parents.get(o.path[: -Org.steplen])) for o in page]


@router.get("/orgs/{code}", response={200: OrgOut, **ERRORS}, summary="工会组织详情")
def org_detail(request: HttpRequest, code: Code) -> dict[str, Any]:
    org = access.get_org(request.user, code)
    parent = Org.objects.get_parent(org)
    return org_out(org, parent.code if parent else None)


@router.get("/orgs/{code}/stats", summary="下级范围的统计数字")
def org_stats(request: HttpRequest, code: Code) -> dict[str, Any]:
    from gonghui.core import extensions

    org = access.get_org(request.user, code)
    return {**selectors.subtree_stats(org), **extensions.stats_sections(org, request.user)}


@router.post("/orgs", response={201: OrgOut, **ERRORS}, summary="新建工会组织")
def org_create(request: HttpRequest, payload: OrgCreate) -> tuple[int, dict[str, Any]]:
    parent = access.get_org(request.user, payload.parent, Perm.ORG_MANAGE)
    data = payload.dict(exclude={"parent"})
    org = actions.org_create(user=request.user, parent=parent, **data)
    return 201, org_out(org, parent.code)


@router.patch("/orgs/{code}", response={200: OrgOut, **ERRORS}, summary="修改工会组织")
def org_update(request: HttpRequest, code: Code, payload: OrgUpdate) -> dict[str, Any]:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    org = actions.org_update(user=request.user, org=org, **payload.dict(exclude_unset=True))
    parent = Org.objects.get_parent(org)
    return org_out(org, parent.code if parent else None)


@router.post("/orgs/{code}/move", response={200: OrgOut, **ERRORS}, summary="移动组织（连同下级）")
def org_move(request: HttpRequest, code: Code, payload: MoveIn) -> dict[str, Any]:
    org = access.get_org(request.user, code, Perm.ORG_RESTRUCTURE)
    new_parent = access.get_org(request.user, payload.parent, Perm.ORG_RESTRUCTURE)
    org = actions.org_move(user=request.user, org=org, new_parent=new_parent)
    return org_out(org, new_parent.code)


class EmployerOut(Schema):
    id: int
    name: str
    credit_code: str | None
    economic_type: str
    industry: str
    region_code: str
    address: str
    area_org: str = Field(..., alias="area_org.code")
    union: str | None = None
    coverage: str
    operating_status: str
    employees: int
    members: int
    migrant_workers: int
    migrant_members: int
    surveyed_on: dt.date | None

    @staticmethod
    def resolve_union(obj: Employer) -> str | None:
        return obj.union.code if obj.union else None

    @staticmethod
    def resolve_coverage(obj: Employer) -> str:
        return obj.coverage_label


@router.get("/employers", response=list[EmployerOut], tags=["employers"], summary="用人单位列表")
@paginate(Pagination)
def employer_list(
    request: HttpRequest, under: Code | None = None, unionised: bool | None = None, q: Search | None = None
) -> Any:
    qs = access.scoped_employers(request.user).select_related("area_org", "union")
    if under:
        org = access.get_org(request.user, under)
        qs = qs.filter(Q(area_path__startswith=org.path) | Q(union__path__startswith=org.path))
    if unionised is not None:
        qs = qs.filter(union__isnull=not unionised)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code=q.upper()))
    return qs.order_by("-employees", "id")


@router.get(
    "/employers/{employer_id}",
    response={200: EmployerOut, **ERRORS},
    tags=["employers"],
    summary="用人单位详情",
)
def employer_detail(request: HttpRequest, employer_id: Id) -> Employer:
    return access.get_employer(request.user, employer_id)


@router.get(
    "/orgs/{code}/gaps", response=list[EmployerOut], tags=["employers"], summary="未建会单位（按职工数降序）"
)
@paginate(Pagination)
def gap_list(
    request: HttpRequest, code: Code, industry: Search = "", min_employees: UInt | None = None, q: Search = ""
) -> Any:
    org = access.get_org(request.user, code)
    return selectors.gap_list(org, q=q, industry=industry, min_employees=min_employees)


class EmployerCloseIn(Schema):
    on: dt.date | None = None
    to_org: Code | None = Field(None, description="会籍保留在哪个工会：上级工会（默认）或其下的联合工会")
    operating_status: Literal["deregistered", "closed"] = "deregistered"
    reason: Str200 = ""


class EmployerCloseOut(Schema):
    employer: int
    union: str
    to_org: str
    retained: int


@router.post(
    "/employers/{employer_id}/close",
    response={200: EmployerCloseOut, **ERRORS},
    tags=["employers"],
    summary="用人单位终止：撤销其工会，会员会籍保留在上级工会（工会法第十三条）",
)
def employer_close(request: HttpRequest, employer_id: Id, payload: EmployerCloseIn) -> dict[str, Any]:
    from gonghui.orgs import closure

    employer = access.get_employer(request.user, employer_id, Perm.ORG_RESTRUCTURE)
    if employer.union is not None:  # the union dissolved must be in scope too
        access.get_org(request.user, employer.union.code, Perm.ORG_RESTRUCTURE)
    to_org = access.get_org(request.user, payload.to_org) if payload.to_org else None
    done = closure.employer_close(user=request.user, employer=employer, on=payload.on, to_org=to_org,
                                  reason=payload.reason, operating_status=payload.operating_status)  # fmt: skip
    return {
        "employer": done.employer.pk,
        "union": done.union.code,
        "to_org": done.to_org.code,
        "retained": done.retained,
    }
