"""Scoping of the idle list, its follow-ups and their API; the page's query count does not grow
with the subtree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.orgs.models import Org, OrgKind
from gonghui.worklife import counters
from gonghui.worklife.models_idle import IdleFollowUp

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def scored(tree: dict[str, Any]) -> dict[str, Any]:
    counters.refresh_all(TODAY)  # every union of the tree has done nothing: all idle
    return tree


def test_api_scope_and_follow_up(scored: dict[str, Any], client: Any, api_token: Any) -> None:
    r = client.get("/api/v1/orgs/T0002/idle-unions", **api_token("east_viewer"))
    assert r.status_code == 200
    assert {i["org"]["code"] for i in r.json()["items"]} == {"T0003", "T0004"}
    assert client.get("/api/v1/orgs/T0002/idle-unions", **api_token("west_admin")).status_code == 404
    county = client.get("/api/v1/orgs/T0001/idle-unions?sort=score", **api_token("county_viewer")).json()
    assert county["count"] == 4
    # the township asks; the union itself may not follow itself up; another township cannot see it
    body = {"note": "请于期限前召开会员大会并开展活动", "due_on": str(TODAY + dt.timedelta(days=30))}
    assert client.post("/api/v1/orgs/T0003/idle-followups", body, content_type="application/json",
                       **api_token("a_clerk")).status_code == 403  # fmt: skip
    assert client.post("/api/v1/orgs/T0003/idle-followups", body, content_type="application/json",
                       **api_token("west_admin")).status_code == 404  # fmt: skip
    assert client.post("/api/v1/orgs/T0003/idle-followups", body, content_type="application/json",
                       **api_token("east_viewer")).status_code == 403  # fmt: skip
    r = client.post("/api/v1/orgs/T0003/idle-followups", body, content_type="application/json",
                    **api_token("east_clerk"))  # fmt: skip
    assert r.status_code == 201, r.content
    fid = r.json()["id"]
    assert client.post("/api/v1/orgs/T0002/idle-followups", body, content_type="application/json",
                       **api_token("county_admin")).json()["code"] == "not_grassroots"  # fmt: skip
    items = client.get("/api/v1/orgs/T0002/idle-unions", **api_token("east_clerk")).json()["items"]
    assert {i["org"]["code"]: i["followup"] for i in items}["T0003"] == fid
    assert client.get("/api/v1/idle-followups", **api_token("a_clerk")).json()["count"] == 1
    assert client.get("/api/v1/idle-followups", **api_token("west_admin")).json()["count"] == 0
    close = {"result": "已召开会员大会"}
    assert client.post(f"/api/v1/idle-followups/{fid}/close", close, content_type="application/json",
                       **api_token("west_admin")).status_code == 404  # fmt: skip
    assert client.post(f"/api/v1/idle-followups/{fid}/close", close, content_type="application/json",
                       **api_token("a_clerk")).status_code == 403  # fmt: skip
    r = client.post(f"/api/v1/idle-followups/{fid}/close", close, content_type="application/json",
                    **api_token("east_admin"))  # fmt: skip
    assert r.status_code == 200 and r.json()["closed_on"] == str(TODAY)
    assert client.post(f"/api/v1/idle-followups/{fid}/close", close, content_type="application/json",
                       **api_token("east_admin")).json()["code"] == "already_closed"  # fmt: skip
    assert client.get("/api/v1/idle-followups?open=true", **api_token("east_admin")).json()["count"] == 0


def test_pages_scope_and_fixed_queries(scored: dict[str, Any], client: Any) -> None:
    u = scored["users"]
    client.force_login(u["west_admin"])
    assert client.get("/worklife/idle/T0002/").status_code == 404
    assert (
        client.post("/worklife/idle/T0003/follow-up/", {"note": "x", "due_on": str(TODAY)}).status_code == 404
    )
    client.force_login(u["east_clerk"])
    page = client.get("/worklife/idle/T0002/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "东镇甲公司工会" in html and "西镇丁公司工会" not in html and "无届期记录" in html
    with CaptureQueriesContext(connection) as small:
        client.get("/worklife/idle/T0002/")
    east = Org.objects.get(code="T0002")
    for i in range(6):  # more idle unions under the township: the same number of queries
        east = Org.objects.get(pk=east.pk)
        east.add_child(code=f"TX{i:03d}", name=f"东镇新工会{i}", kind=OrgKind.GRASSROOTS, region_code="530102",
                       province_code="53")  # fmt: skip
    counters.refresh_all(TODAY)
    with CaptureQueriesContext(connection) as big:
        r = client.get("/worklife/idle/T0002/")
    assert r.content.decode().count("data-org=") == 8
    assert len(big.captured_queries) == len(small.captured_queries)
    r = client.post(
        "/worklife/idle/T0003/follow-up/", {"note": "请开展活动", "due_on": str(TODAY + dt.timedelta(days=7))}
    )
    assert r.status_code == 302 and IdleFollowUp.objects.filter(org__code="T0003").count() == 1
    f = IdleFollowUp.objects.get()
    client.force_login(u["a_clerk"])  # the union itself sees its follow-up but does not close it
    assert "请开展活动" in client.get("/worklife/idle/followups/").content.decode()
    assert client.post(f"/worklife/idle/followups/{f.pk}/close/", {"result": "done"}).status_code == 403
    client.force_login(u["east_admin"])
    client.post(f"/worklife/idle/followups/{f.pk}/close/", {"result": "已开展活动"})
    f.refresh_from_db()
    assert f.closed_on == TODAY and f.result == "已开展活动"
    # the dashboard's panel: the counts and the link to the list
    dash = client.get("/dashboard/T0002/").content.decode()
    assert 'id="worklife-panel"' in dash and 'href="/worklife/idle/T0002/" id="idle-count">8<' in dash
