"""In a real Chromium: a worker opens the union's join link and applies from the phone; the union
approves; the card sheet is printed; the card's QR check page says valid (issue 3, "must show").

Screenshots (GONGHUI_SCREENSHOTS=1) go to docs/screenshots/members-*.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gonghui.members import sms
from tests.members.conftest import new_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def outbox(settings: Any) -> Any:
    settings.GONGHUI_SMS_BACKEND = "gonghui.members.sms.LocmemBackend"
    sms.LocmemBackend.outbox.clear()
    yield sms.LocmemBackend.outbox
    sms.LocmemBackend.outbox.clear()


def test_join_by_phone_approve_print_card_and_check(page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any,
                                                    screenshot: Any, outbox: Any, tmp_path: Path) -> None:  # fmt: skip
    from gonghui.members.models import Application, Card, Membership

    number = new_id(male=False)
    # 1. the worker scans the union's QR code: a mobile page, no login
    page.set_viewport_size({"width": 414, "height": 860})
    page.goto(f"{live_server.url}/join/T0003/")
    assert "东镇甲公司工会" in page.locator(".band").inner_text()
    assert page.locator("text=谁能看到").is_visible()
    screenshot("members-01-join")

    page.fill("#id_name", "林小雨")
    page.fill("#id_id_number", number)
    page.locator("#idcheck", has_text="身份证号有效").wait_for()
    page.fill("#id_phone", "13912345678")
    page.click("#send-sms")
    page.locator("#smsmsg", has_text="139****5678").wait_for()
    code = re.search(r"\d{6}", outbox[-1][1]).group(0)
    page.fill("#id_sms_code", code)
    page.select_option("#id_hukou_type", "agri")
    page.select_option("#id_ethnicity", "07")
    page.select_option("#id_employer", label="甲公司")
    page.fill("#id_job", "包装工")
    page.check("#id_consent")
    screenshot("members-02-apply")
    page.click("#submit-join")
    page.wait_for_url("**/join/status/**")
    form_no = page.locator("#form-no").inner_text()
    assert form_no == "T0003-000001" and "待审核" in page.locator("#app-status").inner_text()
    screenshot("members-03-submitted")
    app = Application.objects.get()
    assert app.channel == "qr" and app.phone_verified and app.employer_name == "甲公司"

    # 2. the union reviews and approves
    page.set_viewport_size({"width": 1280, "height": 860})
    browser_login("east_admin")
    page.click("nav.mainnav >> text=入会审核")
    page.wait_for_url("**/members/applications/")
    page.locator("a", has_text="林小雨").first.wait_for()
    screenshot("members-04-review-queue")
    page.locator("a", has_text="林小雨").first.click()
    page.wait_for_url(f"**/members/applications/{app.pk}/")
    screenshot("members-05-application")
    page.click("#approve")
    page.wait_for_url("**/members/*/")
    m = Membership.objects.get()
    assert m.member_no in page.content() and form_no in page.content() and number not in page.content()
    screenshot("members-06-member")

    # 3. finding the member by ID number: the number goes in a header, not the URL
    page.goto(f"{live_server.url}/members/")
    page.fill("#idp", number)
    page.press("#idp", "Enter")
    page.locator("#rows a", has_text="林小雨").wait_for()
    assert number not in page.url

    # 4. cards: issue the batch, print the sheet
    page.click("nav.mainnav >> text=会员证")
    page.wait_for_url("**/members/cards/")
    page.select_option("form.form select[name=org]", "T0003")
    screenshot("members-07-cards")
    page.click("#issue")
    page.wait_for_url("**/members/cards/batches/*/")
    screenshot("members-08-card-batch")
    pdf_url = page.locator("#print-cards").get_attribute("href")
    resp = page.request.get(f"{live_server.url}{pdf_url}")
    assert resp.ok and resp.headers["content-type"] == "application/pdf"
    sheet = tmp_path / "cards.pdf"
    sheet.write_bytes(resp.body())
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "90", "-png", "-singlefile", str(sheet), str(tmp_path / "cards")], check=True
        )
        assert (tmp_path / "cards.png").stat().st_size > 10_000
        if os.environ.get("GONGHUI_SCREENSHOTS") == "1":
            SHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(tmp_path / "cards.png", SHOTS / "members-09-card-pdf.png")
        text = subprocess.run(
            ["pdftotext", str(sheet), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "林小雨" in text and m.member_no in text

    # 5. the QR code on the card leads to the public check page
    card = Card.objects.get()
    check = page.locator("a.check-link").first.get_attribute("href")
    assert check.endswith(f"/card/{card.check_token}/")
    page.context.clear_cookies()  # anyone may check a card
    page.set_viewport_size({"width": 414, "height": 700})
    page.goto(f"{live_server.url}{check}")
    assert page.locator("#card-result").inner_text() == "有效"
    assert "林**" in page.content() and "林小雨" not in page.content() and m.member_no not in page.content()
    screenshot("members-10-card-check")
