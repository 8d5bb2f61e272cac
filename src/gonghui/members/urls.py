from __future__ import annotations

from django.urls import path

from gonghui.members import public, views

app_name = "members"
urlpatterns = [
    path("members/", views.member_list, name="list"),
    path("members/export.xlsx", views.member_export, name="export"),
    path("members/<int:pk>/", views.member_detail, name="detail"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="reveal"),
    path("members/<int:pk>/edit/", views.member_edit, name="edit"),
    path("members/<int:pk>/status/<str:change>/", views.member_status, name="status"),
    path("members/<int:pk>/transfer/", views.transfer_out, name="transfer_out"),
    path("members/applications/", views.application_list, name="applications"),
    path("members/applications/new/", views.application_new, name="application_new"),
    path("members/applications/check-id/", views.check_id, name="check_id"),
    path("members/applications/bulk/", views.application_bulk, name="application_bulk"),
    path("members/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("members/applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("members/applications/<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("members/applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("members/applications/<int:pk>/return/", views.application_return, name="application_return"),
    path("members/applications/<int:pk>/form.pdf", views.application_pdf, name="application_pdf"),
    path("members/cards/", views.card_list, name="cards"),
    path("members/cards/issue/", views.card_issue, name="card_issue"),
    path("members/cards/batches/<int:pk>/", views.card_batch, name="card_batch"),
    path("members/cards/batches/<int:pk>/cards.pdf", views.card_batch_pdf, name="card_batch_pdf"),
    path("members/cards/<int:pk>/revoke/", views.card_revoke, name="card_revoke"),
    path("members/transfers/", views.transfer_list, name="transfers"),
    path("members/transfers/new/", views.transfer_in, name="transfer_in"),
    path("members/transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("members/transfers/<int:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("members/transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("members/join-codes/", views.qr_codes, name="qr_codes"),
    path("members/join-codes/<str:code>.png", views.qr_png, name="qr_png"),
    path("members/join-codes/<str:code>.pdf", views.qr_poster, name="qr_poster"),
    # public (no login)
    path("join/status/<str:token>/", public.join_status, name="join_status"),
    path("join/<str:code>/", public.join, name="join"),
    path("join/<str:code>/check-id/", public.join_check_id, name="join_check_id"),
    path("join/<str:code>/sms/", public.join_sms, name="join_sms"),
    path("card/<str:token>/", public.card_check, name="card_check"),
]
