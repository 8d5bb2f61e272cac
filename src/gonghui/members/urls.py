from __future__ import annotations

app_name = "members"
urlpatterns: list = []
