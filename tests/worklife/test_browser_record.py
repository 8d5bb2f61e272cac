"""A real Chromium: a township clerk records a workers' congress session with a proposal and a
collective contract for a company of the township, on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gonghui.worklife.models import CollectiveContract, ContractStatus, Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_records_a_congress_with_a_proposal_and_a_contract(
    page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any, screenshot: Any
) -> None:
    today = dt.date.today()
    browser_login("east_clerk")
    page.click("nav.mainnav >> text=工会工作")
    page.wait_for_url("**/worklife/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("text=东镇甲公司工会")
    page.wait_for_url("**/worklife/org/T0003/")

    page.click("a.btn >> text=登记职代会")
    page.fill("#id_term_no", "3")
    page.fill("#id_session_no", "1")
    page.fill("#id_held_on", today.isoformat())
    page.fill("#id_employees", "120")
    page.fill("#id_delegates", "30")
    page.fill("#id_frontline_delegates", "18")
    page.fill("#id_women_delegates", "9")
    page.get_by_label("甲公司").check()
    page.fill("#id_agenda", "审议集体合同草案\n厂务公开工作报告")
    page.click("button[type=submit]")
    page.wait_for_url("**/worklife/congress/*/")
    assert "第3届第1次职代会" in page.locator("h1").inner_text()
    assert "审议集体合同草案" in page.content()

    page.click("a.btn >> text=登记提案")
    page.fill("#id_author", "王五等 3 名代表")
    page.fill("#id_subject", "改善职工食堂伙食")
    page.fill("#id_handling", "后勤部")
    page.click("button[type=submit]")
    page.wait_for_url("**/worklife/congress/*/")
    row = page.locator("table.list tbody tr").first.inner_text()
    assert "改善职工食堂伙食" in row and "办理中" in row
    screenshot("worklife-01-congress")

    page.click("nav.crumbs >> text=东镇甲公司工会")
    page.click("a.btn >> text=登记集体合同")
    page.fill("#id_title", "甲公司 2026—2028 年集体合同")
    page.get_by_label("甲公司", exact=True).check()
    page.fill("#id_signed_on", (today - dt.timedelta(days=2)).isoformat())
    page.fill("#id_end_on", (today + dt.timedelta(days=700)).isoformat())
    page.click("button[type=submit]")
    page.wait_for_url("**/worklife/contracts/*/")
    assert "待报送" in page.locator("h1").inner_text()
    page.click("a.btn >> text=报送审查")
    page.fill("#id_labour_bureau", "县人社局")
    page.click("button[type=submit]")
    page.wait_for_url("**/worklife/contracts/*/")
    assert "审查中" in page.locator("h1").inner_text()
    screenshot("worklife-02-contract")

    c = CollectiveContract.objects.get()
    assert (c.status, c.employees_covered, c.org.code) == (ContractStatus.SUBMITTED, 120, "T0003")
    assert list(c.employers.values_list("name", flat=True)) == ["甲公司"]
    assert Proposal.objects.get().session.org.code == "T0003"
