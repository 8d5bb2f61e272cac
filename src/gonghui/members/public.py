"""Public pages (no login): 扫码入会 and the card check.

They show nothing beyond what the visitor typed and masked data, are rate-limited per client IP
(members/ratelimit.py), and are marked `gonghui_public = True` so the URL-enumerating access test
knows they are meant to be open. Every write still goes through the actions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core import ids
from gonghui.core.errors import ApplicationError
from gonghui.core.http import HtmxHttpRequest
from gonghui.members import actions, forms, ratelimit, selectors, sms
from gonghui.members.models import Application, Card, CardStatus
from gonghui.orgs.models import Org, OrgStatus

CONSENT_VERSION = "2026-01"
# What is collected, why, who sees it, how long (个人信息保护法 arts. 14, 17): shown above the form
# and stored by version with every application.
CONSENT_ITEMS = [
    (
        gettext_lazy("收集哪些信息"),
        gettext_lazy(
            "姓名、公民身份号码、手机号，以及民族、学历、政治面貌、户籍类型、就业状况、工作单位、工种等。性别和出生日期由身份证号得出。"
        ),
    ),
    (
        gettext_lazy("为什么收集"),
        gettext_lazy(
            "用于会员实名登记（一人一个会籍）、发放会员证、会员关系接转，以及工会为会员提供的帮扶、培训等服务。"
        ),
    ),
    (
        gettext_lazy("谁能看到"),
        gettext_lazy(
            "仅您申请加入的工会及其上级工会经授权的工作人员。列表中身份证号和手机号均脱敏显示，查看完整号码须经授权并留痕。不向任何单位或个人提供。"
        ),
    ),
    (gettext_lazy("如何保护"), gettext_lazy("身份证号和手机号加密存储；手机号仅用于验证和联系您。")),
    (
        gettext_lazy("保存多久"),
        gettext_lazy("会籍存续期间及法律法规要求的期限；退会后可申请删除非必要信息。"),
    ),
]


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, *args, **kwargs)

    wrapped.gonghui_public = True  # type: ignore[attr-defined]
    return wrapped


def _public_base(request: HttpRequest) -> str:
    base = getattr(settings, "GONGHUI_PUBLIC_URL", "") or ""
    return base.rstrip("/") if base else request.build_absolute_uri("/").rstrip("/")


def join_url(request: HttpRequest, code: str) -> str:
    """The address in a union's join QR code (setting GONGHUI_PUBLIC_URL, else this server)."""
    return _public_base(request) + reverse("members:join", args=[code])


def check_url(request: HttpRequest, token: str) -> str:
    return _public_base(request) + reverse("members:card_check", args=[token])


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/public_message.html",
        {"title": _("操作过于频繁"), "message": _("请稍后再试。")},
        status=429,
    )


def _active_org(code: str) -> Org:
    org = Org.objects.filter(code=code, status=OrgStatus.ACTIVE).first()
    if org is None:
        raise Http404
    return org


def _sms_required() -> bool:
    return bool(getattr(settings, "GONGHUI_JOIN_SMS_VERIFY", True))


@require_http_methods(["GET", "POST"])
@public_page
def join(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """A union's join page. For a federation or township code: choose the joint or new-employment
    union by where you live or work."""
    if not ratelimit.hit(request, "join_view"):
        return _too_many(request)
    org = _active_org(code)
    root = selectors.top_federation(org)
    if not org.is_base:
        return _choose(request, org, root)
    employers = list(org.employers.order_by("name")[:300])
    form = forms.PublicJoinForm(request.POST or None, employers=employers, sms_required=_sms_required())
    if request.method == "POST":
        if not ratelimit.hit(request, "apply"):
            return _too_many(request)
        if form.is_valid():
            data = form.action_data()
            try:
                app = actions.application_join_by_phone(
                    org=org, phone=data.pop("phone"), sms_code=form.cleaned_data.get("sms_code", ""),
                    sms_required=_sms_required(), consent_version=CONSENT_VERSION, **data,
                )  # fmt: skip
            except ApplicationError as e:
                field = (e.details or {}).get("field") if isinstance(e.details, dict) else None
                form.add_error(field if field in form.fields else None, e.message)
            else:
                return redirect("members:join_status", app.public_token)
    ctx = {"org": org, "root": root, "form": form, "consent": CONSENT_ITEMS, "sms_required": _sms_required()}
    return render(request, "members/join.html", ctx)


def _choose(request: HtmxHttpRequest, org: Org, root: Org) -> HttpResponse:
    areas = list(selectors.join_areas(root))
    area_code = request.GET.get("area", "") or (org.code if org.kind == "township_union" else "")
    area = next((a for a in areas if a.code == area_code), None)
    unions = (
        selectors.joint_unions(root, area=area)
        if area
        else {"joint": [], "new_employment": selectors.joint_unions(root)["new_employment"]}
    )
    ctx = {"org": org, "root": root, "areas": areas, "area": area, "unions": unions}
    if request.htmx:
        return render(request, "members/join_choose.html#unions", ctx)
    return render(request, "members/join_choose.html", ctx)


@require_POST
@public_page
def join_check_id(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: is the ID number well formed (checksum, date), and what it says by itself (gender,
    birth date)? Nothing from the register: before the phone is verified a public page says
    nothing about who is a member or has applied (DESIGN.md "Public pages are no oracle")."""
    if not ratelimit.hit(request, "id_check"):
        return render(request, "members/join.html#idcheck", {"error": _("查询过于频繁，请稍后再试。")})
    _active_org(code)
    raw = request.POST.get("id_number", "")
    ctx: dict[str, Any] = {}
    if raw.strip():
        try:
            info = actions.parse_id(raw)
        except ApplicationError as e:
            ctx["error"] = e.message
        else:
            if actions.is_under_age(info.birth_date):
                ctx["error"] = _("申请人未满 16 周岁，不能入会。")
            else:
                ctx["info"] = info
    return render(request, "members/join.html#idcheck", ctx)


@require_POST
@public_page
def join_sms(request: HttpRequest, code: str) -> HttpResponse:
    _active_org(code)
    ctx: dict[str, Any] = {}
    if not ratelimit.hit(request, "sms"):
        ctx["error"] = _("发送过于频繁，请稍后再试。")
        return render(request, "members/join.html#sms", ctx)
    try:
        phone = actions.parse_phone(request.POST.get("phone", ""), required=True)
        sms.phone_verification_start(phone=phone)
    except ApplicationError as e:
        ctx["error"] = e.message
    else:
        ctx["sent_to"] = ids.mask_phone(phone)
    return render(request, "members/join.html#sms", ctx)


@require_GET
@public_page
def join_status(request: HttpRequest, token: str) -> HttpResponse:
    """The applicant's own page (its address is the secret): status, form number, the reason."""
    if not ratelimit.hit(request, "status"):
        return _too_many(request)
    app = Application.objects.select_related("org", "membership").filter(public_token=token).first()
    if app is None:
        raise Http404
    return render(request, "members/join_status.html", {"a": app})


@require_GET
@public_page
def card_check(request: HttpRequest, token: str) -> HttpResponse:
    """The card's QR code: a masked name and whether the card is valid — nothing else."""
    if not ratelimit.hit(request, "card_check"):
        return _too_many(request)
    card = Card.objects.select_related("person").filter(check_token=token).first()
    valid = card is not None and card.status == CardStatus.VALID
    ctx = {
        "found": card is not None,
        "valid": valid,
        "masked_name": ids.mask_name(card.person.name) if card else "",
    }
    return render(request, "members/card_check.html", ctx, status=200 if card else 404)
