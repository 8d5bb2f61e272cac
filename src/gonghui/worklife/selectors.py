"""Reads of the worklife app: querysets in the user's scope (through the gatekeeper), list
filters, a contract's state, the congress held this year per employer, contract coverage.

Scope: every row is reached by its own or its parent's `org_path` (`access.scoped` /
`access.get_scoped`): a row outside the user's subtree answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.orgs.models import Employer, OperatingStatus
from gonghui.worklife import codes, deadlines
from gonghui.worklife.conf import rules
from gonghui.worklife.models import (
    Activity,
    ActivityDocument,
    CollectiveContract,
    CongressEmployer,
    CongressSession,
    ContractAttachment,
    ContractCategory,
    ContractEmployer,
    ContractStatus,
    Disclosure,
    Proposal,
    UnionGroup,
)

# --- querysets in scope -------------------------------------------------------------------


def sessions(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[CongressSession]:
    return access.scoped(CongressSession.objects.select_related("org"), user, perm=perm)


def proposals(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[Proposal]:
    return access.scoped(Proposal.objects.select_related("session", "session__org"), user, perm=perm,
                         path_field="session__org_path")  # fmt: skip


def disclosures(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[Disclosure]:
    return access.scoped(Disclosure.objects.select_related("org", "employer"), user, perm=perm)


def contracts(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[CollectiveContract]:
    return access.scoped(CollectiveContract.objects.select_related("org"), user, perm=perm)


def attachments(user: Any) -> QuerySet[ContractAttachment]:
    return access.scoped(ContractAttachment.objects.select_related("contract"), user,
                         path_field="contract__org_path")  # fmt: skip


def groups(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[UnionGroup]:
    # the leader's membership in a second query: a join with it makes Citus plan the groups as a
    # subquery, and the pages' Count of assignments could no longer group by the group's id alone
    qs = UnionGroup.objects.select_related("org").prefetch_related("leader__person")
    return access.scoped(qs, user, perm=perm)


def activities(user: Any, perm: Perm = Perm.VIEW) -> QuerySet[Activity]:
    return access.scoped(Activity.objects.select_related("org"), user, perm=perm)


def activity_documents(user: Any) -> QuerySet[ActivityDocument]:
    return access.scoped(ActivityDocument.objects.select_related("activity"), user,
                         path_field="activity__org_path")  # fmt: skip


# --- filters ------------------------------------------------------------------------------


def year_param(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and 1950 <= int(raw) <= 2100 else None


def under(qs: QuerySet[Any], user: Any, code: str | None, path_field: str = "org_path") -> QuerySet[Any]:
    """Narrow to one union's subtree (the code goes through the gatekeeper: out of scope → 404)."""
    code = (code or "").strip()
    if not code:
        return qs
    return qs.filter(**{f"{path_field}__startswith": access.get_org(user, code).path})


CONTRACT_FILTERS = ("in_force", "renewal_due", "expired", "pending_submit", "in_review", "negotiating")


def contract_filter(
    qs: QuerySet[CollectiveContract], state: str, today: dt.date
) -> QuerySet[CollectiveContract]:
    """Contracts in a state on `today` (the same rules as deadlines.state, as a query)."""
    r = rules()
    review_over = Q(
        status=ContractStatus.SUBMITTED, submitted_on__lt=today - dt.timedelta(days=r.review_days)
    )
    effective = Q(status=ContractStatus.EFFECTIVE) | review_over
    if state == "in_force":
        return qs.filter(effective, start_on__lte=today, end_on__gte=today)
    if state == "renewal_due":
        return qs.filter(effective, end_on__gte=today, end_on__lte=today + dt.timedelta(days=r.renewal_days))
    if state == "expired":
        # expired and not renewed by a contract that is signed or further on
        renewed = CollectiveContract.objects.filter(renews=OuterRef("pk")).exclude(
            status__in=[ContractStatus.NEGOTIATING, ContractStatus.TERMINATED]
        )
        return qs.filter(effective, end_on__lt=today).exclude(Exists(renewed))
    if state == "pending_submit":
        return qs.filter(status__in=[ContractStatus.SIGNED, ContractStatus.REJECTED])
    if state == "in_review":
        return qs.filter(status=ContractStatus.SUBMITTED).exclude(review_over)
    if state == "negotiating":
        return qs.filter(status=ContractStatus.NEGOTIATING)
    return qs


def with_state(rows: Any, today: dt.date | None = None) -> list[Any]:
    today = today or timezone.localdate()
    r = rules()
    out = list(rows)
    for c in out:
        c.state = deadlines.state(c, today, r)
        c.submit_due = deadlines.submit_due(c, r)
        c.review_due = deadlines.review_due(c, r)
        c.renewal_due = deadlines.renewal_due(c, r)
    return out


def activity_filter(
    qs: QuerySet[Activity], *, kind: str = "", year: int | None = None, q: str = ""
) -> QuerySet[Activity]:
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(held_on__year=year)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(place__contains=q) | Q(result__contains=q))
    return qs


def kind_labels(rows: Any) -> list[Any]:
    out = list(rows)
    for a in out:
        a.kind_label = codes.label(a.kind)
    return out


# --- per-union questions ------------------------------------------------------------------


def congress_held(employer: Employer, year: int) -> bool:
    """Did a workers' congress covering the employer meet in `year`?"""
    return CongressEmployer.objects.filter(employer=employer, session__held_on__year=year).exists()


def employers_without_congress(user: Any, year: int, code: str = "") -> QuerySet[Employer]:
    """Unionised, operating employers in scope whose workers' congress has not met in `year`."""
    held = CongressEmployer.objects.filter(employer=OuterRef("pk"), session__held_on__year=year)
    qs = access.scoped_employers(user).filter(union__isnull=False, operating_status=OperatingStatus.NORMAL)
    if code:
        path = access.get_org(user, code).path
        qs = qs.filter(Q(area_path__startswith=path) | Q(union__path__startswith=path))
    return qs.exclude(Exists(held)).select_related("union").order_by("-employees", "name")


def session_shares(s: CongressSession) -> list[str]:
    """Advice on the delegates against the settings (shown on the session's page)."""
    from django.utils.translation import gettext as _

    r = rules()
    out = []
    if (
        s.delegates
        and s.frontline_delegates * r.frontline_share.denominator < s.delegates * r.frontline_share.numerator
    ):
        out.append(
            _("一线职工代表 %(n)d 名，低于代表总数的 %(p)s。")
            % {"n": s.frontline_delegates, "p": _pct(r.frontline_share)}
        )
    if (
        s.delegates
        and r.women_share
        and s.women_delegates * r.women_share.denominator < s.delegates * r.women_share.numerator
    ):
        out.append(
            _("女职工代表 %(n)d 名，低于代表总数的 %(p)s。")
            % {"n": s.women_delegates, "p": _pct(r.women_share)}
        )
    if s.employees:
        need = max(
            r.min_delegates, -(-s.employees * r.delegate_rate.numerator // r.delegate_rate.denominator)
        )
        need = min(need, s.employees)
        if s.delegates < need:
            out.append(_("代表 %(n)d 名，少于应有的 %(m)d 名。") % {"n": s.delegates, "m": need})
    return out


def _pct(f: Any) -> str:
    v = f * 100
    return f"{v.numerator}%" if v.denominator == 1 else f"{float(v):.1f}%"


def coverage(path: str, today: dt.date | None = None) -> dict[str, Any]:
    """Collective-contract coverage of a subtree on `today`: employers covered by a comprehensive
    contract in force ÷ unionised operating employers; employees covered (the employers' own
    employee figures, each employer once) ÷ employees of those employers.

    A live query over the subtree (one aggregate per figure): the API's and the tests' answer; the
    dashboard reads 14b's counters."""
    today = today or timezone.localdate()
    in_force = contract_filter(CollectiveContract.objects.all(), "in_force", today).filter(
        category=ContractCategory.GENERAL
    )
    covered_ids = ContractEmployer.objects.filter(contract__in=in_force).values("employer_id")
    base = Employer.objects.filter(Q(area_path__startswith=path) | Q(union__path__startswith=path)).filter(
        union__isnull=False, operating_status=OperatingStatus.NORMAL
    )
    all_ = base.aggregate(n=Count("id"), emp=Sum("employees"))
    cov = base.filter(pk__in=covered_ids).aggregate(n=Count("id"), emp=Sum("employees"))
    emp_all, emp_cov = all_["emp"] or 0, cov["emp"] or 0
    return {
        "employers": all_["n"],
        "employers_covered": cov["n"],
        "employees": emp_all,
        "employees_covered": emp_cov,
        "employer_rate": round(cov["n"] / all_["n"], 4) if all_["n"] else None,
        "coverage_rate": round(emp_cov / emp_all, 4) if emp_all else None,
        "contracts_in_force": in_force.filter(org_path__startswith=path).count(),
    }
