"""Reads over the union tree: subtree figures, coverage and the gap list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from gonghui.orgs.models import Employer, Org, OrgKind, OrgStatus


def subtree_orgs(org: Org, *, active_only: bool = True) -> QuerySet[Org]:
    qs = Org.objects.filter(path__startswith=org.path)
    return qs.filter(status=OrgStatus.ACTIVE) if active_only else qs


def subtree_employers(org: Org) -> QuerySet[Employer]:
    """Employers in the org's area, or covered by a union in its subtree."""
    return Employer.objects.filter(Q(area_path__startswith=org.path) | Q(union__path__startswith=org.path))


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def coverage_denominator(qs: QuerySet[Employer]) -> QuerySet[Employer]:
    """Employers that should have a union (DOMAIN.md, *unverified*; setting
    GONGHUI_COVERAGE_MIN_EMPLOYEES, default 25): surveyed, operating, with that many employees."""
    return qs.filter(
        surveyed_on__isnull=False,
        employees__gte=settings.GONGHUI_COVERAGE_MIN_EMPLOYEES,
    ).exclude(operating_status__in=["closed", "deregistered"])


def subtree_stats(org: Org) -> dict[str, Any]:
    by_kind = dict(subtree_orgs(org).order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    employers = subtree_employers(org)
    agg = employers.aggregate(
        employers=Count("id"),
        unionised=Count("id", filter=Q(union__isnull=False)),
        employees=Sum("employees"),
        migrant_workers=Sum("migrant_workers"),
        surveyed_members=Sum("members"),
        surveyed_migrant_members=Sum("migrant_members"),
    )
    denom = coverage_denominator(employers).aggregate(
        n=Count("id"), covered=Count("id", filter=Q(union__isnull=False))
    )
    return {
        "org": {"code": org.code, "name": org.name},
        "orgs": sum(by_kind.values()),
        "orgs_by_kind": {k: by_kind.get(k, 0) for k in OrgKind.values},
        "township_unions": by_kind.get(OrgKind.TOWNSHIP_UNION, 0),
        "system_unions": by_kind.get(OrgKind.SYSTEM_UNION, 0),
        "industry_unions": by_kind.get(OrgKind.INDUSTRY_UNION, 0),
        "grassroots_unions": sum(by_kind.get(k, 0) for k in (OrgKind.GRASSROOTS, OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT)),
        "employers": agg["employers"],
        "unionised_employers": agg["unionised"],
        "employers_without_union": agg["employers"] - agg["unionised"],
        "employees": agg["employees"] or 0,
        "migrant_workers": agg["migrant_workers"] or 0,
        "coverage_denominator": denom["n"],
        "coverage_covered": denom["covered"],
        "unionisation_rate": rate(denom["covered"], denom["n"]),
    }


def gap_list(org: Org, *, q: str = "", industry: str = "", min_employees: int | None = None, region_org: str = "") -> QuerySet[Employer]:
    """Employers in scope without a union, largest first (摸底 gap list)."""
    qs = Employer.objects.filter(area_path__startswith=org.path, union__isnull=True).exclude(
        operating_status__in=["closed", "deregistered"]
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q.strip().upper()))
    if industry:
        qs = qs.filter(industry=industry)
    if min_employees is not None:
        qs = qs.filter(employees__gte=min_employees)
    if region_org:
        qs = qs.filter(area_org__code=region_org)
    return qs.select_related("area_org").order_by("-employees", "name")


def children_with_figures(org: Org) -> list[dict[str, Any]]:
    """Direct children with their subtree org counts, for the tree browser and detail page."""
    children = list(org.get_children().order_by("path"))
    if not children:
        return []
    width = (org.depth + 1) * Org.steplen
    counts = dict(
        Org.objects.filter(path__startswith=org.path, depth__gt=org.depth + 1, status=OrgStatus.ACTIVE)
        .order_by()
        .annotate(prefix=Substr("path", 1, width))
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return [{"org": c, "descendants": counts.get(c.path, 0)} for c in children]
