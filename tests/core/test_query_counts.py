"""Lists of the union tree, employers and campaigns run a fixed number of queries however many rows
they show (issue 12: query-count tests for every list, page and API). Members, elections and care
have their own in their test folders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core import ids
from gonghui.orgs.models import Employer, Org, OrgKind

pytestmark = pytest.mark.django_db


def _grow(tree: dict[str, Any], n: int) -> None:
    """n more grassroots unions under 东镇, each with a covered employer, and n employers without one."""
    east = Org.objects.get(code="T0002")
    first = Org.objects.filter(code__startswith="Q").count()
    for i in range(first, first + n):
        union = Org.objects.add_child(
            Org.objects.get(pk=east.pk),
            {"code": f"Q{i:04d}", "name": f"东镇第{i}公司工会", "kind": OrgKind.GRASSROOTS,
             "region_code": "530326", "province_code": "53"},
        )  # fmt: skip
        for k, covered in enumerate((union, None)):
            Employer.objects.create(
                name=f"东镇第{i}-{k}公司", credit_code=ids.make_credit_code(f"91530326MA1{i:04d}{k:02d}"),
                region_code="530326", province_code="53", area_org=east, area_path=east.path, union=covered,
                employees=40 + i, migrant_workers=20, surveyed_on=dt.date(2026, 1, 15),
            )  # fmt: skip


def _count(fn: Any) -> int:
    fn()  # warm caches (code tables, session)
    with CaptureQueriesContext(connection) as ctx:
        resp = fn()
    assert resp.status_code == 200, resp.content[:300]
    # the session row is saved when its expiry is refreshed, whatever the page shows
    return sum("django_session" not in q["sql"] for q in ctx.captured_queries)


def _few_and_many(tree: dict[str, Any], fn: Any) -> tuple[int, int]:
    _grow(tree, 1)  # at least one row everywhere (an empty page skips its row query)
    few = _count(fn)
    _grow(tree, 30)
    return few, _count(fn)


PAGES = [
    ("orgs:tree", [], {}),
    ("orgs:children", ["T0002"], {}),
    ("orgs:detail", ["T0002"], {}),
    ("orgs:employers", [], {}),
    ("orgs:coverage", ["T0002"], {}),
    ("orgs:search", [], {"q": "东镇"}),
]


@pytest.mark.parametrize("name, args, params", PAGES)
def test_org_pages_have_a_fixed_query_count(tree, login, name, args, params):
    c = login("county_admin")
    few, many = _few_and_many(tree, lambda: c.get(reverse(name, args=args), params))
    assert few == many, f"{name}: {few} queries with few rows, {many} with many"


API = [
    "/api/v1/orgs",
    "/api/v1/orgs?under=T0002",
    "/api/v1/employers",
    "/api/v1/employers?unionised=false",
    "/api/v1/orgs/T0002/gaps",
    "/api/v1/orgs/T0002/stats",
]


@pytest.mark.parametrize("url", API)
def test_org_api_lists_have_a_fixed_query_count(tree, client, api_token, url):
    auth = api_token("county_admin")
    few, many = _few_and_many(tree, lambda: client.get(url, **auth))
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"


def _campaigns(tree: dict[str, Any], n: int) -> list[Any]:
    from gonghui.campaigns import actions

    made = []
    for i in range(n):
        made.append(
            actions.campaign_create(
                user=tree["users"]["county_admin"], org=tree["orgs"]["T0001" if i % 2 else "T0002"],
                name=f"集中行动{i}", measure="members", starts_on=dt.date(2025, 10, 1),
                ends_on=dt.date(2026, 9, 30), growth_rate=Decimal("10"), net_minimum=5,
            )
        )  # fmt: skip
    return made


@pytest.mark.parametrize("url", ["campaigns:list", "/api/v1/campaigns"])
def test_campaign_lists_have_a_fixed_query_count(tree, login, api_token, url):
    c = login("county_admin")
    auth = api_token("county_admin") if url.startswith("/") else {}
    get = (lambda: c.get(url, **auth)) if url.startswith("/") else (lambda: c.get(reverse(url)))
    _campaigns(tree, 2)
    few = _count(get)
    _campaigns(tree, 12)
    many = _count(get)
    assert few == many, f"{url}: {few} queries with 2 campaigns, {many} with 14"


def _jobs(tree: dict[str, Any], n: int) -> None:
    from gonghui.rosters.models import ImportJob

    for i in range(n):
        org = tree["orgs"]["T0003" if i % 2 else "T0006"]
        ImportJob.objects.create(
            org=org, org_path=org.path, user=tree["users"]["county_admin"], source_name=f"花名册{i}.xlsx",
            source_sha256=f"{i:064d}",
        )  # fmt: skip


@pytest.mark.parametrize("url", ["rosters:import", "/api/v1/imports"])
def test_import_job_lists_have_a_fixed_query_count(tree, login, api_token, url):
    c = login("county_admin")
    auth = api_token("county_admin") if url.startswith("/") else {}
    get = (lambda: c.get(url, **auth)) if url.startswith("/") else (lambda: c.get(reverse(url)))
    _jobs(tree, 2)
    few = _count(get)
    _jobs(tree, 12)
    many = _count(get)
    assert few == many, f"{url}: {few} queries with 2 jobs, {many} with 14"
