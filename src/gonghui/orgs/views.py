"""Pages for the union tree, employers, surveys and coverage. Each view: gatekeeper, form, one action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.http import HtmxHttpRequest
from gonghui.core.sheets import xlsx_response
from gonghui.members.actions import export_record
from gonghui.orgs import actions, forms, selectors
from gonghui.orgs.models import SURVEY_FACTS, Industry, Org, OrgKind, OrgStatus


def _form_page(
    request: HttpRequest, form: Any, *, title: str, org: Org | None = None, **extra: Any
) -> HttpResponse:
    crumbs = [{"url": reverse("orgs:tree"), "label": _("组织架构")}]
    if org is not None:
        crumbs.append({"url": reverse("orgs:detail", args=[org.code]), "label": org.name})
    return render(request, "core/form.html", {"form": form, "title": title, "crumbs": crumbs, **extra})


# --- tree --------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def tree(request: HttpRequest) -> HttpResponse:
    root = access.acting_org(request)
    return render(
        request,
        "orgs/tree.html",
        {"root": root, "children": selectors.children_with_figures(root), "kinds": OrgKind.choices},
    )


@require_GET
@access.page(Perm.VIEW)
def tree_children(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    return render(request, "orgs/tree.html#children", {"children": selectors.children_with_figures(org)})


@require_GET
@access.page(Perm.VIEW)
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    qs = access.scoped_orgs(request.user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code=q))
    if kind:
        qs = qs.filter(kind=kind)
    results = list(qs.order_by("path")[:50]) if (q or kind) else []
    return render(request, "orgs/tree.html#results", {"results": results, "q": q})


@require_GET
@access.page(Perm.VIEW)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    ancestors = [a for a in Org.objects.get_ancestors(org) if access.in_scope(request.user, a.path)]
    employers = org.employers.order_by("-employees")[:50] if org.is_base else None
    ctx = {
        "org": org,
        "ancestors": ancestors,
        "children": selectors.children_with_figures(org),
        "stats": selectors.subtree_stats(org),
        "employers": employers,
        "is_scope_root": org.pk == access.acting_user(request).org_id,
        "can_add_child": bool(org.is_active and not org.is_base),
    }
    return render(request, "orgs/detail.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def create_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = access.get_org(request.user, code, Perm.ORG_MANAGE)
    form = forms.OrgCreateForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned()
        try:
            org = actions.org_create(user=request.user, parent=parent, **data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已建立“%(name)s”。") % {"name": org.name})
            return redirect("orgs:detail", org.code)
    return _form_page(request, form, title=_("在“%(name)s”下新建组织") % {"name": parent.name}, org=parent,
                      cancel_url=reverse("orgs:detail", args=[parent.code]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def edit(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    initial = {f: getattr(org, f) for f in forms.OrgEditForm.base_fields}
    form = forms.OrgEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.org_update(user=request.user, org=org, **form.cleaned())
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:detail", org.code)
    return _form_page(request, form, title=_("编辑：%(name)s") % {"name": org.name}, org=org,
                      cancel_url=reverse("orgs:detail", args=[org.code]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_RESTRUCTURE)
def move(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_RESTRUCTURE)
    form = forms.MoveForm(request.POST or None, org=org, scope=access.scoped_orgs(request.user))
    if request.method == "POST" and form.is_valid():
        new_parent = access.get_org(request.user, form.cleaned_data["parent"], Perm.ORG_RESTRUCTURE)
        try:
            actions.org_move(user=request.user, org=org, new_parent=new_parent)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(
                request, _("已将“%(name)s”移至“%(to)s”之下。") % {"name": org.name, "to": new_parent.name}
            )
            return redirect("orgs:detail", org.code)
    return _form_page(request, form, title=_("移动：%(name)s") % {"name": org.name}, org=org, submit=_("移动"),
                      cancel_url=reverse("orgs:detail", args=[org.code]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_RESTRUCTURE)
def dissolve(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_RESTRUCTURE)
    form = forms.DissolveForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.org_dissolve(
                user=request.user,
                org=org,
                on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已撤销“%(name)s”。") % {"name": org.name})
            return redirect("orgs:detail", org.code)
    return _form_page(request, form, title=_("撤销：%(name)s") % {"name": org.name}, org=org, submit=_("撤销"), danger=True,
                      cancel_url=reverse("orgs:detail", args=[org.code]))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_RESTRUCTURE)
def merge(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_RESTRUCTURE)
    form = forms.MergeForm(
        request.POST or None,
        org=org,
        scope=access.scoped_orgs(request.user),
        initial={"ended_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        target = access.get_org(request.user, form.cleaned_data["target"], Perm.ORG_RESTRUCTURE)
        try:
            actions.org_merge(user=request.user, source=org, target=target, on=form.cleaned_data["ended_on"])
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已将“%(a)s”并入“%(b)s”。") % {"a": org.name, "b": target.name})
            return redirect("orgs:detail", target.code)
    return _form_page(request, form, title=_("合并：%(name)s") % {"name": org.name}, org=org, submit=_("合并"), danger=True,
                      cancel_url=reverse("orgs:detail", args=[org.code]))  # fmt: skip


# --- employers ---------------------------------------------------------------------------


def _employer_filters(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    qs = access.scoped_employers(request.user).select_related("area_org", "union")
    f = {k: request.GET.get(k, "").strip() for k in ("q", "status", "industry", "area")}
    if f["q"]:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(credit_code=f["q"].upper()))
    if f["status"] == "none":
        qs = qs.filter(union__isnull=True)
    elif f["status"] == "covered":
        qs = qs.filter(union__isnull=False)
    if f["industry"]:
        qs = qs.filter(industry=f["industry"])
    if f["area"]:
        area = access.get_org(request.user, f["area"])
        qs = qs.filter(area_path__startswith=area.path)
    return qs.order_by("-employees", "id"), f


@require_GET
@access.page(Perm.VIEW)
def employers(request: HtmxHttpRequest) -> HttpResponse:
    qs, f = _employer_filters(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    areas = (
        access.scoped_orgs(request.user)
        .filter(
            kind__in=[
                OrgKind.TOWNSHIP_UNION,
                OrgKind.SYSTEM_UNION,
                OrgKind.INDUSTRY_UNION,
                OrgKind.PARK_UNION,
            ],
            status=OrgStatus.ACTIVE,
        )
        .order_by("path")
    )
    ctx = {"page": page, "f": f, "industries": Industry.choices, "areas": areas}
    if request.htmx:
        return render(request, "orgs/employers.html#rows", ctx)
    return render(request, "orgs/employers.html", ctx)


@require_GET
@access.page(Perm.VIEW)
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employer = access.get_employer(request.user, pk)
    return render(
        request,
        "orgs/employer_detail.html",
        {
            "e": employer, "surveys": employer.surveys.select_related("surveyed_by")[:50],
            # a union outside the user's scope is named, not linked (its page would answer 404)
            "area_link": access.in_scope(request.user, employer.area_org.path),
            "union_link": employer.union is not None and access.in_scope(request.user, employer.union.path),
        },
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.EMPLOYER_WRITE)
def employer_create(request: HttpRequest) -> HttpResponse:
    scope = access.scoped_orgs(request.user)
    form = forms.EmployerForm(
        request.POST or None, scope=scope, initial={"region_code": access.acting_org(request).region_code}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        area = access.get_org(request.user, data.pop("area_org"), Perm.EMPLOYER_WRITE)
        union_code = data.pop("union")
        union = access.get_org(request.user, union_code, Perm.EMPLOYER_WRITE) if union_code else None
        try:
            e = actions.employer_create(user=request.user, area_org=area, union=union, **data)
        except ApplicationError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("已登记用人单位“%(name)s”，请继续填写摸底情况。") % {"name": e.name})
            return redirect("orgs:employer_survey", e.pk)
    return render(request, "core/form.html", {"form": form, "title": _("登记用人单位"), "cancel_url": reverse("orgs:employers"),
                                              "crumbs": [{"url": reverse("orgs:employers"), "label": _("用人单位")}]})  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.EMPLOYER_WRITE)
def employer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = access.get_employer(request.user, pk, Perm.EMPLOYER_WRITE)
    initial = {
        f: getattr(employer, f)
        for f in ("name", "credit_code", "economic_type", "industry", "region_code", "address")
    }
    initial.update(area_org=employer.area_org.code, union=employer.union.code if employer.union else "")
    form = forms.EmployerForm(request.POST or None, scope=access.scoped_orgs(request.user), initial=initial)
    form.fields["area_org"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data.copy()
        data.pop("area_org")
        union_code = data.pop("union")
        union = access.get_org(request.user, union_code, Perm.EMPLOYER_WRITE) if union_code else None
        try:
            actions.employer_update(user=request.user, employer=employer, union=union, **data)
        except ApplicationError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("orgs:employer_detail", employer.pk)
    return render(request, "core/form.html", {"form": form, "title": _("编辑：%(name)s") % {"name": employer.name},
                                              "cancel_url": reverse("orgs:employer_detail", args=[employer.pk]),
                                              "crumbs": [{"url": reverse("orgs:employers"), "label": _("用人单位")}]})  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.EMPLOYER_WRITE)
def employer_survey(request: HttpRequest, pk: int) -> HttpResponse:
    employer = access.get_employer(request.user, pk, Perm.EMPLOYER_WRITE)
    initial = {f: getattr(employer, f) for f in SURVEY_FACTS}
    initial["surveyed_on"] = timezone.localdate()
    form = forms.SurveyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.employer_survey_record(user=request.user, employer=employer, **form.cleaned_data)
        except ApplicationError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("摸底情况已记录。"))
            return redirect("orgs:employer_detail", employer.pk)
    return render(request, "core/form.html", {"form": form, "title": _("摸底调查：%(name)s") % {"name": employer.name},
                                              "intro": _("六个掌握：企业地址、生产经营状况、职工数、入会职工数、农民工数、农民工入会数。每次摸底单独留档，历史可查。"),
                                              "cancel_url": reverse("orgs:employer_detail", args=[employer.pk]),
                                              "crumbs": [{"url": reverse("orgs:employers"), "label": _("用人单位")}]})  # fmt: skip


# --- coverage ----------------------------------------------------------------------------


def _gap_filters(request: HttpRequest) -> dict[str, Any]:
    raw_min = request.GET.get("min", "").strip()
    return {
        "q": request.GET.get("q", "").strip(),
        "industry": request.GET.get("industry", ""),
        "min_employees": int(raw_min) if raw_min.isdigit() else None,
    }


@require_GET
@access.page(Perm.VIEW)
def coverage(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    f = _gap_filters(request)
    gaps = selectors.gap_list(org, **f)
    page = Paginator(gaps, 50).get_page(request.GET.get("page"))
    labels = dict(Industry.choices)  # get_industry_display re-hashes the choices on every row
    rows = [(e, labels.get(e.industry, e.industry)) for e in page]
    below = [c for c in Org.objects.get_children(org).order_by("path") if c.is_active and not c.is_base]
    figures = selectors.subtree_stats_many(below)
    children = [{"org": c, "stats": figures[c.pk]} for c in below]
    from django.conf import settings

    ctx = {"org": org, "stats": selectors.subtree_stats(org), "page": page, "rows": rows, "f": f, "industries": Industry.choices,
           "children": children, "min_employees_setting": settings.GONGHUI_COVERAGE_MIN_EMPLOYEES}  # fmt: skip
    return render(request, "orgs/coverage.html", ctx)


@require_GET
@access.page(Perm.EXPORT)
def gaps_export(request: HttpRequest, code: str) -> HttpResponseBase:
    org = access.get_org(request.user, code, Perm.EXPORT)
    gaps = selectors.gap_list(org, **_gap_filters(request))
    export_record(user=request.user, kind="gaps", org_path=org.path, object_repr=org.name,
                  details={"format": "xlsx", "org": org.code})  # fmt: skip
    headers = [
        _("单位名称"),
        _("统一社会信用代码"),
        _("属地工会"),
        _("行业"),
        _("经济类型"),
        _("地址"),
        _("职工数"),
        _("农民工数"),
        _("摸底日期"),
    ]
    rows = (
        [e.name, e.credit_code or "", e.area_org.name, e.get_industry_display(), e.get_economic_type_display(), e.address,
         e.employees, e.migrant_workers, e.surveyed_on]
        for e in gaps.iterator(chunk_size=2000)
    )  # fmt: skip
    return xlsx_response(f"未建会单位_{org.code}.xlsx", _("未建会单位"), headers, rows)
