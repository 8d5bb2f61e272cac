"""Pages of 服务职工: the hub, hardship files and their documents, reports. Each view: the gatekeeper,
a form, one action, a redirect. Aid and aid rounds are in views_aid.py; training and the 劳模
registry in views_training.py.

Hardship files are sensitive: every page that shows one (a list, a file, a document, a round's
list) writes an audit line, and only holders of Perm.CARE_FILES reach them (care/scope.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.care import actions, forms, scope, selectors
from gonghui.care.models import (
    Category,
    Cause,
    FileStatus,
    HardshipFile,
)
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.http import HtmxHttpRequest
from gonghui.core.sheets import xlsx_response
from gonghui.orgs.models import Org


def apply_error(form: Any, exc: ApplicationError) -> None:
    field = (exc.details or {}).get("field") if isinstance(exc.details, dict) else None
    form.add_error(field if field in form.fields else None, exc.message)


def crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [
        {"url": reverse("care:index"), "label": _("服务职工")},
        *({"url": u, "label": label} for u, label in pairs),
    ]


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    trail: list[tuple[str, str]],
    cancel_url: str,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "crumbs": crumbs(*trail), "cancel_url": cancel_url, **extra},
    )


def _files_crumb() -> tuple[str, str]:
    return (reverse("care:files"), _("困难职工档案"))


# --- hub ----------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def index(request: HttpRequest) -> HttpResponse:
    org: Org = access.acting_org(request)
    year = year_of(request)
    figures = selectors.year_figures(org, year)
    prefix = org.path
    ctx = {
        "org": org, "year": year, "figures": figures,
        "open_files": selectors.open_files_count(prefix),
        "models": sum(r["people"] for r in selectors.model_workers_by_level(prefix)),
    }  # fmt: skip
    return render(request, "care/index.html", ctx)


# --- hardship files -----------------------------------------------------------------------


def _file_filters(request: HttpRequest) -> selectors.FileFilters:
    f = selectors.FileFilters(
        **{k: request.GET.get(k, "").strip() for k in ("q", "category", "cause", "org", "due")}
    )
    f.status = request.GET.get("status", "open").strip() or "open"
    return f


def _file_queryset(request: HttpRequest, f: selectors.FileFilters) -> Any:
    under = access.get_org(request.user, f.org, Perm.CARE_FILES) if f.org else None
    return selectors.file_search(
        scope.scoped_files(request.user), f, under=under, year=timezone.localdate().year
    )


@require_GET
@access.page(Perm.CARE_FILES)
def file_list(request: HtmxHttpRequest) -> HttpResponse:
    f = _file_filters(request)
    page = Paginator(_file_queryset(request, f), 50).get_page(request.GET.get("page"))
    actions.care_files_listed(
        user=request.user,
        org_path=access.scope_path(request.user),
        count=len(page.object_list),
        filters=f.as_dict(),
    )
    ctx = {"page": page, "f": f, "categories": Category.choices, "causes": Cause.choices, "statuses": FileStatus.choices,
           "year": timezone.localdate().year}  # fmt: skip
    return render(request, "care/files.html#rows" if request.htmx else "care/files.html", ctx)


@require_GET
@access.page(Perm.EXPORT)
def file_export(request: HttpRequest) -> HttpResponseBase:
    access.require(request.user, Perm.CARE_FILES)
    f = _file_filters(request)
    qs = _file_queryset(request, f).prefetch_related("causes")
    actions.care_files_exported(
        user=request.user, org_path=access.scope_path(request.user), filters=f.as_dict()
    )
    headers = [_("档案编号"), _("姓名"), _("公民身份号码"), _("所在工会"), _("困难类别"), _("致困原因"), _("家庭人口"), _("家庭月总收入（元）"),
               _("家庭月人均收入（元）"), _("在学子女数"), _("建档日期"), _("最近复核"), _("状态")]  # fmt: skip
    rows = (
        [x.file_no, x.person.name, x.person.id_masked, x.org.name, x.get_category_display(), "、".join(c.get_cause_display() for c in x.causes.all()),
         x.household_size, float(x.household_income), float(x.income_per_capita), x.children_in_school, x.opened_on, x.last_reviewed_on,
         x.get_status_display()]
        for x in qs
    )  # fmt: skip
    return xlsx_response(
        f"困难职工档案_{access.acting_org(request).code}.xlsx", _("困难职工档案"), headers, rows
    )


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def file_open(request: HttpRequest) -> HttpResponse:
    form = forms.FileOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            m = scope.find_membership(request.user, d["member"], Perm.CARE_FILES)
            f = actions.file_open(user=request.user, membership=m, category=d["category"], household_size=d["household_size"],
                                  household_income=d["household_income"], causes=d["causes"], children_in_school=d["children_in_school"],
                                  situation=d["situation"], opened_on=d["opened_on"])  # fmt: skip
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(
                request,
                _("已为“%(name)s”建立困难职工档案 %(no)s。") % {"name": f.person.name, "no": f.file_no},
            )
            return redirect("care:file_detail", f.pk)
    return form_page(request, form, title=_("新建困难职工档案"), trail=[_files_crumb()], cancel_url=reverse("care:files"),
                     intro=_("困难类别：深度困难、相对困难、意外致困。档案每年复核一次；解困脱困或销档在年度复核中办理。"))  # fmt: skip


@require_GET
@access.page(Perm.CARE_FILES)
def file_detail(request: HttpRequest, file_id: int) -> HttpResponse:
    f = scope.get_file(request.user, file_id)
    actions.care_file_viewed(user=request.user, file=f)
    ctx = {
        "f": f, "causes": [c.get_cause_display() for c in f.causes.all()],
        "reviews": f.reviews.select_related("reviewed_by"), "documents": f.documents.select_related("uploaded_by"),
        "aid": f.aid.select_related("programme").order_by("-given_on", "-id"),
        "entries": f.programme_entries.select_related("programme").order_by("-id"),
        "due": selectors.file_due_for_review(f, timezone.localdate().year),
        "membership": selectors.current_membership(f.person, access.scope_path(request.user)),
    }  # fmt: skip
    return render(request, "care/file_detail.html", ctx)


def _household_initial(f: HardshipFile) -> dict[str, Any]:
    return {"category": f.category, "household_size": f.household_size, "household_income": f.household_income,
            "children_in_school": f.children_in_school, "situation": f.situation, "causes": list(f.causes.values_list("cause", flat=True))}  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def file_edit(request: HttpRequest, file_id: int) -> HttpResponse:
    f = scope.get_file(request.user, file_id)
    form = forms.HouseholdForm(request.POST or None, initial=_household_initial(f))
    if request.method == "POST" and form.is_valid():
        try:
            actions.file_update(user=request.user, file=f, **form.cleaned_data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            return redirect("care:file_detail", f.pk)
    return form_page(request, form, title=_("修改档案：%(name)s") % {"name": f.person.name}, cancel_url=reverse("care:file_detail", args=[f.pk]),
                     trail=[_files_crumb(), (reverse("care:file_detail", args=[f.pk]), f.file_no)])  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def file_review(request: HttpRequest, file_id: int) -> HttpResponse:
    f = scope.get_file(request.user, file_id)
    today = timezone.localdate()
    initial = {"year": today.year, "reviewed_on": today, "outcome": "keep", "category": f.category,
               "household_size": f.household_size, "household_income": f.household_income}  # fmt: skip
    form = forms.ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.file_review(user=request.user, file=f, **form.cleaned_data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("年度复核已记录。"))
            return redirect("care:file_detail", f.pk)
    return form_page(request, form, title=_("年度复核：%(name)s") % {"name": f.person.name}, cancel_url=reverse("care:file_detail", args=[f.pk]),
                     trail=[_files_crumb(), (reverse("care:file_detail", args=[f.pk]), f.file_no)], submit=_("记录复核"),
                     intro=_("核实家庭人口和收入。结论为“解困脱困”或“销档”时档案即告结束。"))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def document_upload(request: HttpRequest, file_id: int) -> HttpResponse:
    f = scope.get_file(request.user, file_id)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.document_add(user=request.user, file=f, upload=form.cleaned_data["upload"], kind=form.cleaned_data["kind"],
                                 note=form.cleaned_data["note"])  # fmt: skip
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("证明材料已上传。"))
            return redirect("care:file_detail", f.pk)
    ctx = {"form": form, "title": _("上传证明材料：%(name)s") % {"name": f.person.name}, "cancel_url": reverse("care:file_detail", args=[f.pk]),
           "crumbs": crumbs(_files_crumb(), (reverse("care:file_detail", args=[f.pk]), f.file_no)), "submit": _("上传"),
           "max_mb": actions.max_upload_bytes() // (1024 * 1024)}  # fmt: skip
    return render(request, "care/upload.html", ctx)


@require_GET
@access.page(Perm.CARE_FILES)
def document_download(request: HttpRequest, doc_id: int) -> HttpResponseBase:
    d = scope.get_document(request.user, doc_id)
    actions.care_document_opened(user=request.user, document=d)
    resp = FileResponse(
        d.stored.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=d.original_name,
        content_type=d.content_type,
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "no-store"
    return resp


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def file_aid(request: HttpRequest, file_id: int) -> HttpResponse:
    f = scope.get_file(request.user, file_id)
    form = forms.AidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.aid_record(user=request.user, file=f, **form.cleaned_data)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("帮扶记录已登记。"))
            return redirect("care:file_detail", f.pk)
    return form_page(request, form, title=_("登记帮扶：%(name)s") % {"name": f.person.name}, cancel_url=reverse("care:file_detail", args=[f.pk]),
                     trail=[_files_crumb(), (reverse("care:file_detail", args=[f.pk]), f.file_no)])  # fmt: skip


# --- reports ------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def report(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    year = year_of(request)
    ancestors = [a for a in Org.objects.get_ancestors(org) if access.in_scope(request.user, a.path)]
    ctx = {"r": selectors.report(org, year), "org": org, "year": year, "ancestors": ancestors,
           "years": range(timezone.localdate().year, 2009, -1)}  # fmt: skip
    return render(request, "care/report.html", ctx)


@require_GET
@access.page(Perm.EXPORT)
def report_export(request: HttpRequest, code: str) -> HttpResponseBase:
    org = access.get_org(request.user, code, Perm.EXPORT)
    year = year_of(request)
    actions.care_report_exported(user=request.user, org=org, year=year)
    headers = [_("部分"), _("项目"), _("数量"), _("人数"), _("金额（元）")]
    return xlsx_response(
        f"服务职工统计_{org.code}_{year}.xlsx",
        _("服务职工统计"),
        headers,
        selectors.report_rows(selectors.report(org, year)),
    )
