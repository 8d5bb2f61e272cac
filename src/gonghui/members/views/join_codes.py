"""Join codes (扫码入会): each base union's link, QR code and poster."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.members import pdfs, selectors
from gonghui.members.public import join_url
from gonghui.members.views.common import (
    _base_orgs,
    _federation,
    _per_page,
)
from gonghui.orgs.models import Org

# --- join codes ---------------------------------------------------------------------------


def _poster_org(request: HttpRequest, code: str) -> Org:
    """A union in scope, or the federation's county-wide entry the join-codes page lists for
    everyone (its link is public; a township clerk prints its poster too — issue 18)."""
    root = selectors.top_federation(access.acting_org(request))
    if code == root.code:
        access.require(request.user, Perm.VIEW)
        return root
    return access.get_org(request.user, code)


@require_GET
@access.page(Perm.VIEW)
def qr_codes(request: HttpRequest) -> HttpResponse:
    """Every base union in scope with its join link, QR code and poster (扫码入会)."""
    qs = _base_orgs(request.user)
    if q := request.GET.get("q", "").strip():
        qs = qs.filter(name__contains=q)
    page = Paginator(qs, _per_page(request)).get_page(request.GET.get("page"))
    for o in page:
        o.join_url = join_url(request, o.code)
    root = selectors.top_federation(access.acting_org(request))
    return render(
        request,
        "members/qr_codes.html",
        {"page": page, "q": q, "root_url": join_url(request, root.code), "root": root},
    )


@require_GET
@access.page(Perm.VIEW)
def qr_png(request: HttpRequest, code: str) -> HttpResponse:
    org = _poster_org(request, code)
    from gonghui.core.pdf import qr_png

    resp = HttpResponse(qr_png(join_url(request, org.code)), content_type="image/png")
    resp["Content-Disposition"] = f'inline; filename="join-{org.code}.png"'
    return resp


@require_GET
@access.page(Perm.VIEW)
def qr_poster(request: HttpRequest, code: str) -> HttpResponse:
    org = _poster_org(request, code)
    data = pdfs.join_poster_pdf(
        org_name=org.name, federation=_federation(org), url=join_url(request, org.code)
    )
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="join-{org.code}.pdf"'
    return resp
