"""Pages of 会费 (dues): the overview, a union's members and their dues, payroll import, the arrears
review list with the 教育 step and the guarded 自动退会. Every page needs Perm.FINANCE (财务 and
admins); ids and codes resolve through the gatekeeper. Funds and ledger pages are in views_funds.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.finance import actions_dues, conf, forms, imports, rules, selectors
from gonghui.members.models import Membership
from gonghui.orgs.models import BASE_KINDS, Org


def crumbs(org: Org, *pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": reverse("finance:org", args=[org.code]), "label": _("会费经费")},
            *({"url": u, "label": label} for u, label in pairs)]  # fmt: skip


def year_of(request: HttpRequest) -> int:
    raw = request.GET.get("year", "").strip()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _org(request: HttpRequest, code: str) -> Org:
    return access.get_org(access.acting_user(request), code, Perm.FINANCE)


def _member(request: HttpRequest, pk: int) -> Membership:
    qs = Membership.objects.select_related("person", "org")
    return access.get_scoped(qs, access.acting_user(request), pk, perm=Perm.FINANCE)


@require_GET
@access.page(Perm.FINANCE)
def index(request: HttpRequest) -> HttpResponse:
    return redirect("finance:org", code=access.acting_org(request).code)


@require_GET
@access.page(Perm.FINANCE)
def org_page(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, code)
    year = year_of(request)
    return render(request, "finance/org.html", {
        "org": org, "year": year, "is_base": org.kind in BASE_KINDS, **selectors.stats(org, year),
        "rows": selectors.collection(org, year), "help": conf.help_texts(),
        "crumbs": crumbs(org)[:0],
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def dues(request: HttpRequest, code: str) -> HttpResponse:
    """A base union's members with wage, monthly dues and last month paid; bulk payment, default wage."""
    org = _org(request, code)
    actions_dues.check_base(org)
    user = access.acting_user(request)
    bulk = forms.BulkForm(request.POST if request.POST.get("form") == "bulk" else None)
    default = forms.DefaultWageForm(request.POST if request.POST.get("form") == "default" else None,
                                    initial={"wage": rules.yuan(actions_dues.default_wage(org)).replace(",", "")})  # fmt: skip
    if request.method == "POST":
        try:
            if request.POST.get("form") == "bulk" and bulk.is_valid():
                b = actions_dues.dues_pay_bulk(
                    user=user, org=org, month=bulk.cleaned_data["month"], paid_on=bulk.cleaned_data["paid_on"]
                )
                messages.success(request, _("已登记 %(m)s 会费 %(n)d 人，合计 %(a)s 元，收据 %(r)s。")
                                 % {"m": f"{b.month:%Y-%m}", "n": b.members, "a": rules.yuan(b.amount_fen), "r": b.receipt_no})  # fmt: skip
                return redirect("finance:dues", code=org.code)
            if request.POST.get("form") == "default" and default.is_valid():
                actions_dues.union_default_wage_set(user=user, org=org, wage_fen=default.cleaned_data["wage"])
                messages.success(request, _("已保存默认月工资。"))
                return redirect("finance:dues", code=org.code)
        except ApplicationError as e:
            add_form_error(bulk if request.POST.get("form") == "bulk" else default, e)
    rows = selectors.dues_members(org)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "finance/dues.html", {
        "org": org, "page": page, "bulk": bulk, "default": default, "payroll": forms.PayrollForm(),
        "help": conf.help_texts(), "crumbs": crumbs(org), "monthly_total": sum(r.amount_fen for r in rows),
    })  # fmt: skip


@require_POST
@access.page(Perm.FINANCE)
def payroll(request: HttpRequest, code: str) -> HttpResponse:
    """Import a payroll sheet into the members' wages: all rows or none, errors by row and column."""
    org = _org(request, code)
    form = forms.PayrollForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = imports.payroll_import(
                user=access.acting_user(request), org=org, upload=form.cleaned_data["file"]
            )
        except ApplicationError as e:
            add_form_error(form, e)
    if result is not None and not result.errors:
        messages.success(request, _("工资表已导入：%(n)d 名会员的月工资已更新。") % {"n": result.updated})
        return redirect("finance:dues", code=org.code)
    return render(request, "finance/payroll.html", {"org": org, "form": form, "result": result,
                                                    "crumbs": crumbs(org, (reverse("finance:dues", args=[org.code]), _("会费")))})  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def member(request: HttpRequest, pk: int) -> HttpResponse:
    """One member: wage and exemption, single payments, history."""
    m = _member(request, pk)
    user = access.acting_user(request)
    which = request.POST.get("form")
    acc = m.dues if hasattr(m, "dues") else None
    wage = forms.WageForm(request.POST if which == "wage" else None, initial={
        "wage": rules.yuan(acc.wage_fen).replace(",", "") if acc and acc.wage_fen is not None else "",
        "exemption": acc.exemption if acc else ""})  # fmt: skip
    pay = forms.PayForm(request.POST if which == "pay" else None, initial={"paid_on": timezone.localdate()})
    if request.method == "POST":
        try:
            if which == "wage" and wage.is_valid():
                actions_dues.dues_wage_set(user=user, membership=m, wage_fen=wage.cleaned_data["wage"],
                                           exemption=wage.cleaned_data["exemption"] or "")  # fmt: skip
                messages.success(request, _("已保存。"))
                return redirect("finance:member", pk=m.pk)
            if which == "pay" and pay.is_valid():
                p = actions_dues.dues_pay(user=user, membership=m, month=pay.cleaned_data["month"],
                                          paid_on=pay.cleaned_data["paid_on"], amount_fen=pay.cleaned_data["amount"])  # fmt: skip
                messages.success(
                    request,
                    _("已登记 %(m)s 会费 %(a)s 元，收据 %(r)s。")
                    % {"m": f"{p.month:%Y-%m}", "a": rules.yuan(p.amount_fen), "r": p.receipt_no},
                )
                return redirect("finance:member", pk=m.pk)
        except ApplicationError as e:
            add_form_error(wage if which == "wage" else pay, e)
    row = (
        next((r for r in selectors.dues_members(m.org) if r.membership.pk == m.pk), None)
        if m.is_current
        else None
    )
    return render(request, "finance/member.html", {
        "m": m, "org": m.org, "row": row, "wage": wage, "pay": pay, "acc": acc,
        "payments": m.dues_payments.order_by("-month")[:36], "reviews": m.dues_reviews.order_by("-educated_on"),
        "crumbs": crumbs(m.org, (reverse("finance:dues", args=[m.org.code]), m.org.name)),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def arrears(request: HttpRequest, code: str) -> HttpResponse:
    """The review list: members with six months or more unpaid at the last check (章程第六条)."""
    org = _org(request, code)
    if request.method == "POST":
        r = actions_dues.dues_arrears_refresh(
            user=access.acting_user(request), as_of=timezone.localdate(), org=org
        )
        messages.success(
            request, _("已核对：新列入 %(f)d 人，移出 %(c)d 人。") % {"f": r["flagged"], "c": r["cleared"]}
        )
        return redirect("finance:arrears", code=org.code)
    page = Paginator(selectors.arrears_list(org.path), 100).get_page(request.GET.get("page"))
    reviews = selectors.open_reviews([a.membership_id for a in page])
    return render(request, "finance/arrears.html", {"org": org, "page": page, "reviews": reviews, "help": conf.help_texts(),
                                                    "crumbs": crumbs(org)})  # fmt: skip


def _review_form(request: HttpRequest, pk: int, *, lapse: bool) -> HttpResponse:
    m = _member(request, pk)
    form: Any = (forms.LapseForm if lapse else forms.EducateForm)(
        request.POST or None, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        user = access.acting_user(request)
        try:
            if lapse:
                actions_dues.dues_review_end(
                    user=user, membership=m, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
                )
                messages.success(request, _("%(n)s 已按自动退会处理。") % {"n": m.person.name})
            else:
                actions_dues.dues_review_educate(
                    user=user, membership=m, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
                )
                messages.success(request, _("已记录对 %(n)s 的教育情况。") % {"n": m.person.name})
            return redirect("finance:arrears", code=m.org.code)
        except ApplicationError as e:
            add_form_error(form, e)
    title = _("自动退会：%(n)s") if lapse else _("记录教育：%(n)s")
    return render(request, "core/form.html", {
        "form": form, "title": title % {"n": m.person.name}, "danger": lapse,
        "submit": _("确认自动退会") if lapse else _("保存"),
        "intro": _("会员编号 %(no)s，欠交 %(k)d 个月。") % {"no": m.member_no, "k": getattr(getattr(m, "dues", None), "arrears_months", 0)},
        "crumbs": crumbs(m.org, (reverse("finance:arrears", args=[m.org.code]), _("欠费复核"))),
        "cancel_url": reverse("finance:arrears", args=[m.org.code]),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def educate(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_form(request, pk, lapse=False)


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def lapse(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_form(request, pk, lapse=True)
