"""The portal's settings, with their stated defaults (read at call time: settings, else the
environment, else the default — like elections/conf.py)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # the union should answer a join application within this many working days (上海: 15)
    "GONGHUI_PORTAL_ANSWER_WORKING_DAYS": 15,
    # a signed e-card QR token is valid this many seconds (a screenshot expires)
    "GONGHUI_PORTAL_CARD_TOKEN_SECONDS": 300,
    # a member's browser session and API token live this long (seconds)
    "GONGHUI_PORTAL_SESSION_SECONDS": 30 * 60,
    "GONGHUI_PORTAL_TOKEN_SECONDS": 7 * 24 * 3600,
    # sign-in codes: per phone and per client IP, (count, seconds)
    "GONGHUI_PORTAL_SMS_PER_PHONE": (5, 3600),
    "GONGHUI_PORTAL_SMS_PER_IP": (20, 3600),
    "GONGHUI_PORTAL_SIGNIN_PER_IP": (30, 600),
    # the member-session cookie
    "GONGHUI_PORTAL_COOKIE": "gonghui_member",
}


def get(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    if isinstance(default, tuple):
        a, b = raw.split(",")
        return (int(a), int(b))
    return type(default)(raw)
