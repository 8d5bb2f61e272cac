"""/api/v1/… routes of idle unions, their follow-ups and the account's reminder settings (issue 14
items 5 and 6), on the worklife router (imported by WorklifeConfig.ready), through the gatekeeper."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import paginate

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.schema import Code, Id, Pagination, Str20, Text4000
from gonghui.elections.api.out import _Lazy
from gonghui.orgs.api import ERRORS
from gonghui.worklife.api import router
from gonghui.worklife.idle import actions, selectors
from gonghui.worklife.models_idle import IdleFollowUp
from gonghui.worklife.reminders import sms


class IdleOrgRef(Schema):
    code: str
    name: str


class IdleUnionOut(Schema):
    org: IdleOrgRef
    score: int = Field(..., description="活跃度得分（0–100）")
    reasons: list[str] = Field(..., description="未得分的原因")
    members: int
    as_of: dt.date
    followup: int | None = Field(None, description="未办结的督促事项 id")


class FollowUpIn(Schema):
    note: Text4000
    due_on: dt.date


class FollowUpCloseIn(Schema):
    result: Text4000


class FollowUpOut(Schema):
    id: int
    org: IdleOrgRef
    note: str
    due_on: dt.date
    score_then: int
    created_at: dt.datetime
    closed_on: dt.date | None
    result: str
    overdue: bool


class PreferenceIn(Schema):
    sms: bool
    phone: Str20 | None = Field(None, description="接收短信的手机号；不改可不填")


class PreferenceOut(Schema):
    sms: bool
    phone: str = Field(..., description="手机号（部分隐藏）")


def followup_out(f: IdleFollowUp) -> dict[str, Any]:
    today = dt.date.today()
    return {"id": f.pk, "org": {"code": f.org.code, "name": f.org.name}, "note": f.note, "due_on": f.due_on,
            "score_then": f.score_then, "created_at": f.created_at, "closed_on": f.closed_on, "result": f.result,
            "overdue": f.closed_on is None and f.due_on < today}  # fmt: skip


@router.get("/orgs/{code}/idle-unions", response={200: list[IdleUnionOut], **ERRORS}, summary="空转基层工会")
@paginate(Pagination)
def idle_unions(request: HttpRequest, code: Code, sort: Literal["size", "score"] = "size") -> Any:
    org = access.get_org(request.user, code)
    qs = selectors.idle_under(org, sort=sort)

    class Page(_Lazy):
        def __getitem__(self, s: slice) -> list[dict[str, Any]]:
            rows = list(self.qs[s])
            open_f = selectors.open_followups(rows)
            return [{**selectors.row_out(r), "members": r.members, "as_of": r.as_of,
                     "followup": open_f[r.org_id].pk if r.org_id in open_f else None} for r in rows]  # fmt: skip

    return Page(qs, None)


@router.get("/idle-followups", response={200: list[FollowUpOut], **ERRORS}, summary="空转督促事项")
@paginate(Pagination)
def followup_list(request: HttpRequest, open: bool | None = None) -> Any:  # noqa: A002
    qs = selectors.followups(request.user)
    if open is not None:
        qs = qs.filter(closed_on__isnull=open)
    return _Lazy(qs, followup_out)


@router.post(
    "/orgs/{code}/idle-followups", response={201: FollowUpOut, **ERRORS}, summary="督促空转基层工会整改"
)
def followup_create(request: HttpRequest, code: Code, payload: FollowUpIn) -> tuple[int, dict[str, Any]]:
    org = access.get_org(request.user, code, Perm.UNION_WORK)
    selectors.require_follow_up(request.user, org.path)
    f = actions.followup_create(user=request.user, org=org, note=payload.note, due_on=payload.due_on)
    return 201, followup_out(f)


@router.post(
    "/idle-followups/{followup_id}/close", response={200: FollowUpOut, **ERRORS}, summary="督促事项办结"
)
def followup_close(request: HttpRequest, followup_id: Id, payload: FollowUpCloseIn) -> dict[str, Any]:
    f = selectors.get_followup(request.user, followup_id, to_close=True)
    return followup_out(actions.followup_close(user=request.user, followup=f, result=payload.result))


@router.get("/notifications/preference", response={200: PreferenceOut, **ERRORS}, summary="本账号的提醒方式")
def preference_get(request: HttpRequest) -> dict[str, Any]:
    access.require(request.user, Perm.VIEW)
    from gonghui.elections.models import NotificationPreference

    p = NotificationPreference.objects.filter(user=access.acting_user(request)).first()
    return {
        "sms": bool(p and p.sms),
        "phone": (p.phone_masked if p else "") or getattr(request.user, "phone_masked", ""),
    }


@router.put(
    "/notifications/preference", response={200: PreferenceOut, **ERRORS}, summary="设置本账号的短信提醒"
)
def preference_put(request: HttpRequest, payload: PreferenceIn) -> dict[str, Any]:
    access.require(request.user, Perm.VIEW)
    p = sms.preference_set(user=request.user, sms=payload.sms, phone=payload.phone or "")
    return {"sms": p.sms, "phone": p.phone_masked or getattr(request.user, "phone_masked", "")}
