"""Account pages: the password change (every logged-in account; forced after a reset)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from gonghui.accounts.actions import user_password_change
from gonghui.core.access import acting_user
from gonghui.core.errors import ApplicationError, add_form_error


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page (login required, old password checked, the password validators), with the
    project's template; the change itself is the action `user_password_change` (audited, clears
    `must_change_password`)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["forced"] = acting_user(self.request).must_change_password
        return ctx

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = acting_user(self.request)
        try:
            user_password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            add_form_error(form, exc)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)  # stay logged in with the new password
        messages.success(self.request, _("密码已修改。"))
        return HttpResponseRedirect(self.get_success_url())
