"""Issue 18 in a real browser, per admin role: the admin opens an account for a subordinate union,
the new user logs in with the one-time password and must change it, and the admin unlocks a
locked-out account."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD


def _login(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("admin", "org", "locked"), [("county_admin", "T0002", "east_viewer"), ("east_admin", "T0003", "a_clerk")]
)
def test_admin_creates_account_new_user_changes_password_admin_unlocks(
    page: Any, live_server: Any, tree: dict[str, Any], screenshot: Any, admin: str, org: str, locked: str
) -> None:
    from axes.models import AccessAttempt

    url = live_server.url
    _login(page, url, admin, PASSWORD)
    page.wait_for_url(f"{url}/")
    page.click("nav.mainnav >> text=系统管理")
    page.click("text=账号管理")
    page.click("text=开设账号")
    page.fill("#id_username", f"new_{org.lower()}")
    page.fill("#id_name", "赵敏")
    page.select_option("#id_org", org)
    page.select_option("#id_role", "clerk")
    assert page.locator("#id_role option[value=federation_admin]").count() == (
        1 if admin == "county_admin" else 0
    )
    page.click("button[type=submit]")
    otp = page.locator("#otp").inner_text().strip()
    assert len(otp) == 14
    screenshot(f"accounts-one-time-password-{admin}")
    page.click("button:has-text('退出')")

    _login(page, url, f"new_{org.lower()}", otp)
    page.wait_for_url(f"{url}/account/password/")
    page.goto(f"{url}/members/")  # every page leads back to the change page
    assert page.url == f"{url}/account/password/"
    page.fill("#id_old_password", otp)
    page.fill("#id_new_password1", "Zhao-min-2026!")
    page.fill("#id_new_password2", "Zhao-min-2026!")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{url}/")
    page.click("button:has-text('退出')")

    # a colleague locked out after five wrong passwords
    AccessAttempt.objects.create(username=locked, ip_address="127.0.0.1", user_agent="x", failures_since_start=5,
                                 get_data="", post_data="", http_accept="", path_info="/login/")  # fmt: skip
    _login(page, url, locked, PASSWORD)
    assert "/login/" in page.url or "锁定" in page.content()
    _login(page, url, admin, PASSWORD)
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/accounts/{locked}/")
    assert "已锁定" in page.content()
    page.click("#unlock")
    assert "已解除" in page.content()
    page.click("button:has-text('退出')")
    _login(page, url, locked, PASSWORD)
    page.wait_for_url(f"{url}/")
