"""In a real browser: a township clerk records a congress session with a proposal and a collective
contract for an idle union; the union leaves the idle list, and the dashboard shows the counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gonghui.worklife import counters

pytestmark = pytest.mark.django_db(transaction=True)


def test_recorded_congress_and_contract_take_a_union_off_the_idle_list(
    tree: dict[str, Any], live_server: Any, browser_login: Any, screenshot: Any
) -> None:
    today = timezone.localdate()
    a = tree["orgs"]["T0003"]
    a.term_number, a.term_start, a.term_end = (
        2,
        today - dt.timedelta(days=300),
        today + dt.timedelta(days=1500),
    )
    a.save()  # elected on time: 20 points; still idle until it records something
    counters.refresh_all(today)
    url = live_server.url
    page = browser_login("east_clerk")

    page.goto(f"{url}/worklife/idle/T0002/")
    assert page.locator('#idle-list tr[data-org="T0003"]').count() == 1
    assert "12 个月未召开职代会" in page.locator('#idle-list tr[data-org="T0003"]').inner_text()

    page.goto(f"{url}/worklife/org/T0003/congress/new/")
    page.fill("#id_term_no", "2")
    page.fill("#id_session_no", "1")
    page.fill("#id_held_on", today.isoformat())
    page.fill("#id_delegates", "35")
    page.locator("input[name=employers]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/worklife/congress/*/")
    page.click("text=登记提案")
    page.fill("#id_author", "王师傅")
    page.fill("#id_subject", "改善一线职工休息室")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/worklife/congress/*/")
    assert "改善一线职工休息室" in page.content()

    page.goto(f"{url}/worklife/org/T0003/contracts/new/")
    page.fill("#id_title", "甲公司集体合同（2026—2029）")
    page.locator("input[name=employers]").first.check()
    page.fill("#id_employees_covered", "120")
    page.fill("#id_signed_on", (today - dt.timedelta(days=2)).isoformat())
    page.fill("#id_end_on", (today + dt.timedelta(days=900)).isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/worklife/contracts/*/")
    contract = page.url.rstrip("/").rsplit("/", 1)[1]
    page.goto(f"{url}/worklife/contracts/{contract}/submit/")
    page.fill("#id_submitted_on", (today - dt.timedelta(days=1)).isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/worklife/contracts/{contract}/")
    page.goto(f"{url}/worklife/contracts/{contract}/answer/")
    page.select_option("#id_answer", "approved")
    page.fill("#id_answered_on", today.isoformat())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url}/worklife/contracts/{contract}/")

    page.goto(f"{url}/worklife/idle/T0002/")
    assert page.locator('#idle-list tr[data-org="T0003"]').count() == 0
    assert page.locator('#idle-list tr[data-org="T0004"]').count() == 1
    screenshot("worklife_idle_list")

    page.goto(f"{url}/dashboard/T0002/")
    panel = page.locator("#worklife-panel")
    assert panel.locator("#idle-count").inner_text() == "1"
    text = panel.inner_text()
    assert "有效集体合同" in text and "覆盖单位 1 家" in text and "覆盖职工 120 人" in text
    assert "本年召开职代会的单位" in text
    screenshot("worklife_dashboard_panel")
