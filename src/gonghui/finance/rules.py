"""The money rules as pure functions of integers in fen (never floats): the dues of a wage, the 2%
of a payroll, and the split of what was paid into shares up the tree (largest remainder), with
their sources in `conf.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

from gonghui.finance import conf


def round_half_up(value: Fraction, unit: int = 1) -> int:
    """`value` (fen) rounded half up to a multiple of `unit` fen; money is never negative here."""
    q, r = divmod(value, unit)
    return int(q + (1 if r * 2 >= unit else 0)) * unit


def dues_base(wage_fen: int, step_fen: int) -> int:
    """The wage counted for dues: the part below `step_fen` (ten yuan) is not counted."""
    return max(0, wage_fen) // step_fen * step_fen


def dues_amount(wage_fen: int, r: conf.Rules | None = None, *, exemption: str = "") -> int:
    """Monthly dues in fen for a wage in fen: the base (wage without the part below ten yuan) × the
    rate, rounded as the setting says; 0 for an exempt member (see `is_exempt`)."""
    r = r or conf.rules()
    if is_exempt(exemption, r):
        return 0
    base = dues_base(wage_fen, r.base_step_fen)
    return round_half_up(base * r.dues_rate, conf.ROUNDINGS[r.rounding])


EXEMPT_RETAINED = "retained"
EXEMPT_HARDSHIP = "hardship"
EXEMPT_UNEMPLOYED = "unemployed"


def is_exempt(exemption: str, r: conf.Rules | None = None) -> bool:
    r = r or conf.rules()
    return {
        EXEMPT_RETAINED: r.exempt_retained,
        EXEMPT_HARDSHIP: r.exempt_hardship,
        EXEMPT_UNEMPLOYED: r.exempt_unemployed,
    }.get(exemption, False)


def funds_due(payroll_fen: int, r: conf.Rules | None = None) -> int:
    """工会经费 due on a payroll (工会法 art. 43), half up to the fen."""
    r = r or conf.rules()
    return round_half_up(max(0, payroll_fen) * r.funds_rate)


def split_largest_remainder(amount_fen: int, weights: Sequence[int]) -> list[int]:
    """Split `amount_fen` in proportion to `weights` into whole fen that sum exactly to the amount:
    each part floored, the fen left over given one each to the largest remainders (ties: the earlier
    part, i.e. the lower level first)."""
    total = sum(weights)
    if amount_fen < 0 or total <= 0:
        raise ValueError("a non-negative amount and positive weights are needed")
    exact = [Fraction(amount_fen * w, total) for w in weights]
    parts = [int(x) for x in exact]
    left = amount_fen - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return parts


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from the month of `earlier` to the month of `later` (same month → 0)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def unpaid_months(*, last_paid: dt.date | None, joined_on: dt.date, as_of: dt.date) -> int:
    """Months without dues up to and including the month before `as_of` (the current month is not
    yet due): counted from the last month paid, or from the month before joining."""
    start = last_paid if last_paid is not None else add_months(month_start(joined_on), -1)
    return max(0, months_between(start, add_months(month_start(as_of), -1)))


def period_end(start: dt.date, kind: str) -> dt.date:
    """The last day of a funds period starting on `start` ("month" or "quarter")."""
    return add_months(start, 3 if kind == "quarter" else 1) - dt.timedelta(days=1)


def period_start(d: dt.date, kind: str) -> dt.date:
    if kind == "quarter":
        return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return month_start(d)


def yuan(fen: int) -> str:
    """Fen as yuan text with two decimals (12345 → "123.45")."""
    sign = "-" if fen < 0 else ""
    q, r = divmod(abs(fen), 100)
    return f"{sign}{q:,}.{r:02d}"


def parse_yuan(text: str) -> int:
    """Yuan text ("1,234.5", "1234.56元") → fen; ValueError for anything else (no more than 2 decimals)."""
    s = str(text).strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    if not s or s.startswith("-"):
        raise ValueError(s)
    whole, _sep, frac = s.partition(".")
    if not whole.isdigit() and whole != "" or (frac and not frac.isdigit()) or len(frac) > 2:
        raise ValueError(s)
    if whole == "" and not frac:
        raise ValueError(s)
    return int(whole or 0) * 100 + int((frac + "00")[:2])


FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def date_ok(d: dt.date) -> bool:
    """Money dates lie in 2000–2100 (a wider date is a typing error, and month sums would overflow)."""
    return FIRST_DAY <= d <= LAST_DAY
