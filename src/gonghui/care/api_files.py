"""/api/v1/care/… hardship files, aid records and aid rounds (registered on care.api.router).

Every id in a path, body or query string goes through the gatekeeper (care/scope.py): an id
outside the scope answers like one nobody has. Every read of hardship data is audited through
care.actions_reads, with the same action names as the pages."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt  # noqa: F401 (annotations resolved by django-ninja)
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query
from ninja.pagination import paginate

from gonghui.care import actions, scope, selectors
from gonghui.care.api import (
    AidIn,
    AidOut,
    Count_,
    EntriesIn,
    EntryOut,
    FileDetailOut,
    FileIn,
    FileOut,
    FileUpdate,
    PaymentsIn,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ReviewIn,
    ReviewOut,
    router,
)
from gonghui.care.models import Assistance
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.schema import Code, Id, Pagination, Search, Str12, Str16, UInt
from gonghui.orgs.api import ERRORS

# --------------------------------------------------------------------------- hardship files


@router.get("/care/files", response=list[FileOut], summary="困难职工档案列表（查看记入操作日志）")
@paginate(Pagination)
def file_list(
    request: HttpRequest, under: Code | None = None, status: Str12 = "open", category: Str12 = "", cause: Str16 = "", q: Search = "",
) -> Any:  # fmt: skip
    f = selectors.FileFilters(q=q, category=category, status=status, cause=cause)
    under_org = access.get_org(request.user, under, Perm.CARE_FILES) if under else None
    qs = selectors.file_search(scope.scoped_files(request.user), f, under=under_org).prefetch_related(
        "causes"
    )
    actions.care_files_listed(user=request.user, org_path=under_org.path if under_org else access.scope_path(request.user),
                              count=None, filters={**f.as_dict(), "under": under or ""}, via="api")  # fmt: skip
    return qs


@router.get(
    "/care/files/{file_id}",
    response={200: FileDetailOut, **ERRORS},
    summary="困难职工档案详情（记入操作日志）",
)
def file_detail(request: HttpRequest, file_id: Id) -> Any:
    f = scope.get_file(request.user, file_id)
    actions.care_file_viewed(user=request.user, file=f, via="api")
    return f


@router.post("/care/files", response={201: FileOut, **ERRORS}, summary="新建困难职工档案")
def file_open(request: HttpRequest, payload: FileIn) -> Any:
    m = scope.get_membership(request.user, payload.member_id, Perm.CARE_FILES)
    data = payload.dict(exclude={"member_id"})
    f = actions.file_open(user=request.user, membership=m, **data)
    return 201, f


@router.put("/care/files/{file_id}", response={200: FileOut, **ERRORS}, summary="修改在档困难职工档案")
def file_update(request: HttpRequest, file_id: Id, payload: FileUpdate) -> Any:
    f = scope.get_file(request.user, file_id)
    return actions.file_update(user=request.user, file=f, **payload.dict())


@router.post(
    "/care/files/{file_id}/reviews", response={201: ReviewOut, **ERRORS}, summary="年度复核（解困脱困、销档）"
)
def file_review(request: HttpRequest, file_id: Id, payload: ReviewIn) -> Any:
    f = scope.get_file(request.user, file_id)
    return 201, actions.file_review(user=request.user, file=f, **payload.dict())


# --------------------------------------------------------------------------- aid


@router.get("/care/aid", response=list[AidOut], summary="帮扶记录（按年度）")
@paginate(Pagination)
def aid_list(
    request: HttpRequest,
    year: int | None = Query(None, ge=2000, le=2100, description="默认今年"),
    under: Code | None = None,
    type: Str12 = "",
    source: Str12 = "",
) -> Any:
    qs = scope.scoped_aid(request.user)
    year = year or timezone.localdate().year
    qs = qs.filter(given_on__year=year)
    under_org = access.get_org(request.user, under, Perm.CARE_FILES) if under else None
    if under_org:
        qs = qs.filter(org_path__startswith=under_org.path)
    if type:
        qs = qs.filter(type=type)
    if source:
        qs = qs.filter(source=source)
    actions.care_aid_listed(user=request.user, org_path=under_org.path if under_org else access.scope_path(request.user), count=None,
                            filters={"year": year, "under": under or "", "type": type, "source": source}, via="api")  # fmt: skip
    return qs.select_related("person", "org").order_by("-given_on", "-id")


@router.post("/care/aid", response={201: AidOut, **ERRORS}, summary="登记帮扶")
def aid_record(request: HttpRequest, payload: AidIn) -> Any:
    data = payload.dict(exclude={"file_id", "member_id"})
    if payload.file_id is not None:
        f = scope.get_file(request.user, payload.file_id)
        aid = actions.aid_record(user=request.user, file=f, **data)
    elif payload.member_id is not None:
        m = scope.get_membership(request.user, payload.member_id, Perm.CARE_FILES)
        aid = actions.aid_record(user=request.user, membership=m, **data)
    else:
        access.require(request.user, Perm.CARE_FILES)
        raise ApplicationError("请指明 file_id 或 member_id。", code="required", details={"field": "file_id"})
    return 201, Assistance.objects.select_related("person", "org").get(pk=aid.pk)


# --------------------------------------------------------------------------- aid rounds


@router.get("/care/programmes", response=list[ProgrammeOut], summary="帮扶活动（送温暖、金秋助学等）")
@paginate(Pagination)
def programme_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)) -> Any:
    qs = scope.scoped_programmes(request.user).select_related("org")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-id")


@router.post("/care/programmes", response={201: ProgrammeDetailOut, **ERRORS}, summary="新建帮扶活动")
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Any:
    org = access.get_org(request.user, payload.org, Perm.CARE_FILES)
    p = actions.programme_create(user=request.user, org=org, **payload.dict(exclude={"org"}))
    return 201, p


@router.get(
    "/care/programmes/{programme_id}",
    response={200: ProgrammeDetailOut, **ERRORS},
    summary="帮扶活动详情与汇总",
)
def programme_detail(request: HttpRequest, programme_id: Id) -> Any:
    return scope.get_programme(request.user, programme_id)


@router.get(
    "/care/programmes/{programme_id}/eligible",
    response={200: list[FileOut], **ERRORS},
    summary="资格名单（按档案产生）",
)
def programme_eligible(request: HttpRequest, programme_id: Id, limit: UInt = 500) -> Any:
    p = scope.get_programme(request.user, programme_id)
    rows = list(selectors.eligible_files(p).prefetch_related("causes")[: max(1, min(limit, 5000))])
    actions.care_programme_eligible_viewed(user=request.user, programme=p, count=len(rows), via="api")
    return rows


@router.get(
    "/care/programmes/{programme_id}/entries", response={200: list[EntryOut], **ERRORS}, summary="活动名单"
)
def programme_entries(request: HttpRequest, programme_id: Id, status: Str12 = "") -> Any:
    p = scope.get_programme(request.user, programme_id)
    qs = scope.entries_of(p)
    if status:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("org_path", "id"))
    actions.care_programme_viewed(
        user=request.user, programme=p, count=len(rows), filters={"status": status}, via="api"
    )
    return rows


@router.post(
    "/care/programmes/{programme_id}/entries", response={201: Count_, **ERRORS}, summary="将档案加入活动名单"
)
def programme_list_add(request: HttpRequest, programme_id: Id, payload: EntriesIn) -> Any:
    p = scope.get_programme(request.user, programme_id)
    files = None if payload.file_ids is None else scope.files_by_ids(request.user, payload.file_ids)
    return 201, {"count": actions.programme_list_add(user=request.user, programme=p, files=files)}


@router.post("/care/programmes/{programme_id}/payments", response={200: Count_, **ERRORS}, summary="记录发放")
def programme_pay(request: HttpRequest, programme_id: Id, payload: PaymentsIn) -> Any:
    p = scope.get_programme(request.user, programme_id)
    if payload.entry_ids is None:
        entries = selectors.entries_to_pay(p)
    else:
        entries = scope.entries_by_ids(p, payload.entry_ids)
    return {
        "count": actions.programme_pay(
            user=request.user, programme=p, entries=entries, paid_on=payload.paid_on
        )
    }


@router.post(
    "/care/programmes/{programme_id}/close", response={200: ProgrammeDetailOut, **ERRORS}, summary="结束活动"
)
def programme_close(request: HttpRequest, programme_id: Id) -> Any:
    p = scope.get_programme(request.user, programme_id)
    return actions.programme_close(user=request.user, programme=p)
