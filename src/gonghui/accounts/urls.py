from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from gonghui.accounts import admin_views, views
from gonghui.core import views as core_views
from gonghui.reports.home import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/phone/", admin_views.account_phone, name="account_phone"),
    path("accounts/", admin_views.account_list, name="accounts"),
    path("accounts/new/", admin_views.account_new, name="account_new"),
    path("accounts/<str:username>/", admin_views.account_detail, name="account_detail"),
    path("accounts/<str:username>/reset-password/", admin_views.account_reset, name="account_reset"),
    path("accounts/<str:username>/unlock/", admin_views.account_unlock, name="account_unlock"),
    path("audit/", core_views.audit_log, name="audit"),
]
