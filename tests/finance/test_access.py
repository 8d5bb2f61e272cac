"""Scope and role: money only for 财务 and admins; another township's objects answer 404 like missing
ones; pages and the API agree; `gonghui stats --json` carries `dues` and `funds`, `--verify` exact."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from gonghui.finance import actions_dues as dues
from gonghui.finance import actions_funds as funds

pytestmark = pytest.mark.django_db


def _token(user: Any) -> dict[str, str]:
    from gonghui.accounts.actions import token_create

    _row, token = token_create(actor=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_api_scope_and_role(client: Any, tree: Any, fin: Any, member: Any, api_token: Any) -> None:
    east = _token(fin["east_fin"])
    west_member = member("T0006", name="西镇会员")
    own_member = member("T0003", name="东镇会员")
    assert client.get("/api/v1/finance/T0003/stats", **east).status_code == 200
    out_of_scope = client.get("/api/v1/finance/T0006/stats", **east)
    missing = client.get("/api/v1/finance/NOPE/stats", **east)
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    # an id in a body: another township's member answers like one nobody has
    body = {"month": "2026-01-01", "paid_on": "2026-01-20"}
    r1 = client.post(
        "/api/v1/finance/dues/payments",
        {**body, "member_id": west_member.pk},
        content_type="application/json",
        **east,
    )
    r2 = client.post(
        "/api/v1/finance/dues/payments",
        {**body, "member_id": 10**12},
        content_type="application/json",
        **east,
    )
    assert r1.status_code == r2.status_code == 404 and r1.json() == r2.json()
    # clerks, reviewers and viewers see no money at all, not even in scope
    for name in ("east_clerk", "east_viewer", "east_reviewer"):
        h = api_token(name)
        assert client.get("/api/v1/finance/T0003/stats", **h).status_code == 403
        assert client.get("/api/v1/finance/T0003/dues", **h).status_code == 403
        stats = client.get("/api/v1/orgs/T0002/stats", **h).json()
        assert "dues" not in stats and "funds" not in stats
    assert "funds" in client.get("/api/v1/orgs/T0002/stats", **east).json()
    # the 财务 account works through the API end to end
    dues.dues_wage_set(user=fin["east_fin"], membership=own_member, wage_fen=300000)
    r = client.post(
        "/api/v1/finance/dues/payments",
        {**body, "member_id": own_member.pk},
        content_type="application/json",
        **east,
    )
    assert r.status_code == 201 and r.json()["amount_fen"] == 1500
    jia = tree["employers"]["甲公司"]
    r = client.post("/api/v1/finance/funds/declarations", {"employer_id": tree["employers"]["丁公司"].pk, "period": "2026-01-01",
                    "payroll_fen": 100}, content_type="application/json", **east)  # fmt: skip
    assert r.status_code == 404
    r = client.post("/api/v1/finance/funds/declarations", {"employer_id": jia.pk, "period": "2026-01-01", "payroll_fen": 1_000_000},
                    content_type="application/json", **east)  # fmt: skip
    assert r.status_code == 201 and r.json()["due_fen"] == 20_000
    r = client.post("/api/v1/finance/funds/payments", {"employer_id": jia.pk, "paid_on": "2026-02-01", "amount_fen": 20_000},
                    content_type="application/json", **east)  # fmt: skip
    assert r.status_code == 201 and sum(s["amount_fen"] for s in r.json()["shares"]) == 20_000


def test_pages_scope_role_and_nav(client: Any, tree: Any, fin: Any, member: Any) -> None:
    m = member("T0003")
    west = member("T0006")
    client.force_login(fin["east_fin"])
    home = client.get("/finance/T0002/")
    assert home.status_code == 200 and "会费经费" in home.content.decode()
    for url in ("/finance/T0003/dues/", "/finance/T0002/arrears/", "/finance/T0002/funds/", "/finance/T0003/ledger/",
                f"/finance/members/{m.pk}/", f"/finance/employers/{tree['employers']['甲公司'].pk}/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    for url in ("/finance/T0006/dues/", "/finance/T0001/", f"/finance/members/{west.pk}/", "/finance/NOPE/",
                f"/finance/employers/{tree['employers']['丁公司'].pk}/letter.pdf"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    r = client.post(f"/finance/members/{m.pk}/", {"form": "wage", "wage": "3009.99", "exemption": ""})
    assert r.status_code == 302 and m.__class__.objects.get(pk=m.pk).dues.wage_fen == 300999
    assert "经费收缴率" in client.get("/dashboard/T0002/").content.decode()  # the dashboard panel
    client.force_login(tree["users"]["east_clerk"])
    assert "会费经费" not in client.get("/").content.decode()
    assert "经费收缴率" not in client.get("/dashboard/T0002/").content.decode()
    assert client.get("/finance/T0003/dues/").status_code == 403
    assert client.post(f"/finance/members/{m.pk}/", {"form": "wage", "wage": "1"}).status_code == 403


def test_stats_json_and_verify(tree: Any, fin: Any, member: Any) -> None:
    user = fin["county_fin"]
    m = member("T0003")
    dues.dues_wage_set(user=user, membership=m, wage_fen=500000)
    today = dt.date.today()
    dues.dues_pay(user=user, membership=m, month=today.replace(day=1), paid_on=today)
    funds.funds_declare(user=user, employer=tree["employers"]["戊公司"], period=today, payroll_fen=1_000_000)
    out = io.StringIO()
    call_command("stats", "--org", "T0001", "--json", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["dues"] == {"members_paying": 1, "collected_this_year": 2500, "in_arrears_6m": 0}
    assert stats["funds"] == {
        "due_this_year": 20_000,
        "paid_this_year": 0,
        "collection_rate": 0.0,
        "employers_in_arrears": 1,
    }
    err = io.StringIO()
    call_command("stats", "--verify", stderr=err, stdout=io.StringIO())
    assert "counters_exact=true" in err.getvalue()
