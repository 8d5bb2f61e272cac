"""A real Chromium under the strict Content-Security-Policy (issue 12, findings 2 and 9).

1. Org names with markup (short and full name) show as literal text in every chart tooltip — the
   tooltips are hovered with the mouse, ECharts renders them as DOM — and on the tree, org, member and
   campaign pages; the payload never runs (window.__xss stays undefined).
2. The main pages work under the policy: 0 console errors, 0 page errors, 0 `securitypolicyviolation`
   events, and the behaviours moved out of inline handlers (tree toggle, X-Idp search header,
   filter selects, confirm buttons) still work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EAST_SHORT = "东镇<img src=x onerror=window.__xss=1>"
EAST_NAME = "东镇<b>x</b>总工会<img src=x onerror=window.__xss=2>"
WEST_SHORT = "西镇<b>x</b>"
WEST_NAME = "西镇<img src=x onerror=window.__xss=3>总工会"

# Errors, page errors and CSP violations a page reports; the listener is installed before any page
# script runs (Playwright init scripts are not subject to the page's CSP).
WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});"""


def _watch(page: Any) -> list[str]:
    problems: list[str] = []

    def on_console(m: Any) -> None:
        # the browser's own /favicon.ico request (no icon is served) is not a page error
        if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console.error {page.url}: {m.text}")

    def on_dialog(d: Any) -> None:
        problems.append(f"dialog {page.url}: {d.message}")
        d.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(f"pageerror {page.url}: {e}"))
    page.on("dialog", on_dialog)
    page.add_init_script(WATCH)
    return problems


def _violations(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.__csp || []")
    return found


@pytest.fixture
def markup(tree: dict[str, Any]) -> dict[str, Any]:
    """The test tree with markup in two townships' names, members below them, and a county campaign."""
    from gonghui.campaigns import actions as campaigns
    from gonghui.core import ids
    from gonghui.members import actions as members
    from gonghui.orgs.models import Org

    Org.objects.filter(code="T0002").update(short_name=EAST_SHORT, name=EAST_NAME)
    Org.objects.filter(code="T0005").update(short_name=WEST_SHORT, name=WEST_NAME)
    orgs = {o.code: o for o in Org.objects.all()}
    people, numbers = [], []
    for n, (code, on) in enumerate([("T0003", dt.date(2024, 5, 1)), ("T0003", dt.date(2025, 11, 10)),
                                    ("T0004", dt.date(2026, 2, 1)), ("T0006", dt.date(2026, 3, 1))]):  # fmt: skip
        numbers.append(
            ids.make_id_number("530326", dt.date(1985, 3, 1) + dt.timedelta(days=n * 97), 2 * n + 1)
        )
        people.append(members.member_register(
            user=None, org=orgs[code], joined_on=on, name=f"会员{n}", phone=f"1390000{n:04d}",
            id_number=numbers[-1], hukou_type="agri", employer_name="甲公司",
        ))  # fmt: skip
    campaign = campaigns.campaign_create(
        user=tree["users"]["county_admin"], org=orgs["T0001"], name="会员发展集中行动", measure="members",
        starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2026, 9, 30), growth_rate=Decimal("50"), net_minimum=5,
    )  # fmt: skip
    return {**tree, "campaign": campaign, "members": people, "id_numbers": numbers}


# --- tooltips -------------------------------------------------------------------------------

HOVER_POINTS = """(id) => {
  const c = echarts.getInstanceByDom(document.getElementById(id));
  const o = c.getOption();
  const catX = o.xAxis[0].type === "category";
  const labels = (catX ? o.xAxis[0] : o.yAxis[0]).data.map(String);
  const points = labels.map((_, i) => c.convertToPixel({seriesIndex: 0}, catX ? [i, 0] : [0, i]));
  return {labels, points, horizontal: !catX};
}"""

TOOLTIP = """(id) => {
  const el = document.getElementById(id);
  const tips = [...el.children].filter((d) => !d.querySelector("canvas") && d.style.display !== "none" && d.innerText.trim());
  if (!tips.length) { return null; }
  const t = tips[tips.length - 1];
  return {text: t.innerText, imgs: t.querySelectorAll("img").length, bolds: [...t.querySelectorAll("b")].map((b) => b.innerText)};
}"""


def _hover_every_category(page: Any, chart_id: str) -> list[dict[str, Any]]:
    """Moves the mouse over each category of an axis chart; returns the tooltip each one showed."""
    page.locator(f"#{chart_id} canvas").first.wait_for()
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    box = page.locator(f"#{chart_id}").bounding_box()
    info = page.evaluate(HOVER_POINTS, chart_id)
    seen = []
    for label, (x, y) in zip(info["labels"], info["points"], strict=True):
        dx, dy = (6, 0) if info["horizontal"] else (0, -6)
        page.mouse.move(box["x"] + 2, box["y"] + 2)
        page.mouse.move(box["x"] + x + dx, box["y"] + y + dy, steps=3)
        page.wait_for_function(
            "([id, label]) => { const el = document.getElementById(id);"
            " return [...el.children].some((d) => !d.querySelector('canvas') && d.style.display !== 'none'"
            " && d.innerText.split('\\n')[0] === label); }",
            arg=[chart_id, label],
        )
        tip = page.evaluate(TOOLTIP, chart_id)
        assert tip is not None and tip["text"].split("\n")[0] == label, (chart_id, label, tip)
        assert tip["imgs"] == 0, (chart_id, label, tip)
        seen.append({"label": label, **tip})
    return seen


def _assert_names_literal(seen: list[dict[str, Any]], *names: str) -> None:
    labels = [s["label"] for s in seen]
    for name in names:
        assert name in labels, (name, labels)
    for s in seen:
        assert "x" not in s["bolds"], s  # `<b>x</b>` is text, never a <b> element


def test_markup_in_org_names_is_text_in_every_chart_tooltip(
    page: Any, live_server: Any, markup: dict[str, Any], browser_login: Any
) -> None:
    problems = _watch(page)
    browser_login("county_admin")  # the home page carries the county's dashboard charts
    seen = _hover_every_category(page, "chart-children")
    _assert_names_literal(seen, EAST_SHORT, WEST_SHORT)
    seen = _hover_every_category(page, "chart-rates")
    _assert_names_literal(seen, EAST_SHORT, WEST_SHORT)
    assert len(_hover_every_category(page, "chart-years")) >= 1

    page.goto(f"{live_server.url}/dashboard/T0001/")
    seen = _hover_every_category(page, "chart-children")
    _assert_names_literal(seen, EAST_SHORT, WEST_SHORT)
    # the pie of new-employment groups: item tooltips through the same escaping formatter
    pie = page.evaluate("""() => {
      const c = echarts.getInstanceByDom(document.getElementById("chart-groups"));
      if (!c) { return 0; }  // no data: the frame says 暂无数据 and no chart is drawn
      const data = c.getOption().series[0].data;
      if (data.length) { c.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 0}); }
      return data.length;
    }""")
    if pie:
        page.wait_for_function("() => document.getElementById('chart-groups').innerText.trim().length > 0")

    c = markup["campaign"]
    page.goto(f"{live_server.url}/campaigns/{c.pk}/")
    seen = _hover_every_category(page, "chart-units")
    _assert_names_literal(seen, EAST_SHORT, WEST_SHORT)
    east = next(s for s in seen if s["label"] == EAST_SHORT)
    assert "完成率" in east["text"]  # the rest of the tooltip is still there
    if page.locator("#chart-trend").count():
        assert _hover_every_category(page, "chart-trend")

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("img[src=x]").count() == 0
    assert problems == [] and _violations(page) == []


def test_markup_in_org_names_is_text_on_tree_org_member_pages(
    page: Any, live_server: Any, markup: dict[str, Any], browser_login: Any
) -> None:
    problems = _watch(page)
    browser_login("county_admin")
    member = markup["members"][0]
    pages = [
        ("/orgs/", EAST_NAME),
        ("/orgs/T0002/", EAST_NAME),
        ("/orgs/T0003/", EAST_SHORT),  # the parent in the breadcrumb
        ("/members/", "会员0"),
        (f"/members/{member.pk}/", "会员0"),
        (f"/campaigns/{markup['campaign'].pk}/", EAST_NAME),
        ("/dashboard/T0002/", EAST_NAME),
    ]
    for url, text in pages:
        resp = page.goto(f"{live_server.url}{url}")
        assert resp.status == 200, url
        body = page.locator("body").inner_text()
        assert text in body, (url, text)
        assert page.locator("img[src=x]").count() == 0, url
        assert page.evaluate("typeof window.__xss") == "undefined", url
        assert _violations(page) == [], url
    # the tree's lazily loaded children (an htmx swap) escape too
    page.goto(f"{live_server.url}/orgs/")
    page.locator("li", has=page.locator("a", has_text=EAST_NAME)).first.locator("button.toggle").first.click()
    page.locator("a", has_text="东镇甲公司工会").wait_for()
    assert page.locator("img[src=x]").count() == 0 and page.evaluate("typeof window.__xss") == "undefined"
    assert problems == []


# --- every main page under the policy -------------------------------------------------------


def test_main_pages_work_under_the_csp_without_errors(
    page: Any, live_server: Any, markup: dict[str, Any], browser_login: Any
) -> None:
    problems = _watch(page)
    page.goto(f"{live_server.url}/login/")
    assert _violations(page) == []
    # the public join pages (anonymous, htmx): the ID check posts over htmx with the CSRF header
    for url in ("/join/T0001/", "/join/T0003/"):
        assert page.goto(f"{live_server.url}{url}").status == 200, url
        assert _violations(page) == [] and problems == [], url
    with page.expect_response(lambda r: "/check-id/" in r.url) as checked:
        page.fill("#id_id_number", "530326198503010001")
    assert checked.value.status == 200 and checked.value.request.headers.get("x-csrftoken")
    assert _violations(page) == [] and problems == []
    browser_login("county_admin")
    c = markup["campaign"]
    member = markup["members"][0]
    urls = [
        "/", "/dashboard/T0001/", "/dashboard/T0002/", "/members/", f"/members/{member.pk}/",
        "/members/applications/", "/members/applications/new/", "/members/transfers/", "/members/cards/",
        "/orgs/", "/orgs/T0002/", "/orgs/T0001/coverage/", "/employers/",
        "/campaigns/", f"/campaigns/{c.pk}/", f"/campaigns/{c.pk}/units/T0002/", f"/campaigns/{c.pk}/notes/",
        "/elections/", "/elections/formations/", "/elections/list/", "/elections/terms/",
        "/care/", "/care/files/", "/care/aid/", "/care/programmes/", "/care/training/", "/care/model-workers/",
        "/rosters/", "/exports/", "/reports/annual/T0001/", "/audit/",
    ]  # fmt: skip
    statuses = {}
    for url in urls:
        resp = page.goto(f"{live_server.url}{url}", wait_until="load")
        statuses[url] = resp.status
        page.wait_for_load_state("networkidle")
        assert _violations(page) == [], url
        assert problems == [], url
    assert {u: s for u, s in statuses.items() if s != 200} == {}
    # the charts drew (their scripts are static files now)
    page.goto(f"{live_server.url}/campaigns/{c.pk}/")
    page.locator("#chart-units canvas").wait_for()

    # tree: the "+" button loads children over htmx and turns into "−" (was hx-on, which needs eval)
    page.goto(f"{live_server.url}/orgs/")
    toggle = (
        page.locator("li", has=page.locator("a", has_text=EAST_NAME)).first.locator("button.toggle").first
    )
    toggle.click()
    page.locator("a", has_text="东镇甲公司工会").wait_for()
    expect(toggle).to_have_text("−")  # retries: set by the htmx:afterRequest handler
    expect(toggle).to_be_disabled()

    # members: the ID-number search goes in the X-Idp header (was an hx-headers js: expression)
    page.goto(f"{live_server.url}/members/")
    number = markup["id_numbers"][0]
    page.fill("#idp", number)
    with page.expect_response(
        lambda r: "/members/" in r.url and r.request.headers.get("hx-request") == "true"
    ) as res:
        page.press("#idp", "Enter")
    assert res.value.request.headers.get("x-idp") == number and number not in res.value.request.url
    # the swap lands after the response: wait for it (the full list also shows 会员0)
    expect(page.locator("#rows", has_text="会员1")).to_have_count(0)  # found by the header, one person
    page.locator("#rows", has_text="会员0").wait_for()

    # a filter select submits its form on change (was onchange=)
    page.goto(f"{live_server.url}/elections/formations/")
    select = page.locator("select[name=status]")
    value = select.locator("option").nth(1).get_attribute("value")
    with page.expect_navigation():
        select.select_option(value)
    assert f"status={value}" in page.url

    # the join form's union select reloads with ?org= (was onchange=)
    page.goto(f"{live_server.url}/members/applications/new/")
    org_select = page.locator("select#id_org")
    if org_select.count():
        choice = org_select.locator("option[value]:not([value=''])").first.get_attribute("value")
        with page.expect_navigation():
            org_select.select_option(choice)
        assert f"org={choice}" in page.url

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert problems == [] and _violations(page) == []


def test_api_docs_page_works_under_the_csp(
    page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any
) -> None:
    """Swagger UI (django-ninja's local copy) needs no inline script or eval; it reports a parse error
    in the console when the OpenAPI document is not valid for it (duplicate keys, for example)."""
    problems = _watch(page)
    browser_login("county_admin")
    assert page.goto(f"{live_server.url}/api/v1/docs").status == 200
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert _violations(page) == [] and problems == []
    page.locator(".swagger-ui .opblock").first.wait_for()


def test_confirm_button_asks_before_submitting(page: Any, live_server: Any) -> None:
    """data-confirm (was onclick="return confirm(…)"): dismissing the dialog keeps the form unsent."""
    page.goto(f"{live_server.url}/login/")
    page.wait_for_function("() => window.gonghui && typeof window.gonghui.escapeHtml === 'function'")
    page.evaluate("""() => {
      const f = document.createElement("form"); f.action = "/login/"; f.method = "get";
      const b = document.createElement("button"); b.setAttribute("data-confirm", "<b>确定？</b>"); b.id = "go";
      f.appendChild(b); document.body.appendChild(f);
    }""")
    messages: list[str] = []

    def dismiss(d: Any) -> None:
        messages.append(d.message)
        d.dismiss()

    page.on("dialog", dismiss)
    page.click("#go")
    page.wait_for_timeout(300)
    assert messages == ["<b>确定？</b>"] and page.url.endswith("/login/")
    assert page.evaluate("gonghui.escapeHtml('<img src=x onerror=a()>&\"\\'')") == (
        "&lt;img src=x onerror=a()&gt;&amp;&quot;&#39;"
    )
