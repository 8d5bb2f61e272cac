"""Reads over the union tree: subtree figures, coverage and the gap list."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gonghui.orgs.models import Employer, Org, OrgKind, OrgStatus


def subtree_orgs(org: Org, *, active_only: bool = True) -> QuerySet[Org]:
    qs = Org.objects.filter(path__startswith=org.path)
    return qs.filter(status=OrgStatus.ACTIVE) if active_only else qs


def subtree_employers(org: Org) -> QuerySet[Employer]:
    """Employers in the org's area, or covered by a union in its subtree."""
    return Employer.objects.filter(Q(area_path__startswith=org.path) | Q(union__path__startswith=org.path))


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def subtree_stats(org: Org) -> dict[str, Any]:
    """Figures of a subtree, read from the maintained counters (one row; reports/counters.py).

    Employers are counted where they belong: under their union if they have one, else under the
    area union that surveys them, so children's figures always add up to their parent's.
    """
    from gonghui.reports.counters import subtree_figures

    return _stats(org, subtree_figures(org.path))


def subtree_stats_many(orgs: list[Org]) -> dict[int, dict[str, Any]]:
    """`subtree_stats` of many orgs from one counter query (a page's children), by org id."""
    from gonghui.reports.models import FIELDS, OrgCounter

    rows = {r.path: r.figures() for r in OrgCounter.objects.filter(path__in=[o.path for o in orgs])}
    return {o.pk: _stats(o, rows.get(o.path) or dict.fromkeys(FIELDS, 0)) for o in orgs}


def _stats(org: Org, c: dict[str, int]) -> dict[str, Any]:
    from gonghui.reports.models import KIND_FIELDS

    return {
        "org": {"code": org.code, "name": org.name},
        "orgs": c["orgs"],
        "orgs_by_kind": {k: c[f] for k, f in KIND_FIELDS.items()},
        "township_unions": c["township_unions"],
        "system_unions": c["system_unions"],
        "industry_unions": c["industry_unions"],
        "grassroots_unions": c["grassroots"] + c["joint_grassroots"] + c["new_employment_unions"],
        "employers": c["employers"],
        "employers_surveyed": c["employers_surveyed"],
        "unionised_employers": c["unionised_employers"],
        "employers_without_union": c["employers"] - c["unionised_employers"],
        "employees": c["employees"],
        "migrant_workers": c["migrant_employees"],
        "coverage_denominator": c["coverage_denominator"],
        "coverage_covered": c["coverage_covered"],
        "unionisation_rate": rate(c["coverage_covered"], c["coverage_denominator"]),
        # the register (DOMAIN.md indicators; denominators *unverified*, see members.selectors)
        "members": c["members"],
        "migrant_members": c["migrant_members"],
        "female_members": c["female_members"],
        "new_employment_members": c["new_employment_members"],
        "retained_members": c["retained_members"],
        "cards": c["cards"],
        "unionised_employees": c["unionised_employees"],
        "unionised_migrant_workers": c["unionised_migrant_employees"],
        "membership_rate": rate(c["members"], c["unionised_employees"]),
        "migrant_membership_rate": rate(c["migrant_members"], c["unionised_migrant_employees"]),
    }


def gap_list(
    org: Org, *, q: str = "", industry: str = "", min_employees: int | None = None, region_org: str = ""
) -> QuerySet[Employer]:
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
    """Direct children with their subtree's active org count below them, for the tree browser and
    detail page: from the maintained counters (one row per child), not a count over the subtree."""
    from gonghui.reports.models import OrgCounter

    children = list(Org.objects.get_children(org).order_by("path"))
    if not children:
        return []
    orgs = dict(OrgCounter.objects.filter(path__in=[c.path for c in children]).values_list("path", "orgs"))
    kinds, statuses = dict(OrgKind.choices), dict(OrgStatus.choices)  # get_*_display re-hashes per row
    # the counter counts the child itself while it is active
    return [
        {"org": c, "descendants": max(0, orgs.get(c.path, 0) - (1 if c.is_active else 0)),
         "kind_label": kinds.get(c.kind, c.kind), "status_label": statuses.get(c.status, c.status)}
        for c in children
    ]  # fmt: skip
