from __future__ import annotations

from django.urls import path

from gonghui.sysconf import views

app_name = "sysconf"
urlpatterns = [
    path("system/", views.index, name="index"),
    path("system/settings/", views.settings_list, name="settings"),
    path("system/settings/<str:key>/", views.setting_edit, name="setting_edit"),
    path("system/approval-numbers/", views.patterns, name="patterns"),
    path("system/codes/", views.code_tables, name="code_tables"),
    path("system/codes/<str:table>/", views.code_table, name="code_table"),
    path("help/", views.help_index, name="help_index"),
    path("help/<slug:slug>/", views.help_page, name="help"),
]
