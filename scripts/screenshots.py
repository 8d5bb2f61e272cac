"""Screenshots of the main pages for the README, taken from a running `make run` server.

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Uses Playwright with Debian's Chromium; writes docs/screenshots/*.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "gonghui-demo-2026"  # noqa: S105 - the documented demo password

PAGES = [
    ("county_admin", "/", "home"),
    ("county_admin", "/orgs/", "tree"),
    ("county_admin", "/employers/", "employers"),
    ("county_admin", "/orgs/5303260001/coverage/", "coverage"),
    ("county_admin", "/members/", "members"),
    ("county_admin", "/rosters/", "rosters"),
    ("county_admin", "/elections/", "elections"),
    ("county_admin", "/campaigns/", "campaigns"),
    ("county_admin", "/care/", "care"),
    ("county_admin", "/reports/annual/5303260001/", "annual"),
    ("county_admin", "/audit/", "audit"),
    ("county_admin", "/worklife/contracts/", "worklife-contracts"),
    ("county_admin", "/worklife/idle/5303260001/", "worklife-idle"),
    ("county_admin", "/finance/", "finance"),
    ("county_admin", "/accounts/", "accounts"),
    ("county_admin", "/system/settings/", "system-settings"),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        page.goto(f"{BASE}/login/")
        page.screenshot(path=str(OUT / "login.png"))
        page.fill("#id_username", "county_admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for _user, path, name in PAGES:
            resp = page.goto(BASE + path)
            if resp is None or resp.status != 200:
                print(f"skip {path}: {resp.status if resp else 'no response'}")
                continue
            if name == "tree":
                page.click(".node .toggle >> nth=0")
                page.wait_for_timeout(600)
            page.screenshot(path=str(OUT / f"{name}.png"))
            print(f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
