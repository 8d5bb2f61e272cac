from __future__ import annotations

from django.urls import path

from gonghui.finance import views, views_funds

app_name = "finance"
urlpatterns = [
    path("finance/", views.index, name="index"),
    path("finance/<str:code>/", views.org_page, name="org"),
    path("finance/<str:code>/dues/", views.dues, name="dues"),
    path("finance/<str:code>/dues/payroll/", views.payroll, name="payroll"),
    path("finance/<str:code>/arrears/", views.arrears, name="arrears"),
    path("finance/members/<int:pk>/", views.member, name="member"),
    path("finance/members/<int:pk>/educate/", views.educate, name="educate"),
    path("finance/members/<int:pk>/lapse/", views.lapse, name="lapse"),
    path("finance/<str:code>/funds/", views_funds.funds, name="funds"),
    path("finance/employers/<int:pk>/", views_funds.employer, name="employer"),
    path("finance/employers/<int:pk>/letter.pdf", views_funds.letter, name="letter"),
    path("finance/<str:code>/ledger/", views_funds.ledger_page, name="ledger"),
    path("finance/<str:code>/statement.pdf", views_funds.statement_pdf, name="statement_pdf"),
    path("finance/<str:code>/statement.xlsx", views_funds.statement_xlsx, name="statement_xlsx"),
]
