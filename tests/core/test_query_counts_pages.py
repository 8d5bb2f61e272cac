"""Issue 19: every page clerks open under load, and its API list, runs the same number of queries
for a county admin, a township clerk and a grassroots clerk whether their subtree holds a few rows
or many — the home page, dashboard, member list and searches (name, ID number), org tree and org
page, review queue, campaign page, coverage page and transfer list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.members import actions
from gonghui.members.models import Membership
from gonghui.reports import snapshots
from tests.members.conftest import person

pytestmark = pytest.mark.django_db

ROLES = [("county_admin", "T0001"), ("east_clerk", "T0002"), ("a_clerk", "T0003")]
PLACES = ["T0003", "T0004", "T0006", "T0008"]


def _grow(tree: dict[str, Any], n: int, first: list[str]) -> None:
    """n members in each base union, n applications waiting in 东镇甲, one more transfer out of it."""
    admin = tree["users"]["county_admin"]
    for code in PLACES:
        for i in range(n):
            p = person(name=f"王{code[-1]}{i}", new_employment_group="courier" if i % 2 else "")
            if not first:
                first.append(p["id_number"])
            actions.member_register(user=admin, org=tree["orgs"][code], **p)
    leaving = actions.member_register(user=admin, org=tree["orgs"]["T0003"], **person(name="李走"))
    actions.transfer_start(user=admin, membership=leaving, to_org=tree["orgs"]["T0006"], side="from")
    for _ in range(n):
        actions.application_create(user=admin, org=tree["orgs"]["T0003"], channel="paper", consent_version="t",
                                   **person())  # fmt: skip
    snapshots.ensure()  # the history a dashboard reads (the worker takes it nightly)


def _count(c: Any, url: str, **kw: Any) -> int:
    if url.startswith("idp:"):  # the ID search: the number travels in a header, never in the URL
        url, kw = "/members/", {**kw, "HTTP_X_IDP": url[4:]}
    c.get(url, **kw)  # warm (code tables, session)
    cache.clear()  # the home page's campaign list is cached for a minute: count the real work
    with CaptureQueriesContext(connection) as ctx:
        resp = c.get(url, **kw)
    assert resp.status_code == 200, (url, resp.status_code, resp.content[:300])
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def _urls(code: str, campaign: int, id_number: str, member: int) -> list[str]:
    return [
        "/", f"/dashboard/{code}/", "/members/", "/members/?q=王", f"idp:{id_number}", "/orgs/",
        f"/orgs/{code}/", "/members/applications/", f"/campaigns/{campaign}/", f"/orgs/{code}/coverage/",
        "/members/transfers/", f"/members/{member}/", "/members/?q=王3", "/members/?q=3", "/members/?status=all",
    ]  # fmt: skip


@pytest.fixture
def campaign(tree: dict[str, Any]) -> Any:
    from gonghui.campaigns import actions as campaign_actions

    today = dt.date.today()
    return campaign_actions.campaign_create(
        user=tree["users"]["county_admin"], org=tree["orgs"]["T0001"], name="会员发展集中行动", measure="members",
        starts_on=today - dt.timedelta(days=60), ends_on=today + dt.timedelta(days=300),
        growth_rate=Decimal("50"), net_minimum=40,
    )  # fmt: skip


@pytest.mark.parametrize("user, code", ROLES)
def test_pages_have_the_same_query_count_for_a_small_and_a_large_subtree(tree, login, campaign, user, code):
    first: list[str] = []
    _grow(tree, 1, first)
    c = login(user)
    member = Membership.objects.filter(org_path__startswith=tree["orgs"][code].path).order_by("id").first()
    urls = _urls(code, campaign.pk, first[0], member.pk)
    few = {u: _count(c, u) for u in urls}
    _grow(tree, 4, first)
    many = {u: _count(c, u) for u in urls}
    assert few == many, {u: (few[u], many[u]) for u in urls if few[u] != many[u]}
    found = c.get("/members/", HTTP_X_IDP=first[0]).content.decode()
    assert "王" in found and "共 1 条" in found  # the ID search found its member, and only it


API = [
    "/api/v1/members", "/api/v1/members?q=王", "/api/v1/applications", "/api/v1/transfers",
    "/api/v1/campaigns", "/api/v1/campaigns/{c}", "/api/v1/campaigns/{c}/units/{code}", "/api/v1/orgs/{code}/stats",
]  # fmt: skip


@pytest.mark.parametrize("user, code", ROLES)
def test_api_lists_have_the_same_query_count_for_a_small_and_a_large_subtree(tree, client, api_token, campaign,
                                                                              user, code):  # fmt: skip
    auth = api_token(user)
    urls = [u.format(c=campaign.pk, code=code) for u in API]
    _grow(tree, 1, [])
    few = {u: _count(client, u, **auth) for u in urls}
    _grow(tree, 4, [])
    many = {u: _count(client, u, **auth) for u in urls}
    assert few == many, {u: (few[u], many[u]) for u in urls if few[u] != many[u]}
