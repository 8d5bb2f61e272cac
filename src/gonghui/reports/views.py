from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.orgs.models import Org
from gonghui.reports import annual, selectors


def _dashboard_context(org: Org, user: object) -> dict[str, object]:
    ctx = selectors.dashboard(org)
    ancestors = [a for a in Org.objects.get_ancestors(org) if access.in_scope(user, a.path)]
    ctx["ancestors"] = ancestors
    ctx["chart"] = {
        "children": [
            {"code": c["code"], "name": c["name"], "members": c["members"], "migrant": c["migrant_members"],
             "rate": c["unionisation_rate"], "drill": c["has_children"]}
            for c in ctx["children"]
        ],
        "years": ctx["by_year"],
        "groups": ctx["groups"],
    }  # fmt: skip
    ctx["children_chart_height"] = max(340, 22 * len(ctx["children"]) + 60)  # every unit's name readable
    return ctx


@require_GET
@access.page(Perm.VIEW)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    return render(request, "reports/dashboard.html", _dashboard_context(org, request.user))


@require_GET
@access.page(Perm.VIEW)
def annual_report(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    return render(
        request,
        "reports/annual.html",
        {"org": org, "title": annual.report_title(org), "tables": annual.tables(org)},
    )


@require_GET
@access.page(Perm.EXPORT)
def annual_report_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.EXPORT)
    audit_record(user=request.user, action=f"export.annual_{fmt}", obj=org, org_path=org.path)
    if fmt == "xlsx":
        body, ctype = annual.as_xlsx(org), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = annual.as_pdf(org), "application/pdf"
    resp = HttpResponse(body, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="annual_{org.code}.{fmt}"'
    return resp
