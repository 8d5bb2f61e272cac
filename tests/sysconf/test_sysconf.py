"""Issue 18, 系统设置, 批复文号 per issuing union, code tables and help pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from gonghui.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _restore_settings(db: Any) -> Iterator[None]:
    """Rows a test wrote are rolled back; lay the (now empty) table over settings again."""
    from gonghui.members import codes
    from gonghui.sysconf import store

    yield
    store.apply({})
    codes.clear_cache()


@pytest.mark.django_db
def test_setting_edit_is_audited_effective_and_resettable(login: Any, tree: dict[str, Any]) -> None:
    from gonghui.elections import conf

    client = login("county_admin")
    page = client.get("/system/settings/").content.decode()
    assert "任期“即将到期”的提前天数" in page and "系统默认" in page and "GONGHUI_" not in page
    assert conf.rules().due_days == 90
    assert client.post("/system/settings/term-due-days/", {"value": "abc"}).status_code == 200  # refused
    r = client.post("/system/settings/term-due-days/", {"value": "60"})
    assert r.status_code == 302
    assert conf.rules().due_days == 60  # the rule in force changed
    assert "60 天内届满" in client.get("/help/elections/").content.decode()
    e = AuditEntry.objects.get(action="sysconf.set")
    assert e.changes == {"value": [None, "60"]} and e.object_id == "GONGHUI_TERM_DUE_DAYS"
    row = client.get("/system/settings/").content.decode()
    assert re.search(
        r'data-key="term-due-days">.*?<td class="value">60</td>\s*<td class="source">系统设置', row, re.S
    )
    client.post("/system/settings/term-due-days/", {"reset": "1"})
    assert conf.rules().due_days == 90 and AuditEntry.objects.filter(action="sysconf.reset").count() == 1
    # only the county federation's admin: a township admin and a clerk are refused
    assert login("east_admin").get("/system/settings/").status_code == 403
    assert login("east_admin").post("/system/settings/term-due-days/", {"value": "1"}).status_code == 403


@pytest.mark.django_db
def test_coverage_denominator_recounts(login: Any, tree: dict[str, Any]) -> None:
    from gonghui.reports.models import OrgCounter

    root = tree["orgs"]["T0001"]
    assert OrgCounter.objects.get(org=root).coverage_denominator == 5  # 职工 25 人以上: all but 乙店 (8)
    login("county_admin").post("/system/settings/coverage-min-employees/", {"value": "100"})
    c = OrgCounter.objects.get(org=root)
    assert (c.coverage_denominator, c.coverage_covered) == (2, 1)  # 甲公司 (120, 有工会), 戊公司 (300)


@pytest.mark.django_db
def test_approval_number_per_issuing_union(login: Any, tree: dict[str, Any]) -> None:
    from gonghui.elections import documents
    from gonghui.sysconf import actions

    orgs, year = tree["orgs"], dt.date.today().year
    with transaction.atomic():
        assert documents.next_approval_no(year, issuer=orgs["T0001"]) == f"会总工发〔{year}〕1号"
        assert documents.next_approval_no(year, issuer=orgs["T0002"]) == f"东镇总工会〔{year}〕1号"
    client = login("county_admin")
    client.post("/system/approval-numbers/", {"org": "T0002", "pattern": "东工发〔{year}〕{n:03d}号"})
    assert AuditEntry.objects.filter(action="sysconf.approval_pattern").count() == 1
    with transaction.atomic():
        assert documents.next_approval_no(year, issuer=orgs["T0002"]) == f"东工发〔{year}〕002号"
        assert documents.next_approval_no(year, issuer=orgs["T0001"]) == f"会总工发〔{year}〕2号"
    with pytest.raises(Exception):  # noqa: B017  (a township admin cannot set patterns)
        actions.issuer_pattern_set(user=tree["users"]["east_admin"], org=orgs["T0002"], pattern="x{year}{n}")


@pytest.mark.django_db
def test_added_reason_is_offered_and_accepted(login: Any, tree: dict[str, Any]) -> None:
    from gonghui.members import actions
    from gonghui.members.models import Membership
    from tests.members.conftest import person

    m = actions.member_register(user=tree["users"]["county_admin"], org=tree["orgs"]["T0003"], **person())
    client = login("county_admin")
    r = client.post(
        "/system/codes/change_reason/",
        {"op": "add", "code": "abroad", "label": "出国定居", "parent": "leave"},
    )
    assert r.status_code == 302 and AuditEntry.objects.filter(action="codes.add").exists()
    page = client.get(f"/members/{m.pk}/status/leave/").content.decode()
    assert 'value="abroad"' in page and "出国定居" in page
    assert (
        'value="abroad"' not in client.get(f"/members/{m.pk}/status/retain/").content.decode()
    )  # another type
    r = client.post(f"/members/{m.pk}/status/leave/", {"on": str(m.joined_on), "reason": "abroad"})
    assert r.status_code == 302
    assert Membership.objects.get(pk=m.pk).status == "left"
    # a rule's code may be relabelled, never retired
    client.post("/system/codes/change_reason/", {"op": "retire", "code": "voluntary"})
    from gonghui.members import codes

    assert "voluntary" in codes.reasons_for("leave")
    client.post("/system/codes/change_reason/", {"op": "retire", "code": "abroad"})
    assert "abroad" not in codes.reasons_for("leave")


@pytest.mark.django_db
def test_help_pages_exist_and_are_linked(login: Any, tree: dict[str, Any]) -> None:
    client = login("east_clerk")
    for slug in (
        "home",
        "orgs",
        "members",
        "elections",
        "campaigns",
        "care",
        "rosters",
        "reports",
        "accounts",
    ):
        page = client.get(f"/help/{slug}/").content.decode()
        assert "适用的规则及依据" in page and "GONGHUI_" not in page, slug
    assert 'href="/help/members/"' in client.get("/members/").content.decode()
    assert 'href="/help/elections/"' in client.get("/elections/").content.decode()
    assert 'href="/help/home/"' in client.get("/").content.decode()
    annual = client.get("/reports/annual/T0002/").content.decode()
    assert 'href="/help/reports/"' in annual and "口径说明见系统帮助" in annual
    assert "职工 25 人及以上" in client.get("/help/reports/").content.decode()


@pytest.mark.django_db
def test_a_process_without_requests_reads_the_stored_value(tree: dict[str, Any]) -> None:
    """A command or the task worker lays the rows over settings at its first connection."""
    from django.db import connection

    from gonghui.elections import conf
    from gonghui.sysconf import store
    from gonghui.sysconf.models import Setting

    Setting.objects.create(key="GONGHUI_TERM_DUE_DAYS", value="45")
    assert conf.rules().due_days == 90  # this process has not looked yet
    store.stamp_now()
    try:
        store.on_first_connection(sender=None, connection=connection)
        assert conf.rules().due_days == 45
    finally:
        store._stamp().unlink()
        store._seen[0] = None


@pytest.mark.django_db
def test_an_item_added_without_a_code_gets_one(login: Any, tree: dict[str, Any]) -> None:
    from gonghui.members import codes

    client = login("county_admin")
    client.post("/system/codes/education/", {"op": "add", "code": "", "label": "博士"})
    client.post("/system/codes/change_reason/", {"op": "add", "label": "出国定居", "parent": "leave"})
    assert ("91", "博士") in [(c, label) for c, label, _p in codes.items("education")]
    assert any(
        label == "出国定居"
        for c, label, _p in codes.items("change_reason")
        if c in codes.reasons_for("leave")
    )
    assert (
        login("east_admin").post("/system/codes/education/", {"op": "add", "label": "x"}).status_code == 403
    )
