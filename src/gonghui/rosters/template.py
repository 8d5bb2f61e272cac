"""The roster template (导入模板): an xlsx with the columns the import knows, drop-down lists for the
coded fields (Excel data validation), the ID and phone columns formatted as text so Excel cannot
turn them into numbers, and a sheet of instructions."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter

from gonghui.rosters.checks import CODED, CodeBook
from gonghui.rosters.columns import BY_KEY

TEMPLATE_COLUMNS = (
    "name", "id_number", "phone", "gender", "ethnicity", "education", "political_status", "hukou_type", "is_migrant",
    "employment_status", "new_employment_group", "job", "skill_level", "is_model_worker", "employer_name", "joined_on",
    "form_no",
)  # fmt: skip
ROWS = 5000  # rows prepared with formats and drop-downs


def build_template(*, codebook: CodeBook | None = None, orgs: list[tuple[str, str]] | None = None) -> bytes:
    """The template as bytes. `orgs` [(code, name)]: add a 工会代码 column with those unions (for an
    import into a township, industry or system union)."""
    codebook = codebook or CodeBook.from_db()
    keys = list(TEMPLATE_COLUMNS) + (["org"] if orgs else [])
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    ws = wb.add_worksheet("会员花名册")
    help_ws = wb.add_worksheet("填写说明")
    lists = wb.add_worksheet("代码表")
    head = wb.add_format(
        {"bold": True, "bg_color": "#F0F2F4", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    req = wb.add_format(
        {
            "bold": True,
            "bg_color": "#FDE7E7",
            "font_color": "#9E1016",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
        }
    )
    text = wb.add_format({"num_format": "@"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})

    # lists for the drop-downs live on a hidden sheet (a list typed into the rule is capped at 255 characters)
    sources: dict[str, str] = {}
    col = 0
    fixed = {"gender": ["男", "女"], "is_migrant": ["是", "否"], "is_model_worker": ["是", "否"]}
    for key in keys:
        if key in CODED:
            values = codebook.labels(CODED[key])
        elif key in fixed:
            values = fixed[key]
        elif key == "org" and orgs:
            values = [code for code, _name in orgs]
        else:
            continue
        lists.write_string(0, col, BY_KEY[key].label)
        for i, v in enumerate(values, start=1):
            lists.write_string(i, col, v)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        sources[key] = f"='代码表'!${letter}$2:${letter}${len(values) + 1}"
        col += 1
    if orgs:
        lists.write_string(0, col, "工会名称")
        for i, (_c, name) in enumerate(orgs, start=1):
            lists.write_string(i, col, name)
    lists.hide()

    for c, key in enumerate(keys):
        column = BY_KEY[key]
        ws.write_string(
            0, c, column.label + ("*" if column.required else ""), req if column.required else head
        )
        width = {
            "id_number": 22,
            "phone": 15,
            "employer_name": 28,
            "job": 14,
            "joined_on": 12,
            "org": 14,
        }.get(key, 10)
        fmt: Any = (
            text if key in ("id_number", "phone", "form_no", "org") else date if key == "joined_on" else None
        )
        ws.set_column(c, c, width, fmt)
        rule: dict[str, Any] | None = None
        if key in sources:
            rule = {"validate": "list", "source": sources[key], "error_title": "请从下拉列表中选择",
                    "error_message": f"“{column.label}”请从下拉列表中选择。", "error_type": "warning"}  # fmt: skip
        elif key == "joined_on":
            rule = {"validate": "date", "criteria": "between", "minimum": dt.date(1925, 5, 1), "maximum": dt.date(2099, 12, 31),
                    "error_title": "日期", "error_message": "请填写日期，如 2016-03-01。", "error_type": "warning"}  # fmt: skip
        elif key == "id_number":
            rule = {"validate": "length", "criteria": "between", "minimum": 15, "maximum": 18, "error_title": "身份证号码",
                    "error_message": "身份证号码应为 18 位（旧式 15 位）。", "error_type": "warning"}  # fmt: skip
        if rule is not None:
            rule["input_title"] = column.label
            rule["input_message"] = (column.help or "")[:250]
            ws.data_validation(1, c, ROWS, c, rule)
        elif column.help:
            ws.data_validation(
                1,
                c,
                ROWS,
                c,
                {"validate": "any", "input_title": column.label, "input_message": column.help[:250]},
            )
    ws.freeze_panes(1, 1)
    ws.set_row(0, 30)

    lines = [
        ("导入说明", True),
        ("1. 第一行是表头，请不要修改列名；可以删除不需要的列（“姓名”“公民身份号码”必须保留）。", False),
        (
            "2. 公民身份号码、手机号码两列已设为“文本”格式。如果从其他表格粘贴，请用“选择性粘贴—数值”，"
            "否则 Excel 会把 18 位号码变成 5.30326E+17 或把末三位变成 000，原号码无法恢复。",
            False,
        ),
        ("3. 性别、出生日期按身份证号码自动判断；如果填写，必须与身份证号码一致。", False),
        ("4. 带下拉箭头的列请从列表中选择；也可以填写常见写法（如“农业户口”“本科”“团员”）。", False),
        ("5. 日期可写作 2016-03-01、2016/3/1、2016年3月1日 或 20160301；入会日期不填则为导入当天。", False),
        ("6. 同一人在表中只能出现一次；已在其他工会的会员不能导入，需办理会员关系接转。", False),
        (
            "7. 导入前会先检查并显示结果（新增、更新、无变化、拒绝），确认后才正式写入；有问题的行可下载“错误行”文件，改正后再次导入。",
            False,
        ),
        ("", False),
        (
            "示例（请勿填入“会员花名册”表）：张三　530326198501011234　13800138000　男　汉族　初中　群众　农业户口",
            False,
        ),
    ]
    bold = wb.add_format({"bold": True, "font_size": 14})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    help_ws.set_column(0, 0, 110)
    for i, (line, is_title) in enumerate(lines):
        help_ws.write_string(i, 0, line, bold if is_title else wrap)
    for i, key in enumerate(keys, start=len(lines) + 2):
        spec = BY_KEY[key]
        names = "、".join(spec.names[:6])
        help_ws.write_string(
            i,
            0,
            f"{spec.label}{'（必填）' if spec.required else ''}：{spec.help or '选填'}。也认得列名：{names}",
            wrap,
        )
    ws.activate()
    wb.close()
    return buf.getvalue()
