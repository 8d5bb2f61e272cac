from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gonghui.core.access import Perm, has_perm


def nav(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"can": {p.name.lower(): has_perm(user, p) for p in Perm}}
