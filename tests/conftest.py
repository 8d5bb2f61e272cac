"""Shared fixtures: a small real union tree, one account per role, a real Chromium.

The tree (codes fixed so tests read plainly):
  T0001 测试县总工会 (county_federation)
  ├─ T0002 东镇总工会 (township_union)
  │   ├─ T0003 东镇甲公司工会 (grassroots)        employer 甲公司
  │   └─ T0004 东镇联合工会 (joint_grassroots)    employers 乙店, 丙店
  ├─ T0005 西镇总工会 (township_union)
  │   └─ T0006 西镇丁公司工会 (grassroots)        employer 丁公司; 戊公司 has no union
  └─ T0007 教育系统工会 (system_union)
      └─ T0008 第一中学工会 (grassroots)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Keys and files of the test run live in a throwaway folder, never in var/ (settings.py sees pytest).
# Tasks use the database backend as in production (queued rows, no worker); tests that need a task
# to run at once switch to the immediate backend with the `settings` fixture (tests/rosters).

PASSWORD = "test-pass-9271"
REGION = "530326"


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing(django_test_environment: Any) -> Iterator[None]:
    """Passwords hashed at argon2's lowest cost in tests (tests/hashers.py says why)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["tests.hashers.CheapArgon2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _rolls_stay_exact(request: Any) -> Iterator[None]:
    """After every test that used the database, each union's roll (members/roll.py) still equals its
    current memberships, row for row: whatever the test did to the register kept the roll exact."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    databases = marker.kwargs.get("databases", "__all__") if marker is not None else "__all__"
    if databases != "__all__" and "default" not in databases:
        uses_db = False
    if not uses_db:
        yield
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")  # torn down after this
    yield
    from gonghui.members import roll

    assert roll.verify() == [], "a union's roll differs from its current members"


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    from gonghui.accounts.models import Role, User
    from gonghui.core import ids
    from gonghui.orgs.models import Employer, Org, OrgKind

    def add(parent: Org | None, code: str, name: str, kind: str, **kw: Any) -> Org:
        attrs = dict(code=code, name=name, kind=kind, region_code=REGION, province_code="53", **kw)
        return Org.objects.add_child(parent, attrs) if parent else Org.objects.add_root(attrs)

    county = add(None, "T0001", "测试县总工会", OrgKind.COUNTY_FEDERATION)
    east = add(county, "T0002", "东镇总工会", OrgKind.TOWNSHIP_UNION)
    east_a = add(Org.objects.get(pk=east.pk), "T0003", "东镇甲公司工会", OrgKind.GRASSROOTS)
    east_joint = add(
        Org.objects.get(pk=east.pk), "T0004", "东镇联合工会", OrgKind.JOINT_GRASSROOTS, joint_scope="area"
    )
    west = add(Org.objects.get(pk=county.pk), "T0005", "西镇总工会", OrgKind.TOWNSHIP_UNION)
    west_d = add(Org.objects.get(pk=west.pk), "T0006", "西镇丁公司工会", OrgKind.GRASSROOTS)
    edu = add(Org.objects.get(pk=county.pk), "T0007", "教育系统工会", OrgKind.SYSTEM_UNION)
    school = add(Org.objects.get(pk=edu.pk), "T0008", "第一中学工会", OrgKind.GRASSROOTS)
    orgs = {o.code: o for o in Org.objects.all()}

    def employer(name: str, area: Org, union: Org | None, employees: int, n: int) -> Employer:
        return Employer.objects.create(
            name=name, credit_code=ids.make_credit_code(f"91{REGION}MA0000{n:03d}"), region_code=REGION,
            province_code="53", area_org=area, area_path=area.path, union=union, employees=employees,
            migrant_workers=employees // 2, surveyed_on=dt.date(2026, 1, 15),
        )  # fmt: skip

    emps = {
        "甲公司": employer("甲公司", orgs["T0002"], orgs["T0003"], 120, 1),
        "乙店": employer("乙店", orgs["T0002"], orgs["T0004"], 8, 2),
        "丙店": employer("丙店", orgs["T0002"], orgs["T0004"], 30, 3),
        "丁公司": employer("丁公司", orgs["T0005"], orgs["T0006"], 60, 4),
        "戊公司": employer("戊公司", orgs["T0005"], None, 300, 5),
        "第一中学": employer("第一中学", orgs["T0007"], orgs["T0008"], 90, 6),
    }

    def user(username: str, org_code: str, role: str) -> User:
        u = User(username=username, org=orgs[org_code], role=role)
        u.set_password(PASSWORD)
        u.save()
        return u

    users = {
        "county_admin": user("county_admin", "T0001", Role.FEDERATION_ADMIN),
        "east_admin": user("east_admin", "T0002", Role.UNION_ADMIN),
        "east_clerk": user("east_clerk", "T0002", Role.CLERK),
        "east_reviewer": user("east_reviewer", "T0002", Role.REVIEWER),
        "east_viewer": user("east_viewer", "T0002", Role.VIEWER),
        "west_admin": user("west_admin", "T0005", Role.UNION_ADMIN),
        "a_clerk": user("a_clerk", "T0003", Role.CLERK),
        "county_viewer": user("county_viewer", "T0001", Role.VIEWER),
    }
    del east_a, east_joint, west_d, school
    from gonghui.reports import counters

    counters.rebuild()  # the fixture wrote rows directly; from here on the actions keep counters exact
    from gonghui.campaigns import daycount

    daycount.rebuild()  # the campaigns' per-day counter holds the base unions by founding date
    return {"orgs": orgs, "employers": emps, "users": users}


@pytest.fixture
def login(client: Any, tree: dict[str, Any]) -> Any:
    def _login(username: str) -> Any:
        client.force_login(tree["users"][username])
        return client

    return _login


@pytest.fixture
def api_token(tree: dict[str, Any]) -> Any:
    from gonghui.accounts.actions import token_create

    def _token(username: str) -> dict[str, str]:
        _row, token = token_create(actor=None, user=tree["users"][username])
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return _token


# --- a real browser ---------------------------------------------------------------------

CHROMIUM = os.environ.get("GONGHUI_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django refuses DB calls from such a thread unless allowed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


@pytest.fixture
def browser_login(page: Any, live_server: Any) -> Any:
    def _login(username: str, password: str = PASSWORD) -> Any:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login


SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture
def screenshot(page: Any) -> Any:
    """Save a screenshot into docs/screenshots when GONGHUI_SCREENSHOTS=1 (for the README)."""

    def _shot(name: str) -> None:
        if os.environ.get("GONGHUI_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot


# Each app registers the path values its routes need in the route-walking gatekeeper test
# (tests/accounts/test_gatekeeper.py), so that test can run on its own as well as in the suite.
def _register_gatekeeper_values() -> None:
    import importlib

    here = Path(__file__).parent
    for module in sorted(here.glob("*/gatekeeper*.py")):
        if module.parent.name != "accounts":
            importlib.import_module(f"tests.{module.parent.name}.{module.stem}")


_register_gatekeeper_values()
