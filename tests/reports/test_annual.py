"""The annual report (issue 17 item 9): a point-in-time report at 30 September, rows that add up,
rates that are their numerator over their denominator, the same figures on the page, in the xlsx,
the PDF and `gonghui annual --json`."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from python_calamine import CalamineWorkbook

from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import Employer, EmployerSurvey, Org
from gonghui.orgs.selectors import subtree_stats
from gonghui.reports import annual, yearend
from gonghui.reports.models import YearEndFigure
from tests.reports.test_dashboard import history  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("annual", *args, "--json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def rows_by_code(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["org"]["code"]: r for r in data["rows"]}


def test_default_year_is_the_last_completed_statistical_year() -> None:
    assert yearend.last_completed_year(dt.date(2026, 12, 3)) == 2026
    assert yearend.last_completed_year(dt.date(2026, 10, 1)) == 2026
    assert yearend.last_completed_year(dt.date(2026, 9, 30)) == 2025  # the year ends at the end of that day
    assert annual.parse_year(None, dt.date(2026, 12, 3)) == 2026
    assert annual.parse_year("2024", dt.date(2026, 12, 3)) == 2024
    for bad in ("2027", "1999", "abc", "2026.5"):
        with pytest.raises(annual.YearError):
            annual.parse_year(bad, dt.date(2026, 12, 3))
    with pytest.raises(annual.YearError):  # on 30 September the year is not over yet
        annual.parse_year("2026", dt.date(2026, 9, 30))


def test_annual_json_is_the_register_at_30_september(tree: dict[str, Any], history: Any) -> None:  # noqa: F811
    data = run("--org", "T0001", "--year", "2026")
    assert data["year"] == 2026 and data["as_of"] == "2026-09-30"
    rows = rows_by_code(data)
    assert list(rows) == ["T0002", "T0005", "T0007"]  # the county holds nothing itself: no own row
    east, west, edu = rows["T0002"], rows["T0005"], rows["T0007"]
    assert set(east) == {"org", *annual.ROW_KEYS} and east["org"] == {"code": "T0002", "name": "东镇总工会"}
    # 甲公司 120 and 丙店 30 are due (25+), both have a union; 乙店 (8) has one but is not due
    assert (east["employers_due"], east["employers_unionised"], east["unionisation_rate"]) == (2, 2, 1.0)
    assert (east["employees"], east["migrant_workers"]) == (158, 79)  # all three unionised employers
    # members on 30 September: the 2019 joiner of 甲公司 (the 2020 one left in 2025), both of the joint union
    assert (east["members"], east["migrant_members"]) == (3, 2)
    assert east["membership_rate"] == 3 / 158 and east["migrant_membership_rate"] == 2 / 79
    # 戊公司 (300, no union) and 丁公司 (60, union) are due in the west; its 2021 joiner left on 1 October
    assert (west["employers_due"], west["employers_unionised"], west["unionisation_rate"]) == (2, 1, 0.5)
    assert (west["employees"], west["members"], west["migrant_members"]) == (60, 2, 1)
    assert (edu["employers_due"], edu["employers_unionised"], edu["members"]) == (1, 1, 1)
    total = data["total"]
    assert "org" not in total
    assert (total["employers_due"], total["employers_unionised"], total["members"]) == (5, 4, 6)
    assert total["unionisation_rate"] == 0.8 and total["employees"] == 308
    # a year before: the employers were not on the register (created now, first surveyed in January 2026)
    before = run("--org", "T0001", "--year", "2025")
    assert before["as_of"] == "2025-09-30" and before["total"]["employers_due"] == 0
    assert before["total"]["unionisation_rate"] == 0 and before["total"]["membership_rate"] == 0  # 0 ÷ 0 → 0
    assert before["total"]["members"] == 4


def test_annual_reads_the_survey_on_or_before_the_day(tree: dict[str, Any]) -> None:
    """戊公司 had 20 employees at its survey of June 2026 (not due), 300 since its survey of November."""
    wu = tree["employers"]["戊公司"]
    EmployerSurvey.objects.create(employer=wu, surveyed_on=dt.date(2026, 6, 1), operating_status="normal",
                                  employees=20, members=0, migrant_workers=5, migrant_members=0)  # fmt: skip
    Employer.objects.filter(pk=wu.pk).update(surveyed_on=dt.date(2026, 11, 2))
    west = rows_by_code(run("--org", "T0001", "--year", "2026"))["T0005"]
    assert (west["employers_due"], west["employers_unionised"]) == (1, 1)
    # a union founded after the day does not count as one on the day
    Org.objects.filter(code="T0006").update(founded_on=dt.date(2026, 10, 15))
    west = rows_by_code(run("--org", "T0001", "--year", "2026"))["T0005"]
    assert (west["employers_due"], west["employers_unionised"], west["employees"]) == (1, 0, 0)


def test_bad_year_or_org_is_a_one_line_error(tree: dict[str, Any]) -> None:
    for args, word in (
        (["--year", "2031"], "统计年度"),
        (["--year", "x"], "统计年度"),
        (["--org", "NOPE"], "组织代码"),
    ):
        with pytest.raises(CommandError) as e:
            run(*args)
        assert word in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(CommandError, match="组织代码不存在"):  # out of scope answers like unknown
        run("--org", "T0005", "--user", "east_viewer")
    assert run("--org", "T0002", "--user", "east_viewer")["rows"][0]["org"]["code"] == "T0003"
    assert run()["rows"][0]["org"]["code"] == "T0002"  # the root by default


def test_annual_agrees_with_the_coverage_page_for_a_township(tree: dict[str, Any], login: Any) -> None:
    """The demo's 古城街道 showed 已建会 63 / 应建会 61: unionised employers of any size over those
    due. Here the east has 3 unionised employers, 2 of them due; the page and the report say 2/2."""
    east = tree["orgs"]["T0002"]
    Employer.objects.create(name="己厂", region_code="530326", province_code="53", area_org=east,
                            area_path=east.path, employees=40, migrant_workers=10,
                            surveyed_on=dt.date(2026, 3, 1))  # fmt: skip
    from gonghui.reports import counters

    counters.rebuild()
    stats = subtree_stats(east)
    assert (stats["unionised_employers"], stats["coverage_covered"], stats["coverage_denominator"]) == (
        3,
        2,
        3,
    )
    row = run("--org", "T0001", "--year", "2026")
    r = rows_by_code(row)["T0002"]
    assert (r["employers_unionised"], r["employers_due"]) == (
        stats["coverage_covered"],
        stats["coverage_denominator"],
    )
    # counted on today's date, the point-in-time figures are the maintained counters the page shows
    today = yearend.compute(timezone.localdate(), east.path)
    assert sum(u.figures["employers_due"] for u in today.values()) == stats["coverage_denominator"]
    assert sum(u.figures["employers_unionised"] for u in today.values()) == stats["coverage_covered"]
    assert sum(u.figures["employees"] for u in today.values()) == stats["unionised_employees"]
    c = login("county_admin")
    cov = c.get("/orgs/T0002/coverage/").content.decode()
    assert "2 / 3" in cov
    page = c.get("/reports/annual/T0001/?year=2026")
    body = page.content.decode()
    assert page.status_code == 200 and "截至 2026年9月30日" in body
    assert "66.7%" in body  # 2 / 3, the east's row
    assert c.get("/reports/annual/T0001/?year=1990").status_code == 400
    assert c.get("/reports/annual/T0001/report.pdf?year=abc").status_code == 400


def test_xlsx_rates_are_numbers_and_agree_with_json(tree: dict[str, Any], history: Any, login: Any,  # noqa: F811
                                                    tmp_path: Any) -> None:  # fmt: skip
    data = run("--org", "T0001", "--year", "2026")
    c = login("county_admin")
    x = c.get("/reports/annual/T0001/report.xlsx?year=2026")
    assert x.status_code == 200
    (tmp_path / "a.xlsx").write_bytes(x.content)
    wb = CalamineWorkbook.from_path(str(tmp_path / "a.xlsx"))
    t1 = [r for r in wb.get_sheet_by_index(0).to_python() if r and r[0]]
    assert "截至 2026年9月30日" in t1[0][0]
    by_name = {r[0]: r for r in t1[3:] if len(r) >= 6}
    for row in [*data["rows"], {"org": {"name": "合计"}, **data["total"]}]:
        got = by_name[row["org"]["name"]]
        assert got[3:6] == [
            row["employers_due"],
            row["employers_unionised"],
            pytest.approx(row["unionisation_rate"]),
        ]
        assert isinstance(got[5], float)
    t2 = [r for r in wb.get_sheet_by_index(1).to_python() if r and r[0]]
    total = next(r for r in t2 if r[0] == "合计")
    assert total[1:5] == [308, 6, total[3], pytest.approx(6 / 308)] and isinstance(total[4], float)
    p = c.get("/reports/annual/T0001/report.pdf?year=2026")
    (tmp_path / "a.pdf").write_bytes(p.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    assert "截至 2026年9月30日" in text and "80.0%" in text and "东镇总工会" in text


def test_the_kept_snapshot_is_read_and_keeps_its_day_after_a_move(tree: dict[str, Any], history: Any) -> None:  # noqa: F811
    live = run("--org", "T0001", "--year", "2026")
    assert yearend.ensure(dt.date(2026, 9, 30)) == 8 and yearend.ensure(dt.date(2026, 9, 30)) == 0
    assert YearEndFigure.objects.filter(on=dt.date(2026, 9, 30)).count() == 8
    assert run("--org", "T0001", "--year", "2026") == live
    assert annual.report(tree["orgs"]["T0001"], 2026)["from_snapshot"] is True
    org_actions.org_move(user=tree["users"]["county_admin"], org=tree["orgs"]["T0004"],
                         new_parent=Org.objects.get(code="T0005"))  # fmt: skip
    kept = rows_by_code(run("--org", "T0001", "--year", "2026"))
    assert kept["T0002"]["members"] == 3 and kept["T0005"]["members"] == 2  # as it stood that day
    # a year without a kept snapshot is counted live, on today's tree
    assert annual.report(tree["orgs"]["T0001"], 2025)["from_snapshot"] is False


def test_stats_snapshot_keeps_the_last_year_end(tree: dict[str, Any]) -> None:
    from gonghui.reports import snapshots

    snapshots.ensure(dt.date(2026, 12, 3))
    assert YearEndFigure.objects.filter(on=dt.date(2026, 9, 30)).count() == 8


def test_annual_queries_do_not_grow_with_the_tree(tree: dict[str, Any], history: Any, login: Any) -> None:  # noqa: F811
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login("county_admin")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/reports/annual/T0001/?year=2026").status_code == 200
        return len(ctx.captured_queries)

    def grow() -> None:
        for i in range(5):
            town = Org.objects.get(code="T0005")
            union = Org.objects.add_child(town, {"code": f"G{i:04d}", "name": f"新工会{i}", "kind": "grassroots",
                                                 "region_code": "530326", "province_code": "53"})  # fmt: skip
            Employer.objects.create(name=f"新厂{i}", region_code="530326", province_code="53", area_org=town,
                                    area_path=town.path, union=union, employees=50,
                                    surveyed_on=dt.date(2026, 5, 1))  # fmt: skip

    queries()  # warm: the first page after login stamps the session once (accounts.middleware)
    live = queries()
    grow()
    assert queries() == live
    yearend.ensure(dt.date(2026, 9, 30))
    kept = queries()
    grow_more = Org.objects.get(code="T0002")
    Org.objects.add_child(grow_more, {"code": "G9999", "name": "又一工会", "kind": "grassroots",
                                      "region_code": "530326", "province_code": "53"})  # fmt: skip
    assert queries() == kept
