"""Join applications: the paper form, the review queue, approval, rejection, return, the PDF form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.core.http import HtmxHttpRequest
from gonghui.members import actions, forms, pdfs, scope
from gonghui.members.models import (
    ApplicationStatus,
    Channel,
)  # fmt: skip
from gonghui.members.views.common import (
    _base_orgs,
    _crumbs,
    _employers_of,
    _federation,
    _per_page,
    _set_labels,
)

# --- applications -------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def application_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.PENDING)
    qs = scope.scoped_applications(request.user).select_related("org")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    if org_code := request.GET.get("org", "").strip():
        qs = qs.filter(org_path__startswith=access.get_org(request.user, org_code).path)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(name__contains=q) | qs.filter(form_no=q)
    page = Paginator(qs.order_by("created_at", "id"), _per_page(request)).get_page(request.GET.get("page"))
    _set_labels(page, channel=Channel.choices, status=ApplicationStatus.choices)
    ctx = {"page": page, "status": status, "statuses": ApplicationStatus.choices, "q": q}
    if request.htmx:
        return render(request, "members/applications.html#rows", ctx)
    return render(request, "members/applications.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def application_new(request: HttpRequest) -> HttpResponse:
    """申请关 on paper: the clerk enters the signed application; the form number is assigned here."""
    orgs = _base_orgs(request.user, Perm.MEMBER_WRITE)
    chosen_code = request.POST.get("org") or request.GET.get("org") or ""
    chosen = orgs.filter(code=chosen_code).first() if chosen_code else None
    form = forms.PaperApplicationForm(
        request.POST or None, orgs=orgs, employers=_employers_of(chosen), initial={"org": chosen_code}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        org = scope.get_base_org(request.user, form.cleaned_data["org"], Perm.MEMBER_WRITE)
        data = form.action_data()
        data.pop("org")
        data.pop("signed")
        try:
            app = actions.application_create(
                user=request.user, org=org, channel="paper", consent_version="paper-signature", **data
            )
        except ApplicationError as e:
            if e.code == "already_member" and isinstance(e.details, dict) and e.details.get("transfer"):
                # one message, with the offer to transfer (the number typed goes along; no internal id)
                conflict = {
                    "message": e.message,
                    "id_number": form.cleaned_data["id_number"],
                    "org_code": org.code,
                }
            else:
                add_form_error(form, e)
        else:
            messages.success(
                request,
                _("已登记入会申请，登记表编号 %(no)s。请打印登记表交申请人核对签字并存档。")
                % {"no": app.form_no},
            )
            return redirect("members:application_detail", app.pk)
    return render(request, "members/application_form.html", {
        "form": form, "conflict": conflict, "title": _("录入纸质入会申请"),
        "crumbs": _crumbs((reverse("members:applications"), _("入会审核"))),
    })  # fmt: skip


@require_POST
@access.page(Perm.MEMBER_WRITE)
def check_id(request: HttpRequest) -> HttpResponse:
    """htmx: say at once what an ID number means — invalid, derived facts, or already a member."""
    raw = request.POST.get("id_number", "")
    ctx: dict[str, Any] = {}
    if raw.strip():
        try:
            info = actions.parse_id(raw)
        except ApplicationError as e:
            ctx["error"] = e.message
        else:
            ctx["info"] = info
            existing = actions.current_membership(actions.id_index(info.number))
            if existing is not None:
                ctx["id_conflict"] = actions.already_member_error(request.user, existing).message
    return render(request, "members/application_form.html#idcheck", ctx)


@require_GET
@access.page(Perm.VIEW)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = scope.get_application(request.user, pk)
    ctx = {"a": app, "approve_form": forms.ApproveForm(), "reason_form": forms.ReasonForm()}
    return render(request, "members/application_detail.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    app = scope.get_application(request.user, pk, Perm.MEMBER_WRITE)
    initial = {
        k: getattr(app, k) for k in ("name", *actions.CODED_FIELDS, "job", "is_model_worker", "employer_name")
    }
    initial["is_migrant"] = "1" if app.is_migrant else "0"
    initial["employer"] = str(app.employer_id or "")
    form = forms.ApplicationEditForm(request.POST or None, initial=initial, employers=_employers_of(app.org))
    if request.method == "POST" and form.is_valid():
        try:
            actions.application_update(user=request.user, application=app, **form.action_data())
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(request, _("已修改并重新提交审核。"))
            return redirect("members:application_detail", app.pk)
    return render(request, "core/form.html", {
        "form": form, "title": _("修改入会申请 %(no)s") % {"no": app.form_no}, "intro": app.reason and _("退回原因：%(r)s") % {"r": app.reason},
        "cancel_url": reverse("members:application_detail", args=[app.pk]), "submit": _("保存并重新提交"),
        "crumbs": _crumbs((reverse("members:applications"), _("入会审核"))),
    })  # fmt: skip


@require_POST
@access.page(Perm.REVIEW)
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    app = scope.get_application(request.user, pk, Perm.REVIEW)
    form = forms.ApproveForm(request.POST)
    joined_on = form.cleaned_data.get("joined_on") if form.is_valid() else None
    try:
        m = actions.application_approve(user=request.user, application=app, joined_on=joined_on)
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect("members:application_detail", app.pk)
    messages.success(request, _("已通过，会员编号 %(no)s。") % {"no": m.member_no})
    return redirect("members:detail", m.pk)


BULK_MAX = 200


@require_POST
@access.page(Perm.REVIEW)
def application_bulk(request: HttpRequest) -> HttpResponse:
    """批量审核: the selected applications, each through the same action (the same checks, one
    audit entry each) as when opened one by one; one that fails is reported and the rest go on."""
    verb = request.POST.get("verb")
    pks = [int(x) for x in request.POST.getlist("pk") if x.isdigit()][:BULK_MAX]
    reason = request.POST.get("reason", "").strip()
    if verb not in ("approve", "reject") or not pks:
        messages.error(request, _("请先勾选待审核的申请。"))
        return redirect("members:applications")
    if verb == "reject" and not reason:
        messages.error(request, _("批量不予通过须填写原因，申请人可看到。"))
        return redirect("members:applications")
    done, failed = 0, []
    for pk in pks:
        app = scope.get_application(request.user, pk, Perm.REVIEW)  # out of scope: 404, like one by one
        try:
            if verb == "approve":
                actions.application_approve(user=request.user, application=app, joined_on=None)
            else:
                actions.application_reject(user=request.user, application=app, reason=reason)
        except ApplicationError as e:
            failed.append(f"{app.form_no} {app.name}：{e.message}")
        else:
            done += 1
    label = _("通过") if verb == "approve" else _("不予通过")
    messages.success(request, _("已%(v)s %(n)d 份申请。") % {"v": label, "n": done})
    for line in failed:
        messages.error(request, line)
    return redirect("members:applications")


def _review_close(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    app = scope.get_application(request.user, pk, Perm.REVIEW)
    form = forms.ReasonForm(request.POST)
    try:
        action(user=request.user, application=app, reason=form.data.get("reason", ""))
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
    return redirect("members:application_detail", app.pk)


@require_POST
@access.page(Perm.REVIEW)
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_close(request, pk, actions.application_reject, _("已不予通过，申请人可看到原因。"))


@require_POST
@access.page(Perm.REVIEW)
def application_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_close(request, pk, actions.application_return, _("已退回修改。"))


@require_GET
@access.page(Perm.VIEW)
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """会员登记表 PDF. The full ID number and phone are printed only for users who may reveal
    them (the form is signed and filed), and that is audited; others get the masked form."""
    app = scope.get_application(request.user, pk)
    shown = {"id_number": "", "phone": ""}
    if access.has_perm(request.user, Perm.REVEAL_PII):
        shown = actions.application_reveal_pii(user=request.user, application=app, purpose="print")
    data = pdfs.registration_form_pdf(app, federation=_federation(app.org), **shown)
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="form-{app.form_no}.pdf"'
    return resp
