from __future__ import annotations

from django.urls import path

from gonghui.rosters import views

app_name = "rosters"
urlpatterns = [
    path("rosters/", views.import_page, name="import"),
    path("rosters/template.xlsx", views.template_download, name="template"),
    path("rosters/jobs/<int:pk>/", views.job_detail, name="job"),
    path("rosters/jobs/<int:pk>/commit/", views.job_commit, name="commit"),
    path("rosters/jobs/<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("rosters/jobs/<int:pk>/resume/", views.job_resume, name="resume"),
    path("rosters/jobs/<int:pk>/errors.xlsx", views.job_error_file, name="error_file"),
    path("exports/", views.export_page, name="export"),
]
