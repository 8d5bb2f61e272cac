from __future__ import annotations

from django.urls import path

from gonghui.orgs import closure, views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/search/", views.search, name="search"),
    path("orgs/<str:code>/", views.detail, name="detail"),
    path("orgs/<str:code>/children/", views.tree_children, name="children"),
    path("orgs/<str:code>/new/", views.create_child, name="create_child"),
    path("orgs/<str:code>/edit/", views.edit, name="edit"),
    path("orgs/<str:code>/move/", views.move, name="move"),
    path("orgs/<str:code>/dissolve/", views.dissolve, name="dissolve"),
    path("orgs/<str:code>/merge/", views.merge, name="merge"),
    path("orgs/<str:code>/employer-closed/", closure.employer_close_page, name="employer_close"),
    path("orgs/<str:code>/coverage/", views.coverage, name="coverage"),
    path("orgs/<str:code>/gaps.xlsx", views.gaps_export, name="gaps_export"),
    path("employers/", views.employers, name="employers"),
    path("employers/new/", views.employer_create, name="employer_create"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employers/<int:pk>/survey/", views.employer_survey, name="employer_survey"),
]
