from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from gonghui.accounts import views
from gonghui.core import views as core_views
from gonghui.reports.home import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("audit/", core_views.audit_log, name="audit"),
]
