"""The campaign's arithmetic, pure and exact (no floats where a rounding decides a target).

* target: a growth rate on the baseline, an absolute net number, or both — the larger wins
  (seed 000: 11,477 × 52% = 5,968.04 → 5,969; "净增 6000 名以上" → 6,000 wins). A rate is a floor,
  so its product rounds up.
* split: largest remainder (Hamilton): every child gets the whole part of its exact quota, the
  units left over go to the largest fractional parts; children always sum exactly to the parent.
* time progress (序时进度): days elapsed, counting the day `on` itself, over the days of the period
  (both ends included); 0 before the start, 1 from the last day on.
* behind (落后于序时进度): done ÷ target below time progress by more than the margin (percentage
  points); exactly at the margin is not behind.
* rank among siblings: by completion, ties share a rank ("1224" competition ranking).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

STAT_YEAR_START_MONTH = 10  # the ACFTU statistical year runs 1 October – 30 September (DOMAIN.md)


def target_net(baseline: int, growth_rate: Decimal | None, net_minimum: int | None) -> int:
    if growth_rate is None and net_minimum is None:
        raise ValueError("a target needs a growth rate, a net number, or both")
    candidates = []
    if growth_rate is not None:
        candidates.append(math.ceil(Fraction(int(baseline)) * Fraction(Decimal(growth_rate)) / 100))
    if net_minimum is not None:
        candidates.append(int(net_minimum))
    return max(candidates)


def largest_remainder(total: int, weights: Sequence[int | Fraction | Decimal]) -> list[int]:
    """Split `total` (≥ 0) in proportion to `weights` (≥ 0). All weights zero: split equally.
    Ties between equal remainders go to the larger weight, then to the earlier position."""
    if total < 0:
        raise ValueError("total must not be negative")
    n = len(weights)
    if n == 0:
        if total:
            raise ValueError("nothing to split among")
        return []
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights must not be negative")
    if sum(exact) == 0:
        exact = [Fraction(1)] * n
    s = sum(exact)
    quotas = [total * w / s for w in exact]
    out = [math.floor(q) for q in quotas]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: (-(quotas[i] - out[i]), -exact[i], i))
    for i in order[:left]:
        out[i] += 1
    return out


def period_days(starts_on: dt.date, ends_on: dt.date) -> int:
    return (ends_on - starts_on).days + 1


def time_progress(starts_on: dt.date, ends_on: dt.date, on: dt.date) -> Fraction:
    total = period_days(starts_on, ends_on)
    if total <= 0:
        raise ValueError("the period ends before it starts")
    elapsed = min(max((on - starts_on).days + 1, 0), total)
    return Fraction(elapsed, total)


def completion(done: int, target: int | None) -> Fraction | None:
    if not target:
        return None
    return Fraction(done, target)


def is_behind(done: int, target: int | None, time: Fraction, margin_points: Decimal | int | float) -> bool:
    ratio = completion(done, target)
    if ratio is None:
        return False
    margin = Fraction(Decimal(str(margin_points))) / 100
    return ratio < time - margin


def competition_rank(keys: Sequence[Fraction | float | None]) -> list[int | None]:
    """Rank by key, highest first; equal keys share a rank and the next rank skips; None: unranked."""
    ranked = sorted((k for k in keys if k is not None), reverse=True)
    first: dict[Fraction | float, int] = {}
    for pos, k in enumerate(ranked, start=1):
        first.setdefault(k, pos)
    return [first[k] if k is not None else None for k in keys]


def stat_year(on: dt.date) -> tuple[dt.date, dt.date]:
    """The ACFTU statistical year holding `on`: 1 October – 30 September."""
    start_year = on.year if on.month >= STAT_YEAR_START_MONTH else on.year - 1
    return dt.date(start_year, STAT_YEAR_START_MONTH, 1), dt.date(
        start_year + 1, STAT_YEAR_START_MONTH, 1
    ) - dt.timedelta(days=1)


def percent(ratio: Fraction | None, digits: int = 1) -> float | None:
    """A ratio as a percentage for display, rounded half up."""
    if ratio is None:
        return None
    scaled = ratio * 100 * 10**digits
    return math.floor(scaled + Fraction(1, 2)) / 10**digits
