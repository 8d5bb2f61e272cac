from __future__ import annotations

from django.urls import URLPattern, path

from gonghui.worklife import views, views_activities, views_contracts

app_name = "worklife"
urlpatterns: list[URLPattern] = [
    path("worklife/", views.index, name="index"),
    path("worklife/org/<str:code>/", views.org_page, name="org"),
    # workers' congress (职代会), proposals, 厂务公开
    path("worklife/congress/", views.session_list, name="sessions"),
    path("worklife/congress/export.xlsx", views.session_export, name="session_export"),
    path("worklife/org/<str:code>/congress/new/", views.session_new, name="session_new"),
    path("worklife/congress/<int:session_id>/", views.session_detail, name="session"),
    path("worklife/congress/<int:session_id>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("worklife/proposals/<int:proposal_id>/", views.proposal_handle, name="proposal_handle"),
    path("worklife/org/<str:code>/disclosures/new/", views.disclosure_new, name="disclosure_new"),
    # collective contracts
    path("worklife/contracts/", views_contracts.contract_list, name="contracts"),
    path("worklife/contracts/export.xlsx", views_contracts.contract_export, name="contract_export"),
    path("worklife/org/<str:code>/contracts/new/", views_contracts.contract_new, name="contract_new"),
    path("worklife/contracts/<int:contract_id>/", views_contracts.contract_detail, name="contract"),
    path(
        "worklife/contracts/<int:contract_id>/attachments/",
        views_contracts.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "worklife/contracts/<int:contract_id>/<str:step>/",
        views_contracts.contract_step,
        name="contract_step",
    ),
    path("worklife/attachments/<int:attachment_id>/", views_contracts.attachment_download, name="attachment"),
    # activities
    path("worklife/activities/", views_activities.activity_list, name="activities"),
    path("worklife/activities/export.xlsx", views_activities.activity_export, name="activity_export"),
    path("worklife/activities/import/", views_activities.activity_import_page, name="activity_import"),
    path("worklife/activities/template.xlsx", views_activities.activity_template, name="activity_template"),
    path("worklife/org/<str:code>/activities/new/", views_activities.activity_new, name="activity_new"),
    path("worklife/activities/<int:activity_id>/", views_activities.activity_detail, name="activity"),
    path(
        "worklife/activities/<int:activity_id>/documents/",
        views_activities.activity_upload,
        name="activity_upload",
    ),
    path(
        "worklife/documents/<int:document_id>/", views_activities.activity_document, name="activity_document"
    ),
    # union groups
    path("worklife/org/<str:code>/groups/", views_activities.group_list, name="groups"),
    path("worklife/groups/<int:group_id>/", views_activities.group_detail, name="group"),
    path("worklife/groups/<int:group_id>/member/", views_activities.group_member, name="group_member"),
]

# 14b: the idle list, its follow-ups and the reminder settings (keep these two lines)
from gonghui.worklife.idle.urls import urlpatterns as idle_urlpatterns  # noqa: E402

urlpatterns += idle_urlpatterns
