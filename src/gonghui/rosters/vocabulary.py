"""What clerks write in a roster's coded columns: the code tables' own items are read from the
database (checks.CodeBook); these are the everyday words for them, and the yes / no / gender words.
Pure data, shared by the checks (also in the reader process) and the template's drop-downs."""

from __future__ import annotations

import re

# code-table field → table name (members.codes.Table values)
CODED: dict[str, str] = {
    "ethnicity": "ethnicity",
    "education": "education",
    "political_status": "political",
    "hukou_type": "hukou",
    "employment_status": "employment",
    "new_employment_group": "new_employment",
    "skill_level": "skill_level",
}

# What clerks write for the code tables' items, beyond the items' own labels and codes.
SYNONYMS: dict[str, dict[str, str]] = {
    "hukou": {
        "农业": "agri", "农业户口": "agri", "农村": "agri", "农村户口": "agri", "农户": "agri", "农业户": "agri",
        "非农": "nonagri", "非农业": "nonagri", "非农业户口": "nonagri", "城镇": "nonagri", "城镇户口": "nonagri",
        "城市": "nonagri", "城市户口": "nonagri", "非农户口": "nonagri",
        "居民": "resident", "居民户口": "resident", "居民家庭户口": "resident", "统一居民户口": "resident",
    },
    "education": {
        "研究生": "10", "博士": "10", "硕士": "10", "博士研究生": "10", "硕士研究生": "10",
        "本科": "20", "大学": "20", "大学本科": "20", "大本": "20",
        "大专": "30", "专科": "30", "大学专科": "30", "高职": "30",
        "中专": "40", "技校": "40", "中技": "40", "职高": "40", "中等专科": "40", "中专(技校)": "40", "中专/技校": "40",
        "高中": "60", "普高": "60", "初中": "70", "初中及以下": "70", "小学": "80", "小学及以下": "80",
        "文盲": "90", "其他": "90",
    },
    "political": {
        "党员": "01", "中共党员": "01", "中国共产党党员": "01", "共产党员": "01", "预备党员": "02", "中共预备党员": "02",
        "团员": "03", "共青团员": "03", "中国共产主义青年团团员": "03", "群众": "13", "普通群众": "13",
        "无党派": "12", "无党派人士": "12", "民主党派": "12",
    },
    "employment": {
        "在岗": "employed", "在职": "employed", "在岗职工": "employed", "在职职工": "employed", "正式工": "employed",
        "合同工": "employed", "劳务派遣": "dispatched", "派遣": "dispatched", "派遣工": "dispatched",
        "灵活就业": "flexible", "临时工": "flexible", "新就业形态": "platform", "平台就业": "platform",
        "退休": "retired", "离退休": "retired", "离休": "retired", "失业": "unemployed", "下岗": "unemployed", "其他": "other",
    },
    "new_employment": {
        "外卖员": "food_delivery", "外卖骑手": "food_delivery", "骑手": "food_delivery", "送餐员": "food_delivery",
        "网约送餐员": "food_delivery", "快递员": "courier", "快递小哥": "courier", "快递": "courier",
        "货车司机": "truck_driver", "货车驾驶员": "truck_driver", "卡车司机": "truck_driver",
        "网约车司机": "ride_hailing", "网约车驾驶员": "ride_hailing", "护工": "carer", "护理员": "carer",
        "护工护理员": "carer", "家政": "domestic", "家政员": "domestic", "家政服务员": "domestic", "保姆": "domestic",
        "商场信息员": "mall_info", "房产中介": "realty_agent", "房产中介员": "realty_agent", "中介": "realty_agent",
        "保安": "security_guard", "保安员": "security_guard", "其他": "other", "其他新就业形态": "other",
    },
    "skill_level": {
        "初级工": "5", "初级": "5", "五级": "5", "中级工": "4", "中级": "4", "四级": "4", "高级工": "3", "高级": "3",
        "三级": "3", "技师": "2", "二级": "2", "高级技师": "1", "一级": "1",
    },
    "ethnicity": {"汉": "01", "汉族": "01"},
}  # fmt: skip

YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "对", "是的"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "✗", "无", "不是", "非"})
MALE = frozenset({"男", "男性", "m", "male", "1"})
FEMALE = frozenset({"女", "女性", "f", "female", "2", "0"})

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_SPACE = re.compile(r"\s+")


class CodeBook:
    """The code tables as lookups: label, code, or a synonym → code; built once per import from the
    member register's (database) tables, so relabelled or added items are understood too."""

    def __init__(self, items: dict[str, list[tuple[str, str]]]) -> None:
        self.items = items  # table → [(code, label)]
        self.lookup: dict[str, dict[str, str]] = {}
        for table, pairs in items.items():
            active = {code for code, _label in pairs}
            d: dict[str, str] = {}
            for syn, code in SYNONYMS.get(table, {}).items():
                if code in active:
                    d[norm_code(syn)] = code
            for code, label in pairs:
                d[norm_code(label)] = code
                d[norm_code(code)] = code
                if code.isdigit():
                    d[str(int(code))] = code  # 民族 "1" for "01"
                stripped = re.sub(r"[（(].*?[）)]", "", label)
                if stripped and norm_code(stripped) not in d:
                    d[norm_code(stripped)] = code
                if table == "ethnicity" and label.endswith("族") and len(label) >= 2:
                    d.setdefault(norm_code(label[:-1]), code)  # 彝族 → 彝
            self.lookup[table] = d

    @classmethod
    def from_db(cls) -> CodeBook:
        from gonghui.members import codes

        return cls({t: [(c, label) for c, label, _p in codes.items(t)] for t in set(CODED.values())})

    def labels(self, table: str) -> list[str]:
        return [label for _c, label in self.items.get(table, [])]


def norm_code(v: str) -> str:
    return _SPACE.sub("", v.translate(_FULLWIDTH)).lower()
