"""A real Chromium runs a 金秋助学 round: from the files' eligibility list to recorded payments."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schooling_round_from_eligibility_list_to_payments(
    page: Any, live_server: Any, tree: dict[str, Any], hardship: Any, browser_login: Any, screenshot: Any
) -> None:
    hardship("T0003", name="赵家", children=2)
    hardship("T0004", name="钱家", children=1)
    hardship("T0003", name="孙家", children=1)
    hardship("T0003", name="李家", children=0)  # no child in school: not eligible
    hardship("T0006", name="周家", children=1)  # 西镇: outside the round's union
    browser_login("east_admin")

    page.click("nav.mainnav >> text=服务职工")
    page.wait_for_url("**/care/")
    page.click("text=送温暖·金秋助学")
    page.click("text=新建金秋助学")
    page.select_option("#id_org", "T0002")
    page.fill("#id_name", "2026年金秋助学")
    assert page.locator("#id_type").input_value() == "schooling"
    page.fill("#id_amount_per_person", "2000")
    page.select_option("#id_source", "donation")
    page.click("button[type=submit]")
    page.wait_for_url("**/care/programmes/*/")
    assert "资格名单（尚有 3 人符合条件）" in page.locator("#eligible-link").inner_text()

    page.click("#eligible-link")
    page.wait_for_url("**/eligible/")
    rows = page.locator("#eligible tbody tr")
    assert rows.count() == 3
    names = rows.all_inner_texts()
    assert (
        any("赵家" in r for r in names)
        and any("钱家" in r for r in names)
        and not any("李家" in r or "周家" in r for r in names)
    )
    screenshot("care-01-eligible")
    page.uncheck("input[aria-label=孙家]")  # this round leaves one family out
    page.click("#add-selected")
    page.wait_for_url("**/care/programmes/*/")
    assert page.locator(".messages").inner_text().strip() == "已将 2 人加入名单。"
    assert page.locator("#sum-listed").inner_text() == "2"
    assert page.locator("#sum-unpaid").inner_text() == "2"

    page.check("input[aria-label=赵家]")
    page.fill("input[name=paid_on]", "2026-09-10")
    page.click("button[value=pay]")
    page.wait_for_url("**/care/programmes/*/")
    assert page.locator("#sum-paid").inner_text() == "1"
    assert page.locator("#sum-amount").inner_text() == "2,000.00"
    page.click("#pay-all")
    page.wait_for_url("**/care/programmes/*/")
    assert page.locator("#sum-paid").inner_text() == "2"
    assert page.locator("#sum-unpaid").inner_text() == "0"
    assert page.locator("#sum-amount").inner_text() == "4,000.00"
    assert page.locator("tr.entry-paid").count() == 2
    screenshot("care-02-paid")

    # the payments are aid records: they show on the file and in the report
    page.goto(f"{live_server.url}/care/report/T0002/?year=2026")
    assert "4,000.00" in page.locator("table.list").first.evaluate("t => t.closest('div').innerText")
