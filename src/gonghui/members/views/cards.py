"""Membership cards (发证关): who has none, batches, printing, revoking."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.core.http import HtmxHttpRequest
from gonghui.members import cards, forms, pdfs, scope
from gonghui.members.models import (
    MembershipStatus,
)  # fmt: skip
from gonghui.members.public import check_url
from gonghui.members.views.common import (
    _base_orgs,
    _federation,
    _per_page,
)

# --- cards --------------------------------------------------------------------------------


@require_GET
@access.page(Perm.VIEW)
def card_list(request: HtmxHttpRequest) -> HttpResponse:
    """Members without a valid card (发证关), and the batches issued."""
    orgs = _base_orgs(request.user)
    org_code = request.GET.get("org", "").strip()
    qs = cards.without_card(scope.scoped_memberships(request.user).filter(status=MembershipStatus.ACTIVE))
    if org_code:
        qs = qs.filter(org_path__startswith=access.get_org(request.user, org_code).path)
    page = Paginator(
        qs.select_related("person", "org").order_by("org_path", "member_no"), _per_page(request)
    ).get_page(request.GET.get("page"))
    batches = (
        scope.scoped_card_batches(request.user)
        .select_related("org", "issued_by")
        .order_by("-created_at", "-id")[:20]
    )
    ctx = {"page": page, "orgs": orgs, "org_code": org_code, "batches": batches,
           "issue_form": forms.CardIssueForm(orgs=orgs, initial={"org": org_code}) if access.has_perm(request.user, Perm.MEMBER_WRITE) else None}  # fmt: skip
    if request.htmx:
        return render(request, "members/cards.html#rows", ctx)
    return render(request, "members/cards.html", ctx)


@require_POST
@access.page(Perm.MEMBER_WRITE)
def card_issue(request: HttpRequest) -> HttpResponse:
    orgs = _base_orgs(request.user, Perm.MEMBER_WRITE)
    form = forms.CardIssueForm(request.POST, orgs=orgs)
    if not form.is_valid():
        messages.error(request, _("请选择发证工会和日期。"))
        return redirect("members:cards")
    org = scope.get_base_org(request.user, form.cleaned_data["org"], Perm.MEMBER_WRITE)
    ids_raw = request.POST.getlist("membership")
    membership_ids = [int(x) for x in ids_raw if x.isdigit()] or None
    try:
        batch = cards.card_batch_issue(
            user=request.user,
            org=org,
            membership_ids=membership_ids,
            issued_on=form.cleaned_data["issued_on"],
        )
    except ApplicationError as e:
        messages.error(request, e.message)
        return redirect(f"{reverse('members:cards')}?org={org.code}")
    messages.success(
        request, _("已为“%(org)s”发放 %(n)d 张会员证，请打印。") % {"org": org.name, "n": batch.size}
    )
    return redirect("members:card_batch", batch.pk)


@require_GET
@access.page(Perm.VIEW)
def card_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = scope.get_card_batch(request.user, pk)
    page = Paginator(
        # memberships in a second query: card ⋈ membership on the membership's id is a join Citus
        # cannot run (co-located on person_id, not on that id; docs/decisions.md)
        batch.cards.select_related("person").prefetch_related("membership").order_by("card_no"),
        _per_page(request),
    ).get_page(request.GET.get("page"))
    return render(request, "members/card_batch.html", {"batch": batch, "page": page})


@require_GET
@access.page(Perm.VIEW)
def card_batch_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    batch = scope.get_card_batch(request.user, pk)
    qs = batch.cards.select_related("person").prefetch_related("membership__org").order_by("card_no")
    data = pdfs.card_sheet_pdf(
        qs.iterator(chunk_size=500),
        federation=_federation(batch.org),
        check_url=lambda t: check_url(request, t),
    )
    cards.card_batch_print_record(user=request.user, batch=batch)
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="cards-{batch.pk}.pdf"'
    return resp


@require_POST
@access.page(Perm.MEMBER_WRITE)
def card_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    card = scope.get_card(request.user, pk, Perm.MEMBER_WRITE)
    try:
        cards.card_revoke(user=request.user, card=card, reason=request.POST.get("reason", ""))
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("会员证 %(no)s 已作废。") % {"no": card.card_no})
    return redirect("members:detail", card.membership_id)
