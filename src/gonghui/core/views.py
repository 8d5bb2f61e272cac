from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.core import access, audit_labels
from gonghui.core.access import Perm
from gonghui.core.models import AuditEntry


@require_GET
@access.page(Perm.AUDIT_READ)
def audit_log(request: HttpRequest) -> HttpResponse:
    qs = AuditEntry.objects.filter(org_path__startswith=access.scope_path(request.user))
    if action := request.GET.get("action", "").strip():
        # a Chinese word (移动, 入会申请) finds the actions whose label holds it; a code still works
        match = Q(action__startswith=action)
        for code in audit_labels.search_codes(action):
            match |= Q(action__endswith=code) if code.startswith(".") else Q(action__startswith=code)
        qs = qs.filter(match)
    if who := request.GET.get("user", "").strip():
        qs = qs.filter(username=who)
    page = Paginator(qs.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    for e in page:
        e.label = audit_labels.action_label(e.action)  # type: ignore[attr-defined]
        e.details = audit_labels.details(e.changes)  # type: ignore[attr-defined]
    return render(request, "core/audit.html", {"page": page, "action": action, "who": who})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico: browsers ask for it on every page whatever the <link> says (issue 18)."""
    from django.contrib.staticfiles import finders

    found = finders.find("favicon.ico")
    path = found if isinstance(found, str) else None
    if path is None:
        return HttpResponse(status=204)
    with open(path, "rb") as f:
        resp = HttpResponse(f.read(), content_type="image/x-icon")
    return resp


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("无权访问"), "message": _("您的账号没有进行此操作的权限。")},
        status=403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": _("未找到"), "message": _("该对象不存在，或不在您的管辖范围内。")},
        status=404,
    )
