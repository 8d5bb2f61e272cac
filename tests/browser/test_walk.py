"""Every menu page, as each role, in a real Chromium (issue 18): nothing internal or English on the
screen, no link that answers 404, a screenshot of each page.

The menu is read from the page's own nav, so pages added later are walked without a change here.
The data: the shared `tree` (one account per role in a small county) with a few members, an
application, a transfer, a card batch and a campaign added through the real actions — the same
kinds of rows the demo county holds, small enough to build in a second (loading the demo county
takes ~25 s per database).

Screenshots go to a temporary folder; with GONGHUI_SCREENSHOTS=1 to docs/screenshots/ as
walk-<role>-<page>.png (1280 px wide).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.members.conftest import new_id, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# Latin words a Chinese clerk reads on these pages: file formats, standard abbreviations, product
# names shown as such. Anything else in Latin letters is internal or untranslated text.
ALLOWED = {
    "pdf", "excel", "xlsx", "csv", "png", "api", "qr", "ip", "id", "sms", "a4", "url", "http", "https",
    "gb", "gbk", "utf", "uscc", "openapi", "swagger", "token", "bearer", "json", "ok", "ca", "www", "x",
    "xls", "ods", "wps", "et", "mb", "kb", "office",
}  # fmt: skip
FORBIDDEN = ("GONGHUI_", "seed", "{'", "<Org", "Traceback", "None", "待核实", "口径待核实", "paper-signature")

ROLES = ["county_admin", "east_admin", "east_clerk", "east_reviewer", "a_clerk", "county_viewer"]


@pytest.fixture
def walk_data(tree: dict[str, Any]) -> dict[str, Any]:
    """A few rows of each kind the menu pages list, written by the real actions."""
    from gonghui.campaigns import actions as campaign_actions
    from gonghui.members import actions, cards

    users, orgs = tree["users"], tree["orgs"]
    members = [
        actions.member_register(user=users["county_admin"], org=orgs["T0003"], **person(name=n, id_number=new_id(male=m)))
        for n, m in (("王建国", True), ("李秀英", False), ("张伟", True))
    ]  # fmt: skip
    actions.member_register(user=users["county_admin"], org=orgs["T0006"], **person(name="赵丽", id_number=new_id(male=False)))  # fmt: skip
    actions.application_create(user=users["east_clerk"], org=orgs["T0003"], channel="paper",
                               consent_version="paper-signature", **person(name="陈静", id_number=new_id(male=False)))  # fmt: skip
    cards.card_batch_issue(user=users["east_admin"], org=orgs["T0003"])
    actions.transfer_start(user=users["east_clerk"], membership=members[2], to_org=orgs["T0006"], side="from")
    campaign_actions.campaign_create(
        user=users["county_admin"], org=orgs["T0001"], name="会员发展集中行动", measure="members",
        starts_on=dt.date.today() - dt.timedelta(days=30), ends_on=dt.date.today() + dt.timedelta(days=60),
        net_minimum=20, split_method="equal",
    )  # fmt: skip
    return tree


def _english_words(text: str, allowed_extra: set[str]) -> list[str]:
    # whole words only: letters inside a code (91530326MA…, 5303**********0011) are data
    words = re.findall(r"(?<![A-Za-z0-9_*])[A-Za-z][A-Za-z_]+(?![A-Za-z0-9_*])", text)
    return sorted({w for w in words if w.lower() not in ALLOWED and w not in allowed_extra})


def _slug(url: str) -> str:
    path = urlsplit(url).path.strip("/") or "home"
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[:40] or "home"


def _check_links(client: Any, hrefs: list[str], seen: dict[str, int]) -> list[str]:
    """GET every internal link not yet seen (with the role's session); the ones answering 404."""
    bad = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc and not parts.netloc.startswith(("localhost", "127.0.0.1")):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        # one link per route shape: /members/12/ and /members/13/ answer alike (a page of 50 rows
        # or 8 posters is checked once); the first of each — e.g. the county's own poster — is checked
        shape = re.sub(r"[0-9A-Z]*[0-9][0-9A-Z]*", "#", parts.path) + ("?" if parts.query else "")
        if not parts.path or shape in seen or parts.path.startswith(("/logout", "/static/")):
            continue
        seen[shape] = client.get(url).status_code
        if seen[shape] == 404:
            bad.append(url)
    return bad


def _walk(role: str, data: dict[str, Any], page: Any, client: Any, shots: Path) -> list[str]:
    menu = page.eval_on_selector_all("nav.mainnav a", "els => els.map(e => e.href)")
    menu += page.eval_on_selector_all("header .who a", "els => els.map(e => e.href)")
    problems = [] if len(menu) >= 5 else [f"{role}: a menu of {len(menu)} links"]
    client.force_login(data["users"][role])
    own = set(data["users"])  # account names are data (the header, the audit log)
    seen: dict[str, int] = {}
    for url in dict.fromkeys(menu):
        resp = page.goto(url)
        if resp is None or resp.status != 200:
            problems.append(f"{role} {url}: answers {resp and resp.status}")
            continue
        text = page.inner_text("body")
        html = page.content()
        problems += [f"{role} {url}: {bad!r} on screen" for bad in FORBIDDEN if bad in text]
        if "{&#x27;" in html or "&lt;Org" in html:
            problems.append(f"{role} {url}: a Python repr in the page")
        blank = page.eval_on_selector_all(
            ".chart",
            "els => els.filter(e => !e.querySelector('canvas') && !e.classList.contains('chart-empty')).map(e => e.id)",
        )
        if blank:  # an empty chart frame without "暂无数据"
            problems.append(f"{role} {url}: blank charts {blank}")
        if english := _english_words(text, own):
            problems.append(f"{role} {url}: English words {english}")
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)")
        problems += [f"{role} {url}: link {b} answers 404" for b in _check_links(client, hrefs, seen)]
        page.screenshot(path=str(shots / f"walk-{role}-{_slug(url)}.png"), full_page=False)
    if not any(code == 200 for code in seen.values()):
        problems.append(f"{role}: no link checked")
    return problems


def test_grassroots_home_says_no_data(walk_data: dict[str, Any], browser: Any, live_server: Any) -> None:
    """D19: a grassroots union has no subordinate unions: its charts say 暂无数据."""
    from tests.conftest import PASSWORD

    context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "a_clerk")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.inner_text("#chart-children") == "暂无数据"
    assert page.inner_text("#chart-rates") == "暂无数据"
    context.close()


def test_every_menu_page_reads_well(walk_data: dict[str, Any], browser: Any, live_server: Any, client: Any,
                                    tmp_path: Path) -> None:  # fmt: skip
    """Each role in its own browser context: log in, read the nav, open every menu page."""
    from tests.conftest import PASSWORD

    shots = SCREENSHOTS if os.environ.get("GONGHUI_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for role in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", role)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        problems += _walk(role, walk_data, page, client, shots)
        context.close()
    assert not problems, "\n".join(problems)
