"""The header's bell: the account's unread notes (one COUNT on an indexed column per page)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_reminders(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or user.org_id is None:
        return 0
    from gonghui.elections.scope import my_notifications

    try:
        return my_notifications(user).filter(read_at__isnull=True).count()
    except Exception:  # noqa: BLE001 — a role without VIEW has no bell; the page must still render
        return 0
