"""Pages of collective contracts: list (scoped, filtered by state on today) with export, a new
contract of a union, its page with the next step (rounds, signing, submission, the labour
administration's answer, renewal, termination) and attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
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
from gonghui.core.sheets import xlsx_response
from gonghui.worklife import actions_contracts as act
from gonghui.worklife import forms, selectors
from gonghui.worklife.conf import help_texts
from gonghui.worklife.models import CollectiveContract, ContractCategory, ContractScope
from gonghui.worklife.views import crumbs, employers_of, exported, file_response, form_page, org_crumb

STATE_LABELS = {
    "in_force": "履行中", "renewal_due": "待续签", "expired": "已到期未续签", "pending_submit": "待报送",
    "in_review": "审查中", "negotiating": "协商中",
}  # fmt: skip


def _filters(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "").strip()[:40] for k in ("state", "org", "category", "scope", "q")}


def _queryset(request: HttpRequest, f: dict[str, str]) -> Any:
    qs = selectors.under(selectors.contracts(request.user), request.user, f["org"])
    if f["state"] in selectors.CONTRACT_FILTERS:
        qs = selectors.contract_filter(qs, f["state"], timezone.localdate())
    if f["category"] in ContractCategory.values:
        qs = qs.filter(category=f["category"])
    if f["scope"] in ContractScope.values:
        qs = qs.filter(scope=f["scope"])
    if f["q"]:
        qs = qs.filter(title__contains=f["q"])
    return qs


@require_GET
@access.page(Perm.VIEW)
def contract_list(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    page = Paginator(_queryset(request, f).order_by("end_on", "-id"), 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_state(page.object_list)
    ctx = {"page": page, "f": f, "states": STATE_LABELS, "categories": ContractCategory.choices,
           "scopes": ContractScope.choices, "crumbs": crumbs(), "rules": help_texts()}  # fmt: skip
    return render(request, "worklife/contracts.html", ctx)


@require_GET
@access.page(Perm.EXPORT)
def contract_export(request: HttpRequest) -> HttpResponseBase:
    f = _filters(request)
    qs = _queryset(request, f).prefetch_related("employers").order_by("end_on", "-id")
    exported(request, "contracts", f)
    headers = [_("合同名称"), _("工会"), _("签订形式"), _("合同类别"), _("覆盖单位"), _("覆盖职工数"), _("签订日期"), _("期限起"),
               _("期限止"), _("报送日期"), _("审查意见"), _("生效日期"), _("状态")]  # fmt: skip
    rows = ([c.title, c.org.name, c.get_scope_display(), c.get_category_display(), "、".join(e.name for e in c.employers.all()),
             c.employees_covered, c.signed_on, c.start_on, c.end_on, c.submitted_on, c.get_review_answer_display() if c.review_answer else "",
             c.effective_on, c.state.label] for c in selectors.with_state(qs.iterator(chunk_size=500)))  # fmt: skip
    return xlsx_response("集体合同.xlsx", _("集体合同"), headers, rows)


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def contract_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.UNION_WORK)
    form = forms.ContractForm(request.POST or None, employers=employers_of(org))
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            c = act.contract_create(user=request.user, org=org, employers=list(d.pop("employers")), **d)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已登记集体合同“%(t)s”。") % {"t": c.title})
            return redirect("worklife:contract", c.pk)
    return form_page(request, form, title=_("登记集体合同"), trail=[org_crumb(org)],
                     cancel_url=reverse("worklife:org", args=[org.code]), intro=org.name)  # fmt: skip


def _get(request: HttpRequest, contract_id: int, perm: Perm = Perm.VIEW) -> CollectiveContract:
    return access.get_scoped(selectors.contracts(request.user), request.user, contract_id, perm=perm)


@require_GET
@access.page(Perm.VIEW)
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    c = selectors.with_state([_get(request, contract_id)])[0]
    ctx = {"c": c, "employers": c.employers.all(), "rounds": c.rounds.all(), "attachments": c.attachments.all(),
           "renewals": c.renewals.all(), "crumbs": crumbs(org_crumb(c.org)), "rules": help_texts()}  # fmt: skip
    return render(request, "worklife/contract.html", ctx)


STEPS: dict[str, tuple[Any, Any, str]] = {
    "round": (forms.RoundForm, act.round_add, "登记协商"),
    "sign": (forms.SignForm, act.contract_sign, "签订合同"),
    "submit": (forms.SubmitForm, act.contract_submit, "报送审查"),
    "answer": (forms.AnswerForm, act.contract_answer, "登记审查意见"),
    "renew": (forms.SignForm, act.contract_renew, "续订合同"),
    "terminate": (forms.TerminateForm, act.contract_terminate, "终止合同"),
}


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def contract_step(request: HttpRequest, contract_id: int, step: str) -> HttpResponse:
    c = _get(request, contract_id, Perm.UNION_WORK)
    if step not in STEPS:
        from django.http import Http404

        raise Http404
    form_class, action, title = STEPS[step]
    form = form_class(request.POST or None, initial={k: timezone.localdate() for k in
                                                      ("held_on", "signed_on", "submitted_on", "answered_on", "terminated_on")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            out = action(user=request.user, contract=c, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已保存。"))
            target = out if isinstance(out, CollectiveContract) else c
            return redirect("worklife:contract", target.pk)
    return form_page(request, form, title=_(title), intro=c.title,
                     trail=[org_crumb(c.org), (reverse("worklife:contract", args=[c.pk]), c.title)],
                     cancel_url=reverse("worklife:contract", args=[c.pk]), danger=step == "terminate")  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.UNION_WORK)
def attachment_upload(request: HttpRequest, contract_id: int) -> HttpResponse:
    c = _get(request, contract_id, Perm.UNION_WORK)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            act.attachment_add(user=request.user, contract=c, **form.cleaned_data)
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("附件已上传。"))
            return redirect("worklife:contract", c.pk)
    return render(request, "worklife/upload.html", {"form": form, "title": _("上传合同附件"), "crumbs": crumbs(org_crumb(c.org)),
                                                    "cancel_url": reverse("worklife:contract", args=[c.pk])})  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    a = access.get_scoped(selectors.attachments(request.user), request.user, attachment_id,
                          path_field="contract__org_path")  # fmt: skip
    from gonghui.core.audit import audit_record

    audit_record(user=request.user, action="worklife.contract.attachment_open", obj=a.contract,
                 org_path=a.contract.org_path, changes={"attachment": a.pk})  # fmt: skip
    return file_response(a)
