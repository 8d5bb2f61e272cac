"""The corpus of real-looking bad inputs (issue 4): files that cannot be imported, and rows that
must be refused, each with the message the clerk sees — naming the row as Excel shows it and the
column as the file names it. Plus the forgiving side: what must be read correctly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.rosters.conftest import (
    HEADER,
    issues_of,
    new_id,
    person_row,
    write_csv_rows,
    write_ods_rows,
    write_xls_rows,
    write_xlsx_rows,
)

from gonghui.core.errors import ApplicationError

TITLE = [["东镇甲公司工会会员花名册"], ["填报单位：东镇甲公司工会（盖章）            填报日期：2026年3月"]]
FIRST = len(TITLE) + 2  # spreadsheet row number of the first data row (title rows, header)


# --------------------------------------------------------------------------- files that cannot run


def _pdf(p: Path) -> Path:
    p.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    return p


def _html(p: Path) -> Path:
    p.write_text(
        "<html><body><table><tr><td>姓名</td><td>身份证号</td></tr></table></body></html>", encoding="gbk"
    )
    return p


def _docx(p: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return p


def _truncated(p: Path) -> Path:
    good = write_xlsx_rows(p.with_suffix(".tmp.xlsx"), [HEADER, person_row(1)])
    p.write_bytes(good.read_bytes()[:300])
    return p


def _png(p: Path) -> Path:
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return p


def _binary(p: Path) -> Path:
    p.write_bytes(bytes(range(256)) * 4)
    return p


def _no_header(p: Path) -> Path:
    return write_xlsx_rows(p, [["会员名单"], ["甲", "乙"], ["张三", "13800138000"]])


def _no_id_column(p: Path) -> Path:
    return write_xlsx_rows(p, [["姓名", "手机号码", "民族"], ["张三", "13800138000", "汉族"]])


def _empty(p: Path) -> Path:
    p.write_bytes(b"")
    return p


BAD_FILES = [
    ("empty.xlsx", _empty, "文件是空的"),
    ("scan.xlsx", _pdf, "这是 PDF 文件"),
    ("export.xls", _html, "文件内容是网页"),
    ("roster.xlsx", _docx, "这是 Word 文档"),
    ("broken.xlsx", _truncated, "文件已损坏"),
    ("photo.csv", _png, "这是图片文件"),
    ("blob.xlsx", _binary, "无法识别的文件格式"),
    ("names.xlsx", _no_header, "找不到表头"),
    ("no_id.xlsx", _no_id_column, "表头中找不到「公民身份号码」列"),
]


@pytest.mark.parametrize(("name", "make", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_file_that_cannot_be_imported_is_refused_at_once(
    tmp_path: Path, run_import: Any, name: str, make: Any, expected: str
) -> None:
    from gonghui.rosters.models import ImportJob

    path = make(tmp_path / name)
    with pytest.raises(ApplicationError) as exc:
        run_import(path)
    assert expected in exc.value.message
    assert "\n" not in exc.value.message
    assert not ImportJob.objects.exists()


# --------------------------------------------------------------------------- rows refused

Y2000 = dt.date(2000, 1, 1)


def _row(**kw: Any) -> list[Any]:
    return person_row(7, **kw)


BAD_ROWS: list[tuple[str, list[Any], str, str]] = [
    # (case, the data row, column as the file names it, expected message part)
    ("scientific notation", _row(id="5.30326E+17"), "公民身份号码", "科学计数法"),
    ("last digits 000", _row(id="530326198501011000"), "公民身份号码", "末三位是 000"),
    ("decimal point", _row(id="530326198501011234.5"), "公民身份号码", "小数点"),
    ("number cell, 18 digits", _row(id=530326198501011234.0), "公民身份号码", "科学计数法"),
    ("number cell ending 000", _row(id=530326198501011000.0), "公民身份号码", "科学计数法"),
    (
        "number cell, 15-digit legacy number kept but invalid date",
        _row(id=530326850230123.0),
        "公民身份号码",
        "不是有效日期",
    ),
    ("wrong check digit", _row(id=new_id()[:17] + "Y"), "公民身份号码", "第 18 位"),
    (
        "checksum",
        _row(id=(lambda n: n[:17] + ("0" if n[17] != "0" else "1"))(new_id())),
        "公民身份号码",
        "校验位错误",
    ),
    ("17 digits", _row(id=new_id()[:17]), "公民身份号码", "应为 18 位"),
    ("impossible birth date", _row(id="53032619850230" + "1234"), "公民身份号码", "不是有效日期"),
    ("unknown province", _row(id="990326198501011234"), "公民身份号码", "省级行政区划代码"),
    ("letter inside", _row(id="5303261985O1011234"), "公民身份号码", "第 11 位「O」"),
    ("empty ID", _row(id=" "), "公民身份号码", "身份证号码为空"),
    (
        "under 16 on joining",
        _row(id=new_id(born=dt.date(2012, 5, 1)), joined="2024-01-01"),
        "公民身份号码",
        "未满 16 周岁",
    ),
    ("empty name", _row(name=""), "姓名", "姓名为空"),
    ("digits in the name (shifted columns)", _row(name="13800138000"), "姓名", "含有数字"),
    ("bad phone", _row(phone="1380013800"), "手机号码", "电话号码格式不正确"),
    ("unknown education", _row(education="大本科"), "学历", "不是有效的学历"),
    ("unknown ethnicity", _row(ethnicity="火星族"), "民族", "不是有效的民族"),
    ("unknown hukou", _row(hukou="外星户口"), "户籍类型", "不是有效的户籍类型"),
    ("impossible join date", _row(joined="2016-02-30"), "入会日期", "不是有效日期"),
    ("unreadable join date", _row(joined="去年三月"), "入会日期", "无法识别"),
    (
        "join date in the future",
        _row(joined=(dt.date.today() + dt.timedelta(days=40)).isoformat()),
        "入会日期",
        "晚于今天",
    ),
    ("join date before 1925", _row(joined="1901-01-01"), "入会日期", "早于 1925 年"),
]


def test_each_bad_row_is_refused_with_its_row_column_and_message(tmp_path: Path, run_import: Any) -> None:
    """All cases in one file under two title rows: row numbers are the sheet's own."""
    from gonghui.members.models import Person

    rows = [*TITLE, HEADER] + [r for _c, r, _col, _m in BAD_ROWS] + [person_row(99)]
    job = run_import(write_xlsx_rows(tmp_path / "bad_rows.xlsx", rows))
    found = issues_of(job)
    for i, (case, _r, column, message) in enumerate(BAD_ROWS):
        n = FIRST + i
        hits = [(c, m) for row, c, m in found if row == n]
        assert any(c == column and message in m for c, m in hits), f"{case}: row {n} → {hits}"
    assert (job.rows_done, job.refused, job.created) == (len(BAD_ROWS) + 1, len(BAD_ROWS), 1)
    assert Person.objects.count() == 1  # nothing committed from a refused row


def test_gender_and_birth_date_must_agree_with_the_id_number(tmp_path: Path, run_import: Any) -> None:
    male = new_id(born=dt.date(1985, 1, 1), male=True)
    rows = [
        ["姓名", "性别", "出生日期", "身份证号码"],
        ["张三", "女", "1985-01-01", male],
        ["李四", "男", "1986-01-01", new_id(born=dt.date(1985, 1, 1))],
        ["王五", "未知", "", new_id()],
        ["赵六", "男", dt.date(1985, 1, 1), new_id(born=dt.date(1985, 1, 1), male=True)],
    ]
    job = run_import(write_xlsx_rows(tmp_path / "g.xlsx", rows), dry_run=True)
    found = issues_of(job)
    assert (2, "性别", "性别“女”与身份证号码不符（身份证号码显示为男）") in found
    assert any(
        r == 3 and c == "出生日期" and "与身份证号码中的出生日期 1985-01-01 不符" in m for r, c, m in found
    )
    assert any(r == 4 and c == "性别" and "无法识别" in m for r, c, m in found)
    assert job.created == 1  # 赵六: a date cell equal to the ID's date


def test_a_duplicate_inside_the_file_is_refused_naming_the_earlier_row(
    tmp_path: Path, run_import: Any
) -> None:
    number = new_id()
    rows = [
        *TITLE,
        HEADER,
        person_row(1, id=number),
        person_row(2),
        person_row(3, id=number.lower()),
        person_row(4, id=" ".join([number[:6], number[6:]])),
    ]
    job = run_import(write_xlsx_rows(tmp_path / "dup.xlsx", rows))
    dup = [(r, m) for r, c, m in issues_of(job) if "重复" in m]
    assert dup == [
        (FIRST + 2, f"与第 {FIRST} 行的身份证号码重复，同一人只能导入一次"),
        (FIRST + 3, f"与第 {FIRST} 行的身份证号码重复，同一人只能导入一次"),
    ]
    assert (job.created, job.refused) == (2, 2)


def test_member_of_another_union_is_refused_with_a_transfer_suggestion(
    tmp_path: Path, run_import: Any, tree: dict[str, Any]
) -> None:
    from gonghui.members import actions as ma

    number = new_id()
    ma.member_register(
        user=tree["users"]["county_admin"], org=tree["orgs"]["T0006"], name="王五", id_number=number
    )
    other = new_id()
    ma.member_register(
        user=tree["users"]["county_admin"], org=tree["orgs"]["T0004"], name="赵六", id_number=other
    )
    rows = [HEADER, person_row(1, id=number), person_row(2, id=other)]
    job = run_import(
        write_xlsx_rows(tmp_path / "elsewhere.xlsx", rows), user="a_clerk"
    )  # a_clerk sees only T0003
    found = issues_of(job)
    # outside the clerk's scope the union is masked; the way out is a transfer
    assert found[0][0] == 2 and "其他工会（西**工会）" in found[0][2] and "会员关系接转" in found[0][2]
    assert found[1][0] == 3 and "东**工会" in found[1][2]
    job2 = run_import(
        write_xlsx_rows(tmp_path / "elsewhere2.xlsx", rows), user="east_admin"
    )  # east sees T0004 by name
    assert "东镇联合工会的会员" in issues_of(job2)[1][2]
    assert job.refused == 2 and job.created == 0


# --------------------------------------------------------------------------- forgiving


def _expect_one_good(job: Any, **fields: Any) -> Any:
    from gonghui.members.models import Membership

    assert job.status == "done", (job.status, job.message, issues_of(job))
    assert job.refused == 0, issues_of(job)
    m = Membership.objects.select_related("person").get(channel="roster")
    for k, v in fields.items():
        assert getattr(m.person if hasattr(m.person, k) else m, k) == v, k
    return m


GOOD_IDS = [
    ("lowercase x", lambda n: n.lower()),
    ("full-width digits", lambda n: n.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})),
    ("spaces inside", lambda n: f"{n[:6]} {n[6:14]} {n[14:]}"),
    ("trailing .0 from a tool", lambda n: n + ".0"),
]


@pytest.mark.parametrize(("case", "mangle"), GOOD_IDS, ids=[g[0] for g in GOOD_IDS])
def test_harmless_id_forms_are_accepted(tmp_path: Path, run_import: Any, case: str, mangle: Any) -> None:
    number = (
        ids_with_x()
        if case != "trailing .0 from a tool"
        else next(n for n in iter(new_id, None) if not n.endswith("X"))
    )
    job = run_import(write_xlsx_rows(tmp_path / "ok.xlsx", [HEADER, person_row(1, id=mangle(number))]))
    m = _expect_one_good(job)
    from gonghui.core import pii

    assert pii.decrypt(m.person.id_cipher, context="id_number") == number


def ids_with_x() -> str:
    for _ in range(200):
        n = new_id()
        if n.endswith("X"):
            return n
    return new_id()


def test_a_15_digit_number_is_upgraded(tmp_path: Path, run_import: Any) -> None:
    from gonghui.core import pii

    old = "530326850101123"  # 1985-01-01, sequence 123 (odd: male)
    job = run_import(write_xlsx_rows(tmp_path / "old.xlsx", [HEADER, person_row(1, id=old)]))
    m = _expect_one_good(job, gender="M", birth_date=dt.date(1985, 1, 1))
    assert pii.decrypt(m.person.id_cipher, context="id_number").startswith("53032619850101123")


DATES = [
    "2016-03-01",
    "2016/3/1",
    "2016年3月1日",
    "2016.3.1",
    "20160301",
    42430,
    dt.date(2016, 3, 1),
    "２０１６－０３－０１",
    " 2016-03-01 00:00:00 ",
]


@pytest.mark.parametrize("value", DATES, ids=[str(d) for d in DATES])
def test_dates_in_every_common_form(tmp_path: Path, run_import: Any, value: Any) -> None:
    job = run_import(write_xlsx_rows(tmp_path / "d.xlsx", [HEADER, person_row(1, joined=value)]))
    _expect_one_good(job, joined_on=dt.date(2016, 3, 1))


def test_coded_values_by_synonym_and_yes_no(tmp_path: Path, run_import: Any) -> None:
    rows = [
        [
            "姓名",
            "身份证号",
            "户口性质",
            "文化程度",
            "政治面貌",
            "是否劳模",
            "新就业形态",
            "民族",
            "技能等级",
        ],
        ["张　三", new_id(), "农业", "大专", "团员", "是", "外卖骑手", "彝", "高级工"],
    ]
    job = run_import(write_xlsx_rows(tmp_path / "s.xlsx", rows))
    m = _expect_one_good(job, name="张三", hukou_type="agri", education="30", political_status="03", is_model_worker=True,
                         new_employment_group="food_delivery", ethnicity="07", skill_level="3", is_migrant=True)  # fmt: skip
    assert m.channel == "roster"


def test_bad_yes_no_value(tmp_path: Path, run_import: Any) -> None:
    rows = [["姓名", "身份证号码", "是否农民工"], ["张三", new_id(), "也许"]]
    job = run_import(write_xlsx_rows(tmp_path / "b.xlsx", rows))
    assert issues_of(job) == [(2, "是否农民工", "“也许”应填“是”或“否”")]


ENCODINGS = [
    ("utf-8", ","),
    ("utf-8-sig", ","),
    ("gbk", ","),
    ("gb18030", ","),
    ("utf-16", "\t"),
    ("utf-8", ";"),
]


@pytest.mark.parametrize(("encoding", "delimiter"), ENCODINGS, ids=[f"{e}{d!r}" for e, d in ENCODINGS])
def test_csv_in_the_encodings_offices_produce(
    tmp_path: Path, run_import: Any, encoding: str, delimiter: str
) -> None:
    name = (
        "王䶮" if encoding in ("gb18030", "utf-16", "utf-8-sig") else "王小明"
    )  # 䶮: in GB18030, not in GBK
    rows = [*TITLE, HEADER, person_row(1, name=name)]
    job = run_import(write_csv_rows(tmp_path / "r.csv", rows, encoding=encoding, delimiter=delimiter))
    _expect_one_good(job, name=name)


def test_old_xls_with_title_rows(tmp_path: Path, run_import: Any) -> None:
    rows = [*TITLE, HEADER, person_row(1), person_row(2, id="5.30326E+17")]
    job = run_import(write_xls_rows(tmp_path / "old.xls", rows))
    assert job.created == 1
    assert issues_of(job)[0][0] == FIRST + 1 and "科学计数法" in issues_of(job)[0][2]


def test_ods(tmp_path: Path, run_import: Any) -> None:
    job = run_import(write_ods_rows(tmp_path / "wps.ods", [HEADER, person_row(1)]))
    _expect_one_good(job)


def test_header_under_merged_titles_and_a_two_row_header(tmp_path: Path, run_import: Any) -> None:
    rows = [
        ["东镇甲公司工会会员花名册", None, None, None, None],
        ["基本信息", None, None, "联系方式", "其他"],
        ["*姓名", "公民身份号码（必填）", "性别", "手机", "备注"],
        ["李雷", new_id(male=True), "男", "13900139000", "转业军人"],
        [None, None, None, None, None],
        ["韩梅梅", new_id(male=False), "女", "", ""],
        ["填表人：王老师", None, None, None, None],
    ]
    path = write_xlsx_rows(
        tmp_path / "m.xlsx", rows, merge=[(0, 0, 0, 4, "东镇甲公司工会会员花名册"), (1, 0, 1, 2, "基本信息")]
    )
    job = run_import(path)
    assert job.header["row"] == 3 and job.header["columns"]["phone"] == 3
    assert "备注" in job.header["ignored"]
    assert (job.rows_done, job.created, job.refused) == (2, 2, 0)  # the blank row and the footer are not rows


def test_the_roster_sheet_is_found_behind_an_instructions_sheet(tmp_path: Path, run_import: Any) -> None:
    path = write_xlsx_rows(
        tmp_path / "two.xlsx",
        [HEADER, person_row(1)],
        extra_sheets=[("填表说明", [["请按模板填写"], ["身份证号码设为文本"]])],
    )
    job = run_import(path)
    assert job.sheet == 1
    _expect_one_good(job)


def test_every_corpus_file_through_the_web_gives_a_message_not_a_server_error(
    tmp_path: Path, client: Any, tree: dict[str, Any]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(tree["users"]["east_clerk"])
    for name, make, expected in BAD_FILES:
        path = make(tmp_path / name)
        upload = SimpleUploadedFile(name, path.read_bytes())
        resp = client.post("/rosters/", {"file": upload, "org": "T0003", "mode": "update"})
        assert resp.status_code == 200, name
        assert expected in resp.content.decode(), name
    # and through the API: 4xx with the same message
    from gonghui.accounts.actions import token_create

    _row, token = token_create(actor=None, user=tree["users"]["east_clerk"])
    for name, make, expected in BAD_FILES[:4]:
        path = make(tmp_path / ("api_" + name))
        resp = client.post("/api/v1/imports", {"file": SimpleUploadedFile(name, path.read_bytes()), "org": "T0003"},
                           HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
        assert 400 <= resp.status_code < 500 and expected in resp.json()["message"], name
    assert len(BAD_FILES) + len(BAD_ROWS) + len(GOOD_IDS) + len(DATES) + len(ENCODINGS) >= 30
