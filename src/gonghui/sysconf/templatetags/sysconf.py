"""`{% help_url %}`: the help page of the area the current page belongs to (base.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from gonghui.sysconf.help import topic_for

register = template.Library()


@register.simple_tag(takes_context=True)
def help_url(context: Any) -> str:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    app = match.app_name if match else ""
    name = match.url_name if match else ""
    if app == "sysconf" and name == "help":
        return reverse("sysconf:help_index")
    return reverse(
        "sysconf:help", kwargs={"slug": "sysconf" if app == "sysconf" else topic_for(app or "", name or "")}
    )
