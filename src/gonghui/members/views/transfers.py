"""会员关系接转 pages: the list, a transfer in by ID number, answers."""

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
from gonghui.members import actions, forms, scope, selectors
from gonghui.members.models import (
    TransferSide,
    TransferStatus,
)  # fmt: skip
from gonghui.members.views.common import (
    _base_orgs,
    _crumbs,
    _employers_of,
    _per_page,
    _set_labels,
)

# --- transfers ----------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def transfer_list(request: HtmxHttpRequest) -> HttpResponse:
    status = request.GET.get("status", TransferStatus.PENDING)
    qs = scope.scoped_transfers(request.user).select_related("person", "from_org", "to_org")
    if status in TransferStatus.values:
        qs = qs.filter(status=status)
    prefix = access.scope_path(request.user)
    page = Paginator(qs.order_by("-started_at", "-id"), _per_page(request)).get_page(request.GET.get("page"))
    t: Any  # a Transfer carrying what this viewer may see of it (selectors.transfer_shown)
    for t in page:
        t.shown = selectors.transfer_shown(t, prefix)
    _set_labels(page, initiated_by=TransferSide.choices, status=TransferStatus.choices)
    ctx = {"page": page, "status": status, "statuses": TransferStatus.choices}
    if request.htmx:
        return render(request, "members/transfers.html#rows", ctx)
    return render(request, "members/transfers.html", ctx)


@require_http_methods(["GET", "POST"])
@access.page(Perm.MEMBER_WRITE)
def transfer_in(request: HttpRequest) -> HttpResponse:
    """The receiving union starts a transfer for a worker who came to it with a current membership
    elsewhere; the sending union confirms."""
    orgs = _base_orgs(request.user, Perm.MEMBER_WRITE)
    application = None
    app_id = request.POST.get("application") or request.GET.get("application")
    if app_id and str(app_id).isdigit():
        application = scope.get_application(request.user, int(app_id), Perm.MEMBER_WRITE)
    initial = {
        "to_org": application.org.code if application else "",
        "application": application.pk if application else None,
    }
    chosen = application.org if application else None
    data = request.POST or None
    if request.method == "POST" and request.POST.get("prefill"):
        # "改为发起接转" from the paper form: carry the ID number typed there (a POST, never the URL)
        initial.update(
            id_number=request.POST.get("id_number", "")[:30], to_org=request.POST.get("to_org", "")
        )
        data = None
    form = forms.TransferInForm(data, orgs=orgs, employers=_employers_of(chosen), initial=initial)
    if data is not None and form.is_valid():
        to_org = scope.get_base_org(request.user, form.cleaned_data["to_org"], Perm.MEMBER_WRITE)
        try:
            t = actions.transfer_start_by_id_number(
                user=request.user, to_org=to_org, id_number=form.cleaned_data["id_number"], new_employer=form.employer(),
                note=form.cleaned_data["note"], application=application,
            )  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            shown = selectors.transfer_shown(t, access.scope_path(request.user))
            messages.success(
                request, _("已向“%(org)s”发出接转请求，对方确认后完成转入。") % {"org": shown.from_org_name}
            )
            return redirect("members:transfers")
    return render(request, "core/form.html", {
        "form": form, "title": _("会员关系转入"), "submit": _("发起接转"), "cancel_url": reverse("members:transfers"),
        "intro": _("职工已是其他工会会员、现到本辖区单位工作的，由本会发起转入，原工会确认后完成。新单位未建会的，可转入所在地的联合工会或新就业形态工会。"),
        "crumbs": _crumbs((reverse("members:transfers"), _("会员接转"))),
    })  # fmt: skip


def _transfer_answer(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    t = scope.get_transfer_to_answer(request.user, pk, verb)
    try:
        actions.transfer_answer(user=request.user, transfer=t, verb=verb, note=request.POST.get("note", ""))
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        done = {
            "accept": _("接转已完成。原会员证已随之作废，请转入工会在“会员证”中为其补发新证。"),
            "reject": _("已拒绝接转。"),
            "cancel": _("已撤回接转。"),
        }
        messages.success(request, done[verb])
    return redirect("members:transfers")


@require_POST
@access.page(Perm.MEMBER_WRITE)
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_answer(request, pk, "accept")


@require_POST
@access.page(Perm.MEMBER_WRITE)
def transfer_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_answer(request, pk, "reject")


@require_POST
@access.page(Perm.MEMBER_WRITE)
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_answer(request, pk, "cancel")
