"""Campaign pages: the board, drill-down, forms (one action each), the briefing as PDF and xlsx."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gonghui.campaigns.models import Allocation, Campaign, SupervisionNote, WorkGroup
from tests.campaigns.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(register_story: Any, make_campaign: Any) -> Campaign:
    """A county campaign split equally to the three sub-unions, running until 2099 so the page
    shows a live time progress."""
    return make_campaign(net_minimum=60, split_method="equal", ends_on=dt.date(2030, 9, 30))


def test_board_page_shows_units_chart_data_and_terms(login: Any, running: Campaign) -> None:
    resp = login("county_admin").get(f"/campaigns/{running.pk}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    for text in (
        "东镇总工会",
        "西镇总工会",
        "教育系统工会",
        "目标任务",
        "序时进度",
        "分解任务",
        "vendor/echarts/echarts.min.js",
        'id="chart-units"',
    ):
        assert text in html, text
    data = resp.context["chart"]
    assert data["codes"] == ["T0002", "T0005", "T0007"] and data["target"] == [20, 20, 20]
    assert data["done"] == [4, 2, -1] and len(data["trend"]["dates"]) > 100
    assert resp.context["b"].root.done == 5


def test_drill_down_into_a_unit(login: Any, running: Campaign) -> None:
    resp = login("county_admin").get(f"/campaigns/{running.pk}/units/T0002/")
    assert resp.status_code == 200
    assert [u.org.code for u in resp.context["b"].children] == ["T0003", "T0004"]
    assert resp.context["b"].children[0].target is None  # not split further yet
    assert "东镇甲公司工会" in resp.content.decode()


def test_a_township_sees_its_own_part_and_splits_its_share(login: Any, running: Campaign) -> None:
    client = login("east_admin")
    resp = client.get(f"/campaigns/{running.pk}/")
    assert resp.status_code == 200 and resp.context["root"].code == "T0002"
    assert "西镇总工会" not in resp.content.decode()
    assert client.get(f"/campaigns/{running.pk}/units/T0005/").status_code == 404
    assert (
        client.get(f"/campaigns/{running.pk}/edit/").status_code == 404
    )  # the campaign itself is the county's
    assert client.get(f"/campaigns/{running.pk}/units/T0002/allocate/").status_code == 200
    resp = client.post(
        f"/campaigns/{running.pk}/units/T0002/allocate/",
        {"method": "manual", "t_T0003": "15", "t_T0004": "4"},
    )
    assert resp.status_code == 200 and "相差 -1" in resp.content.decode()
    resp = client.post(
        f"/campaigns/{running.pk}/units/T0002/allocate/",
        {"method": "manual", "t_T0003": "15", "t_T0004": "5"},
    )
    assert resp.status_code == 302 and resp["Location"] == f"/campaigns/{running.pk}/units/T0002/"
    assert dict(Allocation.objects.filter(campaign=running, parent__org__code="T0002").values_list("org__code", "target")) == {
        "T0003": 15, "T0004": 5}  # fmt: skip
    listing = client.get("/campaigns/")
    assert "本单位：东镇总工会" in listing.content.decode()


def test_create_edit_and_groups_through_the_pages(login: Any, register_story: Any) -> None:
    client = login("county_admin")
    assert client.get("/campaigns/new/").status_code == 200
    resp = client.post("/campaigns/new/", {
        "name": "农民工集中入会行动", "org": "T0001", "measure": "migrant_members", "starts_on": "2025-10-01", "ends_on": "2026-09-30",
        "baseline_source": "entered", "baseline": "11477", "growth_rate": "52", "net_minimum": "6000", "behind_margin": "5",
        "split_method": "equal",
    })  # fmt: skip
    c = Campaign.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/campaigns/{c.pk}/"
    assert (c.baseline, c.target_net) == (11_477, 6_000)
    assert sorted(
        Allocation.objects.filter(campaign=c, parent__isnull=False).values_list("target", flat=True)
    ) == [2000, 2000, 2000]
    resp = client.post(f"/campaigns/{c.pk}/edit/", {
        "name": "农民工集中入会行动", "starts_on": "2025-10-01", "ends_on": "2026-09-30", "baseline_source": "entered",
        "baseline": "11477", "growth_rate": "60", "net_minimum": "6000", "behind_margin": "3",
    })  # fmt: skip
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.target_net == 6_887 and c.behind_margin == Decimal("3")  # 11,477 × 60% = 6,886.2 → 6,887
    assert (
        sum(Allocation.objects.filter(campaign=c, parent__isnull=False).values_list("target", flat=True))
        == 6_887
    )
    resp = client.post(
        f"/campaigns/{c.pk}/groups/new/",
        {"name": "第一工作组", "leader": "王某（副主席）", "units": ["T0002", "T0005"]},
    )
    g = WorkGroup.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/campaigns/{c.pk}/groups/{g.pk}/"
    page = client.get(f"/campaigns/{c.pk}/groups/{g.pk}/")
    assert page.status_code == 200 and [u.org.code for u in page.context["g"].units] == ["T0002", "T0005"]
    resp = client.post(
        f"/campaigns/{c.pk}/groups/new/", {"name": "第二工作组", "leader": "张某", "units": ["T0005"]}
    )
    assert resp.status_code == 200 and "已由“第一工作组”负责" in resp.content.decode()


def test_bad_form_input_is_shown_not_raised(login: Any, register_story: Any) -> None:
    resp = login("county_admin").post("/campaigns/new/", {
        "name": "x", "org": "T0001", "measure": "members", "starts_on": "2026-10-01", "ends_on": "2026-01-01",
        "baseline_source": "register", "net_minimum": "10", "behind_margin": "5",
    })  # fmt: skip
    assert resp.status_code == 200 and "结束日期必须晚于开始日期" in resp.content.decode()
    assert not Campaign.objects.exists()


def test_supervision_note_and_follow_up(login: Any, running: Campaign) -> None:
    client = login("county_admin")
    resp = client.post(f"/campaigns/{running.pk}/units/T0006/notes/new/", {
        "on": "2026-01-05", "kind": "visit", "findings": "申请书由他人代填", "follow_up": "本人重新填写", "due_on": "2026-01-20",
    })  # fmt: skip
    assert resp.status_code == 302
    note = SupervisionNote.objects.get()
    assert note.org.code == "T0006" and not note.done
    assert "申请书由他人代填" in client.get(f"/campaigns/{running.pk}/notes/?state=open").content.decode()
    resp = client.post(
        f"/campaigns/{running.pk}/notes/{note.pk}/done/", {"done_on": "2026-01-18", "result": "已重填"}
    )
    assert resp.status_code == 302
    note.refresh_from_db()
    assert note.done and note.done_on == dt.date(2026, 1, 18)
    assert "申请书由他人代填" not in client.get(f"/campaigns/{running.pk}/notes/?state=open").content.decode()
    # the west township sees its own note, the east township does not
    assert client.get(f"/campaigns/{running.pk}/units/T0006/").status_code == 200
    assert (
        login("east_admin")
        .post(f"/campaigns/{running.pk}/notes/{note.pk}/done/", {"done_on": "2026-01-18"})
        .status_code
        == 404
    )


def test_home_page_lists_units_behind_schedule(login: Any, register_story: Any, make_campaign: Any) -> None:
    c = make_campaign(
        net_minimum=600, split_method="equal", starts_on=START, ends_on=dt.date(2030, 9, 30), behind_margin=0
    )
    html = login("county_admin").get("/").content.decode()
    assert "落后于序时进度的单位" in html and c.name in html and f"/campaigns/{c.pk}/units/T0007/" in html
    c.delete()
    assert "落后于序时进度的单位" not in login("county_admin").get("/").content.decode()


def _png_is_not_blank(path: Path) -> bool:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG")
    from PIL import Image

    with Image.open(path) as im:
        gray = im.convert("L")
        lo, hi = gray.getextrema()
        dark = sum(gray.histogram()[:128])
    return hi - lo > 100 and dark > 500


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_briefing_pdf_renders_with_chinese_and_a_chart(login: Any, running: Campaign, tmp_path: Path) -> None:
    SupervisionNote.objects.create(
        campaign=running,
        org=running.org,
        org_path=running.org_path,
        on=dt.date(2026, 1, 5),
        findings="台账不全",
    )
    resp = login("county_viewer").get(f"/campaigns/{running.pk}/units/T0001/briefing.pdf")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(resp.content)
    assert resp.content.startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and _png_is_not_blank(pages[0])
    text = (
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        if shutil.which("pdftotext")
        else ""
    )
    if text:
        assert "进展情况通报" in text and "东镇总工会" in text and "落后" in text
    keep = Path("/tmp/gonghui-campaign-briefing.png")  # for a person to look at after the run
    shutil.copy(pages[0], keep)


def test_briefing_xlsx_marks_behind_units_and_escapes_formulas(login: Any, running: Campaign) -> None:
    from gonghui.orgs.models import Org

    Org.objects.filter(code="T0007").update(name='=HYPERLINK("http://x")教育')
    resp = login("county_admin").get(f"/campaigns/{running.pk}/units/T0001/briefing.xlsx")
    assert resp.status_code == 200
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_name("通报").to_python()
    header = rows.index(next(r for r in rows if r and r[0] == "排名"))
    table = rows[header + 1 :]
    assert [r[1] for r in table] == ["东镇总工会", "西镇总工会", '\'=HYPERLINK("http://x")教育']
    from gonghui.campaigns.selectors import board

    expected = ["落后" if u.behind else "" for u in board(running).children]  # time progress is today's
    assert [r[8] for r in table] == expected and expected[2] == "落后"  # education: −1 of 20
    assert [int(r[4]) for r in table] == [20, 20, 20]
    assert (
        login("county_viewer").get(f"/campaigns/{running.pk}/units/T0001/briefing.xlsx").status_code == 403
    )  # export right


def test_list_page_and_nav_link(login: Any, running: Campaign) -> None:
    resp = login("east_viewer").get("/campaigns/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert running.name in html and re.search(r'href="/campaigns/"[^>]*>集中行动<', html)
