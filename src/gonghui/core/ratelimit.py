"""Fixed-window rate limits for the public pages (join, ID check, SMS, card check, status).

The counters are rows in the database (`accounts.RateCounter`), so every gunicorn worker, every
server process and every host on the same database shares one count per client and window; the
increment is a single `UPDATE … SET count = count + 1` in a transaction, which SQLite
(IMMEDIATE transactions) and PostgreSQL (row lock) both serialise, so a limit of N lets exactly N
requests through. Django's database cache was measured and not used: its `incr` is a read then a
write, and parallel processes lose increments.

Limits are per client IP (core/http.py `client_ip`: trusted proxies honoured), overridable with
the setting ``GONGHUI_PUBLIC_RATE_LIMITS`` = {"scope": (count, seconds)}. The stored key holds the
scope, the window and a hash of the client, never the address itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from gonghui.core.http import client_ip

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
    count, seconds = custom.get(scope, DEFAULT_LIMITS[scope])
    return int(count), int(seconds)


def hit(request: HttpRequest, scope: str, *, extra: str = "") -> bool:
    """Count one request; False once the client is over the limit for this window."""
    count, seconds = limit_for(scope)
    return hit_key(scope, f"{client_ip(request) or '-'}:{extra}", count, seconds)


def hit_key(scope: str, client: str, limit: int, seconds: int) -> bool:
    """Count one event for `client` in `scope`; True while the count in this window is <= limit."""
    return counter_increment(scope, client, seconds) <= limit


def counter_increment(scope: str, client: str, seconds: int) -> int:
    """Add one to the counter of (scope, client) for the current window; the new count."""
    from gonghui.accounts.models import RateCounter  # core reads accounts' table, never the reverse

    now = time.time()
    window = int(now // seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client}".encode()).hexdigest()[:40]
    key = f"{scope[:60]}:{seconds}:{window}:{digest}"
    rows = RateCounter.objects.filter(key=key)
    with transaction.atomic():
        if rows.update(count=F("count") + 1):
            return rows.values_list("count", flat=True).get()
        expires = dt.datetime.fromtimestamp((window + 1) * seconds, tz=dt.UTC)
        try:
            with transaction.atomic():  # a savepoint: another process may create the row first
                RateCounter.objects.create(key=key, count=1, expires_at=expires)
        except IntegrityError:
            rows.update(count=F("count") + 1)
            return rows.values_list("count", flat=True).get()
        # A new window for this client: clear the windows that are over, everyone's.
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
        return 1
