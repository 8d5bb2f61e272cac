"""Code tables (代码表) for the member register: one `CodeItem` table holds them all.

Why one table and not TextChoices: these lists change without a release — the ACFTU extends the
新就业形态 groups (全总 2018 named eight; 网约车司机 and others came later), a province adds its own
就业状况, a federation renames a label. So they live in the database, seeded by a data migration
(`0002_seed_code_tables`, a frozen copy of `DEFAULTS` below), and a federation admin may relabel,
reorder, add or retire items. Where a national standard fixes the list the standard's own codes are
used (民族 GB/T 3304, 政治面貌 GB/T 4762, 学历 GB/T 4658), so exports line up with other systems.

What stays in code (TextChoices in models.py): workflow states the program itself acts on —
membership status, application status, transfer status, channel, gender (derived from the ID).
A few code-table codes are also referenced by the rules (`EventType`, `Reason`, hukou `agri`);
those codes are constants here and can be relabelled but never retired.

Labels are read through a small per-process cache (60 s, cleared on every write in this process),
so list pages do not query the code table once per row. If the table is empty (e.g. a test flushed
it) the built-in defaults answer, so nothing breaks.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Table:
    CHANGE_TYPE = "change_type"  # 会籍变化类型
    CHANGE_REASON = "change_reason"  # 会籍变化原因 (parent = change type)
    EMPLOYMENT = "employment"  # 就业状况
    EDUCATION = "education"  # 学历 (GB/T 4658-2006, simplified)
    HUKOU = "hukou"  # 户籍类型
    NEW_EMPLOYMENT = "new_employment"  # 新就业形态群体
    ETHNICITY = "ethnicity"  # 民族 (GB/T 3304-1991)
    POLITICAL = "political"  # 政治面貌 (GB/T 4762-1984)
    SKILL = "skill_level"  # 职业技能等级 (国家职业资格五级)


TABLE_LABELS: dict[str, Any] = {
    Table.CHANGE_TYPE: _("会籍变化类型"),
    Table.CHANGE_REASON: _("会籍变化原因"),
    Table.EMPLOYMENT: _("就业状况"),
    Table.EDUCATION: _("学历"),
    Table.HUKOU: _("户籍类型"),
    Table.NEW_EMPLOYMENT: _("新就业形态群体"),
    Table.ETHNICITY: _("民族"),
    Table.POLITICAL: _("政治面貌"),
    Table.SKILL: _("技能等级"),
}


class EventType:
    """会籍变化类型 (DOMAIN.md; 中国工会章程（2008年文本）第2条 入会, 第6条 退会, 第7条 开除会籍,
    第8条 保留会籍). Codes the actions rely on."""

    JOIN = "join"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"
    RETAIN = "retain"
    RESTORE = "restore"
    LEAVE = "leave"
    EXPEL = "expel"


class Reason:
    """会籍变化原因 the actions rely on; more may be added in the table."""

    APPLY = "apply"
    JOB_CHANGE = "job_change"
    UNION_MERGED = "union_merged"
    FORMATION = "formation"  # moved into the union newly formed at the workplace (组建, seed 004)
    RETIRED = "retired"
    UNEMPLOYED = "unemployed"
    REEMPLOYED = "reemployed"
    VOLUNTARY = "voluntary"
    LAPSED = "lapsed"
    CRIMINAL = "criminal"
    EMPLOYER_CLOSED = "employer_closed"  # 工会法 art. 13: the employer ended, its union with it
    OTHER = "other"


HUKOU_AGRICULTURAL = "agri"  # 农业户口 → 农民工 unless overridden

# table → [(code, label, parent)]; the order is the default sort order.
DEFAULTS: dict[str, list[tuple[str, str, str]]] = {
    Table.CHANGE_TYPE: [
        (EventType.JOIN, "入会", ""),
        (EventType.TRANSFER_IN, "转入", ""),
        (EventType.TRANSFER_OUT, "转出", ""),
        (EventType.RETAIN, "保留会籍", ""),
        (EventType.RESTORE, "恢复会籍", ""),
        (EventType.LEAVE, "退会", ""),
        (EventType.EXPEL, "开除会籍", ""),
    ],
    Table.CHANGE_REASON: [
        (Reason.APPLY, "本人申请入会", EventType.JOIN),
        (Reason.JOB_CHANGE, "工作变动（随劳动关系接转）", EventType.TRANSFER_OUT),
        (Reason.UNION_MERGED, "工会合并", EventType.TRANSFER_OUT),
        (Reason.FORMATION, "本单位建会（随建会转入新工会）", EventType.TRANSFER_OUT),
        (Reason.RETIRED, "退休", EventType.RETAIN),
        (Reason.UNEMPLOYED, "失业（下岗）", EventType.RETAIN),
        (Reason.EMPLOYER_CLOSED, "用人单位终止、工会撤销（会籍保留在上级工会）", EventType.RETAIN),
        (Reason.REEMPLOYED, "重新就业", EventType.RESTORE),
        (Reason.VOLUNTARY, "本人申请退会", EventType.LEAVE),
        (Reason.LAPSED, "连续六个月不交纳会费、不参加工会组织生活（自动退会）", EventType.LEAVE),
        (Reason.CRIMINAL, "严重违法犯罪受到刑事处罚（开除会籍）", EventType.EXPEL),
        (Reason.OTHER, "其他", ""),
    ],
    Table.EMPLOYMENT: [
        ("employed", "在岗职工", ""),
        ("dispatched", "劳务派遣", ""),
        ("flexible", "灵活就业", ""),
        ("platform", "新就业形态", ""),
        ("retired", "离退休", ""),
        ("unemployed", "失业", ""),
        ("other", "其他", ""),
    ],
    Table.EDUCATION: [
        ("10", "研究生", ""),
        ("20", "大学本科", ""),
        ("30", "大学专科", ""),
        ("40", "中专（技校）", ""),
        ("60", "高中", ""),
        ("70", "初中", ""),
        ("80", "小学", ""),
        ("90", "其他", ""),
    ],
    Table.HUKOU: [
        (HUKOU_AGRICULTURAL, "农业户口", ""),
        ("nonagri", "非农业户口", ""),
        ("resident", "居民户口（未区分农业与非农业）", ""),
        ("other", "其他", ""),
    ],
    Table.NEW_EMPLOYMENT: [
        ("truck_driver", "货车司机", ""),
        ("courier", "快递员", ""),
        ("carer", "护工护理员", ""),
        ("domestic", "家政服务员", ""),
        ("mall_info", "商场信息员", ""),
        ("food_delivery", "网约送餐员", ""),
        ("realty_agent", "房产中介员", ""),
        ("security_guard", "保安员", ""),
        ("ride_hailing", "网约车司机", ""),
        ("other", "其他新就业形态", ""),
    ],
    Table.ETHNICITY: [
        (f"{i:02d}", name, "")
        for i, name in enumerate(
            [
                "汉族",
                "蒙古族",
                "回族",
                "藏族",
                "维吾尔族",
                "苗族",
                "彝族",
                "壮族",
                "布依族",
                "朝鲜族",
                "满族",
                "侗族",
                "瑶族",
                "白族",
                "土家族",
                "哈尼族",
                "哈萨克族",
                "傣族",
                "黎族",
                "傈僳族",
                "佤族",
                "畲族",
                "高山族",
                "拉祜族",
                "水族",
                "东乡族",
                "纳西族",
                "景颇族",
                "柯尔克孜族",
                "土族",
                "达斡尔族",
                "仫佬族",
                "羌族",
                "布朗族",
                "撒拉族",
                "毛南族",
                "仡佬族",
                "锡伯族",
                "阿昌族",
                "普米族",
                "塔吉克族",
                "怒族",
                "乌孜别克族",
                "俄罗斯族",
                "鄂温克族",
                "德昂族",
                "保安族",
                "裕固族",
                "京族",
                "塔塔尔族",
                "独龙族",
                "鄂伦春族",
                "赫哲族",
                "门巴族",
                "珞巴族",
                "基诺族",
            ],
            start=1,
        )
    ]
    + [("97", "其他", ""), ("98", "外国血统中国籍人士", "")],
    Table.POLITICAL: [
        ("01", "中共党员", ""),
        ("02", "中共预备党员", ""),
        ("03", "共青团员", ""),
        ("04", "民革党员", ""),
        ("05", "民盟盟员", ""),
        ("06", "民建会员", ""),
        ("07", "民进会员", ""),
        ("08", "农工党党员", ""),
        ("09", "致公党党员", ""),
        ("10", "九三学社社员", ""),
        ("11", "台盟盟员", ""),
        ("12", "无党派人士", ""),
        ("13", "群众", ""),
    ],
    Table.SKILL: [
        ("5", "五级/初级工", ""),
        ("4", "四级/中级工", ""),
        ("3", "三级/高级工", ""),
        ("2", "二级/技师", ""),
        ("1", "一级/高级技师", ""),
    ],
}

# Codes the rules use: may be relabelled, never retired.
PROTECTED: dict[str, frozenset[str]] = {
    Table.CHANGE_TYPE: frozenset(c for c, _l, _p in DEFAULTS[Table.CHANGE_TYPE]),
    Table.CHANGE_REASON: frozenset(v for k, v in vars(Reason).items() if k.isupper()),
    Table.HUKOU: frozenset({HUKOU_AGRICULTURAL}),
}

_TTL = 60.0
_cache: dict[str, tuple[float, list[tuple[str, str, str]], dict[str, str]]] = {}


def clear_cache() -> None:
    _cache.clear()


def _load(table: str) -> tuple[float, list[tuple[str, str, str]], dict[str, str]]:
    hit = _cache.get(table)
    now = time.monotonic()
    if hit and now - hit[0] < _TTL:
        return hit
    from gonghui.members.models import CodeItem

    every = list(
        CodeItem.objects.filter(table=table)
        .order_by("sort", "code")
        .values_list("code", "label", "parent", "active")
    )
    if every:
        rows = [(c, label, p) for c, label, p, active in every if active]
        names = {c: label for c, label, _p, _a in every}
    else:
        rows = list(DEFAULTS.get(table, []))
        names = {}
    # Retired or unseeded codes still label old rows.
    for c, label, _p in DEFAULTS.get(table, []):
        names.setdefault(c, label)
    _cache[table] = (now, rows, names)
    return _cache[table]


def items(table: str) -> list[tuple[str, str, str]]:
    """Active items of a table as (code, label, parent), in sort order (cached, see module doc)."""
    return _load(table)[1]


def choices(
    table: str, *, parent: str | None = None, blank: StrOrPromise | None = None
) -> list[tuple[str, StrOrPromise]]:
    out: list[tuple[str, StrOrPromise]] = [
        (c, label) for c, label, p in items(table) if parent is None or p in ("", parent)
    ]
    return [("", blank), *out] if blank is not None else out


def labels(table: str) -> dict[str, str]:
    return _load(table)[2]


def label(table: str, code: str) -> str:
    if not code:
        return ""
    return labels(table).get(code, code)


def is_valid(table: str, code: str) -> bool:
    return any(c == code for c, _l, _p in items(table))


# Reasons the program records itself (the org closure), never offered on the status-change form.
AUTOMATIC_REASONS = frozenset({Reason.EMPLOYER_CLOSED})


def reasons_for(event_type: str) -> tuple[str, ...]:
    """The 会籍变化原因 offered and accepted for a change of `event_type`, derived from the table:
    its active items filed under that type, and those under no type (其他) — except for 开除会籍,
    whose one ground 章程第7条（2008年文本） fixes. An item a federation admin adds under a type
    is offered and accepted from then on; a retired one no longer is."""
    return tuple(
        c
        for c, _l, p in items(Table.CHANGE_REASON)
        if c not in AUTOMATIC_REASONS and (p == event_type or (p == "" and event_type != EventType.EXPEL))
    )
