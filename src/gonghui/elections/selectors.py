"""Reads for terms and elections: terms falling due or overdue, each union's term record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from gonghui.elections import conf, rules
from gonghui.elections.models import Candidate, Election, ElectionStatus, Formation, FormationStatus, PostKind
from gonghui.orgs.models import Org, OrgStatus


def founding_q() -> Q:
    """A union approved 筹建 by a formation and not yet through its founding election: no term."""
    approved = Formation.objects.filter(org=OuterRef("pk"), status=FormationStatus.APPROVED)
    return Q(term_number__isnull=True, term_end__isnull=True) & Q(Exists(approved))


def term_filter(
    qs: QuerySet[Org], *, today: dt.date, overdue: bool = False, due_within: int | None = None
) -> QuerySet[Org]:
    """Active unions with a term, or 筹建; `overdue` (到期未换届, or 筹建 past the founding election's
    deadline, a setting) and/or ending within `due_within` days."""
    qs = qs.filter(status=OrgStatus.ACTIVE).filter(Q(term_end__isnull=False) | founding_q())
    cond = Q()
    if overdue:
        days = conf.rules().founding_days
        cond |= Q(term_end__lt=today) | (founding_q() & Q(founded_on__lt=today - dt.timedelta(days=days)))
    if due_within is not None:
        cond |= Q(term_end__gte=today, term_end__lte=today + dt.timedelta(days=due_within))
    return qs.filter(cond) if (overdue or due_within is not None) else qs


def term_row(org: Org, *, today: dt.date, due_days: int) -> dict[str, Any]:
    """{org, term_number, start, end, status}, the command line's shape (dates as dates)."""
    return {
        "org": org.code,
        "term_number": org.term_number,
        "start": org.term_start,
        "end": org.term_end,
        "status": status_of(org, today=today, due_days=due_days),
    }


FOUNDING = "founding"  # 筹建: approved, founding election not yet held


def status_of(org: Org, *, today: dt.date, due_days: int) -> str:
    if org.term_end is None and org.term_number is None and org.founded_on is not None:
        if rules.founding_overdue(org.founded_on, today, conf.rules().founding_days):
            return rules.TERM_OVERDUE
        return FOUNDING
    return rules.term_status(org.term_end, today, due_days)


def term_years(org: Org) -> int | None:
    if not (org.term_start and org.term_end):
        return None
    months = (org.term_end.year - org.term_start.year) * 12 + org.term_end.month - org.term_start.month
    return round(months / 12)


def days_left(org: Org, today: dt.date) -> int | None:
    return (org.term_end - today).days if org.term_end else None


def annotate_terms(orgs: list[Org], *, today: dt.date) -> list[Org]:
    due_days = conf.rules().due_days
    for o in orgs:
        o.term_status = status_of(o, today=today, due_days=due_days)  # type: ignore[attr-defined]
        o.days_left = days_left(o, today)  # type: ignore[attr-defined]
        o.term_years = term_years(o)  # type: ignore[attr-defined]
    return orgs


def leadership(org: Org) -> dict[str, Any] | None:
    """The posts filled by the last approved election, or None."""
    e = (
        Election.objects.filter(org=org, status=ElectionStatus.APPROVED)
        .order_by("-meeting_date", "-pk")
        .first()
    )
    if e is None:
        return None
    by_post: dict[str, list[str]] = {}
    for c in (
        Candidate.objects.filter(post__election=e, elected=True)
        .select_related("post")
        .order_by("post__order", "pk")
    ):
        by_post.setdefault(c.post.kind, []).append(c.name)
    return {"election": e, "posts": [(PostKind(k).label, names) for k, names in by_post.items()]}
