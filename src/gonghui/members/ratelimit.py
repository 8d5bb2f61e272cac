"""A small fixed-window rate limit for the public pages (join, ID check, SMS, card check).

Counts live in Django's cache (per process with the default local-memory cache; configure a
shared cache for several server processes). Limits per client IP, overridable with the setting
``GONGHUI_PUBLIC_RATE_LIMITS`` = {"scope": (count, seconds)}.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from gonghui.core.audit import client_ip

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "join_view": (120, 60),
    "id_check": (20, 60),
    "sms": (5, 600),
    "apply": (10, 3600),
    "card_check": (60, 60),
    "status": (60, 60),
}


def limit_for(scope: str) -> tuple[int, int]:
    custom: dict[str, Any] = getattr(settings, "GONGHUI_PUBLIC_RATE_LIMITS", {}) or {}
    return tuple(custom.get(scope, DEFAULT_LIMITS[scope]))  # type: ignore[return-value]


def hit(request: HttpRequest, scope: str, *, extra: str = "") -> bool:
    """Count one request; False once the client is over the limit for this window."""
    count, seconds = limit_for(scope)
    key = f"gh-rl:{scope}:{client_ip(request) or '-'}:{extra}"
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
    return n <= count
