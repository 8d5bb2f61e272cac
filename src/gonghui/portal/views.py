"""The member's pages under /me/ (mobile first). Every page is `member_page`: a member session or
the member sign-in; a staff account is refused. Writes go through portal/actions.py."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import ratelimit
from gonghui.core.errors import ApplicationError
from gonghui.core.http import client_ip
from gonghui.core.ids import mask_name
from gonghui.core.pdf import qr_png
from gonghui.members.codes import Reason
from gonghui.members.public import public_page
from gonghui.portal import actions, auth, conf, consents, exports, selectors, signing
from gonghui.portal.auth import Member, member_page
from gonghui.portal.models import MemberRequest, RequestKind
from gonghui.portal.targets import find_unions, org_from_join_code


def _m(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _page(
    request: HttpRequest, template: str, ctx: dict[str, Any], tab: str, status: int = 200
) -> HttpResponse:
    days = conf.get("GONGHUI_PORTAL_ANSWER_WORKING_DAYS")
    return render(request, template, {"member": _m(request), "tab": tab, "days": days, **ctx}, status=status)


@require_http_methods(["GET", "POST"])
@public_page
def public_signin(request: HttpRequest) -> HttpResponse:
    """Phone, then the SMS code. No password."""
    ctx: dict[str, Any] = {"phone": request.POST.get("phone", ""), "step": "phone"}
    nxt = request.GET.get("next") or request.POST.get("next") or ""
    ctx["next"] = (
        nxt
        if url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) and nxt.startswith("/me/")
        else ""
    )
    if request.method == "POST":
        try:
            if request.POST.get("code"):
                _row, secret = auth.signin(request, ctx["phone"], request.POST["code"])
                resp = redirect(ctx["next"] or "portal:home")
                auth.set_cookie(resp, secret)
                return resp
            ctx["sent_to"] = auth.signin_code(request, ctx["phone"])
            ctx["step"] = "code"
        except ApplicationError as e:
            ctx["error"], ctx["status"] = e.message, e.status
            ctx["step"] = "code" if request.POST.get("code") else "phone"
    return render(request, "portal/signin.html", ctx, status=429 if ctx.get("status") == 429 else 200)


@require_POST
@member_page
def signout(request: HttpRequest) -> HttpResponse:
    resp = render(request, "portal/signed_out.html", {})
    auth.signout(request, resp)
    return resp


@require_GET
@member_page
def home(request: HttpRequest) -> HttpResponse:
    m = _m(request)
    return _page(request, "portal/home.html", {
        "membership": selectors.current_membership(m), "apps": selectors.applications(m),
        "requests": actions.open_requests(m),
    }, "home")  # fmt: skip


@require_GET
@member_page
def status(request: HttpRequest) -> HttpResponse:
    """The applicant's page: which union, since when, the deadline, the reason and how to correct."""
    m = _m(request)
    return _page(request, "portal/status.html", {"apps": selectors.applications(m)}, "home")


def card_payload(m: Member) -> dict[str, Any] | None:
    membership = selectors.current_membership(m)
    if membership is None or m.person is None:
        return None
    return {"mid": membership.pk, "n": mask_name(m.person.name), "u": membership.org.name}


@require_GET
@member_page
def card(request: HttpRequest) -> HttpResponse:
    m = _m(request)
    membership = selectors.current_membership(m)
    payload = card_payload(m)
    ctx: dict[str, Any] = {"membership": membership, "card": selectors.valid_card(m)}
    if payload is not None and membership is not None:
        token = signing.sign(payload)
        url = request.build_absolute_uri(f"/me/check/{token}/")
        ctx.update(token=token, check_url=url, qr=base64.b64encode(qr_png(url, scale=6)).decode(),
                   seconds=conf.get("GONGHUI_PORTAL_CARD_TOKEN_SECONDS"),
                   federation=_federation_name(membership.org))  # fmt: skip
    return _page(request, "portal/card.html", ctx, "card")


def _federation_name(org: Any) -> str:
    from gonghui.members.selectors import top_federation

    return str(top_federation(org).name)


@require_GET
@public_page
def public_check(request: HttpRequest, token: str) -> HttpResponse:
    """The QR's address: masked name, union, valid or not — nothing else."""
    if not ratelimit.hit(request, "card_check"):
        return render(request, "portal/check.html", {"result": "limited"}, status=429)
    payload, reason = signing.verify(token)
    ctx: dict[str, Any] = {"result": "invalid", "reason": reason}
    if payload is not None and not reason:
        from gonghui.members.models import CURRENT_STATUSES, Membership

        current = Membership.objects.filter(
            pk=int(payload.get("mid") or 0), status__in=CURRENT_STATUSES
        ).exists()
        ctx = {"result": "valid" if current else "invalid", "reason": "" if current else "ended"}
    if payload is not None:
        ctx.update(name=payload.get("n", ""), union=payload.get("u", ""))
    return render(request, "portal/check.html", ctx)


@require_GET
@public_page
def public_checker(request: HttpRequest) -> HttpResponse:
    """A checker's page that verifies a scanned token offline with the federation's public key."""
    return render(request, "portal/checker.html", {"public_key": signing.public_key_raw_b64()})


@require_GET
@public_page
def public_key(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse({"alg": "Ed25519", "key": signing.public_key_raw_b64()})


@require_GET
@public_page
def public_sw(request: HttpRequest) -> HttpResponse:
    """The service worker, served from /me/ so its scope covers the member's pages."""
    from django.contrib.staticfiles import finders

    path = finders.find("portal/sw.js")
    if not path:
        raise Http404
    with open(path, "rb") as fh:
        resp = HttpResponse(fh.read(), content_type="application/javascript")
    resp["Service-Worker-Allowed"] = "/me/"
    return resp


@require_GET
@public_page
def public_manifest(request: HttpRequest) -> HttpResponse:
    from django.templatetags.static import static

    data = {
        "name": _("会员之家"), "short_name": _("会员证"), "start_url": "/me/card/", "scope": "/me/",
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#c8161d", "lang": "zh-CN",
        "icons": [{"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                  {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png"}],
    }  # fmt: skip
    from django.http import JsonResponse

    resp = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    resp["Content-Type"] = "application/manifest+json"
    return resp


@require_http_methods(["GET", "POST"])
@member_page
def membership(request: HttpRequest) -> HttpResponse:
    """Transfer (to a union found by name, by its join QR, or the area's joint union), 保留会籍, 退会."""
    m = _m(request)
    current = selectors.current_membership(m)
    q = request.GET.get("q", "").strip()
    code = request.GET.get("join", "").strip()
    ctx: dict[str, Any] = {"membership": current, "q": q, "join": code, "transfers": selectors.transfers(m),
                           "requests": selectors.requests(m), "reasons": [(Reason.RETIRED, _("退休")), (Reason.UNEMPLOYED, _("失业"))]}  # fmt: skip
    if current is not None:
        ctx["found"] = find_unions(current.org, q=q, join=code, area=request.GET.get("area", ""))
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            to_org = None
            if kind == RequestKind.TRANSFER:
                to_org = org_from_join_code(request.POST.get("to_org", ""))
            actions.request_submit(member=m, kind=kind, to_org=to_org, note=request.POST.get("note", ""),
                                   data={"reason": request.POST.get("reason", "")})  # fmt: skip
        except ApplicationError as e:
            ctx["error"] = e.message
        else:
            messages.success(request, _("已提交，请等待工会办理。"))
            return redirect("portal:membership")
    return _page(request, "portal/membership.html", ctx, "membership")


@require_POST
@member_page
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    m = _m(request)
    r = MemberRequest.objects.filter(pk=pk, person=m.person).first() if m.person else None
    if r is None:
        raise Http404
    try:
        actions.request_withdraw(member=m, request=r)
    except ApplicationError as e:
        messages.error(request, e.message)
    return redirect("portal:membership")


@require_http_methods(["GET", "POST"])
@member_page
def services(request: HttpRequest) -> HttpResponse:
    m = _m(request)
    ctx: dict[str, Any] = {"trainings": selectors.trainings(m), "activities": selectors.activities(m),
                           "requests": [r for r in selectors.requests(m) if r.kind in (RequestKind.HARDSHIP, RequestKind.JINQIU)],
                           "membership": selectors.current_membership(m)}  # fmt: skip
    if request.method == "POST":
        fields = ("household_size", "household_income", "children_in_school", "situation")
        try:
            actions.request_submit(member=m, kind=request.POST.get("kind", ""), data={f: request.POST.get(f, "") for f in fields},
                                   photos=request.FILES.getlist("photos"))  # fmt: skip
        except ApplicationError as e:
            ctx["error"] = e.message
        else:
            messages.success(request, _("申请已提交，工会将与您联系。"))
            return redirect("portal:services")
    return _page(request, "portal/services.html", ctx, "services")


@require_http_methods(["GET", "POST"])
@member_page
def data(request: HttpRequest) -> HttpResponse:
    """My data (个人信息保护法): everything held, downloads, phone/address, corrections, who revealed
    the full numbers, consents."""
    m = _m(request)
    ctx: dict[str, Any] = {"held": exports.held(m), "address": selectors.address(m), "reveals": selectors.reveals(m),
                           "consents": _consent_rows(m), "register_consent": actions.register_consent(m)}  # fmt: skip
    if request.method == "POST":
        what = request.POST.get("what", "")
        try:
            if what == "address":
                actions.address_update(member=m, address=request.POST.get("address", ""))
                messages.success(request, _("联系地址已更新。"))
            elif what == "phone_code":
                if not ratelimit.hit_key(
                    "portal_sms_ip", client_ip(request) or "-", *auth.conf.get("GONGHUI_PORTAL_SMS_PER_IP")
                ):
                    raise ApplicationError(_("操作过于频繁，请稍后再试。"), code="rate_limited", status=429)
                ctx["phone_sent"] = actions.phone_change_code(member=m, phone=request.POST.get("phone", ""))
                ctx["new_phone"] = request.POST.get("phone", "")
                return _page(request, "portal/data.html", ctx, "data")
            elif what == "phone":
                actions.phone_change(
                    member=m, phone=request.POST.get("phone", ""), code=request.POST.get("code", "")
                )
                messages.success(request, _("手机号已更换。"))
            elif what == "correction":
                actions.request_submit(
                    member=m, kind=RequestKind.CORRECTION, note=request.POST.get("note", "")
                )
                messages.success(request, _("更正申请已提交到您所在的工会。"))
            elif what == "consent":
                actions.consent_set(
                    member=m, item=request.POST.get("item", ""), given=request.POST.get("given") == "1"
                )
                messages.success(request, _("已保存。"))
            else:
                raise ApplicationError(_("未知的操作。"), code="what")
        except ApplicationError as e:
            ctx["error"] = e.message
            return _page(request, "portal/data.html", ctx, "data", status=400)
        return redirect("portal:data")
    return _page(request, "portal/data.html", ctx, "data")


def _consent_rows(m: Member) -> list[dict[str, Any]]:
    given = {c.item: c for c in selectors.consents(m) if c.withdrawn_at is None}
    history = selectors.consents(m)
    return [{"item": k, "version": v, "title": t, "text": x, "given": given.get(k),
             "history": [c for c in history if c.item == k]} for k, (v, t, x) in consents.OPTIONAL.items()]  # fmt: skip


@require_GET
@member_page
def data_json(request: HttpRequest) -> HttpResponse:
    resp = HttpResponse(exports.as_json(_m(request)), content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="my-union-data.json"'
    return resp


@require_GET
@member_page
def data_pdf(request: HttpRequest) -> HttpResponse:
    resp = HttpResponse(exports.as_pdf(_m(request)), content_type="application/pdf")
    resp["Content-Disposition"] = 'attachment; filename="my-union-data.pdf"'
    return resp
