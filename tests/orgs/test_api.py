from __future__ import annotations

import json
from typing import Any

import pytest

from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db


def post(client: Any, url: str, body: dict[str, Any], headers: dict[str, str], method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


def test_list_is_scoped_and_paginated(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    h = api_token("east_viewer")
    data = client.get("/api/v1/orgs?limit=2", **h).json()
    assert data["count"] == 3  # 东镇 and its two base unions
    assert len(data["items"]) == 2
    assert data["items"][0] == data["items"][0] | {
        "code": "T0002",
        "parent_code": "T0001",
        "kind": "township_union",
    }
    all_codes = {o["code"] for o in client.get("/api/v1/orgs", **api_token("county_admin")).json()["items"]}
    assert all_codes == {f"T000{i}" for i in range(1, 9)}


def test_detail_outside_scope_is_404_with_error_shape(
    client: Any, tree: dict[str, Any], api_token: Any
) -> None:
    resp = client.get("/api/v1/orgs/T0006", **api_token("east_viewer"))
    assert resp.status_code == 404
    assert resp.json() == {
        "code": "not_found",
        "message": "对象不存在或不在您的管辖范围内。",
        "details": None,
    }


def test_no_token_401_bad_token_401(client: Any, tree: dict[str, Any]) -> None:
    assert client.get("/api/v1/orgs").status_code == 401
    resp = client.get("/api/v1/orgs", HTTP_AUTHORIZATION="Bearer gh_nope")
    assert resp.status_code == 401 and resp.json()["code"] == "unauthorized"


def test_create_update_move(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    h = api_token("county_admin")
    resp = post(client, "/api/v1/orgs", {"parent": "T0002", "kind": "grassroots", "name": "东镇新工会", "region_code": "530326",
                                         "founded_on": "2026-05-01", "chair_name": "赵六"}, h)  # fmt: skip
    assert resp.status_code == 201, resp.content
    code = resp.json()["code"]
    assert resp.json()["parent_code"] == "T0002"
    resp = post(client, f"/api/v1/orgs/{code}", {"name": "东镇新工会委员会"}, h, method="patch")
    assert resp.status_code == 200 and resp.json()["name"] == "东镇新工会委员会"
    resp = post(client, f"/api/v1/orgs/{code}/move", {"parent": "T0005"}, h)
    assert resp.status_code == 200 and resp.json()["parent_code"] == "T0005"
    assert Org.objects.get_parent(Org.objects.get(code=code)).code == "T0005"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"parent": "T0003", "kind": "grassroots", "name": "x", "region_code": "530326"},
            400,
            "kind_not_allowed",
        ),
        ({"parent": "T0002", "kind": "grassroots", "name": "x", "region_code": "99"}, 422, "invalid"),
        ({"parent": "T0002", "kind": "nonsense", "name": "x", "region_code": "530326"}, 422, "invalid"),
        (
            {"parent": "T0002", "kind": "grassroots", "name": "东镇甲公司工会", "region_code": "530326"},
            409,
            "duplicate_name",
        ),
        ({"parent": "T0002", "kind": "grassroots", "name": "y", "region_code": "000000"}, 400, "region_code"),
        ({"parent": "T9999", "kind": "grassroots", "name": "y", "region_code": "530326"}, 404, "not_found"),
    ],
)
def test_bad_input_gets_clear_errors(
    client: Any, tree: dict[str, Any], api_token: Any, body: dict[str, Any], status: int, code: str
) -> None:
    resp = post(client, "/api/v1/orgs", body, api_token("county_admin"))
    assert resp.status_code == status, resp.content
    data = resp.json()
    assert data["code"] == code and data["message"]


def test_malformed_json_is_not_a_500(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    resp = client.post(
        "/api/v1/orgs", data="{not json", content_type="application/json", **api_token("county_admin")
    )
    assert resp.status_code in (400, 422)
    assert "message" in resp.json()


def test_clerk_may_not_restructure(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    resp = post(client, "/api/v1/orgs/T0003/move", {"parent": "T0005"}, api_token("east_clerk"))
    assert resp.status_code == 403 and resp.json()["code"] == "forbidden"


def test_openapi_documents_the_routes(client: Any, db: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/orgs", "/api/v1/orgs/{code}", "/api/v1/orgs/{code}/move"} <= set(spec["paths"])


def test_employers_and_gaps(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    h = api_token("east_viewer")
    names = {e["name"] for e in client.get("/api/v1/employers", **h).json()["items"]}
    assert names == {"甲公司", "乙店", "丙店"}
    gaps = client.get("/api/v1/orgs/T0001/gaps", **api_token("county_admin")).json()["items"]
    assert [g["name"] for g in gaps] == ["戊公司"] and gaps[0]["coverage"] == "未建会"
