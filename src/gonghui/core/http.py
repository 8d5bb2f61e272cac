"""Request types for annotations only; nothing here changes how a request is handled."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django_htmx's `HtmxMiddleware` (settings.MIDDLEWARE), which sets
    `request.htmx` on every request. The django-htmx documentation's way of typing it."""

    htmx: HtmxDetails
