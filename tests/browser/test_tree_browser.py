"""A real Chromium logs in and browses the union tree (issue 2)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_browse_tree_and_search(
    page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/login/")
    screenshot("01-login")
    browser_login("county_admin")
    assert page.locator("h1").inner_text() == "测试县总工会"
    screenshot("02-home")

    page.click("nav.mainnav >> text=组织架构")
    page.wait_for_url("**/orgs/")
    east = page.locator("li", has=page.locator("a", has_text="东镇总工会")).first
    assert page.locator("a", has_text="东镇甲公司工会").count() == 0  # children load lazily
    east.locator("button.toggle").first.click()
    page.locator("a", has_text="东镇甲公司工会").wait_for()
    assert page.locator("a", has_text="东镇联合工会").is_visible()
    screenshot("03-tree")

    page.fill("input[name=q]", "丁公司")
    page.locator("#results a", has_text="西镇丁公司工会").wait_for()
    page.locator("#results a", has_text="西镇丁公司工会").click()
    page.wait_for_url("**/orgs/T0006/")
    assert "西镇丁公司工会" in page.locator("h1").inner_text()
    screenshot("04-org-detail")


def test_township_user_sees_only_its_township(
    page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any
) -> None:
    browser_login("east_viewer")
    page.goto(f"{live_server.url}/orgs/")
    assert page.locator("a", has_text="东镇总工会").count() == 1
    assert page.locator("a", has_text="西镇总工会").count() == 0
    resp = page.goto(f"{live_server.url}/orgs/T0006/")
    assert resp.status == 404
    assert "不在您的管辖范围内" in page.content()
