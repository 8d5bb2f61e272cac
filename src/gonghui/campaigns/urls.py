from __future__ import annotations

from django.urls import path

from gonghui.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_create, name="create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("campaigns/<int:pk>/notes/", views.notes, name="notes"),
    path("campaigns/<int:pk>/notes/<int:note>/done/", views.note_done, name="note_done"),
    path("campaigns/<int:pk>/groups/new/", views.group_edit, name="group_create"),
    path("campaigns/<int:pk>/groups/<int:group>/", views.group_detail, name="group"),
    path("campaigns/<int:pk>/groups/<int:group>/edit/", views.group_edit, name="group_edit"),
    path("campaigns/<int:pk>/units/<str:code>/", views.unit_detail, name="unit"),
    path("campaigns/<int:pk>/units/<str:code>/allocate/", views.allocate, name="allocate"),
    path("campaigns/<int:pk>/units/<str:code>/notes/new/", views.note_create, name="note_create"),
    path("campaigns/<int:pk>/units/<str:code>/briefing.pdf", views.briefing_pdf, name="briefing_pdf"),
    path("campaigns/<int:pk>/units/<str:code>/briefing.xlsx", views.briefing_xlsx, name="briefing_xlsx"),
]
