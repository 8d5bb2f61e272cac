"""The account's reminder settings: SMS on or off, and the phone to use."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.core.errors import ApplicationError
from gonghui.elections.models import NotificationPreference
from gonghui.worklife.reminders import sms


class PreferenceForm(forms.Form):
    sms = forms.BooleanField(label=gettext_lazy("同时以短信发送提醒"), required=False)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20, required=False,
                            help_text=gettext_lazy("加密保存，仅显示部分号码；不改可留空"))  # fmt: skip


@require_http_methods(["GET", "POST"])
@access.page(Perm.VIEW)
def settings_page(request: HttpRequest) -> HttpResponse:
    pref = NotificationPreference.objects.filter(user=access.acting_user(request)).first()
    form = PreferenceForm(request.POST or None, initial={"sms": bool(pref and pref.sms)})
    if request.method == "POST" and form.is_valid():
        try:
            sms.preference_set(
                user=request.user, sms=form.cleaned_data["sms"], phone=form.cleaned_data["phone"]
            )
            messages.success(request, _("提醒方式已保存。"))
            return redirect("worklife:reminder_settings")
        except ApplicationError as e:
            form.add_error("phone", e.message)
    return render(request, "worklife/reminders_settings.html", {"form": form, "pref": pref})
