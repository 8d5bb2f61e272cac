"""Sessions that expire after GONGHUI_SESSION_SECONDS idle, and after a password reset the account
must choose its own password before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.accounts.actions import PasswordChangeRequired


class PasswordChangeRequiredMiddleware:
    """A session user flagged `must_change_password` is sent to the password change page from
    every page (logout, the change page itself and static files excepted); a request under /api/
    with such a session gets 403 `password_change_required`. API requests with a token are
    refused the same way by the bearer check (`token_authenticate`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            path = request.path_info
            if path not in {reverse("password_change"), reverse("logout")} and not path.startswith(
                "/static/"
            ):
                if path.startswith("/api/"):
                    exc = PasswordChangeRequired()
                    body = {"code": exc.code, "message": exc.message, "details": None}
                    return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
                if request.headers.get("HX-Request"):  # an htmx fragment: move the whole page
                    return HttpResponse(status=204, headers={"HX-Redirect": reverse("password_change")})
                return redirect("password_change")
        response: HttpResponseBase = self.get_response(request)
        return response


SEEN_KEY = "_gonghui_seen"


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware with idle expiry that does not write on every request (issue 19).

    `SESSION_SAVE_EVERY_REQUEST` wrote the session row on every page — on SQLite a write
    transaction per request that every worker queued for. Here a session in use is saved (and its
    expiry moved to now + SESSION_COOKIE_AGE) when it was last saved at least `refresh` seconds
    ago (a minute, or a tenth of the lifetime if shorter): an idle session still ends at most
    SESSION_COOKIE_AGE after the last request, and may end up to `refresh` seconds sooner, never
    later. A request that changed the session (login, logout, messages) is saved as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        super().__init__(get_response)
        self.refresh = max(0, min(60, int(settings.SESSION_COOKIE_AGE) // 10))

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and not session.is_empty():
            now = int(time.time())
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= self.refresh or seen > now:
                session[SEEN_KEY] = now  # marks it modified: saved below with a new expiry
        result: HttpResponse = super().process_response(request, response)
        return result
