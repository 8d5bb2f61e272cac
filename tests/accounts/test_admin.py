"""Issue 18, administration: accounts of the admin's own subtree only, never a role above its own
(pages and API); reset and unlock audited; users set their own phone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gonghui.accounts.models import User
from gonghui.core.models import AuditEntry

API = "/api/v1/accounts"


def _post(client: Any, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.mark.django_db
def test_api_create_list_and_scope(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    east = api_token("east_admin")
    r = _post(client, API, {"username": "dz_clerk2", "name": "王芳", "org": "T0003", "role": "clerk"}, east)
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["password"]) == 14 and body["must_change_password"] is True
    u = User.objects.get(username="dz_clerk2")
    assert u.check_password(body["password"]) and u.org.code == "T0003"
    assert AuditEntry.objects.filter(action="user.create", object_id=str(u.pk)).exists()
    names = {a["username"] for a in client.get(API, **east).json()}
    assert "dz_clerk2" in names and "east_clerk" in names
    assert "west_admin" not in names and "county_admin" not in names
    # beside (西镇) and above (the county's account) answer like a missing one
    for who in ("west_admin", "county_admin", "nobody-at-all"):
        assert client.get(f"{API}/{who}", **east).status_code == 404
        assert (
            client.patch(
                f"{API}/{who}", data='{"name": "x"}', content_type="application/json", **east
            ).status_code
            == 404
        )
        assert _post(client, f"{API}/{who}/reset-password", {}, east).status_code == 404
        assert _post(client, f"{API}/{who}/unlock", {}, east).status_code == 404
    # an org beside its own: 404 like a missing org
    r = _post(client, API, {"username": "x_west", "name": "张三", "org": "T0006", "role": "clerk"}, east)
    assert r.status_code == 404
    # a role above its own: refused, nothing created
    r = _post(
        client, API, {"username": "x_fed", "name": "张三", "org": "T0002", "role": "federation_admin"}, east
    )
    assert r.status_code == 403 and r.json()["code"] == "role_above"
    r = client.patch(
        f"{API}/east_clerk", data='{"role": "federation_admin"}', content_type="application/json", **east
    )
    assert r.status_code == 403
    assert not User.objects.filter(username__in=["x_west", "x_fed"]).exists()
    assert User.objects.get(username="east_clerk").role == "clerk"
    # a clerk manages no account at all
    assert client.get(API, **api_token("east_clerk")).status_code == 403


@pytest.mark.django_db
def test_api_patch_reset_unlock(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    from axes.models import AccessAttempt

    county = api_token("county_admin")
    r = client.patch(f"{API}/east_clerk", data=json.dumps({"role": "reviewer", "org": "T0003", "name": "李四"}),
                     content_type="application/json", **county)  # fmt: skip
    assert r.status_code == 200 and r.json()["role"] == "reviewer" and r.json()["org"] == "T0003"
    AccessAttempt.objects.create(username="east_viewer", ip_address="10.0.0.1", user_agent="t",
                                 failures_since_start=5, get_data="", post_data="", http_accept="", path_info="/login/")  # fmt: skip
    assert client.get(f"{API}/east_viewer", **county).json()["locked"] is True
    r = _post(client, f"{API}/east_viewer/unlock", {}, county)
    assert r.status_code == 200 and r.json()["cleared"] >= 1
    assert client.get(f"{API}/east_viewer", **county).json()["locked"] is False
    assert AuditEntry.objects.filter(action="user.unlock").count() == 1
    r = _post(client, f"{API}/east_viewer/reset-password", {}, county)
    assert r.status_code == 200
    u = User.objects.get(username="east_viewer")
    assert u.must_change_password and u.check_password(r.json()["password"])
    # the admin cannot demote or disable itself
    r = client.patch(
        f"{API}/county_admin", data='{"is_active": false}', content_type="application/json", **county
    )
    assert r.status_code == 403


@pytest.mark.django_db
def test_pages_refuse_outside_and_above(login: Any, tree: dict[str, Any]) -> None:
    client = login("east_admin")
    assert client.get("/accounts/west_admin/").status_code == 404
    assert client.get("/accounts/county_admin/").status_code == 404
    assert client.post("/accounts/west_admin/reset-password/").status_code == 404
    page = client.get("/accounts/new/").content.decode()
    assert "federation_admin" not in page and "union_admin" in page and 'value="T0006"' not in page
    r = client.post(
        "/accounts/new/", {"username": "x_fed", "name": "张三", "org": "T0002", "role": "federation_admin"}
    )
    assert r.status_code == 200 and not User.objects.filter(username="x_fed").exists()
    r = client.post("/accounts/new/", {"username": "x_west", "name": "张三", "org": "T0006", "role": "clerk"})
    assert not User.objects.filter(username="x_west").exists()
    r = client.post(
        "/accounts/east_clerk/", {"name": "x", "org": "T0002", "role": "federation_admin", "is_active": "on"}
    )
    assert User.objects.get(username="east_clerk").role == "clerk"
    # a union admin of the township cannot edit the county's (above) nor another township's account
    assert (
        client.post("/accounts/west_admin/", {"name": "x", "org": "T0002", "role": "clerk"}).status_code
        == 404
    )
    assert login("east_clerk").get("/accounts/").status_code == 403


@pytest.mark.django_db
def test_own_phone_is_encrypted_and_masked(login: Any, tree: dict[str, Any]) -> None:
    client = login("east_viewer")
    r = client.post("/account/phone/", {"phone": "13812340011"})
    assert r.status_code == 302
    u = User.objects.get(username="east_viewer")
    assert u.phone_masked == "138****0011" and "13812340011" not in u.phone_cipher
    assert AuditEntry.objects.filter(action="user.phone_change").exists()
