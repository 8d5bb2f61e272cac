"""/api/v1/me/… : the member's own API. Member tokens only (`portal.auth.MemberBearer`): a staff
token here answers 403, and a member token on any staff route answers 401 (the staff API knows
only `accounts.ApiToken`). Sign-in: POST me/signin/code, then me/signin/token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gonghui.core.schema import Id, Str20, Str40, Str120, Str200, Str500
from gonghui.portal import actions, auth, exports, selectors, signing
from gonghui.portal.auth import Member, MemberBearer
from gonghui.portal.models import MemberRequest, TokenKind
from gonghui.portal.targets import org_from_join_code

router = Router(tags=["会员之家"], auth=MemberBearer())


class PhoneIn(Schema):
    phone: Str20


class SigninIn(Schema):
    phone: Str20
    code: Str20


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class SentOut(Schema):
    sent_to: str


class TooManyOut(Schema):
    """429: too many codes or sign-in attempts (per phone, per client IP)."""

    code: str
    message: str
    details: Any = None


class RequestIn(Schema):
    kind: Str20
    to_org: Str120 = ""
    note: Str500 = ""
    reason: Str20 = ""


class RequestOut(Schema):
    id: int
    kind: str
    union: str
    status: str
    step: str
    answer: str
    created_at: dt.datetime


class AddressIn(Schema):
    address: Str200


class ConsentIn(Schema):
    item: Str40
    given: bool


def _m(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _req(r: MemberRequest) -> dict[str, Any]:
    return {"id": r.pk, "kind": r.kind, "union": r.org.name, "status": r.status, "step": selectors.request_step(r),
            "answer": r.answer, "created_at": r.created_at}  # fmt: skip


@router.post(
    "me/signin/code", auth=None, response={200: SentOut, 429: TooManyOut}, url_name="public_me_signin_code"
)
def signin_code(request: HttpRequest, payload: PhoneIn) -> dict[str, str]:
    """Send a sign-in code (only to a phone the register holds; the answer is the same either way)."""
    return {"sent_to": auth.signin_code(request, payload.phone)}


@router.post(
    "me/signin/token", auth=None, response={200: TokenOut, 429: TooManyOut}, url_name="public_me_signin_token"
)
def signin_token(request: HttpRequest, payload: SigninIn) -> dict[str, Any]:
    row, secret = auth.signin(request, payload.phone, payload.code, kind=TokenKind.API)
    return {"token": secret, "expires_at": row.expires_at}


@router.get("me", url_name="me")
def me(request: HttpRequest) -> dict[str, Any]:
    """Membership, applications (with the answer deadline) and open requests."""
    m = _m(request)
    cur = selectors.current_membership(m)
    return {
        "membership": {"union": cur.org.name, "member_no": cur.member_no, "joined_on": str(cur.joined_on),
                       "status": cur.status} if cur else None,
        "applications": [{"form_no": a.form_no, "union": a.org.name, "status": a.status, "reason": a.reason,
                          "submitted": a.created_at.isoformat(), "deadline": str(a.deadline)}  # type: ignore[attr-defined]
                         for a in selectors.applications(m)],
        "requests": [_req(r) for r in actions.open_requests(m)],
    }  # fmt: skip


@router.get("me/card", url_name="me_card")
def card(request: HttpRequest) -> dict[str, Any]:
    """The e-card and a freshly signed QR token (valid a few minutes)."""
    from gonghui.core.errors import ApplicationError
    from gonghui.portal.views import card_payload

    m = _m(request)
    payload = card_payload(m)
    cur = selectors.current_membership(m)
    if payload is None or cur is None:
        raise ApplicationError("您目前没有有效会籍。", code="not_member", status=404)
    token = signing.sign(payload)
    return {"name": cur.person.name, "union": cur.org.name, "member_no": cur.member_no, "joined_on": str(cur.joined_on),
            "status": cur.status, "token": token, "check_url": request.build_absolute_uri(f"/me/check/{token}/")}  # fmt: skip


@router.get("me/requests", response=list[RequestOut], url_name="me_requests")
def requests_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_req(r) for r in selectors.requests(_m(request))]


@router.post("me/requests", response={201: RequestOut}, url_name="me_request_submit")
def request_submit(request: HttpRequest, payload: RequestIn) -> tuple[int, dict[str, Any]]:
    """transfer (to_org: a union code or its join QR address), retain (reason), leave, correction."""
    to_org = org_from_join_code(payload.to_org) if payload.kind == "transfer" else None
    r = actions.request_submit(member=_m(request), kind=payload.kind, to_org=to_org, note=payload.note,
                               data={"reason": payload.reason})  # fmt: skip
    return 201, _req(r)


@router.post("me/requests/{request_id}/withdraw", response=RequestOut, url_name="me_request_withdraw")
def request_withdraw(request: HttpRequest, request_id: Id) -> dict[str, Any]:
    from django.http import Http404

    m = _m(request)
    r = MemberRequest.objects.filter(pk=request_id, person=m.person).first() if m.person else None
    if r is None:
        raise Http404
    return _req(actions.request_withdraw(member=m, request=r))


@router.get("me/data", url_name="me_data")
def data(request: HttpRequest) -> dict[str, Any]:
    """Everything held about the member (个人信息保护法 art. 45)."""
    return exports.held(_m(request))


@router.post("me/address", url_name="me_address")
def address(request: HttpRequest, payload: AddressIn) -> dict[str, str]:
    return {"address": actions.address_update(member=_m(request), address=payload.address).address}


@router.post("me/consents", url_name="me_consent")
def consent(request: HttpRequest, payload: ConsentIn) -> dict[str, Any]:
    actions.consent_set(member=_m(request), item=payload.item, given=payload.given)
    return {"item": payload.item, "given": payload.given}
