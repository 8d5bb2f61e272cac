"""The member's sign-in: phone + SMS code, no password; a member credential distinct from staff's.

* The code goes only to a phone the register holds (a person's phone, or the verified phone of a
  join application), found by its blind index; the page answers the same whether or not the phone
  is known (no oracle). Codes: members/sms.py (hash stored, 10 minutes, 5 attempts).
* Rate limits (core/ratelimit.py counters): codes per phone and per client IP, sign-in attempts per
  client IP (portal/conf.py).
* A browser gets the cookie ``gonghui_member`` (HttpOnly, SameSite=Lax), the API a bearer token;
  both are `MemberToken` rows (digest only). `request.user` stays anonymous: no staff page or staff
  API route knows a member credential, and a staff token offered to a member route answers 403.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from gonghui.core import ids, ratelimit
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.http import client_ip
from gonghui.members import sms
from gonghui.members.identity import parse_phone, phone_index
from gonghui.members.models import CURRENT_STATUSES, Application, Person
from gonghui.portal import conf
from gonghui.portal.models import MemberToken, TokenKind


@dataclass
class Member:
    """Who a member request acts for: the phone they proved, and the person it belongs to (None
    for an applicant not yet registered)."""

    token: MemberToken
    phone_index: str
    person: Person | None

    @property
    def is_authenticated(self) -> bool:  # audit_record reads it: a member is never a staff account
        return False


def _limit(scope: str, client: str, setting: str) -> bool:
    count, seconds = conf.get(setting)
    return ratelimit.hit_key(scope, client, int(count), int(seconds))


def _too_many() -> ApplicationError:
    return ApplicationError(_("操作过于频繁，请稍后再试。"), code="rate_limited", status=429)


def person_for_phone(index: str) -> Person | None:
    """The registered person whose phone this is (the one with a current membership first)."""
    people = list(Person.objects.filter(phone_index=index).order_by("id")[:5])
    for p in people:
        if p.memberships.filter(status__in=CURRENT_STATUSES).exists():
            return p
    return people[0] if people else None


def _known(index: str) -> bool:
    return (
        Person.objects.filter(phone_index=index).exists()
        or Application.objects.filter(phone_index=index, phone_verified=True).exists()
    )


def signin_code(request: HttpRequest, raw_phone: str) -> str:
    """Send a sign-in code if the phone is known; the masked phone either way."""
    phone = parse_phone(raw_phone, required=True)
    index = phone_index(phone)
    if not ratelimit.hit_key("portal_sms_minute", index, 1, 60):  # the same answer for any phone
        raise ApplicationError(_("验证码已发送，请一分钟后再试。"), code="sms_too_soon", status=429)
    if not _limit("portal_sms_ip", client_ip(request) or "-", "GONGHUI_PORTAL_SMS_PER_IP"):
        raise _too_many()
    if not _limit("portal_sms_phone", index, "GONGHUI_PORTAL_SMS_PER_PHONE"):
        raise _too_many()
    if _known(index):
        sms.phone_verification_start(phone=phone)  # also one a minute: right after applying, wait
    return ids.mask_phone(phone)


def _new_token(kind: str, index: str, person: Person | None) -> tuple[MemberToken, str]:
    secret = secrets.token_urlsafe(32)
    seconds = conf.get(
        "GONGHUI_PORTAL_SESSION_SECONDS" if kind == TokenKind.SESSION else "GONGHUI_PORTAL_TOKEN_SECONDS"
    )
    row = MemberToken.objects.create(
        kind=kind, digest=MemberToken.digest_of(secret), phone_index=index, person=person,
        expires_at=timezone.now() + dt.timedelta(seconds=int(seconds)),
    )  # fmt: skip
    return row, secret


@transaction.atomic
def signin(
    request: HttpRequest, raw_phone: str, code: str, *, kind: str = TokenKind.SESSION
) -> tuple[MemberToken, str]:
    """Check the code and open a member session (or API token): (row, secret)."""
    if not _limit("portal_signin_ip", client_ip(request) or "-", "GONGHUI_PORTAL_SIGNIN_PER_IP"):
        raise _too_many()
    phone = parse_phone(raw_phone, required=True)
    index = phone_index(phone)
    bad = ApplicationError(
        _("验证码不正确或已过期。"), code="bad_code", details={"field": "code"}, status=400
    )
    if not _known(index) or not sms.phone_verification_check(phone=phone, code=code):
        raise bad
    person = person_for_phone(index)
    row, secret = _new_token(kind, index, person)
    audit_record(user=None, action="portal.signin", obj=person, object_type="members.person" if person else "portal.phone",
                 object_repr=person.name if person else "", changes={"kind": kind})  # fmt: skip
    return row, secret


def _resolve(secret: str, kind: str) -> Member | None:
    if not secret:
        return None
    row = (
        MemberToken.objects.filter(
            digest=MemberToken.digest_of(secret),
            kind=kind,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("person")
        .first()
    )
    if row is None:
        return None
    person = row.person
    if person is not None and person.phone_index != row.phone_index:
        return None  # the phone changed since: sign in again with the new one
    if person is None:
        person = person_for_phone(row.phone_index)  # an applicant approved since signing in
        if person is not None:
            MemberToken.objects.filter(pk=row.pk).update(person=person)
            row.person = person
    return Member(token=row, phone_index=row.phone_index, person=person)


def cookie_name() -> str:
    return str(conf.get("GONGHUI_PORTAL_COOKIE"))


def member_of(request: HttpRequest) -> Member | None:
    if not hasattr(request, "_gonghui_member"):
        request._gonghui_member = _resolve(request.COOKIES.get(cookie_name(), ""), TokenKind.SESSION)  # type: ignore[attr-defined]
    return request._gonghui_member  # type: ignore[attr-defined,no-any-return]


def set_cookie(response: HttpResponse, secret: str) -> None:
    response.set_cookie(
        cookie_name(), secret, httponly=True, samesite="Lax", path="/",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )  # fmt: skip


def signout(request: HttpRequest, response: HttpResponse) -> None:
    m = member_of(request)
    if m is not None:
        MemberToken.objects.filter(pk=m.token.pk).update(revoked_at=timezone.now())
    response.delete_cookie(cookie_name(), path="/")


def member_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Guard a /me/ page: a member session, else the member sign-in; a staff account is refused
    (403) — staff work in the staff pages, a member's pages are the member's own."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        member = member_of(request)
        if member is None:
            if request.user.is_authenticated:
                raise PermissionDenied
            return redirect(
                reverse("portal:public_signin") + "?" + urlencode({"next": request.get_full_path()})
            )
        request.member = member  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapped.gonghui_member = True  # type: ignore[attr-defined]
    return wrapped


class MemberBearer(HttpBearer):
    """`Authorization: Bearer <member token>`; a staff token here is refused (403), never accepted."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        member = _resolve(token, TokenKind.API)
        if member is not None:
            request.member = member  # type: ignore[attr-defined]
            return member
        from gonghui.accounts.actions import token_authenticate

        if token_authenticate(token) is not None:
            raise PermissionDenied
        return None
