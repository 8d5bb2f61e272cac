"""Pages of aid records and aid rounds (送温暖, 金秋助学 …). Each view: the gatekeeper (care/scope.py),
a form, one action, a redirect; every page that shows names of hardship files writes its audit line
through care.actions_reads, with the same action names as the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.care import actions, forms, scope, selectors
from gonghui.care.models import (
    AidType,
    EntryStatus,
    FundSource,
    HardshipFile,
)
from gonghui.care.views import apply_error, crumbs, form_page, year_of
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.sheets import xlsx_response

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
    actions.care_aid_listed(user=request.user, org_path=access.scope_path(request.user), count=len(page.object_list),
                            filters={"year": year, **f})  # fmt: skip
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
            open_file = selectors.open_file_of(m.person, access.scope_path(request.user))
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
    actions.care_programme_viewed(
        user=request.user, programme=p, count=len(page.object_list), filters={"status": status}
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
                ids_ = request.POST.getlist("file")
                if not ids_:
                    raise ApplicationError(_("请先勾选人员。"), code="required")
                chosen = scope.files_by_ids(request.user, ids_, field="file")
                n = actions.programme_list_add(user=request.user, programme=p, files=chosen)
        except ApplicationError as e:
            messages.error(request, e.message)
            return redirect("care:programme_eligible", p.pk)
        messages.success(request, _("已将 %(n)d 人加入名单。") % {"n": n})
        return redirect("care:programme_detail", p.pk)
    eligible = selectors.eligible_files(p) if p.is_open else HardshipFile.objects.none()
    total = eligible.count()
    rows = list(eligible.prefetch_related("causes")[:ELIGIBLE_SHOWN])
    actions.care_programme_eligible_viewed(user=request.user, programme=p, count=total)
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
            entries = selectors.entries_to_pay(p)
        else:
            entries = scope.entries_by_ids(p, request.POST.getlist("entry"), field="entry")
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
    actions.care_programme_exported(user=request.user, programme=p)
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
