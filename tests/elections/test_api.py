"""The same steps through /api/v1/: formation to approval, an election to approved results."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.elections.models import Formation
from gonghui.orgs.models import Org
from tests.elections.conftest import new_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def call(client: Any, method: str, url: str, headers: dict[str, str], body: Any = None) -> Any:
    kw: dict[str, Any] = {"content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(
        f"/api/v1{url}", data=json.dumps(body) if body is not None else None, **kw, **headers
    )


def test_formation_through_the_api(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    west, county = api_token("west_admin"), api_token("county_admin")
    emp = tree["employers"]["戊公司"]
    r = call(
        client,
        "post",
        "/formations",
        west,
        {"parent": "T0005", "name": "戊公司工会委员会", "employers": [emp.pk], "form": "committee"},
    )
    assert r.status_code == 201, r.json()
    fid = r.json()["id"]
    assert r.json()["problems"][0]["code"] == "roster_empty"
    r = call(
        client,
        "post",
        f"/formations/{fid}/roster",
        west,
        {"lines": "\n".join(f"甲{i} {new_id()}" for i in range(26))},
    )
    assert r.status_code == 201 and r.json()["members"] == 26
    number = new_id()
    r = call(
        client,
        "post",
        f"/formations/{fid}/roster",
        west,
        {"name": "乙", "id_number": number, "employer_id": emp.pk},
    )
    assert r.status_code == 201
    roster = call(client, "get", f"/formations/{fid}/roster", west).json()
    assert number not in json.dumps(roster) and all("*" in e["id_masked"] for e in roster)
    r = call(client, "post", f"/formations/{fid}/roster", west, {"name": "丙", "id_number": "123"})
    assert r.status_code == 400 and r.json()["details"]["field"] == "id_number"
    r = call(client, "patch", f"/formations/{fid}", west, {"form": "organiser"})
    assert r.status_code == 200
    r = call(client, "post", f"/formations/{fid}/submit", west)
    assert r.status_code == 400 and r.json()["code"] == "form_by_size"
    call(client, "patch", f"/formations/{fid}", west, {"form": "committee"})
    r = client.post(
        f"/api/v1/formations/{fid}/request",
        {"file": SimpleUploadedFile("请示.pdf", b"%PDF-1.4 signed")},
        **west,
    )
    assert r.status_code == 201 and r.json()["generated"] is False
    r = call(client, "post", f"/formations/{fid}/submit", west)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    # east cannot see it; a viewer cannot decide
    assert call(client, "get", f"/formations/{fid}", api_token("east_admin")).status_code == 404
    assert (
        call(
            client, "post", f"/formations/{fid}/decision", api_token("county_viewer"), {"decision": "approve"}
        ).status_code
        == 403
    )
    r = call(client, "post", f"/formations/{fid}/decision", county, {"decision": "approve", "term_years": 5})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "approved" and body["org"] and body["approval_no"].startswith("西镇总工会〔")
    kinds = {d["kind"] for d in body["documents"]}
    assert kinds == {"request", "roster", "approval"}
    approval = next(d for d in body["documents"] if d["kind"] == "approval")
    r = client.get(f"/api/v1/documents/{approval['id']}/file", **west)
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert (
        call(client, "post", f"/formations/{fid}/decision", county, {"decision": "approve"}).status_code
        == 409
    )
    assert Formation.objects.get(pk=fid).org.code == body["org"]


def test_election_through_the_api(client: Any, tree: dict[str, Any], api_token: Any, members: Any) -> None:
    ms = members("T0003", 40)
    Org.objects.filter(code="T0003").update(
        term_number=3, term_start=TODAY - dt.timedelta(days=1800), term_end=TODAY + dt.timedelta(days=15)
    )
    east, reviewer = api_token("east_admin"), api_token("east_reviewer")
    r = call(
        client,
        "post",
        "/elections",
        east,
        {"org": "T0003", "meeting_date": TODAY.isoformat(), "meeting_type": "delegates", "due": 30},
    )
    assert r.status_code == 400 and r.json()["code"] == "general_meeting_required"
    r = call(client, "post", "/elections", east, {"org": "T0003", "meeting_date": TODAY.isoformat()})
    assert r.status_code == 201
    e = r.json()
    assert (e["members"], e["due"], e["term_number"], e["votes_needed"]) == (40, 40, 4, 21)
    eid = e["id"]
    r = call(client, "put", f"/elections/{eid}/posts", east, {"committee": 9, "chair": 1})
    assert r.status_code == 400 and r.json()["code"] == "committee_band"
    call(client, "put", f"/elections/{eid}/posts", east, {"committee": 3, "chair": 1, "audit": 3})
    for m in ms[:4]:
        assert (
            call(
                client,
                "post",
                f"/elections/{eid}/candidates",
                east,
                {"post": "committee", "member_no": m.member_no},
            ).status_code
            == 201
        )
    call(
        client, "post", f"/elections/{eid}/candidates", east, {"post": "chair", "member_no": ms[0].member_no}
    )
    for m in ms[10:13]:
        call(
            client, "post", f"/elections/{eid}/candidates", east, {"post": "audit", "member_no": m.member_no}
        )
    r = call(client, "patch", f"/elections/{eid}", east, {"present": 26})
    assert r.json()["quorum_met"] is False  # 26 of 40 does not reach 2/3 (26.67)
    r = call(client, "post", f"/elections/{eid}/start", east)
    assert r.status_code == 400 and r.json()["code"] == "quorum"  # 开始投票 refused below quorum
    r = call(client, "patch", f"/elections/{eid}", east, {"present": 30})
    assert r.json()["quorum_met"] is True
    r = call(client, "post", f"/elections/{eid}/start", east)  # an enterprise union: the chair's 公示 first
    assert r.status_code == 400 and r.json()["code"] == "publicity_missing"
    call(
        client,
        "patch",
        f"/elections/{eid}",
        east,
        {"publicity_start": (TODAY - dt.timedelta(days=6)).isoformat()},
    )
    r = call(client, "post", f"/elections/{eid}/start", east)
    assert r.status_code == 400 and r.json()["code"] == "publicity_running"
    call(
        client,
        "patch",
        f"/elections/{eid}",
        east,
        {"publicity_start": (TODAY - dt.timedelta(days=7)).isoformat()},
    )
    e = call(client, "post", f"/elections/{eid}/start", east).json()
    assert e["status"] == "voting"
    r = call(client, "get", f"/elections/{eid}", east)
    committee = next(p for p in r.json()["posts"] if p["kind"] == "committee")
    ids_ = sorted(c["id"] for c in committee["candidates"])
    r = call(
        client,
        "post",
        f"/elections/{eid}/votes",
        east,
        {"post": "committee", "ballots": 30, "votes": dict(zip(ids_, [23, 22, 21, 21], strict=True))},
    )
    committee = next(p for p in r.json()["posts"] if p["kind"] == "committee")
    assert (
        len(committee["rounds"]) == 2 and len(committee["rounds"][0]["tied"]) == 2
    )  # a tie for the last seat
    tied = committee["rounds"][1]["candidates"]
    r = call(
        client,
        "post",
        f"/elections/{eid}/votes",
        east,
        {"post": "committee", "ballots": 30, "votes": {tied[0]: 21, tied[1]: 6}},
    )
    assert r.status_code == 200
    chair = next(p for p in r.json()["posts"] if p["kind"] == "chair")["candidates"][0]["id"]
    r = call(
        client,
        "post",
        f"/elections/{eid}/votes",
        east,
        {"post": "chair", "ballots": 30, "votes": {chair: 26}},
    )
    audit = next(p for p in r.json()["posts"] if p["kind"] == "audit")
    r = call(client, "post", f"/elections/{eid}/votes", east,
             {"post": "audit", "ballots": 30, "votes": {c["id"]: 25 for c in audit["candidates"]}})  # fmt: skip
    assert r.json()["status"] == "tallied"
    assert call(client, "post", f"/elections/{eid}/submit", east).json()["status"] == "submitted"
    r = call(client, "post", f"/elections/{eid}/decision", reviewer, {"decision": "approve"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert {d["kind"] for d in r.json()["documents"]} == {"results", "results_approval"}
    terms = call(client, "get", "/terms?overdue=true&due_within=3650", east).json()
    row = next(t for t in terms["items"] if t["org"] == "T0003")
    assert row["term_number"] == 4 and row["start"] == TODAY.isoformat()


def test_term_requests_and_terms_through_the_api(client: Any, tree: dict[str, Any], api_token: Any) -> None:
    Org.objects.filter(code="T0003").update(
        term_number=1, term_start=TODAY - dt.timedelta(days=1100), term_end=TODAY - dt.timedelta(days=3)
    )
    Org.objects.filter(code="T0006").update(
        term_number=1, term_start=TODAY - dt.timedelta(days=1100), term_end=TODAY - dt.timedelta(days=3)
    )
    east = api_token("east_admin")
    r = call(client, "get", "/terms?overdue=true", east).json()
    assert [t["org"] for t in r["items"]] == ["T0003"] and r["items"][0]["status"] == "overdue"
    r = call(
        client,
        "post",
        "/orgs/T0003/term-requests",
        east,
        {"kind": "postpone", "reason": "改制", "proposed_date": (TODAY + dt.timedelta(days=60)).isoformat()},
    )
    assert r.status_code == 201
    rid = r.json()["id"]
    assert call(
        client, "post", f"/term-requests/{rid}/decision", api_token("a_clerk"), {"decision": "approve"}
    ).status_code in (403, 404)
    r = call(
        client, "post", f"/term-requests/{rid}/decision", api_token("county_admin"), {"decision": "approve"}
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = call(client, "get", "/terms?overdue=true", east).json()
    assert r["items"] == []
    assert (
        call(
            client,
            "post",
            "/orgs/T0006/term-requests",
            east,
            {"kind": "early", "reason": "x", "proposed_date": "2030-01-01"},
        ).status_code
        == 404
    )
    notes = call(client, "get", "/notifications", api_token("east_admin")).json()
    assert any("延期换届" in n["message"] for n in notes["items"])
