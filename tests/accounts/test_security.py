"""Account security (issue 12, findings 9 and 15): lockout per account, password change and the
forced change after a reset, API tokens that expire and can be revoked."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from gonghui.accounts import actions
from gonghui.accounts.models import ApiToken, User
from gonghui.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Fresh-pass-4821"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fail_logins(client: Any, username: str, times: int, ip: str) -> None:
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


# --- lockout -----------------------------------------------------------------------------


def test_lockout_holds_from_every_address(client: Any, tree: dict[str, Any]) -> None:
    """F9: after the failures from one address, the right password from another is refused too."""
    fail_logins(client, "east_clerk", settings.AXES_FAILURE_LIMIT, "192.0.2.1")
    resp = client.post("/login/", {"username": "east_clerk", "password": PASSWORD}, REMOTE_ADDR="192.0.2.2")
    assert resp.status_code in (403, 429)
    assert "锁定" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def test_guessing_spread_over_addresses_is_counted_together(client: Any, tree: dict[str, Any]) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail_logins(client, "east_clerk", 1, f"192.0.2.{10 + n}")
    resp = client.post("/login/", {"username": "east_clerk", "password": PASSWORD}, REMOTE_ADDR="192.0.2.99")
    assert resp.status_code in (403, 429)


def test_lockout_of_one_account_leaves_the_others(client: Any, tree: dict[str, Any]) -> None:
    fail_logins(client, "east_clerk", settings.AXES_FAILURE_LIMIT, "192.0.2.1")
    resp = client.post("/login/", {"username": "east_admin", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1")
    assert resp.status_code == 302


def test_below_the_limit_the_login_works_and_resets_the_count(client: Any, tree: dict[str, Any]) -> None:
    fail_logins(client, "east_clerk", settings.AXES_FAILURE_LIMIT - 1, "192.0.2.1")
    resp = client.post("/login/", {"username": "east_clerk", "password": PASSWORD}, REMOTE_ADDR="192.0.2.2")
    assert resp.status_code == 302


def test_login_page_renders(client: Any, db: Any) -> None:
    page = client.get("/login/").content.decode()
    assert "登录" in page and 'name="password"' in page


def test_lockout_settings() -> None:
    assert "username" in settings.AXES_LOCKOUT_PARAMETERS
    assert ["username", "ip_address"] in settings.AXES_LOCKOUT_PARAMETERS
    assert settings.AXES_CLIENT_IP_CALLABLE == "gonghui.core.http.client_ip"


# --- password change ---------------------------------------------------------------------


def change(client: Any, old: str, new: str, new2: str | None = None) -> Any:
    return client.post(
        "/account/password/", {"old_password": old, "new_password1": new, "new_password2": new2 or new}
    )


def test_password_change_page_needs_a_login(client: Any, db: Any) -> None:
    resp = client.get("/account/password/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_every_account_can_change_its_password(client: Any, tree: dict[str, Any]) -> None:
    viewer = tree["users"]["east_viewer"]
    client.force_login(viewer)
    page = client.get("/account/password/").content.decode()
    assert "修改密码" in page and 'name="old_password"' in page
    assert 'href="/account/password/"' in client.get("/").content.decode()  # linked in the top bar
    resp = change(client, PASSWORD, NEW)
    assert resp.status_code == 302
    viewer.refresh_from_db()
    assert viewer.check_password(NEW)
    assert client.get("/").status_code == 200  # still logged in
    entry = AuditEntry.objects.get(action="user.password_change")
    assert entry.username == "east_viewer" and entry.changes == {"after_reset": False}


def test_wrong_old_password_or_weak_new_one_changes_nothing(client: Any, tree: dict[str, Any]) -> None:
    user = tree["users"]["east_viewer"]
    client.force_login(user)
    for old, new, new2 in [
        ("nope", NEW, NEW),
        (PASSWORD, "12345678", "12345678"),
        (PASSWORD, NEW, NEW + "x"),
    ]:
        resp = change(client, old, new, new2)
        assert resp.status_code == 200 and 'class="error"' in resp.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_change").exists()


def test_action_refuses_the_same_password(tree: dict[str, Any]) -> None:
    from gonghui.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        actions.user_password_change(
            user=tree["users"]["east_viewer"], old_password=PASSWORD, new_password=PASSWORD
        )
    assert exc.value.code == "same_password"


# --- forced change after a reset ---------------------------------------------------------


def test_reset_gives_a_one_time_password_and_forces_a_change(client: Any, tree: dict[str, Any]) -> None:
    admin, clerk = tree["users"]["east_admin"], tree["users"]["east_clerk"]
    otp = actions.user_password_reset(actor=admin, user=clerk)
    clerk.refresh_from_db()
    assert len(otp) >= 12 and clerk.must_change_password and clerk.check_password(otp)
    assert otp not in clerk.password
    reset = AuditEntry.objects.get(action="user.password_reset")
    assert reset.username == "east_admin" and reset.object_id == str(clerk.pk)
    assert otp not in str(reset.changes)

    assert client.post("/login/", {"username": "east_clerk", "password": otp}).status_code == 302
    for path in ["/", "/orgs/", "/members/", "/audit/"]:
        resp = client.get(path)
        assert resp.status_code == 302 and resp["Location"] == "/account/password/", path
    assert client.get("/members/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/account/password/"
    page = client.get("/account/password/").content.decode()
    assert "已被管理员重置" in page
    api = client.get("/api/v1/orgs")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"

    assert change(client, otp, NEW).status_code == 302
    clerk.refresh_from_db()
    assert not clerk.must_change_password and clerk.check_password(NEW)
    assert client.get("/orgs/").status_code == 200
    assert AuditEntry.objects.get(action="user.password_change").changes == {"after_reset": True}


def test_a_flagged_account_can_still_log_out(client: Any, tree: dict[str, Any]) -> None:
    clerk = tree["users"]["east_clerk"]
    actions.user_password_reset(actor=None, user=clerk)
    client.force_login(User.objects.get(pk=clerk.pk))
    resp = client.post("/logout/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_a_flagged_account_token_is_refused(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    old = api_token("east_clerk")
    assert client.get("/api/v1/orgs", **old).status_code == 200
    actions.user_password_reset(actor=None, user=tree["users"]["east_clerk"])
    assert client.get("/api/v1/orgs", **old).status_code == 401  # the reset revoked it
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1
    headers = api_token("east_clerk")  # made while the account must still change its password
    resp = client.get("/api/v1/orgs", **headers)
    assert resp.status_code == 403
    assert set(resp.json()) == {"code", "message", "details"}
    assert resp.json()["code"] == "password_change_required"


# --- API tokens --------------------------------------------------------------------------


def test_tokens_expire_after_the_default_lifetime(tree: dict[str, Any]) -> None:
    row, token = actions.token_create(actor=None, user=tree["users"]["east_viewer"])
    expected = timezone.now() + dt.timedelta(days=settings.GONGHUI_TOKEN_DAYS)
    assert settings.GONGHUI_TOKEN_DAYS == 90
    assert abs((row.expires_at - expected).total_seconds()) < 60
    assert row.digest == ApiToken.digest_of(token) and token not in row.digest


def test_expired_and_revoked_tokens_answer_401(client: Any, tree: dict[str, Any]) -> None:
    viewer = tree["users"]["east_viewer"]
    row, token = actions.token_create(actor=None, user=viewer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/orgs", **auth).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    resp = client.get("/api/v1/orgs", **auth)
    assert resp.status_code == 401 and resp.json()["code"] == "unauthorized"
    assert set(resp.json()) == {"code", "message", "details"}

    row2, token2 = actions.token_create(actor=None, user=viewer, days=1)
    auth2 = {"HTTP_AUTHORIZATION": f"Bearer {token2}"}
    assert client.get("/api/v1/orgs", **auth2).status_code == 200
    assert actions.token_revoke(actor=tree["users"]["east_admin"], token=row2)
    assert not actions.token_revoke(actor=None, token=row2)  # twice: nothing more happens
    resp = client.get("/api/v1/orgs", **auth2)
    assert resp.status_code == 401 and resp.json()["code"] == "unauthorized"
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_token_lifetime_is_bounded(tree: dict[str, Any]) -> None:
    from gonghui.core.errors import ApplicationError

    for days in (0, -1, 100_000):
        with pytest.raises(ApplicationError):
            actions.token_create(actor=None, user=tree["users"]["east_viewer"], days=days)


def test_token_cli_create_list_revoke(client: Any, tree: dict[str, Any]) -> None:
    token = run("token", "create", "east_viewer", "--days", "7").strip()
    assert token.startswith("gh_") and "\n" not in token  # only the token on stdout, once
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert 6.9 < (row.expires_at - timezone.now()).total_seconds() / 86400 <= 7
    other = run("token", "create", "east_viewer").strip()
    listing = run("token", "list", "east_viewer")
    assert listing.count("  有效  ") == 2 and token not in listing and row.prefix in listing

    assert "Revoked" in run("token", "revoke", str(row.pk))
    assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    assert "已吊销" in run("token", "list", "east_viewer")

    assert "1 token" in run("token", "revoke", "east_viewer")  # a username: all of its live tokens
    assert client.get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 401
    with pytest.raises(CommandError):
        run("token", "revoke", "999999")
    with pytest.raises(CommandError):
        run("token", "list", "nobody")
    with pytest.raises(CommandError):
        run("token", "create", "east_viewer", "--days", "0")


def test_a_reset_lifts_the_lockout(client: Any, tree: dict[str, Any]) -> None:
    fail_logins(client, "east_clerk", settings.AXES_FAILURE_LIMIT, "192.0.2.1")
    otp = actions.user_password_reset(actor=tree["users"]["east_admin"], user=tree["users"]["east_clerk"])
    assert AuditEntry.objects.get(action="user.password_reset").changes == {"failed_logins_cleared": 1}
    resp = client.post("/login/", {"username": "east_clerk", "password": otp}, REMOTE_ADDR="192.0.2.1")
    assert resp.status_code == 302
