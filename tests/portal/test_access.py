"""A member's session and token reach nothing of the staff side, and a staff account nothing of the
member's: every URL pattern and every API route, walked from the resolver (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts import test_gatekeeper as gk

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def _member_route(name: str) -> bool:
    return (name.startswith("portal:") and not name.startswith("portal:staff_")) or (
        name.startswith("api:") and (name == "api:me" or name[4:].startswith(("me_", "public_me_")))
    )


def test_member_session_and_token_reach_no_staff_route(
    member_client: Any, member_token: dict[str, str], tree: dict[str, Any], member: Any
) -> None:
    from django.test import Client

    client = member_client
    client.raise_request_exception = False
    anonymous = Client(raise_request_exception=False)
    values = gk.object_values(tree, inside=True)
    checked = 0
    for name, route, _params in gk.all_routes():
        if gk.is_public(name, route) or _member_route(name):
            continue
        ns = name.split(":")[0] if ":" in name else ""
        url = gk.fill(route, values.get(ns, values[""]), name)
        is_api = route.startswith("api/")
        for method in METHODS:
            # the member's browser session everywhere; on the API also the member's bearer token
            for headers in ({}, member_token) if is_api else ({},):
                resp = gk.request(client, method, url, route, values.get(ns, values[""]), headers)
                if resp.status_code == 405:
                    continue
                where = f"{method.upper()} {url} ({name}) with a member {'token' if headers else 'session'}"
                if (
                    resp.status_code == 200
                    and gk.request(anonymous, method, url, route, values.get(ns, values[""]), {}).status_code
                    == 200
                ):
                    continue  # open to anyone by design (e.g. /favicon.ico): the member gets nothing more
                if is_api:
                    assert resp.status_code == 401, f"{where} → {resp.status_code}"
                else:
                    assert resp.status_code in (302, 403), f"{where} → {resp.status_code}"
                    if resp.status_code == 302:
                        assert resp["Location"].startswith("/login/"), where
                checked += 1
    assert checked > 200
    # the converse: the same credentials do open the member's own pages and API
    for url in ("/me/", "/me/status/", "/me/card/", "/me/membership/", "/me/services/", "/me/data/"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        text = resp.content.decode()
        assert "东镇甲公司工会" in text or "林小雨" in text or url in ("/me/status/", "/me/services/"), url
    body = client.get("/api/v1/me", **member_token).json()
    assert body["membership"]["member_no"] == member.member_no


def test_staff_session_and_token_reach_no_member_route(
    client: Any, tree: dict[str, Any], api_token: Any, member: Any
) -> None:
    client.force_login(tree["users"]["county_admin"])
    headers = api_token("county_admin")
    values = {"pk": 1, "token": "x", "request_id": 1}
    checked = 0
    for name, route, _params in gk.all_routes():
        if not _member_route(name) or gk.is_public(name, route):
            continue
        url = gk.fill(route, values, name)
        for method in METHODS:
            resp = getattr(client, method)(url, content_type="application/json", **headers)
            if resp.status_code == 405:
                continue
            assert resp.status_code == 403, f"{method.upper()} {url} ({name}) as staff → {resp.status_code}"
            checked += 1
    assert checked >= 15
