"""The audit log: every change and every reveal of personal data is written here.

`audit_record` runs inside the caller's transaction, so an action and its log line land together.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest, HttpResponse

from gonghui.core import http
from gonghui.core.models import AuditEntry

if TYPE_CHECKING:
    from gonghui.accounts.models import User

_request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("gonghui_request_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # One answer everywhere (rate limits, login lockout, this log): see core/http.py.
    return http.client_ip(request)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


def diff(obj: models.Model, before: dict[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}, values as strings for JSON."""
    out: dict[str, list[Any]] = {}
    for f in fields:
        new = getattr(obj, f)
        if before.get(f) != new:
            out[f] = [_plain(before.get(f)), _plain(new)]
    return out


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, models.Model):
        return str(v)
    return str(v)


def audit_record(
    *,
    user: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    org_path: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    # None (a command or the system) and an anonymous visitor are both written as "system"
    account = cast("User", user) if user is not None and user.is_authenticated else None
    return AuditEntry.objects.create(
        user=account,
        username=account.get_username() if account is not None else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        org_path=org_path,
        changes=changes or {},
        ip=_request_ip.get(),
    )
