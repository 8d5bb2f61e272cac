"""Pages for the new committee's plenary sitting and the 女职工委员会. Each view: gatekeeper, form,
one action."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.elections import actions, forms, scope
from gonghui.elections.views import apply_error, crumbs, form_page


@require_POST
@access.page(Perm.ORG_MANAGE)
def election_plenary(request: HttpRequest, election_id: int) -> HttpResponse:
    """章程第二十七条（2008年文本）: the new committee's first plenary sitting elects the chair."""
    e = scope.get_election(request.user, election_id, Perm.ORG_MANAGE)
    form = forms.PlenaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写委员会全体会议实到人数。"))
    else:
        try:
            actions.election_plenary(
                user=request.user, election=e, present=form.cleaned_data["plenary_present"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记委员会全体会议实到人数。"))
    return redirect("elections:election", e.pk)


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_MANAGE)
def women_committee_new(request: HttpRequest, code: str) -> HttpResponse:
    org = access.get_org(request.user, code, Perm.ORG_MANAGE)
    n = actions.female_members(org)
    form = forms.WomenCommitteeForm(
        request.POST or None, initial={"form": "committee" if n >= 10 else "member"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.women_committee_record(user=request.user, org=org, **form.cleaned_data)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, _("已登记。"))
            return redirect("elections:term", org.code)
    return form_page(request, form, title=_("登记女职工委员会：%(n)s") % {"n": org.name}, submit=_("登记"),
                     trail=crumbs((reverse("elections:home"), _("组建换届")), (reverse("elections:term", args=[org.code]), org.name)),
                     cancel_url=reverse("elections:term", args=[org.code]),
                     intro=_("本会现有女会员 %(n)d 人。女职工委员会委员由工会委员会提名，经协商或女职工大会（代表大会）产生，不由会员大会选举；"
                             "其主任随工会委员会选举结果一并报上级工会批准（工会女职工委员会工作条例第十一、十三条）。") % {"n": n})  # fmt: skip


@require_GET
@access.page(Perm.VIEW)
def women_missing(request: HttpRequest) -> HttpResponse:
    """Unions at or above the line (10 female members) without a 女职工委员会 on record."""
    qs = actions.unions_missing_women_committee(access.scoped_orgs(request.user)).order_by("path")
    page = Paginator(qs.only("code", "name", "path"), 50).get_page(request.GET.get("page"))
    can_manage = access.has_perm(request.user, Perm.ORG_MANAGE)
    return render(request, "elections/women_missing.html", {"page": page, "can_manage": can_manage})
