"""The home page: the dashboard of the user's own org and the campaign units behind time progress."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.campaigns.selectors import behind_for
from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.reports.views import _dashboard_context


@require_GET
@access.page(Perm.VIEW)
def home(request: HttpRequest) -> HttpResponse:
    ctx = _dashboard_context(access.acting_org(request), request.user)
    ctx["campaign_behind"] = behind_for(
        request.user
    )  # units behind time progress (集中行动); empty: nothing shown
    return render(request, "core/home.html", ctx)
