"""Pages of the idle list and its follow-ups. Each view: gatekeeper, form, one action."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.worklife.idle import actions, conf, selectors
from gonghui.worklife.stats import as_of


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("督促事项"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=gettext_lazy("整改期限"), widget=forms.DateInput(attrs={"type": "date"}))


class CloseForm(forms.Form):
    result = forms.CharField(
        label=gettext_lazy("整改情况"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


@require_GET
@access.page(Perm.VIEW)
def idle_list(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code)
    sort = request.GET.get("sort") or "size"
    sort = sort if sort in selectors.SORTS else "size"
    page = Paginator(selectors.idle_under(org, sort=sort), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    open_f = selectors.open_followups(rows)
    default_due = timezone.localdate() + dt.timedelta(days=conf.rules().followup_days)
    for r in rows:
        r.followup = open_f.get(r.org_id)  # type: ignore[attr-defined]
        r.can_follow = selectors.can_follow_up(request.user, r.org_path)  # type: ignore[attr-defined]
    ctx = {"org": org, "page": page, "rows": rows, "sort": sort, "help": conf.help_texts(), "as_of": as_of(org),
           "default_due": default_due, "today": timezone.localdate()}  # fmt: skip
    return render(request, "worklife/idle_list.html", ctx)


@require_GET
@access.page(Perm.VIEW)
def followup_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.followups(request.user)
    state = request.GET.get("state", "open")
    if state == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_on__isnull=False).order_by("-closed_on", "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for f in page.object_list:
        can = f.closed_on is None and selectors.can_follow_up(request.user, f.org_path)
        f.can_close = can  # type: ignore[attr-defined]
    return render(request, "worklife/idle_followups.html",
                  {"page": page, "state": state, "today": timezone.localdate()})  # fmt: skip


@require_POST
@access.page(Perm.UNION_WORK)
def followup_create(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.UNION_WORK)
    selectors.require_follow_up(request.user, org.path)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            actions.followup_create(user=request.user, org=org, note=form.cleaned_data["note"],
                                    due_on=form.cleaned_data["due_on"])  # fmt: skip
            messages.success(
                request,
                _("已向%(org)s发出督促，期限 %(d)s。") % {"org": org.name, "d": form.cleaned_data["due_on"]},
            )
        except ApplicationError as e:
            messages.error(request, e.message)
    else:
        messages.error(request, _("请填写督促事项和整改期限。"))
    return redirect(_back(request, "worklife:idle_followups"))


@require_POST
@access.page(Perm.UNION_WORK)
def followup_close(request: HttpRequest, pk: int) -> HttpResponse:
    f = selectors.get_followup(request.user, pk, to_close=True)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            actions.followup_close(user=request.user, followup=f, result=form.cleaned_data["result"])
            messages.success(request, _("督促事项已办结。"))
        except ApplicationError as e:
            messages.error(request, e.message)
    else:
        messages.error(request, _("请填写整改情况。"))
    return redirect("worklife:idle_followups")


def _back(request: HttpRequest, default: str) -> str:
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse(default)
