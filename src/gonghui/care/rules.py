"""The rules every care action shares: money in yuan, dates not in the future, choices, text.

Pure functions, no database: actions, selectors and the demo use them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.models import CENT
from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import Org

MAX_MONEY = Decimal("9999999999.99")
MAX_HOUSEHOLD = 30
FIRST_YEAR = 1950


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _scope_of(org: Org) -> dict[str, Any]:
    return {"org": org, "org_path": org.path, "province_code": org.province_code}


def money(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """Yuan as Decimal with two places; refuses negatives (and zero when `positive`)."""
    try:
        d = (
            Decimal(str(value).strip().replace(",", ""))
            if value is not None and str(value).strip() != ""
            else None
        )
    except InvalidOperation:
        d = None
    if d is None or not d.is_finite():
        raise ApplicationError(_("请填写金额（元）。"), code="amount", details={"field": field})
    d = d.quantize(CENT, rounding=ROUND_HALF_UP)
    if d < 0 or (positive and d == 0):
        raise ApplicationError(
            _("金额必须大于零。") if positive else _("金额不能为负数。"),
            code="amount",
            details={"field": field},
        )
    if d > MAX_MONEY:
        raise ApplicationError(_("金额过大。"), code="amount", details={"field": field})
    return d


def _past(on: dt.date | None, field: str) -> dt.date:
    if on is None:
        raise ApplicationError(_("请填写日期。"), code="required", details={"field": field})
    if on > timezone.localdate():
        raise ApplicationError(_("日期不能晚于今天。"), code="future_date", details={"field": field})
    if on.year < FIRST_YEAR:
        raise ApplicationError(_("日期过早。"), code="date", details={"field": field})
    return on


def _choice(value: str, choices: Any, field: str, label: str) -> str:
    if value not in choices.values:
        raise ApplicationError(
            _("%(label)s“%(v)s”无效。") % {"label": label, "v": str(value)[:20]},
            code="choice",
            details={"field": field},
        )
    return value


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def per_capita(income: Decimal, size: int) -> Decimal:
    """家庭月人均收入 = household monthly income ÷ household size, to the fen."""
    return (income / size).quantize(CENT, rounding=ROUND_HALF_UP)


def cost_per_trainee(cost: Decimal | None, trainees: int) -> Decimal | None:
    """A course's (or a year's) cost divided by the trainees who did not drop out; None for none."""
    if not trainees or cost is None:
        return None
    return (Decimal(cost) / trainees).quantize(CENT, rounding=ROUND_HALF_UP)
