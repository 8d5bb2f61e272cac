from __future__ import annotations

from django.urls import URLPattern, path

from gonghui.portal import views, views_staff

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("me/", views.home, name="home"),
    path("me/login/", views.public_signin, name="public_signin"),
    path("me/logout/", views.signout, name="signout"),
    path("me/status/", views.status, name="status"),
    path("me/card/", views.card, name="card"),
    path("me/membership/", views.membership, name="membership"),
    path("me/requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("me/services/", views.services, name="services"),
    path("me/data/", views.data, name="data"),
    path("me/data.json", views.data_json, name="data_json"),
    path("me/data.pdf", views.data_pdf, name="data_pdf"),
    # public: the card check (QR), the offline checker, the PWA files
    path("me/check/", views.public_checker, name="public_checker"),
    path("me/check/key/", views.public_key, name="public_key"),
    path("me/check/<str:token>/", views.public_check, name="public_check"),
    path("me/sw.js", views.public_sw, name="public_sw"),
    path("me/manifest.webmanifest", views.public_manifest, name="public_manifest"),
    # staff: the unions' queue of members' requests
    path("portal/requests/", views_staff.staff_requests, name="staff_requests"),
    path("portal/requests/<int:pk>/answer/", views_staff.staff_request_answer, name="staff_request_answer"),
]
