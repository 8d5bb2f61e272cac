"""Checking a roster row by row: pure functions, no database (they also run in the reader process).

Each row becomes a `Rec` tuple or a list of problems `(column title, message)`, in Chinese, naming
the column as the file names it; the caller adds the row number as Excel shows it. The rules are the
member register's (members/actions.py): ID number (GB 11643-1999, any era's address code, 15-digit
numbers upgraded), at least 16 years old on joining (劳动法 art. 15), code-table values, phone
format; plus what only a spreadsheet gets wrong — numbers Excel mangled (reported, never repaired),
gender or birth date contradicting the ID number, dates in every common form, full-width digits,
stray spaces, the same person twice in one file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from gonghui.core import ids
from gonghui.rosters.columns import Header
from gonghui.rosters.vocabulary import (  # noqa: F401 - CODED, CodeBook re-exported
    _FULLWIDTH,
    _SPACE,
    CODED,
    FEMALE,
    MALE,
    NO,
    SYNONYMS,
    YES,
    CodeBook,
    norm_code,
)

MIN_AGE = 16  # 劳动法 art. 15, as members.actions.MIN_AGE
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)


_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T ]?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?"
)
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_FOOTER = re.compile(
    r"^(填表人|填报人|制表人|制表|审核人|审核|负责人|单位负责人|联系人|注[:：]|说明|合计|总计|备注|盖章|填表日期|填报日期)"
)


_MISS = object()
_BAD = object()


class Rec(NamedTuple):
    """One checked row (None = the file gives no value: an update keeps what is stored)."""

    row: int
    number: str  # canonical 18-character ID number
    name: str
    gender: str
    birth_date: dt.date
    address_code: str
    phone: str | None
    ethnicity: str | None
    education: str | None
    political_status: str | None
    hukou_type: str | None
    is_migrant: bool | None
    employment_status: str | None
    new_employment_group: str | None
    job: str | None
    skill_level: str | None
    is_model_worker: bool | None
    employer_name: str | None
    joined_on: dt.date | None
    form_no: str | None
    org: str | None  # org code (multi-union imports), resolved by the checker


PERSON_FIELDS = (
    "ethnicity", "education", "political_status", "hukou_type", "employment_status", "new_employment_group", "job",
    "skill_level", "is_model_worker", "employer_name",
)  # fmt: skip


_NEEDS_FOLD = re.compile(r"[\uff01-\uff5e\u3000]")


def text(v: Any) -> str:
    """A cell as trimmed text: full-width letters and digits to ASCII, runs of spaces to one."""
    if v.__class__ is str:
        if not v:
            return v
        if not v.isascii() and _NEEDS_FOLD.search(v):
            v = v.translate(_FULLWIDTH)
        v = v.strip()
        if "  " in v or "\n" in v or "\t" in v or "\xa0" in v:
            v = " ".join(v.split())
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        return text(str.__str__(v))
    return str(v)


def clean_name(v: Any) -> str:
    """Stray spaces out; the spaces clerks put between the characters of a Chinese name to line
    names up (张　三) out too; a space between Latin or minority-script parts stays."""
    s = text(v)
    if " " not in s:
        return s
    parts = s.split(" ")
    out = parts[0]
    for p in parts[1:]:
        if out and p and _CJK.match(out[-1]) and _CJK.match(p[0]):
            out += p
        else:
            out += " " + p
    return out


def parse_date(v: Any, *, month_ok: bool = False) -> tuple[dt.date, bool] | None:
    """A date from any common form: a date cell, 2016-03-01, 2016/3/1, 2016年3月1日, 2016.3.1,
    20160301, an Excel serial number (42430). Returns (date, month_only) or None; ValueError for
    something that looks like a date but is not one (2016-02-30)."""
    if isinstance(v, dt.datetime):
        return v.date(), False
    if isinstance(v, dt.date):
        return v, False
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        if 19000101 <= v <= 21001231 and float(v).is_integer():
            return _ymd(str(int(v))), False
        if 190001 <= v <= 210012 and float(v).is_integer() and month_ok:
            s = str(int(v))
            return dt.date(int(s[:4]), int(s[4:]), 1), True
        if 1 <= v < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(v)), False
        return None
    s = text(v)
    if not s:
        return None
    if m := _DATE.fullmatch(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3])), False
    if len(s) == 8 and s.isdigit():
        return _ymd(s), False
    if month_ok:
        if m := _MONTH.fullmatch(s):
            return dt.date(int(m[1]), int(m[2]), 1), True
        if len(s) == 6 and s.isdigit():
            return dt.date(int(s[:4]), int(s[4:]), 1), True
    if s.replace(".", "", 1).isdigit() and 20000 <= float(s) < 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(float(s))), False
    return None


def _ymd(s: str) -> dt.date:
    return dt.date(int(s[:4]), int(s[4:6]), int(s[6:8]))


def id_from_cell(v: Any, today: dt.date) -> ids.IdInfo:
    """The ID number from a cell. A number cell means the column went through Excel as numbers:
    15 significant digits survive, so an 18-digit number is already damaged — said so, never
    repaired. A 15-digit legacy number survives intact and is accepted (and upgraded)."""
    if isinstance(v, bool):
        raise ids.IdNumberError("chars", "id.chars", position=1, char=str(v))
    if isinstance(v, int | float):
        if isinstance(v, float) and not v.is_integer():
            raise ids.IdNumberError("excel_decimal", "id.excel_decimal")
        # what Excel shows: 15 significant digits (a double holds no more that Excel keeps)
        n = int(Decimal(format(v, ".15g"))) if abs(v) >= 1e15 else int(v)
        digits = str(abs(n))
        if len(digits) <= 15:
            return ids.parse_id_number(digits, today=today)
        # Excel shows such a cell as 5.30326E+17 (General format): say it as the clerk sees it
        raise ids.IdNumberError("excel_scientific", "id.excel_scientific")
    if not isinstance(v, str):
        v = text(v)
    return ids.parse_id_number(v, today=today)


class Checker:
    """Checks the rows of one file against one header. `orgs` maps what an 工会 cell may say
    (code, full name, short name; normalised) to an org code, for imports into a higher union;
    `target` is the code rows belong to when the file does not say."""

    def __init__(self, header: Header, codebook: CodeBook, *, today: dt.date, target: str | None,
                 orgs: dict[str, str] | None = None) -> None:  # fmt: skip
        self.h = header
        self.codes = codebook
        self.today = today
        self.target = target
        self.orgs = orgs or {}
        self.cols = dict(header.columns)
        self.titles = {k: header.title(k) for k in self.cols}
        self.coded = [(k, CODED[k], self.cols[k]) for k in CODED if k in self.cols]
        self.data_cols = sorted(self.cols.values())
        self.ix = {c: self.cols.get(c, 1 << 30) for c in ("name", "id_number", "gender", "birth_date", "phone", "job", "employer_name",
                                                          "form_no", "joined_on", "org", "is_migrant", "is_model_worker")}  # fmt: skip
        month_title = header.title("birth_date") if "birth_date" in self.cols else ""
        self.birth_month_ok = "年月" in month_title and "日" not in month_title
        # the same ID number earlier in the file: number → row
        self.seen: dict[int, int] = {}
        # a roster repeats the same few values (汉族, 初中, 2016/3/1 …): look each up once
        self._memo: dict[str, dict[Any, Any]] = {
            key: {} for key in (*CODED, "gender", "birth_date", "joined_on", "is_migrant", "is_model_worker")
        }

    # -- what is data ------------------------------------------------------------------
    def is_blank(self, cells: list[Any]) -> bool:
        """Nothing in the columns we import (a numbered empty template row counts as blank), or a
        footer line such as 填表人：… under the table."""
        n = len(cells)
        found = False
        for j in self.data_cols:
            if (
                j < n
                and (c := cells[j]) != ""
                and c is not None
                and not (isinstance(c, str) and not c.strip())
            ):
                found = True
                break
        if not found:
            return True
        filled = []
        for c in cells:
            if c != "" and c is not None and not (isinstance(c, str) and not c.strip()):
                filled.append(c)
                if len(filled) > 2:  # a data row: a footer line fills one or two cells
                    return False
        return isinstance(filled[0], str) and bool(_FOOTER.match(filled[0].strip()))

    def key(self, number: str) -> int:
        return int(number[:17]) * 11 + (10 if number[17] == "X" else int(number[17]))

    def remember(self, n: int, cells: list[Any]) -> None:
        """For rows done before a resume: only their ID numbers, so later duplicates still name them."""
        j = self.cols["id_number"]
        try:
            info = id_from_cell(cells[j] if j < len(cells) else "", self.today)
        except ValueError:
            return
        self.seen.setdefault(self.key(info.number), n)

    # -- one row -------------------------------------------------------------------------
    def check(self, n: int, cells: list[Any]) -> tuple[Rec | None, list[tuple[str, str]]]:
        cols, titles = self.cols, self.titles
        size = len(cells)
        errs: list[tuple[str, str]] = []

        # column index per field; an absent column gets an index past any row, so it reads ""
        ix = self.ix

        def cell(key: str) -> Any:
            j = ix[key]
            return cells[j] if j < size else ""

        j = ix["name"]
        name = clean_name(cells[j] if j < size else "")
        if not name:
            errs.append((titles["name"], "姓名为空"))
        elif len(name) > 40:
            errs.append((titles["name"], f"姓名过长（{len(name)} 个字），最多 40 个字"))
        elif _DIGIT.search(name):
            errs.append((titles["name"], f"姓名“{name}”中含有数字，请检查是否错列"))

        info: ids.IdInfo | None = None
        try:
            j = ix["id_number"]
            info = id_from_cell(cells[j] if j < size else "", self.today)
        except ids.IdNumberError as e:
            errs.append((titles["id_number"], e.message))

        gender = ""
        if info is not None:
            gender = info.gender
            if "gender" in cols and (g := text(cell("gender"))):
                gl = g.lower()
                said = "M" if gl in MALE else "F" if gl in FEMALE else ""
                if not said:
                    errs.append((titles["gender"], f"性别“{g}”无法识别，应为“男”或“女”"))
                elif said != gender:
                    errs.append(
                        (
                            titles["gender"],
                            f"性别“{g}”与身份证号码不符（身份证号码显示为{'男' if gender == 'M' else '女'}）",
                        )
                    )
            b = cell("birth_date") if "birth_date" in cols else ""
            if b.__class__ is str and b.strip() == info.birth_date.isoformat():
                pass  # the usual case, said the usual way
            elif b != "" and b is not None:
                try:
                    parsed = self._date("birth_date", b, self.birth_month_ok)
                except ValueError:
                    parsed = None
                if parsed is None:
                    errs.append((titles["birth_date"], f"出生日期“{text(b)}”不是可识别的日期"))
                else:
                    d, month_only = parsed
                    same = (
                        (d.year, d.month) == (info.birth_date.year, info.birth_date.month)
                        if month_only
                        else d == info.birth_date
                    )
                    if not same:
                        errs.append(
                            (
                                titles["birth_date"],
                                f"出生日期 {text(b)} 与身份证号码中的出生日期 {info.birth_date.isoformat()} 不符",
                            )
                        )

        phone: str | None = None
        if "phone" in cols:
            raw = cell("phone")
            if raw != "" and raw is not None:
                p = text(raw)
                if p:
                    try:
                        phone = ids.normalize_phone(p)
                    except ids.PhoneError as e:
                        errs.append((titles["phone"], e.message))

        values: dict[str, Any] = {}
        memo = self._memo
        for key, table, j in self.coded:
            raw = cells[j] if j < size else ""
            if raw == "" or raw is None:
                continue
            hit = memo[key].get(raw) if raw.__class__ is str else None
            if hit is not None:
                values[key] = hit
                continue
            s = text(raw)
            if not s:
                continue
            code = self.codes.lookup.get(table, {}).get(norm_code(s))
            if code is not None and raw.__class__ is str:
                memo[key][raw] = code
            if code is None:
                allowed = "、".join(self.codes.labels(table)[:12])
                more = " 等" if len(self.codes.labels(table)) > 12 else ""
                errs.append((titles[key], f"“{s}”不是有效的{titles[key]}，可填：{allowed}{more}"))
            else:
                values[key] = code

        migrant = self._bool(cell, "is_migrant", errs)
        model = self._bool(cell, "is_model_worker", errs)
        job = text(cell("job"))[:60] or None if "job" in cols else None
        employer = text(cell("employer_name"))[:120] or None if "employer_name" in cols else None
        form_no = None
        if "form_no" in cols and (f := text(cell("form_no"))):
            if len(f) > 32:
                errs.append((titles["form_no"], f"登记表编号过长（{len(f)} 位），最多 32 位"))
            else:
                form_no = f

        joined: dt.date | None = None
        if "joined_on" in cols and (raw := cell("joined_on")) != "" and raw is not None:
            try:
                parsed = self._date("joined_on", raw)
            except ValueError:
                errs.append((titles["joined_on"], f"入会日期“{text(raw)}”不是有效日期"))
                parsed = None
            else:
                if parsed is None:
                    errs.append(
                        (
                            titles["joined_on"],
                            f"入会日期“{text(raw)}”无法识别，可写作 2016-03-01、2016/3/1 或 2016年3月1日",
                        )
                    )
            if parsed is not None:
                joined = parsed[0]
                if joined > self.today:
                    errs.append((titles["joined_on"], f"入会日期 {joined.isoformat()} 晚于今天"))
                elif joined.year < 1925:
                    errs.append((titles["joined_on"], f"入会日期 {joined.isoformat()} 早于 1925 年，请检查"))
        if info is not None:
            on = joined or self.today
            age = (
                on.year
                - info.birth_date.year
                - ((on.month, on.day) < (info.birth_date.month, info.birth_date.day))
            )
            if age < MIN_AGE:
                when = "入会时" if joined else "现在"
                errs.append(
                    (
                        titles["id_number"],
                        f"按身份证号码，此人{when}未满 16 周岁（出生于 {info.birth_date.isoformat()}），不能入会",
                    )
                )

        org = self.target
        given = text(cell("org")) if "org" in cols else ""
        if given:
            found = self.orgs.get(norm_code(given))
            if found is None:
                errs.append((titles["org"], f"“{given}”不是本次导入范围内的基层工会（请填写工会代码或全称）"))
            elif self.target and found != self.target:
                errs.append((titles["org"], f"“{given}”不是本次导入的工会"))
            else:
                org = found
        elif not org:
            errs.append(
                (
                    titles.get("org", "工会代码"),
                    "未填写所在基层工会：导入到上级工会时，每行须写明基层工会代码或全称",
                )
            )

        if info is not None:
            k = self.key(info.number)
            first = self.seen.get(k)
            if first is not None:
                errs.append((titles["id_number"], f"与第 {first} 行的身份证号码重复，同一人只能导入一次"))
            else:
                self.seen[k] = n
        if errs or info is None:
            return None, errs
        return Rec(
            n, info.number, name, gender, info.birth_date, info.address_code, phone, values.get("ethnicity"),
            values.get("education"), values.get("political_status"), values.get("hukou_type"), migrant,
            values.get("employment_status"), values.get("new_employment_group"), job, values.get("skill_level"), model,
            employer, joined, form_no, org,
        ), errs  # fmt: skip

    def _date(self, key: str, raw: Any, month_ok: bool = False) -> tuple[dt.date, bool] | None:
        memo = self._memo[key]
        cacheable = raw.__class__ is str
        if cacheable:
            hit = memo.get(raw, _MISS)
            if hit is _BAD:
                raise ValueError(raw)
            if hit is not _MISS:
                return hit  # type: ignore[no-any-return]
            if len(memo) > 200_000:
                memo.clear()
        try:
            result = parse_date(raw, month_ok=month_ok)
        except ValueError:
            if cacheable:
                memo[raw] = _BAD
            raise
        if cacheable:
            memo[raw] = result
        return result

    def _bool(self, cell: Any, key: str, errs: list[tuple[str, str]]) -> bool | None:
        if key not in self.cols:
            return None
        s = text(cell(key)).lower()
        if not s:
            return None
        if s in YES:
            return True
        if s in NO:
            return False
        errs.append((self.titles[key], f"“{s}”应填“是”或“否”"))
        return None


def org_lookup(orgs: Iterable[Any]) -> dict[str, str]:
    """What a roster's 工会 cell may say → org code: the code, the full name, the short name."""
    out: dict[str, str] = {}
    for o in orgs:
        for v in (o.code, o.name, o.short_name):
            if v:
                out.setdefault(norm_code(v), o.code)
    return out
