"""/api/v1/campaigns: the same actions as the pages, one error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gonghui.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def send(client: Any, url: str, body: dict[str, Any], headers: dict[str, str], method: str = "post") -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers)


BODY = {"org": "T0001", "name": "农民工集中入会行动", "measure": "migrant_members", "starts_on": "2025-10-01",
        "ends_on": "2026-09-30", "baseline_source": "entered", "baseline": 11477, "growth_rate": "52", "net_minimum": 6000}  # fmt: skip


def test_create_split_follow_and_supervise(client: Any, register_story: Any, api_token: Any) -> None:
    h = api_token("county_admin")
    resp = send(client, "/api/v1/campaigns", {**BODY, "split_method": "equal"}, h)
    assert resp.status_code == 201, resp.content
    c = resp.json()
    assert (c["baseline"], c["target_net"], c["org"]) == (11_477, 6_000, "T0001")
    board = client.get(f"/api/v1/campaigns/{c['id']}?on=2026-03-31", **h).json()
    assert board["time_progress"] == round(182 / 365, 4)
    assert [(a["org"], a["target"], a["done"]) for a in board["allocations"]] == [
        ("T0002", 2000, 2),
        ("T0005", 2000, 1),
        ("T0007", 2000, 0),
    ]
    assert sum(a["target"] for a in board["allocations"]) == board["unit"]["target"] == 6_000
    resp = send(
        client,
        f"/api/v1/campaigns/{c['id']}/units/T0002/allocate",
        {"method": "manual", "manual": {"T0003": 1500, "T0004": 499}},
        h,
    )
    assert resp.status_code == 400 and resp.json()["code"] == "sum_mismatch"
    resp = send(
        client,
        f"/api/v1/campaigns/{c['id']}/units/T0002/allocate",
        {"method": "manual", "manual": {"T0003": 1500, "T0004": 500}},
        h,
    )
    assert resp.status_code == 200 and [a["target"] for a in resp.json()["allocations"]] == [1500, 500]
    resp = send(client, f"/api/v1/campaigns/{c['id']}", {"net_minimum": 9000}, h, method="patch")
    assert resp.status_code == 200 and resp.json()["target_net"] == 9_000
    unit = client.get(f"/api/v1/campaigns/{c['id']}/units/T0002", **h).json()
    assert unit["unit"]["target"] == 3_000 and [a["target"] for a in unit["allocations"]] == [2250, 750]
    resp = send(
        client,
        f"/api/v1/campaigns/{c['id']}/groups",
        {"name": "第一工作组", "leader": "王某", "units": ["T0002", "T0007"]},
        h,
    )
    assert resp.status_code == 201 and resp.json()["target"] == 6_000
    resp = send(
        client,
        f"/api/v1/campaigns/{c['id']}/notes",
        {"org": "T0003", "on": "2026-01-05", "findings": "编号不一致"},
        h,
    )
    assert resp.status_code == 201
    note = resp.json()
    resp = send(
        client,
        f"/api/v1/campaigns/{c['id']}/notes/{note['id']}/done",
        {"done_on": "2026-01-09", "result": "已更正"},
        h,
    )
    assert resp.status_code == 200 and resp.json()["done"] is True
    assert client.get(f"/api/v1/campaigns/{c['id']}/notes?open_only=true", **h).json() == []


def test_scope_and_rights(client: Any, register_story: Any, api_token: Any) -> None:
    c = send(client, "/api/v1/campaigns", {**BODY, "split_method": "equal"}, api_token("county_admin")).json()
    east = api_token("east_admin")
    mine = client.get(f"/api/v1/campaigns/{c['id']}", **east).json()
    assert mine["unit"]["org"] == "T0002" and [a["org"] for a in mine["allocations"]] == ["T0003", "T0004"]
    assert [x["id"] for x in client.get("/api/v1/campaigns", **east).json()] == [c["id"]]
    assert client.get(f"/api/v1/campaigns/{c['id']}/units/T0005", **east).status_code == 404
    assert (
        send(client, f"/api/v1/campaigns/{c['id']}", {"name": "x"}, east, method="patch").status_code == 404
    )
    assert (
        send(
            client, f"/api/v1/campaigns/{c['id']}/units/T0002/allocate", {"method": "equal"}, east
        ).status_code
        == 200
    )
    viewer = api_token("east_viewer")
    resp = send(client, f"/api/v1/campaigns/{c['id']}/units/T0002/allocate", {"method": "equal"}, viewer)
    assert resp.status_code == 403 and resp.json()["code"] == "forbidden"
    resp = send(client, "/api/v1/campaigns", {**BODY, "org": "T0005"}, east)
    assert resp.status_code == 404 and resp.json()["code"] == "not_found"
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("patch", "status", "code"),
    [
        ({"ends_on": "2025-01-01"}, 400, "period"),
        ({"measure": "bogus"}, 422, "invalid"),
        ({"growth_rate": None, "net_minimum": None}, 400, "target_required"),
        ({"org": "T0003"}, 400, "org_kind"),
        ({"growth_rate": "-5"}, 422, "invalid"),
        ({"org": "NOPE"}, 404, "not_found"),
    ],
)
def test_bad_input_never_500(
    client: Any, tree: Any, api_token: Any, patch: dict[str, Any], status: int, code: str
) -> None:
    resp = send(client, "/api/v1/campaigns", {**BODY, **patch}, api_token("county_admin"))
    assert resp.status_code == status, resp.content
    assert resp.json()["code"] == code
