"""Dashboards, history snapshots and the annual report (issue 7)."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from typing import Any

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from gonghui.members import actions as members
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import Org
from gonghui.reports import selectors, snapshots
from gonghui.reports.models import Snapshot
from tests.members.conftest import person

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 21)


def join(tree: dict[str, Any], code: str, on: dt.date, **kw: Any) -> Any:
    return members.member_register(
        user=tree["users"]["county_admin"], org=tree["orgs"][code], joined_on=on, **person(**kw)
    )


@pytest.fixture
def history(tree: dict[str, Any]) -> dict[str, Any]:
    """Members who joined over the years in both townships; some left, one is a rider (外卖送餐员)."""
    ms = [
        join(tree, "T0003", dt.date(2019, 5, 1), hukou_type="agri"),
        join(tree, "T0003", dt.date(2020, 3, 1), hukou_type="nonagri"),
        join(tree, "T0004", dt.date(2024, 12, 1), hukou_type="agri", new_employment_group="food_delivery"),
        join(tree, "T0004", dt.date(2025, 11, 30), hukou_type="nonagri"),
        join(tree, "T0006", dt.date(2021, 7, 1), hukou_type="agri"),
        join(tree, "T0006", dt.date(2026, 2, 1), hukou_type="nonagri"),
        join(tree, "T0008", dt.date(2022, 1, 1), hukou_type="nonagri"),
    ]
    admin = tree["users"]["county_admin"]
    members.membership_leave(user=admin, membership=ms[1], on=dt.date(2025, 6, 30))
    members.membership_leave(user=admin, membership=ms[4], on=dt.date(2026, 10, 1))
    return {"members": ms}


def test_dashboard_figures_and_history_from_the_register(
    tree: dict[str, Any], history: dict[str, Any]
) -> None:
    county = tree["orgs"]["T0001"]
    d = selectors.dashboard(county, today=TODAY)
    assert d["stats"]["members"] == 5 and d["history_as_of"] is None  # small: counted live
    years = {y["year"]: y["members"] for y in d["by_year"]}
    assert years[2018] == 0 and years[2019] == 1 and years[2020] == 2 and years[2021] == 3
    assert years[2024] == 5 and years[2025] == 5 and years[2026] == 5  # 2025: one left, one joined
    c = d["compare"]
    assert c["last_year_date"] == dt.date(2025, 11, 21)
    assert c["members_last_year"] == 4  # the 2019, 2021, 2022, 2024 joiners (the 2020 one left in June 2025)
    assert c["members_change"] == 1
    # the statistical year began on 2026-10-01; the day before, six (all but the 2020 joiner); since: -1 (left 2026-10-01)
    assert d["statistical_year"] == dt.date(2026, 10, 1)
    assert c["members_year_start"] == 6 and c["members_this_year"] == -1
    assert c["migrant_last_year"] == 3 and c["migrant_change"] == -1
    assert [(g["code"], g["members"]) for g in d["groups"]] == [("food_delivery", 1)]
    east = selectors.dashboard(tree["orgs"]["T0002"], today=TODAY)
    assert east["stats"]["members"] == 3 and {y["year"]: y["members"] for y in east["by_year"]}[2024] == 3


def test_snapshots_give_the_same_dashboard_as_counting_live(
    tree: dict[str, Any], history: dict[str, Any], settings: Any
) -> None:
    county = tree["orgs"]["T0001"]
    live = selectors.dashboard(county, today=TODAY)
    done = snapshots.ensure(TODAY)
    # today, a year ago, the statistical year's eve, every year end since 2005
    assert (
        done["dates"][0] == "2005-12-31" and "2026-09-30" in done["dates"] and "2025-11-21" in done["dates"]
    )
    assert (
        done["unions"] == 4
    )  # the county, two townships, the education system union: the units with units under them
    assert (
        Snapshot.objects.filter(on=TODAY).count() == 4
        and not Snapshot.objects.filter(org=tree["orgs"]["T0003"]).exists()
    )
    settings.GONGHUI_DASHBOARD_LIVE_LIMIT = 0  # every subtree with units under it reads the snapshots
    snap = selectors.dashboard(county, today=TODAY)
    assert snap["history_as_of"] == TODAY
    assert (
        snap["by_year"] == live["by_year"]
        and snap["compare"] == live["compare"]
        and snap["groups"] == live["groups"]
    )
    assert snapshots.ensure(TODAY)["dates"] == [TODAY.isoformat()]  # the next run only redoes its own day


def test_a_snapshot_keeps_the_figures_of_its_day_after_a_move(
    tree: dict[str, Any], history: dict[str, Any], settings: Any
) -> None:
    snapshots.ensure(TODAY)
    org_actions.org_move(
        user=tree["users"]["county_admin"],
        org=tree["orgs"]["T0004"],
        new_parent=Org.objects.get(code="T0005"),
    )
    settings.GONGHUI_DASHBOARD_LIVE_LIMIT = 0
    west = selectors.dashboard(Org.objects.get(code="T0005"), today=TODAY)
    # the moved union's members count in the west now, and in the east in the history taken before the move
    assert west["stats"]["members"] == 3
    assert west["compare"]["members_last_year"] == 1  # as the snapshot of 2025-11-21 recorded it
    east_hist = Snapshot.objects.get(org__code="T0002", on=dt.date(2024, 12, 31))
    assert east_hist.members == 3  # the 2019 and 2020 joiners of 甲公司, the 2024 joiner of the joint union


def test_dashboard_page_is_scoped_and_renders_the_snapshot_note(tree: dict[str, Any], history: dict[str, Any], login: Any,
                                                                settings: Any) -> None:  # fmt: skip
    c = login("east_viewer")
    resp = c.get("/dashboard/T0002/")
    assert resp.status_code == 200 and "东镇总工会" in resp.content.decode()
    assert c.get("/dashboard/T0005/").status_code in (403, 404)
    snapshots.ensure()
    settings.GONGHUI_DASHBOARD_LIVE_LIMIT = 0
    body = login("county_admin").get("/dashboard/T0001/").content.decode()
    assert "每日统计快照" in body


def test_stats_snapshot_command_schedules_the_nightly_job_once(
    tree: dict[str, Any], history: dict[str, Any]
) -> None:
    from django_tasks_db.models import DBTaskResult

    for _ in range(2):  # `make run` calls it at every start
        err = io.StringIO()
        call_command("stats", "--snapshot", "--schedule", stdout=io.StringIO(), stderr=err)
        assert "已生成统计快照" in err.getvalue() and "下次快照" in err.getvalue()
    assert Snapshot.objects.filter(on=dt.date.today()).count() == 4
    assert (
        DBTaskResult.objects.filter(task_path="gonghui.reports.tasks.daily_snapshot", status="READY").count()
        == 1
    )


def test_next_nightly_run() -> None:
    from django.utils import timezone

    from gonghui.reports.tasks import next_run

    tz = timezone.get_current_timezone()
    assert next_run(dt.datetime(2026, 11, 21, 0, 10, tzinfo=tz)).date() == dt.date(2026, 11, 21)
    assert next_run(dt.datetime(2026, 11, 21, 9, 0, tzinfo=tz)) == dt.datetime(2026, 11, 22, 0, 30, tzinfo=tz)


def test_annual_report_xlsx_and_pdf(
    tree: dict[str, Any], history: dict[str, Any], login: Any, tmp_path: Any
) -> None:
    c = login("county_admin")
    page = c.get("/reports/annual/T0001/").content.decode()
    assert "表二 会员情况" in page
    x = c.get("/reports/annual/T0001/report.xlsx")
    assert x.status_code == 200
    (tmp_path / "a.xlsx").write_bytes(x.content)
    wb = CalamineWorkbook.from_path(str(tmp_path / "a.xlsx"))
    assert len(wb.sheet_names) == 3
    rows = [r for r in wb.get_sheet_by_index(1).to_python() if r and r[0]]
    total = next(r for r in rows if r[0] == "合计")
    by_unit = {r[0]: r[2] for r in rows[3:] if r[0] != "合计" and isinstance(r[2], (int, float))}
    # members on 30 September 2026 (the annual report's day): six, three of them in the east
    assert total[2] == 6 and sum(by_unit.values()) == 6 and by_unit["东镇总工会"] == 3
    p = c.get("/reports/annual/T0001/report.pdf")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    (tmp_path / "a.pdf").write_bytes(p.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "会员情况" in text and "东镇总工会" in text
    assert login("east_viewer").get("/reports/annual/T0001/report.xlsx").status_code in (403, 404)


def test_stats_json_has_rates(tree: dict[str, Any], history: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("stats", "--org", "T0002", "--json", stdout=out)
    s = json.loads(out.getvalue())
    assert s["members"] == 3 and "unionisation_rate" in s and "membership_rate" in s
