"""What every page's template gets: the account's permissions (`can`) and base.html's menu.

The menu (17 areas: a reversed URL, a translation and a "current page" test each) is the same for
every account of one org and role on one page, so it is rendered once per (language, org code,
permissions, current app and URL name) and kept in the process (issue 19: about a millisecond of
CPU on every page). Nothing personal is in it: no name, no token, no count.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from gonghui.core.access import Perm, has_perm


def nav(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    can = {p.name.lower(): has_perm(user, p) for p in Perm}

    def main_nav() -> SafeString:  # a callable: only the pages that show the menu pay for it
        match = getattr(request, "resolver_match", None)
        org = getattr(user, "org", None)
        return _menu(
            get_language(),
            org.code if org is not None else "",
            tuple(sorted(k for k, v in can.items() if v)),
            match.app_name if match is not None else None,
            match.url_name if match is not None else None,
        )

    return {"can": can, "main_nav": main_nav}


@lru_cache(maxsize=4096)
def _menu(
    language: str | None, org_code: str, perms: tuple[str, ...], app_name: str | None, url_name: str | None
) -> SafeString:
    context = {
        "org_code": org_code,
        "can": dict.fromkeys(perms, True),
        "m": {"app_name": app_name, "url_name": url_name},
    }
    return mark_safe(render_to_string("core/main_nav.html", context))  # noqa: S308 — our own template
