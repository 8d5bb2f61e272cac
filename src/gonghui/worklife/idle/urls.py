"""Routes of the idle list, its follow-ups and the reminder settings (included by worklife/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from gonghui.worklife.idle import views
from gonghui.worklife.reminders import views as reminder_views

urlpatterns: list[URLPattern] = [
    path("worklife/idle/followups/", views.followup_list, name="idle_followups"),
    path("worklife/idle/followups/<int:pk>/close/", views.followup_close, name="idle_followup_close"),
    path("worklife/idle/<str:code>/", views.idle_list, name="idle"),
    path("worklife/idle/<str:code>/follow-up/", views.followup_create, name="idle_followup_create"),
    path("reminders/settings/", reminder_views.settings_page, name="reminder_settings"),
]
