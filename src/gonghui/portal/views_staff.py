"""The unions' queue of what members asked for (staff pages, through the gatekeeper): corrections,
transfers to this union, 保留会籍, 退会, hardship and 金秋助学."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.members.models import Membership, Transfer
from gonghui.portal import actions
from gonghui.portal.models import MemberRequest, RequestStatus


@require_GET
@access.page(Perm.VIEW)
def staff_requests(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    qs = access.scoped(MemberRequest.objects.select_related("person", "org"), request.user)
    if show == "open":
        qs = qs.filter(status=RequestStatus.PENDING)
    rows = list(qs.order_by("-created_at")[:200])
    # memberships and transfers by their persons, in a query each: Citus joins two distributed
    # tables only on person_id, never on the membership's or the transfer's id
    persons = {r.person_id for r in rows}
    ms = Membership.objects.select_related("org").filter(
        person_id__in=persons, pk__in={r.membership_id for r in rows if r.membership_id}
    )
    ts = Transfer.objects.filter(person_id__in=persons, pk__in={r.transfer_id for r in rows if r.transfer_id})
    memberships, transfers = {m.pk: m for m in ms}, {t.pk: t for t in ts}
    for r in rows:
        if r.membership_id in memberships:
            r.membership = memberships[r.membership_id]
        if r.transfer_id in transfers:
            r.transfer = transfers[r.transfer_id]
    return render(request, "portal/staff_requests.html", {"rows": rows, "show": show})


@require_POST
@access.page(Perm.MEMBER_WRITE)
def staff_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    r = access.get_scoped(MemberRequest.objects.all(), request.user, pk, perm=Perm.MEMBER_WRITE)
    try:
        actions.request_answer(
            user=request.user,
            request=r,
            verb=request.POST.get("verb", ""),
            answer=request.POST.get("answer", ""),
        )
    except ApplicationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, str(r.get_kind_display()) + " · 已处理")
    return redirect("portal:staff_requests")
