"""After a password reset the account must choose its own password before anything else."""

from __future__ import annotations

from collections.abc import Callable

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
