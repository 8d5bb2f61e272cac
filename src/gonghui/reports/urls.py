from __future__ import annotations

from django.urls import path, re_path

from gonghui.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/<str:code>/", views.dashboard, name="dashboard"),
    path("reports/annual/<str:code>/", views.annual_report, name="annual"),
    re_path(
        r"^reports/annual/(?P<code>[^/]+)/report\.(?P<fmt>xlsx|pdf)$",
        views.annual_report_file,
        name="annual_file",
    ),
]
