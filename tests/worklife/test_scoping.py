"""Scoping of every worklife list, export and API route: a township sees its own subtree's rows,
never another township's; an id from outside answers 404 like a missing one; viewers read but
never write. (The route-walking test in tests/accounts covers every route with foreign ids.)"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from gonghui.core.sheet_reading import Table
from gonghui.worklife.models import (
    Activity,
    CollectiveContract,
    CongressEmployer,
    CongressSession,
    ContractEmployer,
    ContractStatus,
    Disclosure,
    Proposal,
    UnionGroup,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(tree: dict[str, Any]) -> dict[str, Any]:
    """One of everything in 东镇甲公司工会 (T0003) and in 西镇丁公司工会 (T0006)."""
    out: dict[str, Any] = {}
    for code, emp in (("T0003", "甲公司"), ("T0006", "丁公司")):
        org, e = tree["orgs"][code], tree["employers"][emp]
        scope = {"org": org, "org_path": org.path, "province_code": "53"}
        s = CongressSession.objects.create(
            term_no=1, session_no=1, held_on=dt.date(2026, 3, 1), delegates=30, **scope
        )
        CongressEmployer.objects.create(session=s, employer=e)
        p = Proposal.objects.create(session=s, number=1, author="代表", subject=f"{emp}提案")
        Disclosure.objects.create(subject=f"{emp}公开", disclosed_on=dt.date(2026, 3, 1), **scope)
        c = CollectiveContract.objects.create(title=f"{emp}合同", status=ContractStatus.EFFECTIVE, signed_on=dt.date(2026, 1, 1),
                                              start_on=dt.date(2026, 1, 1), end_on=dt.date(2028, 12, 31), **scope)  # fmt: skip
        ContractEmployer.objects.create(contract=c, employer=e)
        a = Activity.objects.create(
            kind="culture", held_on=dt.date(2026, 3, 2), title=f"{emp}运动会", **scope
        )
        g = UnionGroup.objects.create(name=f"{emp}一组", **scope)
        out[code] = {"session": s, "proposal": p, "contract": c, "activity": a, "group": g}
    return out


PAGES = ["/worklife/congress/", "/worklife/contracts/", "/worklife/activities/"]
EXPORTS = [
    "/worklife/congress/export.xlsx",
    "/worklife/contracts/export.xlsx",
    "/worklife/activities/export.xlsx",
]


def _xlsx_text(resp: Any, tmp_path: Any) -> str:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(resp.streaming_content))
    return " ".join(str(c) for _n, cells in Table(path).rows(0) for c in cells if c not in (None, ""))


def test_lists_and_exports_show_the_own_subtree_only(
    client: Any, tree: dict[str, Any], rows: dict[str, Any], tmp_path: Any
) -> None:
    client.force_login(tree["users"]["east_clerk"])
    for url in PAGES:
        body = client.get(url).content.decode()
        assert ("甲公司" in body) and ("丁公司" not in body), url
    for url in EXPORTS:
        resp = client.get(url)
        assert resp.status_code == 200, url
        text = _xlsx_text(resp, tmp_path)
        assert "甲公司" in text and "丁公司" not in text, url
    # a filter on another township's union is refused like a missing one
    assert client.get("/worklife/contracts/?org=T0006").status_code == 404
    assert client.get("/worklife/org/T0006/").status_code == 404
    for kind, url in (("session", "/worklife/congress/{}/"), ("contract", "/worklife/contracts/{}/"),
                      ("activity", "/worklife/activities/{}/"), ("group", "/worklife/groups/{}/")):  # fmt: skip
        assert client.get(url.format(rows["T0003"][kind].pk)).status_code == 200
        assert client.get(url.format(rows["T0006"][kind].pk)).status_code == 404
    # the county sees both
    client.force_login(tree["users"]["county_viewer"])
    body = client.get("/worklife/contracts/").content.decode()
    assert "甲公司合同" in body and "丁公司合同" in body
    assert client.get("/worklife/contracts/export.xlsx").status_code == 403  # viewers do not export


def test_api_lists_are_scoped_and_writes_need_union_work(tree: dict[str, Any], rows: dict[str, Any], client: Any,
                                                         api_token: Any) -> None:  # fmt: skip
    east = api_token("east_clerk")
    for path in ("congress", "contracts", "activities", "groups", "proposals", "disclosures"):
        items = client.get(f"/api/v1/worklife/{path}", **east).json()["items"]
        assert items, path
        texts = json.dumps(items, ensure_ascii=False)
        assert "丁公司" not in texts, path
    assert client.get(f"/api/v1/worklife/contracts/{rows['T0006']['contract'].pk}", **east).status_code == 404
    assert client.get("/api/v1/worklife/activities?under=T0006", **east).status_code == 404
    cov = client.get("/api/v1/worklife/coverage", **east).json()
    assert cov["employers_covered"] == 1 and cov["employees_covered"] == 120
    viewer = api_token("east_viewer")
    body = {
        "org": "T0003",
        "kind": "culture",
        "held_on": "2026-03-05",
        "title": "拔河比赛",
        "participants": 40,
    }
    resp = client.post(
        "/api/v1/worklife/activities", data=json.dumps(body), content_type="application/json", **viewer
    )
    assert resp.status_code == 403
    resp = client.post(
        "/api/v1/worklife/activities", data=json.dumps(body), content_type="application/json", **east
    )
    assert resp.status_code == 201 and resp.json()["kind_label"] == "文体活动"
    # a foreign employer in a body answers 404, like an unknown one
    c = {"org": "T0003", "title": "x", "employer_ids": [tree["employers"]["丁公司"].pk]}
    resp = client.post(
        "/api/v1/worklife/contracts", data=json.dumps(c), content_type="application/json", **east
    )
    assert resp.status_code == 404
