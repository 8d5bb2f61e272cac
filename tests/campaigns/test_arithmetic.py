"""The campaign's arithmetic (campaigns/arithmetic.py): targets, splits, time progress, behind, rank."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.campaigns import arithmetic as ar

# --- target: growth rate and/or net number, the larger wins -------------------------------------


def test_seed_000_target() -> None:
    """2014 年底农民工会员 11477 人；2015 年增长 52%、净增 6000 名以上 → 6000."""
    assert ar.target_net(11_477, Decimal("52"), None) == 5_969  # 5,968.04 rounds up: a rate is a floor
    assert ar.target_net(11_477, None, 6_000) == 6_000
    assert ar.target_net(11_477, Decimal("52"), 6_000) == 6_000
    assert ar.target_net(11_477, Decimal("53"), 6_000) == 6_083  # 6,082.81: now the rate wins


def test_target_is_exact_where_floats_are_not() -> None:
    assert 100 * 0.07 != 7  # 7.000000000000001 in binary floating point
    assert ar.target_net(100, Decimal("7"), None) == 7
    assert ar.target_net(0, Decimal("52"), None) == 0
    assert ar.target_net(1, Decimal("0.01"), None) == 1  # any growth above zero asks for at least one
    with pytest.raises(ValueError):
        ar.target_net(100, None, None)


# --- largest remainder ----------------------------------------------------------------------


def test_largest_remainder_examples() -> None:
    assert ar.largest_remainder(10, [1, 1, 1]) == [4, 3, 3]
    assert ar.largest_remainder(6_000, [11_477, 0]) == [6_000, 0]
    assert ar.largest_remainder(7, [0, 0]) == [4, 3]  # no weights at all: equal shares
    assert ar.largest_remainder(0, [5, 3]) == [0, 0]
    assert ar.largest_remainder(5, [2, 3]) == [2, 3]
    assert ar.largest_remainder(1, [1, 3]) == [0, 1]  # equal remainders never: 0.25 vs 0.75
    assert ar.largest_remainder(2, [1, 1, 2]) == [1, 0, 1]  # a tie of remainders: the earlier unit
    assert ar.largest_remainder(1, [1, 2, 2]) == [
        0,
        1,
        0,
    ]  # floors 0,0,0; remainders .2 .4 .4: the earlier of the larger
    with pytest.raises(ValueError):
        ar.largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        ar.largest_remainder(3, [1, -1])


@given(
    total=st.integers(min_value=0, max_value=10**7),
    weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=60),
)
def test_largest_remainder_children_always_sum_to_the_parent(total: int, weights: list[int]) -> None:
    shares = ar.largest_remainder(total, weights)
    assert sum(shares) == total
    assert len(shares) == len(weights)
    assert all(s >= 0 for s in shares)
    effective = weights if sum(weights) else [1] * len(weights)
    s = sum(effective)
    for share, w in zip(shares, effective, strict=True):
        quota = Fraction(total * w, s)
        assert abs(share - quota) < 1  # proportional within one unit
        if w == 0:
            assert share == 0


@given(
    total=st.integers(min_value=0, max_value=10**5),
    weights=st.lists(st.integers(0, 1000), min_size=1, max_size=30),
)
def test_each_level_splits_its_own_share_again(total: int, weights: list[int]) -> None:
    """Splitting a child's share once more keeps the grand-children summing to the child."""
    shares = ar.largest_remainder(total, weights)
    for share in shares:
        again = ar.largest_remainder(share, weights)
        assert sum(again) == share


# --- time progress (序时进度) ------------------------------------------------------------------


def test_time_progress_at_the_edges() -> None:
    start, end = dt.date(2025, 10, 1), dt.date(2026, 9, 30)  # 365 days
    assert ar.time_progress(start, end, dt.date(2025, 9, 30)) == 0
    assert ar.time_progress(start, end, dt.date(2020, 1, 1)) == 0
    assert ar.time_progress(start, end, start) == Fraction(1, 365)
    assert ar.time_progress(start, end, end) == 1
    assert ar.time_progress(start, end, dt.date(2027, 3, 1)) == 1
    assert ar.time_progress(start, end, dt.date(2026, 3, 31)) == Fraction(182, 365)


def test_time_progress_in_a_leap_year() -> None:
    start, end = dt.date(2015, 10, 1), dt.date(2016, 9, 30)  # holds 29 February 2016: 366 days
    assert ar.period_days(start, end) == 366
    assert ar.time_progress(start, end, dt.date(2016, 2, 28)) == Fraction(151, 366)
    assert ar.time_progress(start, end, dt.date(2016, 2, 29)) == Fraction(152, 366)
    assert ar.time_progress(start, end, dt.date(2016, 3, 31)) == Fraction(183, 366) == Fraction(1, 2)
    assert ar.time_progress(start, end, end) == 1
    assert ar.time_progress(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 12, 31)) == 1
    assert (
        ar.percent(ar.time_progress(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2024, 2, 29))) == 16.4
    )  # 60/366


def test_statistical_year() -> None:
    assert ar.stat_year(dt.date(2026, 11, 21)) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    assert ar.stat_year(dt.date(2026, 9, 30)) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30))
    assert ar.stat_year(dt.date(2026, 10, 1)) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


# --- behind and rank ------------------------------------------------------------------------


def test_behind_at_the_margin() -> None:
    half = Fraction(1, 2)
    assert not ar.is_behind(45, 100, half, Decimal("5"))  # 45% vs 50% − 5 points: exactly at the margin
    assert ar.is_behind(44, 100, half, Decimal("5"))
    assert not ar.is_behind(50, 100, half, 0)
    assert ar.is_behind(49, 100, half, 0)
    assert not ar.is_behind(0, 0, half, 5)  # no target, nothing to be behind on
    assert not ar.is_behind(0, None, half, 5)
    assert ar.is_behind(0, 10, Fraction(1), Decimal("99.99"))
    assert not ar.is_behind(1, 3, Fraction(1, 3), 0)  # 33.33…% vs 33.33…%: equal, not behind


def test_rank_ties_share_a_place() -> None:
    assert ar.competition_rank([Fraction(1, 2), Fraction(3, 4), Fraction(1, 2), None, Fraction(1, 4)]) == [
        2,
        1,
        2,
        None,
        4,
    ]
    assert ar.competition_rank([Fraction(2, 4), Fraction(1, 2)]) == [1, 1]  # equal as numbers
    assert ar.competition_rank([]) == []


def test_percent_rounds_half_up() -> None:
    assert ar.percent(Fraction(1, 8)) == 12.5
    assert ar.percent(Fraction(1, 3)) == 33.3
    assert ar.percent(Fraction(2, 3)) == 66.7
    assert ar.percent(Fraction(1, 1600)) == 0.1  # 0.0625 → 0.1
    assert ar.percent(None) is None
