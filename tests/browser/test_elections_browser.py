"""A real Chromium walks a formation from request to approval, and an election from candidates to
approved results; the 批复 and the results report are downloaded and rendered (issue 6)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.elections.conftest import add_members, new_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logout(page: Any) -> None:
    page.click("header .who button:has-text('退出')")
    page.wait_for_url("**/login/")


def _pdf_rendered(page: Any, url: str, tmp_path: Path, name: str) -> Path:
    resp = page.request.get(url)
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(resp.body())
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / name)],
        check=True,
        timeout=60,
    )
    png = tmp_path / f"{name}.png"
    from PIL import Image

    px = list(Image.open(png).convert("L").getdata())
    assert sum(1 for v in px if v < 200) / len(px) > 0.01  # not blank
    return png


def test_formation_from_request_to_approval(page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any,
                                            screenshot: Any, tmp_path: Path) -> None:  # fmt: skip
    browser_login("west_admin")
    page.click("nav.mainnav >> text=组建换届")
    page.click("a.btn:has-text('组建申请')")
    page.click("a.btn:has-text('新建组建申请')")
    page.select_option("#id_parent", "T0005")
    page.fill("#id_name", "戊公司工会委员会")
    page.select_option("#id_kind", "grassroots")
    page.select_option("#id_form", "committee")
    page.select_option(
        "#id_employers", label=page.locator("#id_employers option", has_text="戊公司").inner_text()
    )
    page.fill("#id_chair_name", "王建国")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/elections/formations/*/")
    assert "尚无创始会员" in page.content()
    page.click("a.btn:has-text('添加创始会员')")
    page.fill("#id_lines", "\n".join(f"职工{i:02d} {new_id()}" for i in range(26)))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/elections/formations/*/")
    assert page.locator("#roster tbody tr").count() == 26
    assert (
        "✘" not in page.content() and "专职工会主席" in page.content()
    )  # 300 employees: a flag, not a block
    screenshot("elections-01-formation-draft")
    page.click("#submit-formation")
    page.locator("h1 .tag", has_text="待上级审批").wait_for()
    _logout(page)

    browser_login("county_admin")
    page.goto(f"{live_server.url}/elections/formations/?status=submitted")
    page.click("text=戊公司工会委员会")
    page.click("a.btn:has-text('审批')")
    page.check("input[name=decision][value=approve]")
    page.click("button[type=submit].primary")
    page.locator("h1 .tag", has_text="已批复成立").wait_for()
    screenshot("elections-02-formation-approved")
    year = timezone.localdate().year
    assert f"西镇总工会〔{year}〕1号" in page.content()
    href = page.locator("a", has_text=f"✔ 西镇总工会〔{year}〕1号").get_attribute("href")
    png = _pdf_rendered(page, f"{live_server.url}{href}", tmp_path, "formation-approval")
    assert png.stat().st_size > 5000
    page.click("text=查看成立的工会")
    assert "戊公司工会委员会" in page.locator("h1").inner_text()
    assert f"西镇总工会〔{year}〕1号" in page.content()


def test_election_from_candidates_to_approved_results(page: Any, live_server: Any, tree: dict[str, Any], browser_login: Any,
                                                      screenshot: Any, tmp_path: Path) -> None:  # fmt: skip
    from gonghui.orgs.models import Org

    ms = add_members(Org.objects.get(code="T0003"), 30, names=[f"会员{chr(0x4E00 + i)}" for i in range(30)])
    today = timezone.localdate()
    Org.objects.filter(code="T0003").update(
        term_number=2, term_start=today - dt.timedelta(days=1800), term_end=today + dt.timedelta(days=20)
    )
    browser_login("east_admin")
    page.goto(f"{live_server.url}/elections/terms/T0003/")
    page.click("text=开始换届选举")
    page.fill("#id_meeting_date", today.isoformat())
    page.click("button[type=submit].primary")
    page.wait_for_url("**/elections/*/")
    eid = page.url.rstrip("/").rsplit("/", 1)[1]
    for post, m in [
        ("committee", ms[0]),
        ("committee", ms[1]),
        ("committee", ms[2]),
        ("committee", ms[3]),
        ("chair", ms[0]),
        ("audit", ms[10]),  # the 经费审查委员会 is elected with the committee (issue 17)
        ("audit", ms[11]),
        ("audit", ms[12]),
    ]:
        page.goto(f"{live_server.url}/elections/{eid}/candidates/add/?post={post}")
        page.fill("#id_member_no", m.member_no)
        page.click("button[name=again]")
        page.locator(".messages", has_text="已提名").wait_for()
    page.click("text=取消")
    page.wait_for_url("**/elections/*/")
    assert "规则检查" not in page.content() or "✘" not in page.locator("#problems").inner_text()
    # 实到 before the vote opens (quorum), and the chair's 7-day 公示 ended (enterprise union)
    page.click("text=会议情况（应到、实到）")
    page.fill("#id_present", "27")
    page.fill("#id_publicity_start", (today - dt.timedelta(days=7)).isoformat())
    page.click("button[type=submit].primary")
    page.wait_for_url("**/elections/*/")
    page.click("text=确定候选人，开始投票")
    page.locator("#election-status", has_text="投票计票").wait_for()
    page.click("#post-committee >> text=录入票数")
    page.fill("#id_ballots", "27")
    inputs = page.locator("input[id^=id_c]")
    for i, v in enumerate([26, 24, 22, 6]):
        inputs.nth(i).fill(str(v))
    page.click("button[type=submit].primary")
    page.locator(".messages", has_text="计票完成").wait_for()
    page.click("#post-chair >> text=录入票数")
    page.fill("#id_ballots", "27")
    page.locator("input[id^=id_c]").first.fill("25")
    page.click("button[type=submit].primary")
    page.locator(".messages", has_text="计票完成").wait_for()
    page.click("#post-audit >> text=录入票数")
    page.fill("#id_ballots", "27")
    for i in range(3):
        page.locator("input[id^=id_c]").nth(i).fill("20")
    page.click("button[type=submit].primary")
    page.locator("#election-status", has_text="计票完成").wait_for()
    screenshot("elections-03-election-tallied")
    page.click("text=生成结果报告，报上级审批")
    page.locator("#election-status", has_text="待上级审批").wait_for()
    _logout(page)

    browser_login("east_reviewer")
    page.goto(f"{live_server.url}/elections/list/?status=submitted")
    page.click("text=东镇甲公司工会")
    page.click("text=审批选举结果")
    page.check("input[name=decision][value=approve]")
    page.click("button[type=submit].primary")
    page.locator("#election-status", has_text="已批复").wait_for()
    screenshot("elections-04-election-approved")
    report = page.locator("a", has_text="选举结果的报告").get_attribute("href")
    approval = page.locator("a", has_text="选举结果的批复").get_attribute("href")
    _pdf_rendered(page, f"{live_server.url}{report}", tmp_path, "results-report")
    _pdf_rendered(page, f"{live_server.url}{approval}", tmp_path, "results-approval")
    page.goto(f"{live_server.url}/elections/terms/T0003/")
    assert "第 3 届" in page.content() and ms[0].person.name in page.content()
    assert Org.objects.get(code="T0003").chair_name == ms[0].person.name
