"""/api/v1/members, /applications, /cards, /transfers: the same actions the pages call.

Personal numbers appear masked; the full ID number and phone only through POST
/members/{id}/reveal (right: pii.reveal, audited). A lookup by ID number or phone sends the number
in a request header (X-Id-Number / X-Phone), so it never sits in a URL or an access log.
"""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import (
    Code,
    Id,
    IdList,
    Pagination,
    Search,
    Str12,
    Str20,
    Str24,
    Str32,
    Str40,
    Str60,
    Str120,
    Str200,
)
from gonghui.members import actions, cards, paging, roll, scope, selectors
from gonghui.members.models import (
    Application,
    ApplicationStatus,
    CardBatch,
    Channel,
    Membership,
)  # fmt: skip
from gonghui.orgs.api import ERRORS

router = Router(tags=["members"])


class PersonOut(Schema):
    name: str
    id_masked: str
    phone_masked: str
    gender: str
    birth_date: dt.date
    birthplace_code: str
    ethnicity: str
    education: str
    political_status: str
    hukou_type: str
    is_migrant: bool
    employment_status: str
    new_employment_group: str
    job: str
    skill_level: str
    is_model_worker: bool
    employer_id: int | None
    employer_name: str


class MemberOut(Schema):
    id: int
    org: str
    org_name: str
    member_no: str
    form_no: str
    joined_on: dt.date
    status: str
    ended_on: dt.date | None
    channel: str
    person: PersonOut

    @staticmethod
    def resolve_org(obj: Membership) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj: Membership) -> str:
        return obj.org.name


class EventOut(Schema):
    on: dt.date
    type: str
    reason: str
    from_org: str | None
    to_org: str | None
    note: str


class MemberDetailOut(MemberOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Membership) -> list[dict[str, Any]]:
        events = obj.events.select_related("from_org", "to_org").order_by("on", "id")
        return [{"on": e.on, "type": e.type, "reason": e.reason, "from_org": e.from_org.code if e.from_org else None,
                 "to_org": e.to_org.code if e.to_org else None, "note": e.note} for e in events]  # fmt: skip


class PersonIn(Schema):
    name: Str40 = Field(..., min_length=1)
    id_number: Str32 = Field(..., description="公民身份号码，18 位或旧式 15 位")
    phone: Str20 = ""
    ethnicity: Str24 = ""
    education: Str24 = ""
    political_status: Str24 = ""
    hukou_type: Str24 = ""
    is_migrant: bool | None = Field(None, description="不填则按户籍类型（农业户口）判断")
    employment_status: Str24 = ""
    new_employment_group: Str24 = ""
    job: Str60 = ""
    skill_level: Str24 = ""
    is_model_worker: bool = False
    employer_id: Id | None = None
    employer_name: Str120 = ""


class MemberCreate(PersonIn):
    org: Code = Field(..., description="基层工会组织代码")
    joined_on: dt.date | None = None


class ApplicationCreate(PersonIn):
    org: Code = Field(..., description="基层工会组织代码")
    channel: Literal["paper", "roster"] = "paper"
    workplace: Str120 = ""


class ApplicationOut(Schema):
    id: int
    form_no: str
    org: str = Field(..., alias="org.code")
    channel: str
    status: str
    reason: str
    name: str
    id_masked: str
    phone_masked: str
    gender: str
    birth_date: dt.date
    is_migrant: bool
    new_employment_group: str
    employer_name: str
    consent_at: dt.datetime
    consent_version: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    membership_id: int | None
    member_no: str | None = None

    @staticmethod
    def resolve_member_no(obj: Application) -> str | None:
        return obj.membership.member_no if obj.membership_id and obj.membership else None


class ReasonIn(Schema):
    reason: Str200 = Field(..., min_length=1)


class ApproveIn(Schema):
    joined_on: dt.date | None = None


class RevealOut(Schema):
    id_number: str
    phone: str


class StatusIn(Schema):
    change: Literal["retain", "restore", "leave", "expel"]
    on: dt.date
    reason: Str24
    note: Str200 = ""


class CardOut(Schema):
    id: int
    card_no: str
    member_no: str = Field(..., alias="membership.member_no")
    name: str = Field(..., alias="person.name")
    issued_on: dt.date
    status: str
    batch_id: int


class CardIssueIn(Schema):
    org: Code
    membership_ids: IdList | None = None
    issued_on: dt.date | None = None


class BatchOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    issued_on: dt.date
    size: int


def _member_detail(m: Membership) -> Membership:
    return Membership.objects.select_related("org", "person").get(pk=m.pk)


def _employer(request: HttpRequest, employer_id: int | None) -> Any:
    return access.get_employer(request.user, employer_id) if employer_id else None


def _person_kwargs(request: HttpRequest, payload: PersonIn) -> dict[str, Any]:
    data = payload.dict(include=set(PersonIn.model_fields))
    data["employer"] = _employer(request, data.pop("employer_id"))
    return data


# --- members ------------------------------------------------------------------------------


@router.get("/members", response=list[MemberOut], summary="会员列表（管辖范围内，脱敏）")
@paginate(Pagination)
def member_list(
    request: HttpRequest, q: Search = "", org: Code = "", employer: Search = "", migrant: bool | None = None, group: Str24 = "",
    status: Str12 = "current",
) -> Any:  # fmt: skip
    under = access.get_org(request.user, org) if org else None
    f = selectors.MemberFilters(q=q, employer=employer, group=group, status=status,
                                migrant="" if migrant is None else ("1" if migrant else "0"))  # fmt: skip
    qs = selectors.member_search(scope.scoped_memberships(request.user), f, under=under)
    listed = under or access.acting_org(request)
    if selectors.on_roll(f, listed):  # one union: its roll (members/roll.py), one shard on Citus
        return paging.RolledList(qs, roll.keys(listed))
    return qs


_LOOKUP_HEADERS = {
    "parameters": [
        {"in": "header", "name": "X-Id-Number", "required": False, "schema": {"type": "string", "maxLength": 32},
         "description": "公民身份号码（放在请求头中，不进入网址和访问日志）"},
        {"in": "header", "name": "X-Phone", "required": False, "schema": {"type": "string", "maxLength": 32}, "description": "手机号（请求头）"},
    ]
}  # fmt: skip


@router.get(
    "/members/lookup",
    response=list[MemberOut],
    summary="按身份证号或手机号精确查找（加密索引）",
    openapi_extra=_LOOKUP_HEADERS,
)
def member_lookup(request: HttpRequest) -> Any:
    x_id_number = request.headers.get("X-Id-Number", "").strip()
    x_phone = request.headers.get("X-Phone", "").strip()
    if not (x_id_number or x_phone):
        raise ApplicationError("请在请求头 X-Id-Number 或 X-Phone 中提供身份证号或手机号。", code="required")
    f = selectors.MemberFilters(idp=x_id_number or x_phone, status="all")
    return list(selectors.member_search(scope.scoped_memberships(request.user), f)[:50])


@router.get(
    "/members/{member_id}", response={200: MemberDetailOut, **ERRORS}, summary="会员详情与会籍变化记录"
)
def member_detail(request: HttpRequest, member_id: Id) -> Any:
    return _member_detail(scope.get_membership(request.user, member_id))


@router.post(
    "/members",
    response={201: MemberDetailOut, **ERRORS},
    summary="登记会员（纸质申请一步登记：需登记与审核权限）",
)
def member_create(request: HttpRequest, payload: MemberCreate) -> Any:
    org = scope.get_base_org(request.user, payload.org, Perm.MEMBER_WRITE)
    access.require(request.user, Perm.REVIEW, path=org.path)
    m = actions.member_register(
        user=request.user, org=org, joined_on=payload.joined_on, **_person_kwargs(request, payload)
    )
    return 201, _member_detail(m)


@router.post(
    "/members/{member_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="查看完整身份证号和手机号（留痕）",
)
def member_reveal(request: HttpRequest, member_id: Id) -> Any:
    m = scope.get_membership(request.user, member_id, Perm.REVEAL_PII)
    return actions.person_reveal_pii(user=request.user, membership=m, purpose="api")


@router.post(
    "/members/{member_id}/status", response={200: MemberDetailOut, **ERRORS}, summary="保留、恢复、退会、除名"
)
def member_status(request: HttpRequest, member_id: Id, payload: StatusIn) -> Any:
    m = scope.get_membership(request.user, member_id, Perm.MEMBER_WRITE)
    m = actions.membership_change_status(user=request.user, membership=m, **payload.dict())
    return _member_detail(m)


# --- applications -------------------------------------------------------------------------


@router.get("/applications", response=list[ApplicationOut], tags=["applications"], summary="入会申请列表")
@paginate(Pagination)
def application_list(request: HttpRequest, status: Str12 = "pending", org: Code = "") -> Any:
    qs = scope.scoped_applications(request.user).select_related("org", "membership")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if org:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, org).path)
    return qs.order_by("created_at", "id")


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **ERRORS},
    tags=["applications"],
    summary="入会申请详情",
)
def application_detail(request: HttpRequest, application_id: Id) -> Any:
    return scope.get_application(request.user, application_id)


@router.post(
    "/applications",
    response={201: ApplicationOut, **ERRORS},
    tags=["applications"],
    summary="录入入会申请（本人已签名的纸质申请或名册）",
)
def application_create(request: HttpRequest, payload: ApplicationCreate) -> Any:
    org = scope.get_base_org(request.user, payload.org, Perm.MEMBER_WRITE)
    app = actions.application_create(
        user=request.user, org=org, channel=Channel(payload.channel), consent_version="paper-signature",
        workplace=payload.workplace, **_person_kwargs(request, payload),
    )  # fmt: skip
    return 201, app


@router.post(
    "/applications/{application_id}/approve",
    response={200: ApplicationOut, **ERRORS},
    tags=["applications"],
    summary="审核通过（编会员号）",
)
def application_approve(request: HttpRequest, application_id: Id, payload: ApproveIn) -> Any:
    app = scope.get_application(request.user, application_id, Perm.REVIEW)
    actions.application_approve(user=request.user, application=app, joined_on=payload.joined_on)
    return scope.get_application(request.user, application_id)


@router.post(
    "/applications/{application_id}/reject",
    response={200: ApplicationOut, **ERRORS},
    tags=["applications"],
    summary="不予通过（附原因）",
)
def application_reject(request: HttpRequest, application_id: Id, payload: ReasonIn) -> Any:
    app = scope.get_application(request.user, application_id, Perm.REVIEW)
    return actions.application_reject(user=request.user, application=app, reason=payload.reason)


@router.post(
    "/applications/{application_id}/return",
    response={200: ApplicationOut, **ERRORS},
    tags=["applications"],
    summary="退回修改（附原因）",
)
def application_return(request: HttpRequest, application_id: Id, payload: ReasonIn) -> Any:
    app = scope.get_application(request.user, application_id, Perm.REVIEW)
    return actions.application_return(user=request.user, application=app, reason=payload.reason)


# --- cards --------------------------------------------------------------------------------


@router.get("/cards", response=list[CardOut], tags=["cards"], summary="会员证列表")
@paginate(Pagination)
def card_list(request: HttpRequest, org: Code = "", status: Str12 = "") -> Any:
    qs = scope.scoped_cards(request.user).select_related("person").prefetch_related("membership")
    if org:
        qs = qs.filter(batch__org_path__startswith=access.get_org(request.user, org).path)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_on", "card_no")


@router.get("/cards/missing", response=list[MemberOut], tags=["cards"], summary="尚未发证的会员")
@paginate(Pagination)
def cards_missing(request: HttpRequest, org: Code = "") -> Any:
    qs = cards.without_card(scope.scoped_memberships(request.user).filter(status="active"))
    if org:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, org).path)
    return qs.select_related("person", "org").order_by("org_path", "member_no")


@router.post(
    "/cards", response={201: BatchOut, **ERRORS}, tags=["cards"], summary="批量发证（为尚未持证的会员）"
)
def card_issue(request: HttpRequest, payload: CardIssueIn) -> Any:
    org = scope.get_base_org(request.user, payload.org, Perm.MEMBER_WRITE)
    batch = cards.card_batch_issue(
        user=request.user, org=org, membership_ids=payload.membership_ids, issued_on=payload.issued_on
    )
    return 201, CardBatch.objects.select_related("org").get(pk=batch.pk)


# the transfer endpoints live in api_transfers.py, on this router
from gonghui.members import api_transfers  # noqa: E402, F401
