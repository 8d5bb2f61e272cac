"""The ledger heads (科目): the main income and spending heads of 《工会会计制度》(财政部 2021), as a
code table. The names follow that system; the three-digit codes are this program's own (an
accountant maps them to the chart of accounts in use), so an export says both."""

from __future__ import annotations

INCOME = "income"
SPENDING = "spending"

# code → (name, direction)
HEADS: dict[str, tuple[str, str]] = {
    "401": ("会费收入", INCOME),
    "402": ("拨缴经费收入", INCOME),
    "403": ("上级补助收入", INCOME),
    "404": ("政府补助收入", INCOME),
    "405": ("行政补助收入", INCOME),
    "406": ("附属单位上缴收入", INCOME),
    "407": ("投资收益", INCOME),
    "409": ("其他收入", INCOME),
    "501": ("职工活动支出", SPENDING),
    "502": ("职工服务支出", SPENDING),
    "503": ("维权支出", SPENDING),
    "504": ("业务支出", SPENDING),
    "505": ("资本性支出", SPENDING),
    "506": ("补助下级支出", SPENDING),
    "507": ("对附属单位的支出", SPENDING),
    "509": ("其他支出", SPENDING),
}
DUES_HEAD = "401"
FUNDS_HEAD = "402"
SUBSIDY_HEAD = "403"


def name(code: str) -> str:
    return HEADS.get(code, (code, ""))[0]


def direction(code: str) -> str:
    return HEADS[code][1]


def choices(direction_: str | None = None) -> list[tuple[str, str]]:
    return [(c, f"{c} {n}") for c, (n, d) in HEADS.items() if direction_ in (None, d)]
