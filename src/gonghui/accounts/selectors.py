"""Reading accounts through the gatekeeper: an account outside the caller's subtree does not exist
for them (404, like a missing one); a role without USER_MANAGE is refused (403)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from gonghui.accounts.models import User
from gonghui.core import access
from gonghui.core.access import Perm


def scoped_users(actor: Any) -> QuerySet[User]:
    access.require(actor, Perm.USER_MANAGE)
    return User.objects.select_related("org").filter(org__path__startswith=access.scope_path(actor))


def get_user(actor: Any, username: str) -> User:
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    target = (
        User.objects.select_related("org")
        .filter(username=str(username)[:150], org__path__startswith=access.scope_path(actor))
        .first()
    )
    if target is None:
        raise Http404
    access.require(actor, Perm.USER_MANAGE, path=target.org.path if target.org else "")
    return target


def failed_logins(usernames: list[str]) -> dict[str, int]:
    """Failed login attempts since the last success, per account (django-axes)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    rows = (
        AccessAttempt.objects.filter(username__in=usernames)
        .values("username")
        .annotate(n=Sum("failures_since_start"))
    )
    return {r["username"]: int(r["n"] or 0) for r in rows}


def is_locked(username: str) -> bool:
    from django.conf import settings

    return failed_logins([username]).get(username, 0) >= int(settings.AXES_FAILURE_LIMIT)
