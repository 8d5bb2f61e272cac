"""Bulk import of activities from a spreadsheet (the rosters' reader): every problem reported by
row, column and what is wrong, in Chinese; all or nothing; unions only inside the target's subtree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.sheets import write_xlsx
from gonghui.worklife.activity_import import TEMPLATE_HEADERS, import_activities
from gonghui.worklife.models import Activity, ActivitySource

pytestmark = pytest.mark.django_db
HEAD = ["说明：2026 年工会活动"], []  # a title row and a blank row above the header, as offices write them


def _sheet(tmp_path: Path, rows: list[list[Any]], name: str = "acts.xlsx") -> Path:
    path = tmp_path / name
    write_xlsx(path, "活动", HEAD[0], [HEAD[1], TEMPLATE_HEADERS, *rows])
    return path


def test_errors_name_row_column_and_problem_and_nothing_is_saved(
    tree: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        ["T0003", "", dt.date(2026, 3, 8), "文体活动", "“三八”节健步走", 60, "", "", "", ""],  # row 4: fine
        ["T0006", "", "2026-03-09", "文体活动", "拔河", 20, "", "", "", ""],  # row 5: 西镇, outside 东镇
        ["", "", "2026年13月1日", "联欢", "", "很多", "", "", "", ""],  # row 6: four problems
        [
            "",
            "东镇联合工会",
            "2026/4/1",
            "培训",
            "法律讲座",
            30,
            "",
            "",
            "县级模范职工之家",
            "",
        ],  # row 7: status on a training
    ]
    result = import_activities(
        user=tree["users"]["east_clerk"], org=tree["orgs"]["T0002"], path=str(_sheet(tmp_path, rows))
    )
    got = {(e.row, e.column): e.message for e in result.errors}
    assert result.created == 0 and result.rows == 4 and not Activity.objects.exists()
    assert "不在“东镇总工会”范围内" in got[(5, "工会代码")]
    assert got[(6, "活动名称")] == "未填写"
    assert "无法识别" in got[(6, "活动日期")]
    assert "不在代码表中" in got[(6, "活动类型")] and "文体活动" in got[(6, "活动类型")]
    assert "不是人数" in got[(6, "参加人数")]
    assert "职工之家建设" in got[(7, "职工之家状态")]
    assert len(result.errors) == 6 and str(result.errors[0]).startswith("第 5 行“工会代码”：")


def test_a_clean_file_imports_every_row(tree: dict[str, Any], tmp_path: Path, client: Any) -> None:
    rows = [
        ["T0003", "", dt.date(2026, 3, 8), "文体活动", "“三八”节健步走", 60, "县城", "", "", ""],
        ["", "东镇联合工会", "2026-05-20", "劳动竞赛", "厨艺大赛", 18, "", "一等奖 1 名", "", "比赛内容"],
        [
            "",
            "",
            "2026.06.01",
            "职工之家建设",
            "职工之家验收",
            "",
            "",
            "",
            "县级模范职工之家",
            "",
        ],  # into 东镇 itself
    ]
    client.force_login(tree["users"]["east_clerk"])
    upload = SimpleUploadedFile("acts.xlsx", _sheet(tmp_path, rows).read_bytes())
    resp = client.post("/worklife/activities/import/", {"org": "T0002", "upload": upload})
    assert resp.status_code == 302
    acts = {a.title: a for a in Activity.objects.all()}
    assert set(acts) == {"“三八”节健步走", "厨艺大赛", "职工之家验收"}
    assert acts["厨艺大赛"].org.code == "T0004" and acts["厨艺大赛"].result == "一等奖 1 名"
    assert acts["职工之家验收"].org.code == "T0002" and acts["职工之家验收"].home_status == "county"
    assert {a.source for a in acts.values()} == {ActivitySource.IMPORT}
    # the page lists a bad file's problems in a table
    bad = SimpleUploadedFile(
        "bad.xlsx",
        _sheet(tmp_path, [["", "", "昨天", "文体活动", "x", 1, "", "", "", ""]], "b.xlsx").read_bytes(),
    )
    page = client.post("/worklife/activities/import/", {"org": "T0002", "upload": bad}).content.decode()
    assert 'id="import-errors"' in page and "日期“昨天”无法识别" in page
