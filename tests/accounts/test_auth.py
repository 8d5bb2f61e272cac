from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_passwords_are_argon2(tree: dict[str, Any], settings: Any, client: Any) -> None:
    """Production's hasher and cost, and the test run's cheap hashes verify under it (tests/hashers.py)."""
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher

    from gonghui import settings as production

    cheap = tree["users"]["east_admin"].password
    assert cheap.startswith("argon2$argon2id$") and "m=8,t=1,p=1" in cheap
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert check_password(PASSWORD, cheap) and not check_password("wrong-pass-1", cheap)
    assert client.post("/login/", {"username": "east_admin", "password": PASSWORD}).status_code == 302
    upgraded = type(tree["users"]["east_admin"]).objects.get(username="east_admin").password
    hasher = Argon2PasswordHasher()
    assert isinstance(identify_hasher(upgraded), Argon2PasswordHasher)
    assert f"m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}" in upgraded


def test_login_and_scope_home(client: Any, tree: dict[str, Any]) -> None:
    resp = client.post("/login/", {"username": "east_admin", "password": PASSWORD})
    assert resp.status_code == 302
    page = client.get("/").content.decode()
    assert "东镇总工会" in page and "测试县总工会" not in page.split("<main")[1]


def test_lockout_after_repeated_failures(client: Any, tree: dict[str, Any]) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "east_admin", "password": "wrong"})
    resp = client.post("/login/", {"username": "east_admin", "password": PASSWORD})
    assert resp.status_code in (403, 429)
    assert "锁定" in resp.content.decode()


def test_session_expires(client: Any, tree: dict[str, Any]) -> None:
    assert settings.SESSION_COOKIE_AGE <= 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.post("/login/", {"username": "east_admin", "password": PASSWORD})
    from django.contrib.sessions.models import Session

    s = Session.objects.get()
    assert (s.expire_date - s.expire_date.replace(microsecond=0)).total_seconds() < 1


def test_account_without_org_sees_nothing(client: Any, db: Any) -> None:
    from gonghui.accounts.models import User

    u = User.objects.create_user("loose", password=PASSWORD, role="federation_admin", is_superuser=True)
    client.force_login(u)
    assert client.get("/orgs/").status_code == 403


def test_english_locale_works(client: Any, tree: dict[str, Any]) -> None:
    client.force_login(tree["users"]["east_admin"])
    resp = client.get("/orgs/", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 200 and resp["Content-Language"] == "en"


def test_audit_page_is_scoped(client: Any, tree: dict[str, Any]) -> None:
    from gonghui.orgs import actions
    from gonghui.orgs.models import Org

    actions.org_update(
        user=tree["users"]["county_admin"], org=Org.objects.get(code="T0006"), chair_name="西镇主席"
    )
    actions.org_update(
        user=tree["users"]["county_admin"], org=Org.objects.get(code="T0003"), chair_name="东镇主席"
    )
    client.force_login(tree["users"]["east_admin"])
    page = client.get("/audit/").content.decode()
    assert "东镇甲公司工会" in page and "西镇丁公司工会" not in page
    client.force_login(tree["users"]["east_viewer"])
    assert client.get("/audit/").status_code == 403
