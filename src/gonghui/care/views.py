"""Pages of 服务职工: hardship files, aid and aid rounds, reports. Each view: the gatekeeper, a form,
one action, a redirect. Training and the 劳模 registry are in views_training.py.

Hardship files are sensitive: every page that shows one (a list, a file, a document, a round's
list) writes an audit line, and only holders of Perm.CARE_FILES reach them (care/scope.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.care import actions, forms, scope, selectors
from gonghui.care.models import (
    AidType,
    Category,
    Cause,
    EntryStatus,
    FileStatus,
    FundSource,
    HardshipFile,
    ProgrammeEntry,
)
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.http import HtmxHttpRequest
from gonghui.core.sheets import xlsx_response
from gonghui.members.models import CURRENT_STATUSES
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
        "open_files": HardshipFile.objects.filter(org_path__startswith=prefix, status=FileStatus.OPEN).count(),
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
    actions.files_listed(
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
    audit_record(user=request.user, action="export.care_files", object_type="care.hardshipfile", org_path=access.scope_path(request.user),
                 changes={"filters": {k: v for k, v in f.as_dict().items() if v}})  # fmt: skip
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
    actions.file_viewed(user=request.user, file=f)
    ctx = {
        "f": f, "causes": [c.get_cause_display() for c in f.causes.all()],
        "reviews": f.reviews.select_related("reviewed_by"), "documents": f.documents.select_related("uploaded_by"),
        "aid": f.aid.select_related("programme").order_by("-given_on", "-id"),
        "entries": f.programme_entries.select_related("programme").order_by("-id"),
        "due": f.is_open and f.opened_on.year < timezone.localdate().year and not f.reviews.filter(year=timezone.localdate().year).exists(),
        "membership": f.person.memberships.filter(status__in=CURRENT_STATUSES, org_path__startswith=access.scope_path(request.user)).first(),
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
    actions.document_opened(user=request.user, document=d)
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


# --- aid records --------------------------------------------------------------------------


@require_GET
@access.page(Perm.CARE_FILES)
def aid_list(request: HttpRequest) -> HttpResponse:
    year = year_of(request)
    f = {k: request.GET.get(k, "").strip() for k in ("type", "source", "org", "q")}
    qs = scope.scoped_aid(request.user).filter(given_on__year=year)
    if f["org"]:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, f["org"], Perm.CARE_FILES).path)
    if f["type"] in AidType.values:
        qs = qs.filter(type=f["type"])
    if f["source"] in FundSource.values:
        qs = qs.filter(source=f["source"])
    if f["q"]:
        qs = qs.filter(person__name__contains=f["q"])
    totals = qs.aggregate(n=Count("id"), people=Count("person", distinct=True), amount=Sum("amount"))
    page = Paginator(
        qs.select_related("person", "org", "file", "programme").order_by("-given_on", "-id"), 50
    ).get_page(request.GET.get("page"))
    audit_record(user=request.user, action="care.aid.list", object_type="care.assistance", org_path=access.scope_path(request.user),
                 changes={"year": year, "rows": len(page.object_list), "filters": {k: v for k, v in f.items() if v}})  # fmt: skip
    ctx = {
        "page": page,
        "f": f,
        "year": year,
        "totals": totals,
        "types": AidType.choices,
        "sources": FundSource.choices,
    }
    return render(request, "care/aid.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def aid_new(request: HttpRequest) -> HttpResponse:
    form = forms.AidForm(request.POST or None, with_member=True)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            m = scope.find_membership(request.user, d.pop("member"), Perm.CARE_FILES)
            open_file = HardshipFile.objects.filter(
                person=m.person, status=FileStatus.OPEN, org_path__startswith=access.scope_path(request.user)
            ).first()
            actions.aid_record(user=request.user, membership=None if open_file else m, file=open_file, **d)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("帮扶记录已登记。"))
            return redirect(reverse("care:aid") + f"?year={d['given_on'].year}")
    return form_page(request, form, title=_("登记帮扶"), trail=[(reverse("care:aid"), _("帮扶记录"))], cancel_url=reverse("care:aid"),
                     intro=_("在档困难职工的帮扶记入其档案；也可登记给其他会员的帮扶（如一线职工送温暖、助医）。"))  # fmt: skip


# --- aid rounds (送温暖, 金秋助学 …) -----------------------------------------------------------


@require_GET
@access.page(Perm.CARE_FILES)
def programme_list(request: HttpRequest) -> HttpResponse:
    qs = (
        scope.scoped_programmes(request.user)
        .select_related("org")
        .annotate(
            listed=Count("entries", filter=~Q(entries__status=EntryStatus.WITHDRAWN)),
            paid=Count("entries", filter=Q(entries__status=EntryStatus.PAID)),
            paid_amount=Sum("entries__amount", filter=Q(entries__status=EntryStatus.PAID)),
        )
    )
    page = Paginator(qs.order_by("-year", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "care/programmes.html", {"page": page})


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def programme_new(request: HttpRequest) -> HttpResponse:
    scope_orgs = access.scoped_orgs(request.user)
    initial = {
        "org": access.acting_org(request).code,
        "type": request.GET.get("type", AidType.SCHOOLING),
        "source": FundSource.OWN,
    }
    form = forms.ProgrammeForm(request.POST or None, scope=scope_orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            org = access.get_org(request.user, d.pop("org"), Perm.CARE_FILES)
            p = actions.programme_create(user=request.user, org=org, **d)
        except ApplicationError as e:
            apply_error(form, e)
        else:
            messages.success(request, _("已建立“%(name)s”，请生成资格名单。") % {"name": p.name})
            return redirect("care:programme_detail", p.pk)
    rules = [(label, selectors.eligibility_text(k)) for k, label in AidType.choices]
    return render(request, "care/programme_form.html", {"form": form, "title": _("新建帮扶活动"), "rules": rules,
                                                        "crumbs": crumbs((reverse("care:programmes"), _("帮扶活动"))),
                                                        "cancel_url": reverse("care:programmes")})  # fmt: skip


def _entries(request: HttpRequest, programme: Any) -> tuple[Any, str]:
    status = request.GET.get("status", "").strip()
    qs = scope.entries_of(programme)
    if status in EntryStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("org_path", "id"), status


@require_GET
@access.page(Perm.CARE_FILES)
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    p = scope.get_programme(request.user, programme_id)
    entries, status = _entries(request, p)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    audit_record(
        user=request.user,
        action="care.programme.view",
        obj=p,
        org_path=p.org_path,
        changes={"rows": len(page.object_list)},
    )
    ctx = {"p": p, "summary": selectors.programme_summary(p), "page": page, "status": status, "statuses": EntryStatus.choices,
           "rule": selectors.eligibility_text(p.type), "today": timezone.localdate()}  # fmt: skip
    return render(request, "care/programme_detail.html", ctx)


ELIGIBLE_SHOWN = 500


@require_http_methods(["GET", "POST"])
@access.page(Perm.CARE_FILES)
def programme_eligible(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The eligibility list from the files: tick who goes on the round's list (or take them all)."""
    p = scope.get_programme(request.user, programme_id)
    if request.method == "POST":
        try:
            if request.POST.get("all") == "1":
                n = actions.programme_list_add(user=request.user, programme=p)
            else:
                ids_ = [int(x) for x in request.POST.getlist("file") if x.isdigit()]
                chosen = list(HardshipFile.objects.filter(pk__in=ids_))
                if not chosen:
                    raise ApplicationError(_("请先勾选人员。"), code="required")
                n = actions.programme_list_add(user=request.user, programme=p, files=chosen)
        except ApplicationError as e:
            messages.error(request, e.message)
            return redirect("care:programme_eligible", p.pk)
        messages.success(request, _("已将 %(n)d 人加入名单。") % {"n": n})
        return redirect("care:programme_detail", p.pk)
    eligible = selectors.eligible_files(p) if p.is_open else HardshipFile.objects.none()
    total = eligible.count()
    rows = list(eligible.prefetch_related("causes")[:ELIGIBLE_SHOWN])
    audit_record(
        user=request.user,
        action="care.programme.eligible",
        obj=p,
        org_path=p.org_path,
        changes={"eligible": total},
    )
    ctx = {"p": p, "rows": rows, "total": total, "shown": len(rows), "rule": selectors.eligibility_text(p.type),
           "crumbs": crumbs((reverse("care:programmes"), _("帮扶活动")), (reverse("care:programme_detail", args=[p.pk]), p.name))}  # fmt: skip
    return render(request, "care/programme_eligible.html", ctx)


@require_POST
@access.page(Perm.CARE_FILES)
def programme_entries(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Record payments (发放) of ticked entries, or of all still to pay; or take ticked ones off."""
    p = scope.get_programme(request.user, programme_id)
    op = request.POST.get("op", "pay")
    try:
        if op == "pay_all":
            entries = list(ProgrammeEntry.objects.filter(programme=p, status=EntryStatus.LISTED))
        else:
            ids_ = [int(x) for x in request.POST.getlist("entry") if x.isdigit()]
            entries = list(ProgrammeEntry.objects.filter(programme=p, pk__in=ids_))
        if op in ("pay", "pay_all"):
            raw = request.POST.get("paid_on", "")
            try:
                paid_on = dt.date.fromisoformat(raw)
            except ValueError:
                raise ApplicationError(
                    _("请填写发放日期。"), code="required", details={"field": "paid_on"}
                ) from None
            n = actions.programme_pay(user=request.user, programme=p, entries=entries, paid_on=paid_on)
            messages.success(request, _("已记录 %(n)d 人的发放。") % {"n": n})
        elif op == "withdraw":
            n = actions.programme_withdraw(user=request.user, programme=p, entries=entries)
            messages.success(request, _("已将 %(n)d 人移出名单。") % {"n": n})
        else:
            raise ApplicationError(_("未知的操作。"), code="op")
    except ApplicationError as e:
        messages.error(request, e.message)
    return redirect("care:programme_detail", p.pk)


@require_POST
@access.page(Perm.CARE_FILES)
def programme_close(request: HttpRequest, programme_id: int) -> HttpResponse:
    p = scope.get_programme(request.user, programme_id)
    try:
        actions.programme_close(user=request.user, programme=p)
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("活动已结束。"))
    return redirect("care:programme_detail", p.pk)


@require_GET
@access.page(Perm.EXPORT)
def programme_export(request: HttpRequest, programme_id: int) -> HttpResponseBase:
    """The round's list for signatures (发放花名册): masked ID numbers."""
    p = scope.get_programme(request.user, programme_id, Perm.EXPORT)
    entries, _status = _entries(request, p)
    audit_record(user=request.user, action="export.care_programme", obj=p, org_path=p.org_path)
    headers = [
        _("序号"),
        _("姓名"),
        _("公民身份号码"),
        _("所在工会"),
        _("档案编号"),
        _("困难类别"),
        _("在学子女数"),
        _("金额（元）"),
        _("状态"),
        _("发放日期"),
        _("签字"),
    ]
    rows = (
        [n, e.person.name, e.person.id_masked, e.org.name, e.file.file_no, e.file.get_category_display(), e.file.children_in_school,
         float(e.amount), e.get_status_display(), e.paid_on, ""]
        for n, e in enumerate(entries, start=1)
    )  # fmt: skip
    return xlsx_response(f"{p.name}_名单.xlsx", p.name[:31], headers, rows)


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
    audit_record(
        user=request.user, action="export.care_report", obj=org, org_path=org.path, changes={"year": year}
    )
    headers = [_("部分"), _("项目"), _("数量"), _("人数"), _("金额（元）")]
    return xlsx_response(
        f"服务职工统计_{org.code}_{year}.xlsx",
        _("服务职工统计"),
        headers,
        selectors.report_rows(selectors.report(org, year)),
    )
