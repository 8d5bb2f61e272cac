"""The money rules at their edges: rounding, the part below ten yuan, exemptions, exact shares."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.finance import conf, rules


def r(**kw: object) -> conf.Rules:
    import dataclasses

    return dataclasses.replace(conf.rules(), **kw)


@pytest.mark.parametrize(("wage", "dues"), [
    (0, 0), (999, 0), (1000, 5), (1999, 5), (2000, 10),     # below ten yuan not counted
    (300000, 1500), (300999, 1500), (301000, 1505),          # 3,009.99 yuan → 3,000 counted → 15.00
    (999999, 4995),
])  # fmt: skip
def test_dues_rule_counts_whole_ten_yuan(wage: int, dues: int) -> None:
    assert rules.dues_amount(wage, conf.rules()) == dues


def test_rounding_settings_round_half_up() -> None:
    # a base of 3,010 yuan at 0.5% is 15.05 yuan: 15.05 to the fen, 15.10 to the jiao, 15.00 to the yuan
    assert rules.dues_amount(301000, r(rounding="fen")) == 1505
    assert rules.dues_amount(301000, r(rounding="jiao")) == 1510
    assert rules.dues_amount(301000, r(rounding="yuan")) == 1500
    # a rate that leaves half a fen: 1,010 yuan × 0.25% = 2.525 yuan → 2.53 (half up)
    assert rules.dues_amount(101000, r(dues_rate=conf.Fraction(1, 400))) == 253
    # without the ten-yuan rule (step 1 fen) the odd fen count
    assert rules.dues_amount(300999, r(base_step_fen=1)) == 1505


def test_exemptions_follow_their_settings() -> None:
    base = conf.rules()
    for kind in (rules.EXEMPT_RETAINED, rules.EXEMPT_HARDSHIP, rules.EXEMPT_UNEMPLOYED):
        assert rules.dues_amount(500000, base, exemption=kind) == 0
    assert rules.dues_amount(500000, r(exempt_hardship=False), exemption=rules.EXEMPT_HARDSHIP) == 2500
    assert rules.dues_amount(500000, r(exempt_unemployed=False), exemption=rules.EXEMPT_UNEMPLOYED) == 2500


def test_funds_due_is_two_percent_half_up() -> None:
    assert rules.funds_due(12345678) == 246914  # 246,913.56 fen → 246,914
    assert rules.funds_due(25) == 1  # 0.5 fen rounds up


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=60)
@given(
    st.integers(min_value=0, max_value=10**13),
    st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=7),
)
def test_largest_remainder_sums_exactly(amount: int, weights: list[int]) -> None:
    if sum(weights) == 0:
        weights = [*weights[:-1], 1]
    parts = rules.split_largest_remainder(amount, weights)
    assert sum(parts) == amount
    assert all(isinstance(p, int) and p >= 0 for p in parts)
    for p, w in zip(parts, weights, strict=True):  # each part within one fen of its exact share
        assert abs(p * sum(weights) - amount * w) < sum(weights)


def test_largest_remainder_gives_the_odd_fen_to_the_largest_remainder() -> None:
    assert rules.split_largest_remainder(1001, [60, 25, 5, 5, 5]) == [601, 250, 50, 50, 50]  # 600.6 → 601
    assert rules.split_largest_remainder(7, [60, 25, 5, 5, 5]) == [4, 2, 1, 0, 0]  # 4.2 1.75 .35 .35 .35
    assert rules.split_largest_remainder(1, [1, 1, 1]) == [1, 0, 0]


def test_shares_setting_must_sum_to_100() -> None:
    from django.core.exceptions import ImproperlyConfigured

    assert conf.parse_shares("county:40,grassroots:60") == (("grassroots", 60), ("county", 40))
    with pytest.raises(ImproperlyConfigured):
        conf.parse_shares("grassroots:60,county:30")
    with pytest.raises(ImproperlyConfigured):
        conf.parse_shares("grassroots:60,moon:40")


def test_unpaid_months_and_yuan_text() -> None:
    joined = dt.date(2025, 12, 15)
    assert rules.unpaid_months(last_paid=None, joined_on=joined, as_of=dt.date(2026, 6, 30)) == 6  # Dec–May
    assert (
        rules.unpaid_months(last_paid=dt.date(2026, 5, 1), joined_on=joined, as_of=dt.date(2026, 6, 30)) == 0
    )
    assert rules.parse_yuan("3,009.9") == 300990 and rules.parse_yuan("12元") == 1200
    for bad in ("", "-1", "1.234", "abc", "1e5"):
        with pytest.raises(ValueError):
            rules.parse_yuan(bad)
    assert rules.yuan(123456789) == "1,234,567.89"
