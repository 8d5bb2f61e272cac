"""Pages of 工会经费 (union funds) and the ledger: employers and their arrears, an employer's
declarations and payments with shares, the 催缴函, a union's ledger and yearly statement."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.sheets import write_xlsx_bytes
from gonghui.finance import actions_funds, conf, forms, ledger, pdfs, rules, selectors
from gonghui.finance.models import FundsDeclaration, FundsPayment
from gonghui.finance.views import _org, crumbs, year_of
from gonghui.orgs.models import Employer


def _employer(request: HttpRequest, pk: int) -> Employer:
    return access.get_employer(access.acting_user(request), pk, Perm.FINANCE)


@require_GET
@access.page(Perm.FINANCE)
def funds(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, code)
    only = request.GET.get("arrears") == "1"
    rows = selectors.employer_funds(org.path, as_of=timezone.localdate(), only_arrears=only)
    no_union = access.scoped_employers(access.acting_user(request)).filter(area_path__startswith=org.path).exclude(
        pk__in=FundsDeclaration.objects.values("employer_id")).select_related("union").order_by("-employees")[:50]  # fmt: skip
    return render(request, "finance/funds.html", {"org": org, "rows": rows, "only": only, "help": conf.help_texts(),
                                                  "undeclared": no_union, "crumbs": crumbs(org)})  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def employer(request: HttpRequest, pk: int) -> HttpResponse:
    e = _employer(request, pk)
    user = access.acting_user(request)
    which = request.POST.get("form")
    declare = forms.DeclareForm(request.POST if which == "declare" else None)
    pay = forms.FundsPayForm(
        request.POST if which == "pay" else None, initial={"paid_on": timezone.localdate()}
    )
    if request.method == "POST":
        try:
            if which == "declare" and declare.is_valid():
                d = actions_funds.funds_declare(user=user, employer=e, period=declare.cleaned_data["period"],
                                                payroll_fen=declare.cleaned_data["payroll"])  # fmt: skip
                messages.success(request, _("已申报，应缴 %(a)s 元。") % {"a": rules.yuan(d.due_fen)})
                return redirect("finance:employer", pk=e.pk)
            if which == "pay" and pay.is_valid():
                p = actions_funds.funds_pay(user=user, employer=e, paid_on=pay.cleaned_data["paid_on"],
                                            amount_fen=pay.cleaned_data["amount"], collector=pay.cleaned_data["collector"])  # fmt: skip
                messages.success(
                    request,
                    _("已登记到账 %(a)s 元，收据 %(r)s。")
                    % {"a": rules.yuan(p.amount_fen), "r": p.receipt_no},
                )
                return redirect("finance:employer", pk=e.pk)
        except ApplicationError as exc:
            add_form_error(declare if which == "declare" else pay, exc)
    row = selectors.one_employer(e, as_of=timezone.localdate())
    home_code = e.union.code if e.union else e.area_org.code
    return render(request, "finance/employer.html", {
        "e": e, "row": row, "declare": declare, "pay": pay, "help": conf.help_texts(),
        "declarations": FundsDeclaration.objects.filter(employer=e).order_by("-period_start")[:48],
        "payments": FundsPayment.objects.filter(employer=e).prefetch_related("shares__org").order_by("-paid_on", "-pk")[:48],
        "levels": conf.LEVEL_LABELS,
        "crumbs": crumbs(access.acting_org(request), (reverse("finance:funds", args=[home_code]), _("工会经费"))),
    })  # fmt: skip


@require_GET
@access.page(Perm.FINANCE)
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """催缴函 as PDF, issued by the user's own union; audited."""
    e = _employer(request, pk)
    today = timezone.localdate()
    row = selectors.one_employer(e, as_of=today)
    if row is None or row.balance_fen <= 0:
        messages.error(request, _("该单位没有欠缴工会经费。"))
        return redirect("finance:employer", pk=e.pk)
    issuer = access.acting_org(request)
    no = f"{issuer.short_name or issuer.name}经催字〔{today.year}〕{e.pk}号"
    body = pdfs.reminder_letter(row, issuer=issuer, on=today, letter_no=no)
    audit_record(user=access.acting_user(request), action="funds.reminder_letter", obj=e, org_path=issuer.path,
                 changes={"balance_fen": row.balance_fen, "age_days": row.age_days})  # fmt: skip
    resp = HttpResponse(body, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="cuijiao-{e.pk}.pdf"'
    return resp


@require_http_methods(["GET", "POST"])
@access.page(Perm.FINANCE)
def ledger_page(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, code)
    year = year_of(request)
    form = forms.LedgerForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions_funds.ledger_entry_add(user=access.acting_user(request), org=org, on=form.cleaned_data["on"],
                                           head=form.cleaned_data["head"], amount_fen=form.cleaned_data["amount"],
                                           note=form.cleaned_data["note"])  # fmt: skip
            messages.success(request, _("已记账。"))
            return redirect(
                reverse("finance:ledger", args=[org.code]) + f"?year={form.cleaned_data['on'].year}"
            )
        except ApplicationError as e:
            add_form_error(form, e)
    lines = list(selectors.ledger_lines(org, year)[:2000])
    return render(request, "finance/ledger.html", {
        "org": org, "year": year, "form": form, "st": selectors.statement(org, year),
        "lines": [(x, ledger.name(x.head), ledger.direction(x.head) == ledger.INCOME) for x in lines],
        "crumbs": crumbs(org),
    })  # fmt: skip


def _statement_audit(request: HttpRequest, org: object, year: int, fmt: str) -> None:
    audit_record(user=access.acting_user(request), action="ledger.statement_export", obj=org,  # type: ignore[arg-type]
                 org_path=getattr(org, "path", ""), changes={"year": year, "format": fmt})  # fmt: skip


@require_GET
@access.page(Perm.FINANCE)
def statement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    org = _org(request, code)
    year = year_of(request)
    body = pdfs.yearly_statement(selectors.statement(org, year), printed_on=timezone.localdate())
    _statement_audit(request, org, year, "pdf")
    resp = HttpResponse(body, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="statement-{org.code}-{year}.pdf"'
    return resp


JOURNAL_HEADERS = [
    "日期",
    "凭证摘要",
    "科目编码",
    "科目名称",
    "收支",
    "收入金额",
    "支出金额",
    "来源",
    "单位代码",
    "单位名称",
]


@require_GET
@access.page(Perm.FINANCE)
def statement_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The year's ledger as a flat journal (one line per entry, amounts in yuan as numbers, heads by
    code and name): a shape an accounting package imports; the yearly totals follow the lines."""
    org = _org(request, code)
    year = year_of(request)
    rows = []
    for x in selectors.ledger_lines(org, year):
        income = ledger.direction(x.head) == ledger.INCOME
        amount = Decimal(x.amount_fen) / 100
        rows.append([x.on, x.note, x.head, ledger.name(x.head), "收入" if income else "支出",
                     amount if income else Decimal(0), Decimal(0) if income else amount, x.source, org.code, org.name])  # fmt: skip
    _statement_audit(request, org, year, "xlsx")
    body = write_xlsx_bytes(f"{year}收支明细", JOURNAL_HEADERS, rows)
    resp = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="ledger-{org.code}-{year}.xlsx"'
    return resp
