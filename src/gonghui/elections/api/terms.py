"""/api/v1/documents, /notifications, /terms, /term-requests."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import Code, Days, Id, Pagination, Str12, Str32
from gonghui.elections import actions, conf, notify, scope, selectors
from gonghui.elections.api import router
from gonghui.elections.api.out import _Lazy, term_request_out
from gonghui.elections.api.schemas import (
    Decision,
    DocumentOut,
    NotificationOut,
    ReadIn,
    TermOut,
    TermRequestIn,
    TermRequestOut,
)
from gonghui.elections.models import (
    Document,
)  # fmt: skip
from gonghui.orgs.api import ERRORS

# --- documents and notifications -------------------------------------------------------------


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS}, summary="文书信息")
def document_detail(request: HttpRequest, document_id: Id) -> Document:
    return scope.get_document(request.user, document_id)


@router.get("/documents/{document_id}/file", response={200: None, **ERRORS}, summary="下载文书文件")
def document_file(request: HttpRequest, document_id: Id) -> Any:
    d = scope.get_document(request.user, document_id)
    resp = FileResponse(
        d.file.open("rb"), content_type=d.content_type, as_attachment=True, filename=d.original_name
    )
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@router.get("/notifications", response=list[NotificationOut], summary="本账号的提醒")
@paginate(Pagination)
def notification_list(request: HttpRequest, unread: bool = False, kind: Str32 | None = None) -> Any:
    qs = scope.my_notifications(request.user).select_related("org")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return _Lazy(qs, lambda n: {"id": n.pk, "kind": n.kind, "message": n.message, "url": n.url, "org": n.org.code if n.org else None,
                                "created_at": n.created_at, "read_at": n.read_at, "due_on": n.due_on})  # fmt: skip


# --- terms -----------------------------------------------------------------------------------


@router.get("/terms", response=list[TermOut], summary="届次：到期未换届、即将到期")
@paginate(Pagination)
def term_list(
    request: HttpRequest, under: Code | None = None, overdue: bool = False, due_within: Days | None = None
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
@paginate(Pagination)
def term_request_list(request: HttpRequest, status: Str12 | None = None) -> Any:
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
    request: HttpRequest, code: Code, payload: TermRequestIn
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
def term_request_decide(request: HttpRequest, request_id: Id, payload: Decision) -> dict[str, Any]:
    q = scope.get_term_request_to_decide(request.user, request_id)
    return term_request_out(
        actions.term_request_decide(
            user=request.user, request=q, approve=payload.decision == "approve", reason=payload.reason
        )
    )


@router.post(
    "/notifications/read", response={200: dict[str, int], **ERRORS}, summary="将本账号的提醒标为已读"
)
def notification_read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    access.require(request.user, Perm.VIEW)
    return {"read": notify.notification_mark_read(user=request.user, ids=payload.ids)}
