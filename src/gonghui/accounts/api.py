"""/api/v1/accounts…: staff accounts of the caller's subtree, through the gatekeeper.

An account outside the caller's subtree answers 404 like a missing one; a role without
USER_MANAGE gets 403; nobody gives a role above their own (403 `role_above`)."""
# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from gonghui.accounts import actions, selectors
from gonghui.accounts.models import User
from gonghui.core import access
from gonghui.core.access import Perm, acting_user
from gonghui.core.schema import ERRORS, Code, Str40

router = Router(tags=["账号"])

RoleName = Literal["federation_admin", "union_admin", "clerk", "reviewer", "viewer", "finance"]
Username = Str40


class AccountOut(Schema):
    username: str
    name: str
    org: str
    org_name: str
    role: str
    is_active: bool
    must_change_password: bool
    last_login: dt.datetime | None
    failed_logins: int
    locked: bool
    phone_masked: str


class AccountCreatedOut(AccountOut):
    password: str  # the one-time password, shown this once


class AccountIn(Schema):
    username: Username
    name: Str40
    org: Code
    role: RoleName


class AccountPatch(Schema):
    name: Str40 | None = None
    org: Code | None = None
    role: RoleName | None = None
    is_active: bool | None = None


class PasswordOut(Schema):
    username: str
    password: str


class UnlockOut(Schema):
    username: str
    cleared: int


def _out(u: User, fails: int | None = None) -> dict[str, Any]:
    if fails is None:
        fails = selectors.failed_logins([u.username]).get(u.username, 0)
    return {
        "username": u.username, "name": u.full_name, "org": u.org.code if u.org else "",
        "org_name": u.org.name if u.org else "", "role": u.role, "is_active": u.is_active,
        "must_change_password": u.must_change_password, "last_login": u.last_login, "failed_logins": fails,
        "locked": fails >= int(settings.AXES_FAILURE_LIMIT), "phone_masked": u.phone_masked,
    }  # fmt: skip


@router.get("/accounts", response={200: list[AccountOut], **ERRORS}, summary="本单位及下级工会的账号")
def account_list(request: HttpRequest, q: Str40 = "") -> list[dict[str, Any]]:
    qs = selectors.scoped_users(request.user).order_by("org__path", "username")
    if q:
        qs = qs.filter(username__icontains=q) | qs.filter(full_name__icontains=q)
    users = list(qs[:1000])
    fails = selectors.failed_logins([u.username for u in users])
    return [_out(u, fails.get(u.username, 0)) for u in users]


@router.post(
    "/accounts", response={201: AccountCreatedOut, **ERRORS}, summary="开设账号（返回一次性密码，仅此一次）"
)
def account_create(request: HttpRequest, payload: AccountIn) -> tuple[int, dict[str, Any]]:
    actor = acting_user(request)
    org = access.get_org(actor, payload.org, Perm.USER_MANAGE)
    user, password = actions.account_create(
        actor=actor, username=payload.username, full_name=payload.name, org=org, role=payload.role
    )
    return 201, {**_out(user, 0), "password": password}


@router.get("/accounts/{username}", response={200: AccountOut, **ERRORS}, summary="一个账号")
def account_detail(request: HttpRequest, username: Username) -> dict[str, Any]:
    return _out(selectors.get_user(request.user, username))


@router.patch(
    "/accounts/{username}", response={200: AccountOut, **ERRORS}, summary="修改姓名、所属工会、角色或启用状态"
)
def account_update(request: HttpRequest, username: Username, payload: AccountPatch) -> dict[str, Any]:
    actor = acting_user(request)
    target = selectors.get_user(actor, username)
    org = access.get_org(actor, payload.org, Perm.USER_MANAGE) if payload.org is not None else None
    user = actions.account_update(actor=actor, user=target, full_name=payload.name, org=org, role=payload.role,
                                  is_active=payload.is_active)  # fmt: skip
    return _out(user)


@router.post("/accounts/{username}/unlock", response={200: UnlockOut, **ERRORS}, summary="解除登录锁定")
def account_unlock(request: HttpRequest, username: Username) -> dict[str, Any]:
    actor = acting_user(request)
    target = selectors.get_user(actor, username)
    return {"username": target.username, "cleared": actions.account_unlock(actor=actor, user=target)}


@router.post("/accounts/{username}/reset-password", response={200: PasswordOut, **ERRORS},
             summary="重置密码（返回一次性密码，本人首次登录须修改）")  # fmt: skip
def account_reset_password(request: HttpRequest, username: Username) -> dict[str, Any]:
    actor = acting_user(request)
    target = selectors.get_user(actor, username)
    return {"username": target.username, "password": actions.account_reset_password(actor=actor, user=target)}
