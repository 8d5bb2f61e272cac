"""Deadlines of a collective contract (集体合同规定, as settings in worklife/conf.py) and its state
on a given day, in words. Pure functions of the row and the day: pages, the API, reminders and
tests ask the same question here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.worklife.conf import Rules, rules
from gonghui.worklife.models import CollectiveContract, ContractStatus


def submit_due(c: CollectiveContract, r: Rules | None = None) -> dt.date | None:
    """报送期限: the last day to submit the signed text (signing day + N days)."""
    r = r or rules()
    return c.signed_on + dt.timedelta(days=r.submit_days) if c.signed_on else None


def review_due(c: CollectiveContract, r: Rules | None = None) -> dt.date | None:
    """审查期限: the last day the labour administration may object (submission day + N days)."""
    r = r or rules()
    return c.submitted_on + dt.timedelta(days=r.review_days) if c.submitted_on else None


def deemed_effective_on(c: CollectiveContract, r: Rules | None = None) -> dt.date | None:
    due = review_due(c, r)
    return due + dt.timedelta(days=1) if due else None


def renewal_due(c: CollectiveContract, r: Rules | None = None) -> dt.date | None:
    """From this day the contract is due for renewal (期满前 N 日)."""
    r = r or rules()
    return c.end_on - dt.timedelta(days=r.renewal_days) if c.end_on else None


@dataclass(frozen=True)
class State:
    code: str  # negotiating, submit_due, submit_overdue, review, rejected, pending, in_force,
    # renewal_due, expired, terminated
    label: str
    overdue: bool = False


def state(c: CollectiveContract, today: dt.date, r: Rules | None = None) -> State:
    """Where the contract stands on `today`. A submitted contract whose review period has passed
    without an answer counts as effective (art. 47) even before `settle_reviews` wrote it."""
    r = r or rules()
    status = c.status
    if status == ContractStatus.SUBMITTED and (due := review_due(c, r)) and today > due:
        status = ContractStatus.EFFECTIVE
    if status == ContractStatus.NEGOTIATING:
        return State("negotiating", _("协商中"))
    if status == ContractStatus.TERMINATED:
        return State("terminated", _("已终止"))
    if status == ContractStatus.REJECTED:
        return State("rejected", _("审查有异议，待修改后重新报送"), overdue=True)
    if status == ContractStatus.SIGNED:
        due = submit_due(c, r)
        if due and today > due:
            return State("submit_overdue", _("逾期未报送（应于 %(d)s 前报送）") % {"d": due}, overdue=True)
        return State("submit_due", _("待报送（%(d)s 前）") % {"d": due})
    if status == ContractStatus.SUBMITTED:
        return State("review", _("审查中（%(d)s 前无异议即生效）") % {"d": review_due(c, r)})
    # effective
    if c.end_on and today > c.end_on:
        return State("expired", _("已到期"), overdue=True)
    if c.start_on and today < c.start_on:
        return State("pending", _("已生效，%(d)s 起执行") % {"d": c.start_on})
    if (rd := renewal_due(c, r)) and today >= rd:
        return State("renewal_due", _("即将到期，待续签（%(d)s 到期）") % {"d": c.end_on})
    return State("in_force", _("履行中"))
