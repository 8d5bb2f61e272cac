"""Accounts and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.orgs.models import Org


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str, org: Org, role: str, full_name: str = ""
) -> User:
    if role not in Role.values:
        raise ApplicationError(_("未知角色：%(r)s") % {"r": role}, code="role")
    if User.objects.filter(username=username).exists():
        raise ConflictError(_("账号 %(u)s 已存在。") % {"u": username}, code="duplicate_username")
    user = User(username=username, org=org, role=role, full_name=full_name)
    user.set_password(password)
    user.save()
    audit_record(
        user=actor, action="user.create", obj=user, org_path=org.path, changes={"role": role, "org": org.code}
    )
    return user


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the token, which is shown once and never stored."""
    token = "gh_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:8], digest=ApiToken.digest_of(token))
    audit_record(
        user=actor,
        action="token.create",
        obj=user,
        org_path=user.org.path if user.org else "",
        changes={"prefix": row.prefix},
    )
    return row, token


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(user=actor, action="token.revoke", obj=token.user, changes={"prefix": token.prefix})


def token_authenticate(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user", "user__org")
        .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True)
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
