"""On a phone (375 px, real Chromium): a worker applies, signs in with an SMS code, follows the
status, is approved, opens the e-card; a checker verifies the QR online and offline; an expired
token fails; the member starts a transfer that both unions act on; the member downloads their data.

Screenshots (GONGHUI_SCREENSHOTS=1) go to docs/screenshots/me-*.png.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.members.conftest import new_id
from tests.portal.conftest import PHONE, a_minute_later, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE_VIEW = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=PHONE_VIEW, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def shot(page: Any, screenshot: Any, name: str) -> None:
    import os

    from tests.conftest import SCREENSHOTS

    if os.environ.get("GONGHUI_SCREENSHOTS") == "1":
        # a full-page capture would paint the fixed tab bar mid-page: put it at the end
        page.add_style_tag(content=".me-tabs { position: static; margin: 1rem 0 0; }")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_worker_to_member_card_transfer_and_data(
    phone: Any,
    page: Any,
    live_server: Any,
    tree: dict[str, Any],
    outbox: Any,
    browser_login: Any,
    screenshot: Any,
) -> None:
    from gonghui.members import actions
    from gonghui.members.models import Application, Membership, Transfer
    from gonghui.portal import signing

    url = live_server.url
    # 1. the worker applies on the union's join page
    phone.goto(f"{url}/join/T0003/")
    phone.fill("#id_name", "林小雨")
    phone.fill("#id_id_number", new_id(male=False))
    phone.locator("#idcheck", has_text="身份证号有效").wait_for()
    phone.fill("#id_phone", PHONE)
    phone.click("#send-sms")
    phone.locator("#smsmsg", has_text="139****5678").wait_for()
    phone.fill("#id_sms_code", last_code(outbox))
    phone.select_option("#id_hukou_type", "agri")
    phone.check("#id_consent")
    phone.click("#submit-join")
    phone.wait_for_url("**/join/status/**")

    # 2. signs in with phone + SMS code (no password) and follows the status (a minute later:
    #    one code a minute per phone)
    a_minute_later()
    phone.goto(f"{url}/me/")
    phone.wait_for_url("**/me/login/**")
    phone.fill("#phone", PHONE)
    shot(phone, screenshot, "me-01-signin")
    phone.click("#send-code")
    phone.locator("#sent").wait_for()
    phone.fill("#code", last_code(outbox))
    phone.click("#signin-go")
    phone.wait_for_url(f"{url}/me/")
    app = Application.objects.get()
    box = phone.locator(f"#app-{app.form_no}")
    assert (
        "待审核" in box.inner_text()
        and "东镇甲公司工会" in box.inner_text()
        and "应答复日期" in box.inner_text()
    )
    phone.goto(f"{url}/me/status/")
    shot(phone, screenshot, "me-02-status")

    # 3. the union approves (the staff action); the member's card appears
    m = actions.application_approve(user=tree["users"]["east_admin"], application=app)
    phone.goto(f"{url}/me/")
    assert m.member_no in phone.locator("#home-member").inner_text()
    shot(phone, screenshot, "me-03-home")
    phone.click("nav.me-tabs >> text=会员证")
    phone.wait_for_url("**/me/card/")
    assert phone.locator("#card-no").inner_text() == m.member_no
    assert phone.locator("#card-qr").evaluate("img => img.naturalWidth") > 100
    shot(phone, screenshot, "me-04-card")
    # added to the home screen: the service worker keeps the last card for when the phone is offline
    assert phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)").endswith("/me/")
    phone.reload()  # now under the worker's control: this answer is kept
    phone.wait_for_function("caches.has('gonghui-card-v1')")
    phone.context.set_offline(True)
    phone.goto(f"{url}/me/card/")
    assert (
        phone.locator("#card-no").inner_text() == m.member_no and phone.locator("#offline-note").is_visible()
    )
    phone.context.set_offline(False)
    phone.goto(f"{url}/me/card/")
    check_url = phone.locator("#card-check-link").get_attribute("href")

    # 4. a checker opens the QR's address: masked name, union, valid
    page.set_viewport_size(PHONE_VIEW)
    page.goto(check_url)
    assert page.locator("#check-result").inner_text() == "有效"
    assert page.locator("#check-name").inner_text() == "林**"  # masked: the surname only
    shot(page, screenshot, "me-05-check")
    # offline: the checker's page verifies the signature with the public key in the browser
    page.goto(f"{url}/me/check/")
    page.fill("#token", check_url)
    page.click("#verify")
    assert page.locator("#offline-result").inner_text() == "有效"
    shot(page, screenshot, "me-06-checker")
    # a screenshot of the QR, after its validity: refused online and offline
    old = signing.sign({"mid": m.pk, "n": "林*雨", "u": "东镇甲公司工会"}, now=time.time() - 3600)
    page.goto(f"{url}/me/check/{old}/")
    assert (
        page.locator("#check-result").inner_text() == "无效"
        and "已过期" in page.locator("#check-reason").inner_text()
    )
    page.goto(f"{url}/me/check/")
    page.fill("#token", f"{url}/me/check/{old}/")
    page.click("#verify")
    assert page.locator("#offline-result").inner_text() == "无效"
    assert "过期" in page.locator("#verdict").inner_text()

    # 5. the member moves to 西镇丁公司工会 (found by name); both unions act on it
    phone.click("nav.me-tabs >> text=会籍")
    phone.wait_for_url("**/me/membership/")
    phone.fill("input[name=q]", "丁公司")
    phone.press("input[name=q]", "Enter")
    phone.locator("#transfer-form").wait_for()
    phone.click("#transfer-go")
    phone.locator(".reqs li", has_text="西镇丁公司工会").wait_for()
    shot(phone, screenshot, "me-07-membership")
    # the receiving union takes the request up on its queue page …
    page.set_viewport_size({"width": 1280, "height": 700})
    browser_login("west_admin")
    page.goto(f"{url}/portal/requests/")
    shot(page, screenshot, "me-08-staff-queue")
    page.locator("tr", has_text="林小雨").locator("button[value=accept]").click()
    page.wait_for_url("**/portal/requests/")
    t = Transfer.objects.get()
    assert t.to_org.code == "T0006" and t.status == "pending"
    phone.reload()
    assert "待原工会确认" in phone.locator(".reqs").inner_text()
    # … and the sending union accepts it on its transfers page
    actions.transfer_accept(user=tree["users"]["east_admin"], transfer=t)
    phone.reload()
    assert "已完成" in phone.locator(".reqs").inner_text()
    assert Membership.objects.get(person=m.person, status="active").org.code == "T0006"

    # 6. services and my data: downloads
    phone.goto(f"{url}/me/services/")
    shot(phone, screenshot, "me-09-services")
    phone.goto(f"{url}/me/data/")
    shot(phone, screenshot, "me-10-data")
    with phone.expect_download() as dl:
        phone.click("#dl-json")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "西镇丁公司工会" in text and re.search(r'"status": "已转出"', text)
    with phone.expect_download() as dl:
        phone.click("#dl-pdf")
    assert Path(dl.value.path()).read_bytes()[:5] == b"%PDF-"
