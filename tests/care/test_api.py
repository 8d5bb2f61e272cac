"""/api/v1/care/…: the same actions as the pages, the same gatekeeper, the same error shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_files_aid_and_a_round(client: Any, tree: dict[str, Any], member: Any, api_token: Any) -> None:
    h = api_token("east_admin")
    m1, m2 = member("T0003", name="甲"), member("T0004", name="乙")
    body = {"member_id": m1.pk, "category": "deep", "household_size": 4, "household_income": "1800.5", "causes": ["illness", "schooling"],
            "children_in_school": 1, "opened_on": "2025-01-10"}  # fmt: skip
    r = _post(client, "/api/v1/care/files", body, h)
    assert r.status_code == 201, r.content
    f1 = r.json()
    assert (
        f1["income_per_capita"] == 450.13
        and set(f1["causes"]) == {"illness", "schooling"}
        and f1["org"] == "T0003"
    )
    r = _post(
        client,
        "/api/v1/care/files",
        {**body, "member_id": m2.pk, "causes": ["schooling"], "children_in_school": 0},
        h,
    )
    assert r.status_code == 400 and r.json()["code"] == "children"
    r = _post(
        client,
        "/api/v1/care/files",
        {**body, "member_id": m2.pk, "causes": ["unemployment"], "children_in_school": 0},
        h,
    )
    f2 = r.json()
    r = _post(client, "/api/v1/care/files", body, h)
    assert r.status_code == 409 and r.json()["code"] == "file_exists"
    r = _post(client, "/api/v1/care/aid", {"file_id": f2["id"], "type": "employment", "amount": "1000", "given_on": "2026-03-01",
                                           "source": "government"}, h)  # fmt: skip
    assert r.status_code == 201 and r.json()["amount"] == 1000
    detail = client.get(f"/api/v1/care/files/{f2['id']}", **h).json()
    assert detail["aid"][0]["type"] == "employment" and detail["reviews"] == []
    r = _post(client, f"/api/v1/care/files/{f2['id']}/reviews", {"year": 2026, "reviewed_on": "2026-04-01", "outcome": "keep",
                                                                  "category": "relative", "household_size": 3, "household_income": "2400"}, h)  # fmt: skip
    assert r.status_code == 201 and r.json()["income_per_capita"] == 800

    r = _post(client, "/api/v1/care/programmes", {"org": "T0002", "name": "2026年金秋助学", "type": "schooling", "year": 2026,
                                                  "amount_per_person": "1500", "source": "own"}, h)  # fmt: skip
    assert r.status_code == 201 and r.json()["summary"]["eligible_left"] == 1
    pid = r.json()["id"]
    eligible = client.get(f"/api/v1/care/programmes/{pid}/eligible", **h).json()
    assert [e["id"] for e in eligible] == [f1["id"]]
    assert (
        _post(client, f"/api/v1/care/programmes/{pid}/entries", {"file_ids": [f2["id"]]}, h).status_code
        == 400
    )  # not eligible
    assert _post(client, f"/api/v1/care/programmes/{pid}/entries", {}, h).json() == {"count": 1}
    assert _post(client, f"/api/v1/care/programmes/{pid}/payments", {"paid_on": "2026-09-01"}, h).json() == {
        "count": 1
    }
    s = client.get(f"/api/v1/care/programmes/{pid}", **h).json()["summary"]
    assert (s["paid"], s["paid_amount"], s["listed"]) == (1, 1500, 0)
    aid = client.get("/api/v1/care/aid?year=2026", **h).json()
    assert aid["count"] == 2
    report = client.get("/api/v1/care/orgs/T0002/report?year=2026", **h).json()
    assert report["assistance"] == {"people": 2, "amount_yuan": 2500}
    assert {c["key"]: c["n"] for c in report["files"]["by_category"]} == {
        "deep": 1,
        "relative": 1,
        "accident": 0,
    }


def test_training_and_model_workers(client: Any, tree: dict[str, Any], member: Any, api_token: Any) -> None:
    h = api_token("east_clerk")
    r = _post(client, "/api/v1/care/courses", {"org": "T0002", "title": "焊工培训", "trade": "焊工", "starts_on": "2016-05-01",
                                               "ends_on": "2016-05-10", "place": "县城", "provider": "职校", "cost": "1000",
                                               "for_migrants": True}, h)  # fmt: skip
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    ms = [member("T0003", name=f"焊{i}") for i in range(4)]
    assert _post(
        client, f"/api/v1/care/courses/{cid}/trainees", {"member_ids": [m.pk for m in ms]}, h
    ).json() == {"count": 4}
    outsider = member("T0006")
    r = _post(client, f"/api/v1/care/courses/{cid}/trainees", {"member_ids": [outsider.pk]}, h)
    assert r.status_code == 400 and r.json()["details"]["member_ids"] == [outsider.pk]
    trainees = client.get(f"/api/v1/care/courses/{cid}/trainees", **h).json()
    r = _post(
        client,
        f"/api/v1/care/courses/{cid}/completions",
        {
            "completed_on": "2016-05-10",
            "trainees": [{"trainee_id": t["id"], "certificate_no": f"C{t['id']}"} for t in trainees],
        },
        h,
    )
    assert r.json() == {"count": 4}
    c = client.get(f"/api/v1/care/courses/{cid}", **h).json()
    assert (c["trainees"], c["completed"], c["cost_per_trainee"]) == (4, 4, 250)
    listing = client.get("/api/v1/care/courses?year=2016", **h).json()
    assert listing["count"] == 1 and listing["items"][0]["cost_per_trainee"] == 250
    assert client.get("/api/v1/care/courses?year=99999", **h).status_code == 422

    r = _post(
        client,
        "/api/v1/care/model-workers",
        {"member_id": ms[0].pk, "level": "national", "year": 2015, "title": "全国劳动模范"},
        h,
    )
    assert r.status_code == 201
    r = _post(
        client, f"/api/v1/care/model-workers/{r.json()['id']}/care", {"kind": "health", "on": "2026-05-01"}, h
    )
    assert r.status_code == 201 and r.json()["amount"] == 0
    # a clerk writes training and the registry, but has no right to hardship files
    assert client.get("/api/v1/care/files", **h).status_code == 403


def test_bad_input_is_a_clear_4xx(client: Any, tree: dict[str, Any], member: Any, api_token: Any) -> None:
    h = api_token("east_admin")
    m = member("T0003")
    cases = [
        ("/api/v1/care/files", {"member_id": m.pk, "category": "x", "household_size": 3, "household_income": "1", "causes": ["illness"]}),
        ("/api/v1/care/files", {"member_id": m.pk, "category": "deep", "household_size": 3, "household_income": "abc", "causes": ["illness"]}),
        ("/api/v1/care/files", {"member_id": 10**12, "category": "deep", "household_size": 3, "household_income": "1", "causes": ["illness"]}),
        ("/api/v1/care/aid", {"type": "living", "amount": "10", "given_on": "2026-01-01", "source": "own"}),
        ("/api/v1/care/aid", {"member_id": m.pk, "type": "living", "amount": "10", "given_on": "2999-01-01", "source": "own"}),
        ("/api/v1/care/programmes", {"org": "T0002", "name": "x", "type": "warmth", "year": 1990, "amount_per_person": "1", "source": "own"}),
        ("/api/v1/care/courses", {"org": "T0002", "title": "x", "trade": "x", "starts_on": "2026-02-01", "ends_on": "2026-01-01",
                                  "place": "x", "provider": "x", "cost": "1"}),
    ]  # fmt: skip
    for url, body in cases:
        r = _post(client, url, body, h)
        assert r.status_code in (400, 404, 409, 422), (url, body, r.status_code)
        assert set(r.json()) == {"code", "message", "details"}
