"""Reads for the finance pages, API and documents. Subtree figures come from FinanceCounter; lists
are scoped by path prefix and paged by the caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum

from gonghui.finance import conf, counters, ledger, rules
from gonghui.finance.actions_dues import default_wage, exemption_of, monthly_dues
from gonghui.finance.models import (
    DuesAccount,
    DuesReview,
    FinanceCounter,
    FundsDeclaration,
    FundsPayment,
    LedgerEntry,
    ReviewOutcome,
)
from gonghui.members.models import CURRENT_STATUSES, Membership
from gonghui.orgs.models import Employer, Org


def rate(paid: int, due: int) -> float | None:
    return round(paid / due, 4) if due else None


def stats(org: Org, year: int) -> dict[str, dict[str, Any]]:
    """The `dues` and `funds` sections of `gonghui stats --json` (from counters only)."""
    f = counters.figures(org.path, year)
    return {
        "dues": {
            "members_paying": f["members_paying"],
            "collected_this_year": f["collected_fen"],
            "in_arrears_6m": f["in_arrears_6m"],
        },
        "funds": {
            "due_this_year": f["due_fen"],
            "paid_this_year": f["paid_fen"],
            "collection_rate": rate(f["paid_fen"], f["due_fen"]),
            "employers_in_arrears": f["employers_in_arrears"],
        },
    }


@dataclass
class MemberDues:
    membership: Membership
    account: DuesAccount | None
    wage_fen: int
    amount_fen: int
    exemption: str


def dues_members(org: Org) -> list[MemberDues]:
    """The current members of a base union with their dues basis and monthly amount."""
    r = conf.rules()
    wage = default_wage(org)
    ms = list(
        Membership.objects.filter(org=org, status__in=CURRENT_STATUSES)
        .select_related("person")
        .order_by("member_no")
    )
    accs = {a.membership_id: a for a in DuesAccount.objects.filter(membership__in=ms)}
    out = []
    for m in ms:
        a = accs.get(m.pk)
        out.append(
            MemberDues(
                m,
                a,
                a.wage_fen if a and a.wage_fen is not None else wage,
                monthly_dues(m, a, wage, r),
                exemption_of(m, a),
            )
        )
    return out


def arrears_list(path: str) -> QuerySet[DuesAccount]:
    """Members flagged by the last arrears check in the subtree at `path` (the review list)."""
    return (
        DuesAccount.objects.filter(org_path__startswith=path, in_arrears=True)
        .select_related("membership__person", "org")
        .order_by("org_path", "-arrears_months", "membership__member_no")
    )


def open_reviews(membership_ids: list[int]) -> dict[int, DuesReview]:
    return {
        r.membership_id: r
        for r in DuesReview.objects.filter(membership_id__in=membership_ids, outcome=ReviewOutcome.EDUCATED)
    }


@dataclass
class EmployerFunds:
    employer: Employer
    home: str
    due_fen: int
    paid_fen: int
    balance_fen: int
    oldest_unpaid: dt.date | None  # the start of the oldest period not covered by payments (FIFO)
    age_days: int
    is_prep: bool


def employer_funds(path: str, *, as_of: dt.date, only_arrears: bool = False) -> list[EmployerFunds]:
    """Employers with declarations in the subtree: due, paid, balance and the age of the oldest unpaid
    period (payments settle the oldest periods first)."""
    r = conf.rules()
    decls = list(
        FundsDeclaration.objects.filter(org_path__startswith=path)
        .select_related("employer", "org")
        .order_by("employer_id", "period_start")
    )
    paid = dict(
        FundsPayment.objects.filter(org_path__startswith=path)
        .values("employer_id")
        .annotate(s=Sum("amount_fen"))
        .values_list("employer_id", "s")
    )
    by_emp: dict[int, list[FundsDeclaration]] = {}
    for d in decls:
        by_emp.setdefault(d.employer_id, []).append(d)
    out = []
    for emp_id, ds in by_emp.items():
        p = int(paid.get(emp_id, 0) or 0)
        due = sum(d.due_fen for d in ds)
        left, oldest = p, None
        for d in ds:
            if left >= d.due_fen:
                left -= d.due_fen
                continue
            oldest = d.period_start
            break
        age = 0
        if oldest is not None:
            age = max(0, (as_of - rules.period_end(oldest, ds[0].period_kind)).days)
        row = EmployerFunds(ds[0].employer, ds[0].org.name, due, p, due - p, oldest, age, ds[0].is_prep)
        if only_arrears and (row.balance_fen <= 0 or age <= r.grace_days):
            continue
        out.append(row)
    out.sort(key=lambda e: (-e.age_days, -e.balance_fen, e.employer.name))
    return out


def one_employer(employer: Employer, *, as_of: dt.date) -> EmployerFunds | None:
    home = FundsDeclaration.objects.filter(employer=employer).values_list("org_path", flat=True).first()
    if home is None:
        return None
    return next((e for e in employer_funds(home, as_of=as_of) if e.employer.pk == employer.pk), None)


def collection(org: Org, year: int) -> list[dict[str, Any]]:
    """The collection rate of each child of `org` and of `org` itself (from counters)."""
    kids = list(org.get_children().order_by("path"))
    rows = {
        c.org_path: c
        for c in FinanceCounter.objects.filter(org_path__in=[k.path for k in kids] + [org.path], year=year)
    }
    stand = {
        c.org_path: c
        for c in FinanceCounter.objects.filter(org_path__in=[k.path for k in kids] + [org.path], year=0)
    }
    out = []
    for o in [*kids, org]:
        c, s = rows.get(o.path), stand.get(o.path)
        due, paid = (c.due_fen, c.paid_fen) if c else (0, 0)
        out.append({"org": o, "due_fen": due, "paid_fen": paid, "rate": rate(paid, due),
                    "collected_fen": c.collected_fen if c else 0, "members_paying": c.members_paying if c else 0,
                    "employers_in_arrears": s.employers_in_arrears if s else 0, "in_arrears_6m": s.in_arrears_6m if s else 0,
                    "total": o.pk == org.pk})  # fmt: skip
    return out


def ledger_lines(org: Org, year: int) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(org=org, on__year=year).order_by("on", "pk")


def statement(org: Org, year: int) -> dict[str, Any]:
    """The yearly statement of one union's own ledger: totals per head, income, spending, balance."""
    totals = dict(
        ledger_lines(org, year).values("head").annotate(s=Sum("amount_fen")).values_list("head", "s")
    )
    income = [(c, n, int(totals.get(c, 0) or 0)) for c, (n, d) in ledger.HEADS.items() if d == ledger.INCOME]
    spending = [
        (c, n, int(totals.get(c, 0) or 0)) for c, (n, d) in ledger.HEADS.items() if d == ledger.SPENDING
    ]
    ti, ts = sum(x[2] for x in income), sum(x[2] for x in spending)
    return {"org": org, "year": year, "income": income, "spending": spending,
            "income_total": ti, "spending_total": ts, "balance": ti - ts}  # fmt: skip
