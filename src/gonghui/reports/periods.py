"""The dates statistics compare: the ACFTU's statistical year and the same day a year before."""

from __future__ import annotations

import datetime as dt


def statistical_year(on: dt.date) -> tuple[dt.date, dt.date]:
    """The ACFTU's statistical year holding `on`: 1 October – 30 September (DOMAIN.md)."""
    start_year = on.year if on.month >= 10 else on.year - 1
    return dt.date(start_year, 10, 1), dt.date(start_year + 1, 9, 30)


def statistical_year_eve(on: dt.date) -> dt.date:
    """The day before the statistical year holding `on` starts."""
    return statistical_year(on)[0] - dt.timedelta(days=1)


def same_day_last_year(on: dt.date) -> dt.date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)
