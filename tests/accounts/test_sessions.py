"""Issue 19: the session is no longer written on every request, and still ends after
SESSION_COOKIE_AGE idle, at logout, and when its row is gone; the menu kept per org and role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.accounts import middleware
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Any) -> Session:
    assert client.post("/login/", {"username": "east_admin", "password": PASSWORD}).status_code == 302
    return Session.objects.get()


def test_pages_read_the_session_without_writing_it(client: Any, tree: dict[str, Any]) -> None:
    _login(client)
    client.get("/orgs/")  # the first page after login marks the session as seen
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/orgs/").status_code == 200
    session_sql = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    assert len(session_sql) == 1 and session_sql[0].startswith("SELECT"), session_sql


def test_session_in_use_moves_its_expiry(client: Any, tree: dict[str, Any], monkeypatch: Any) -> None:
    before = _login(client).expire_date
    client.get("/orgs/")
    later = middleware.time.time() + 120  # two minutes on: the next page saves a new expiry
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    client.get("/orgs/")
    after = Session.objects.get().expire_date
    assert after > before
    assert abs((after - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60


def test_idle_session_ends(client: Any, tree: dict[str, Any]) -> None:
    _login(client)
    assert client.get("/orgs/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))  # idle past its age
    resp = client.get("/orgs/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_logout_ends_the_session_for_a_copied_cookie(client: Any, tree: dict[str, Any]) -> None:
    from django.test import Client

    _login(client)
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert copy.get("/orgs/").status_code == 200
    client.post("/logout/")
    assert not Session.objects.exists()
    resp = copy.get("/orgs/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_menu_follows_role_and_page(login: Any) -> None:
    viewer = login("county_viewer").get("/orgs/").content.decode()
    admin = login("east_admin").get("/members/").content.decode()
    assert 'href="/audit/"' not in viewer and 'href="/audit/"' in admin
    assert 'class="on">组织架构' in viewer and 'class="on">会员<' in admin
    assert "/orgs/T0002/coverage/" in admin and "/orgs/T0001/coverage/" in viewer
