"""A real Chromium opens the campaign page: the ECharts charts draw, a bar drills down into a unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_campaign_page_shows_the_chart_and_drills_down(
    page: Any, live_server: Any, register_story: Any, make_campaign: Any, browser_login: Any, screenshot: Any
) -> None:
    c = make_campaign(net_minimum=60, split_method="equal", ends_on=dt.date(2030, 9, 30))
    browser_login("county_admin")
    page.click("nav.mainnav >> text=集中行动")
    page.wait_for_url("**/campaigns/")
    page.click(f"a[href='/campaigns/{c.pk}/']")
    page.wait_for_url(f"**/campaigns/{c.pk}/")
    page.locator("#chart-units canvas").wait_for()
    page.locator("#chart-trend canvas").wait_for()
    option = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('chart-units')).getOption();
        return {units: o.xAxis[0].data, values: o.series[0].data.map(d => d.value), time: o.series[0].markLine.data[0].yAxis};
    }""")
    assert option["units"] == ["东镇总工会", "西镇总工会", "教育系统工会"]
    assert option["values"] == [20.0, 10.0, -5.0]
    assert 0 < option["time"] <= 100
    box = page.locator("#chart-units canvas").first.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    assert page.locator("table.units tr.behind").count() >= 1  # education shrank: behind
    screenshot("campaign-page")
    # a click on the first bar opens that unit
    x, y = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-units'))
        .convertToPixel({seriesIndex: 0}, [0, 10])""")
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/campaigns/{c.pk}/units/T0002/")
    assert "东镇总工会" in page.locator("h1").inner_text()
    assert page.locator("table.units a", has_text="东镇甲公司工会").count() == 1
