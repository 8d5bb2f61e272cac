from __future__ import annotations

from django.urls import include, path

from gonghui.api import api
from gonghui.core.views import favicon

urlpatterns = [
    path("", include("gonghui.accounts.urls")),
    path("", include("gonghui.orgs.urls")),
    path("", include("gonghui.members.urls")),
    path("", include("gonghui.rosters.urls")),
    path("", include("gonghui.elections.urls")),
    path("", include("gonghui.campaigns.urls")),
    path("", include("gonghui.care.urls")),
    path("", include("gonghui.reports.urls")),
    path("", include("gonghui.worklife.urls")),
    path("", include("gonghui.finance.urls")),
    path("", include("gonghui.portal.urls")),
    path("", include("gonghui.sysconf.urls")),
    path("api/v1/", api.urls),
    path("favicon.ico", favicon, name="favicon"),
]

handler403 = "gonghui.core.views.forbidden"
handler404 = "gonghui.core.views.not_found"
