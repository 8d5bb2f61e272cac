"""The columns of a roster (花名册) and how to find them in a clerk's spreadsheet.

Real rosters have title rows above the header (“会泽县XX公司工会会员花名册”, “填报单位：… 日期：…”),
headers split over two merged rows, the same column under many names (身份证号 / 身份证号码 /
公民身份号码 / 证件号码 …), notes such as “（必填）” or “*” inside the header cell, and columns the
register does not keep (序号, 备注). The header is the row among the first few dozen that names the
most known columns, and must name at least 姓名 and the ID number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gonghui.core.sheet_reading import Row

# How far down to look for the header (title rows, notes, a logo row …).
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the template's header
    names: tuple[str, ...]  # header texts meaning this column (normalised, see norm_header)
    required: bool = False
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("姓名", "名字", "会员姓名", "职工姓名", "员工姓名", "人员姓名", "姓名(必填)"), True, "必填"),
    Column(
        "id_number", "公民身份号码",
        ("公民身份号码", "身份证号", "身份证号码", "公民身份证号", "公民身份证号码", "身份证", "证件号码", "证件号",
         "身份证件号码", "居民身份证号码", "居民身份证号", "身份证号码(18位)", "身份号码", "证件编号"),
        True, "必填；18 位，末位可为 X；请把此列设为“文本”格式",
    ),  # fmt: skip
    Column("phone", "手机号码", ("手机号码", "手机", "手机号", "联系电话", "联系方式", "电话", "电话号码", "移动电话", "手机号码(选填)")),
    Column("gender", "性别", ("性别",), help="可不填：按身份证号码判断；填了则须与之相符"),
    Column("birth_date", "出生日期", ("出生日期", "出生年月日", "出生年月", "生日"), help="可不填：按身份证号码判断"),
    Column("ethnicity", "民族", ("民族",)),
    Column("education", "学历", ("学历", "文化程度", "最高学历", "学历(文化程度)")),
    Column("political_status", "政治面貌", ("政治面貌",)),
    Column("hukou_type", "户籍类型", ("户籍类型", "户口性质", "户籍性质", "户口类型", "户别", "户口类别", "户籍类别")),
    Column("is_migrant", "是否农民工", ("是否农民工", "农民工", "是否为农民工"), help="可不填：农业户口视为农民工"),
    Column("employment_status", "就业状况", ("就业状况", "就业状态", "就业情况")),
    Column("new_employment_group", "新就业形态群体", ("新就业形态群体", "新就业形态", "新业态群体", "新就业形态类别", "新就业形态类型", "新就业形态劳动者类别")),
    Column("job", "工种/岗位", ("工种/岗位", "工种", "岗位", "职务", "职业", "工作岗位", "工种岗位")),
    Column("skill_level", "技能等级", ("技能等级", "职业技能等级", "技术等级")),
    Column("is_model_worker", "是否劳模", ("是否劳模", "劳模", "劳动模范", "是否劳动模范")),
    Column("employer_name", "工作单位", ("工作单位", "单位名称", "所在单位", "单位", "工作单位名称", "用人单位", "工作单位(全称)")),
    Column("joined_on", "入会日期", ("入会日期", "入会时间", "入会年月", "加入工会时间", "入会年月日"), help="可不填：默认为导入当天"),
    Column("form_no", "登记表编号", ("登记表编号", "入会登记表编号", "申请表编号", "入会申请书编号")),
    Column("org", "工会代码", ("工会代码", "所在工会代码", "基层工会代码", "组织代码", "所在工会", "基层工会", "工会名称"),
           help="导入到乡镇、行业或系统工会时填写会员所在的基层工会代码或全称"),
)  # fmt: skip
BY_KEY = {c.key: c for c in COLUMNS}
# Columns the register does not take from a roster: recognised so they are not reported as unknown.
IGNORED = (
    "序号",
    "编号",
    "no",
    "no.",
    "序",
    "备注",
    "说明",
    "错误原因",
    "原行号",
    "会员编号",
    "会员证号",
    "年龄",
)
IGNORED_NOTES = {"会员编号": "会员编号由系统按本会顺序分配，表中的会员编号列不导入。"}

_NAMES: dict[str, str] = {}
for _c in COLUMNS:
    for _n in _c.names:
        _NAMES[_n] = _c.key

_NOTE = re.compile(r"[（(][^）)]*[）)]$")
_DECOR = re.compile(r"[\s*＊※:：#★☆]")
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def norm_header(text: object) -> str:
    """Header text without spaces, stars, colons, full-width letters; lowercase."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    s = _DECOR.sub("", text.translate(_FULLWIDTH)).lower()
    return s


def column_key(text: object) -> str | None:
    """The column a header cell names, or None. '身份证号码（必填）' → 'id_number'."""
    s = norm_header(text)
    if not s:
        return None
    if s in _NAMES:
        return _NAMES[s]
    bare = _NOTE.sub("", s)  # a note in brackets: 身份证号码(18位) / 手机(选填)
    if bare in _NAMES:
        return _NAMES[bare]
    return None


def is_ignored(text: object) -> bool:
    s = _NOTE.sub("", norm_header(text))
    return s in IGNORED


@dataclass
class Header:
    """Where the header is and which column holds what (0-based column indexes)."""

    row: int  # spreadsheet row number of the (last) header row
    first_row: int  # first header row (two-row headers)
    columns: dict[str, int] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)  # column index → header text as written
    ignored: list[str] = field(default_factory=list)  # known, not imported (序号, 备注 …)
    unknown: list[str] = field(default_factory=list)  # not understood, not imported
    duplicates: list[str] = field(default_factory=list)  # a second column for the same thing
    notes: list[str] = field(default_factory=list)

    def title(self, key: str) -> str:
        """The column's header as the clerk wrote it (errors name the column as the file does)."""
        i = self.columns.get(key)
        return self.titles.get(i, BY_KEY[key].label) if i is not None else BY_KEY[key].label

    def as_json(self) -> dict[str, object]:
        return {
            "row": self.row, "first_row": self.first_row, "columns": self.columns,
            "titles": {str(k): v for k, v in self.titles.items()}, "ignored": self.ignored,
            "unknown": self.unknown, "duplicates": self.duplicates, "notes": self.notes,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Header:
        h = cls(row=int(str(data["row"])), first_row=int(str(data.get("first_row", data["row"]))))
        h.columns = {str(k): int(v) for k, v in dict(data["columns"]).items()}  # type: ignore[call-overload]
        h.titles = {int(k): str(v) for k, v in dict(data.get("titles", {})).items()}  # type: ignore[call-overload]
        for key in ("ignored", "unknown", "duplicates", "notes"):
            setattr(h, key, list(data.get(key, [])))  # type: ignore[call-overload]
        return h


def _text(v: object) -> str:
    if isinstance(v, str):
        return " ".join(v.split())
    if v is None or v == "":
        return ""
    return str(v)


def find_header(head: list[Row]) -> Header | None:
    """The header among the first rows: the row naming the most known columns (at least 姓名 and
    the ID number, possibly with a second header row below it for merged group headings)."""
    best: tuple[int, int] | None = None  # (score, index in head)
    for i, (_n, cells) in enumerate(head[:HEADER_SCAN_ROWS]):
        keys = {k for c in cells if (k := column_key(c))}
        score = len(keys)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i)
    if best is None:
        return None
    i = best[1]
    rows = [head[i]]
    # A two-row header: group headings merged across the first row (基本信息 | 联系方式), the
    # column names in the second; or 姓名 merged down two rows with sub-columns beside it.
    if i + 1 < len(head):
        below = head[i + 1][1]
        above = head[i][1]
        extra = {
            j for j, c in enumerate(below)
            if column_key(c) and not (j < len(above) and column_key(above[j]))
        }  # fmt: skip
        if extra:
            rows.append(head[i + 1])
    h = Header(row=rows[-1][0], first_row=rows[0][0])
    width = max(len(r[1]) for r in rows)
    for j in range(width):
        texts = [_text(r[1][j]) for r in rows if j < len(r[1])]
        # the lower row's text wins (the specific name under a group heading)
        key = None
        title = ""
        for t in reversed(texts):
            if t and (k := column_key(t)):
                key, title = k, t
                break
        if key is None:
            t = next((t for t in reversed(texts) if t), "")
            if not t:
                continue
            if is_ignored(t):
                h.ignored.append(t)
                if (note := IGNORED_NOTES.get(_NOTE.sub("", norm_header(t)))) and note not in h.notes:
                    h.notes.append(note)
            elif len(rows) == 1 or not any(column_key(x) for x in texts):
                h.unknown.append(t)
            continue
        if key in h.columns:
            h.duplicates.append(title)
            continue
        h.columns[key] = j
        h.titles[j] = title
    if "name" not in h.columns or "id_number" not in h.columns:
        return None
    return h


def missing_required_message(head: list[Row]) -> str:
    """Why no header was found, naming what is missing (for the one-line refusal)."""
    seen: set[str] = set()
    for _n, cells in head[:HEADER_SCAN_ROWS]:
        seen.update(k for c in cells if (k := column_key(c)))
    missing = [BY_KEY[k].label for k in ("name", "id_number") if k not in seen]
    if seen and missing:
        return f"表头中找不到「{'」「'.join(missing)}」列；请确认表头写有“姓名”和“公民身份号码（或身份证号码）”。"
    return "找不到表头：前 30 行中没有一行同时写有“姓名”和“身份证号码”等列名；请使用导入模板或检查表头。"
