from __future__ import annotations

from django.urls import path

from gonghui.elections import views, views_bodies, views_terms

app_name = "elections"
urlpatterns = [
    path("elections/", views.home, name="home"),
    path("elections/notifications/", views.notifications, name="notifications"),
    path("elections/notifications/read/", views.notifications_read, name="notifications_read"),
    path("elections/documents/<int:doc_id>/", views.document, name="document"),
    # 组建
    path("elections/formations/", views.formation_list, name="formations"),
    path("elections/formations/new/", views.formation_new, name="formation_new"),
    path("elections/formations/<int:formation_id>/", views.formation_detail, name="formation"),
    path("elections/formations/<int:formation_id>/edit/", views.formation_edit, name="formation_edit"),
    path("elections/formations/<int:formation_id>/roster/", views.formation_roster, name="formation_roster"),
    path(
        "elections/formations/<int:formation_id>/roster/register/",
        views.formation_roster_register,
        name="formation_roster_register",
    ),
    path(
        "elections/formations/<int:formation_id>/roster/remove/",
        views.formation_roster_remove,
        name="formation_roster_remove",
    ),
    path("elections/formations/<int:formation_id>/upload/", views.formation_upload, name="formation_upload"),
    path(
        "elections/formations/<int:formation_id>/request.pdf",
        views.formation_request_preview,
        name="formation_request_preview",
    ),
    path("elections/formations/<int:formation_id>/submit/", views.formation_submit, name="formation_submit"),
    path("elections/formations/<int:formation_id>/decide/", views.formation_decide, name="formation_decide"),
    # 届次
    path("elections/terms/", views_terms.terms, name="terms"),
    path("elections/terms/notify/", views_terms.terms_notify, name="terms_notify"),
    path("elections/terms/<str:code>/", views_terms.term_detail, name="term"),
    path("elections/terms/<str:code>/request/", views_terms.term_request_new, name="term_request_new"),
    path("elections/terms/<str:code>/election/", views_terms.election_new, name="election_new"),
    path("elections/terms/<str:code>/women/", views_bodies.women_committee_new, name="women_committee_new"),
    path("elections/women-missing/", views_bodies.women_missing, name="women_missing"),
    path(
        "elections/term-requests/<int:request_id>/decide/",
        views_terms.term_request_decide,
        name="term_request_decide",
    ),
    # 换届选举
    path("elections/list/", views_terms.election_list, name="elections"),
    path("elections/<int:election_id>/", views_terms.election_detail, name="election"),
    path("elections/<int:election_id>/edit/", views_terms.election_edit, name="election_edit"),
    path("elections/<int:election_id>/posts/", views_terms.election_posts, name="election_posts"),
    path(
        "elections/<int:election_id>/candidates/add/",
        views_terms.election_candidate_add,
        name="candidate_add",
    ),
    path(
        "elections/<int:election_id>/candidates/remove/",
        views_terms.election_candidate_remove,
        name="candidate_remove",
    ),
    path("elections/<int:election_id>/start/", views_terms.election_start, name="election_start"),
    path("elections/<int:election_id>/votes/", views_terms.election_votes, name="election_votes"),
    path(
        "elections/<int:election_id>/close-post/", views_terms.election_close_post, name="election_close_post"
    ),
    path("elections/<int:election_id>/plenary/", views_bodies.election_plenary, name="election_plenary"),
    path("elections/<int:election_id>/submit/", views_terms.election_submit, name="election_submit"),
    path("elections/<int:election_id>/reopen/", views_terms.election_reopen, name="election_reopen"),
    path("elections/<int:election_id>/decide/", views_terms.election_decide, name="election_decide"),
]
