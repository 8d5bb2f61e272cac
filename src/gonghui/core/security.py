"""Browser-side hardening that Django's SecurityMiddleware and django-csp leave to us (issue 12, finding 9).

The Content-Security-Policy itself comes from django-csp (`csp.middleware.CSPMiddleware`, policy in
settings.CONTENT_SECURITY_POLICY); HSTS, nosniff and Referrer-Policy from Django's SecurityMiddleware.
What is left is caching: pages and API answers carry names, masked or revealed ID numbers, phones
and hardship files, so no browser or proxy may keep a copy (back button on a shared computer,
a caching proxy in a township office). Rather than a list of PII views a new view must remember to
join, every response is marked `no-store` — pages, htmx partials, API answers, downloads, error pages
(the middleware is the outermost one, so it also sees answers that middleware further in rewrites,
such as the API's JSON errors). Static files (STATIC_URL: scripts, styles, ECharts) stay cacheable.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response but static files. A response that already
    says `no-store` keeps its header as it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.static_prefix = str(settings.STATIC_URL or "/static/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        if "no-store" not in response.get("Cache-Control", ""):
            # drops a `public` a view may have set; max-age=0 for HTTP/1.0 caches that ignore no-store
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response
