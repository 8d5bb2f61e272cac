from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core import access, extensions
from gonghui.core.access import Perm
from gonghui.members.actions import export_record
from gonghui.orgs.models import Org
from gonghui.reports import annual, selectors


def _dashboard_context(org: Org, user: object) -> dict[str, object]:
    ctx = selectors.dashboard(org)
    ancestors = [a for a in Org.objects.get_ancestors(org) if access.in_scope(user, a.path)]
    ctx["ancestors"] = ancestors
    ctx["panels"] = extensions.dashboard_panels(org, user)
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


def _annual(request: HttpRequest, org: Org) -> tuple[dict[str, object] | None, str]:
    """The report for `?year=` (default: the last completed statistical year), or the error."""
    try:
        return annual.report(org, request.GET.get("year")), ""
    except annual.YearError as e:
        return None, str(e)


@require_GET
@access.page(Perm.VIEW)
def annual_report(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    rep, error = _annual(request, org)
    ctx: dict[str, object] = {"org": org, "years": annual.years(), "error": error}
    if rep is not None:
        ctx.update({"rep": rep, "title": annual.report_title(rep), "tables": annual.tables(rep),
                    "notes": annual.notes(rep)})  # fmt: skip
    return render(request, "reports/annual.html", ctx, status=400 if error else 200)


@require_GET
@access.page(Perm.EXPORT)
def annual_report_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.EXPORT)
    rep, error = _annual(request, org)
    if rep is None:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    export_record(user=request.user, kind=f"annual_{fmt}", org_path=org.path, object_repr=org.code,
                  details={"year": rep["year"]})  # fmt: skip
    if fmt == "xlsx":
        body, ctype = annual.as_xlsx(rep), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = annual.as_pdf(rep), "application/pdf"
    resp = HttpResponse(body, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="annual_{org.code}_{rep["year"]}.{fmt}"'
    return resp
