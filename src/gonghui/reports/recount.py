"""Figures recounted from the source tables, per org (not rolled up): the reference the
maintained counters are checked against (`gonghui stats --verify`, the property tests, the bench)."""

from __future__ import annotations

from collections import Counter as Tally

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum

from gonghui.orgs.models import Employer, Org, OrgStatus
from gonghui.reports.models import KIND_FIELDS


def should_have_union_q() -> Q:
    """The same rule as counters.should_have_union, as a query."""
    return Q(surveyed_on__isnull=False, employees__gte=settings.GONGHUI_COVERAGE_MIN_EMPLOYEES) & ~Q(
        operating_status__in=["closed", "deregistered"]
    )


def own_figures() -> dict[str, Tally[str]]:
    SHOULD_HAVE_UNION = should_have_union_q()  # noqa: N806
    own: dict[str, Tally[str]] = {}

    def add(path: str, **figs: int) -> None:
        own.setdefault(path, Tally()).update({k: v for k, v in figs.items() if v})

    for path, kind in (
        Org.objects.filter(status=OrgStatus.ACTIVE).values_list("path", "kind").iterator(chunk_size=10000)
    ):
        add(path, orgs=1, **{KIND_FIELDS[kind]: 1})

    for union_path, covered in ((True, True), (False, False)):
        key = "union__path" if union_path else "area_path"
        qs = (
            Employer.objects.filter(union__isnull=not covered)
            .order_by()
            .values(key)
            .annotate(
                n=Count("id"),
                should=Count("id", filter=SHOULD_HAVE_UNION),
                surveyed=Count("id", filter=Q(surveyed_on__isnull=False)),
                employees=Sum("employees"),
                migrants=Sum("migrant_workers"),
            )
        )
        for row in qs:
            add(
                row[key], employers=row["n"], employers_surveyed=row["surveyed"],
                unionised_employers=row["n"] if covered else 0, employees=row["employees"] or 0,
                migrant_employees=row["migrants"] or 0,
                unionised_employees=(row["employees"] or 0) if covered else 0,
                unionised_migrant_employees=(row["migrants"] or 0) if covered else 0,
                coverage_denominator=row["should"], coverage_covered=row["should"] if covered else 0,
            )  # fmt: skip

    from gonghui.members.models import Card, Membership

    valid_card = Card.objects.filter(person=OuterRef("person"), status="valid")
    members = (
        Membership.objects.filter(status="active")
        .order_by()
        .values("org_path")
        .annotate(
            n=Count("id"),
            migrant=Count("id", filter=Q(person__is_migrant=True)),
            female=Count("id", filter=Q(person__gender="F")),
            new_emp=Count("id", filter=~Q(person__new_employment_group="")),
            valid_cards=Count("id", filter=Q(Exists(valid_card))),  # not "cards": Membership.cards exists
        )
    )
    for row in members:
        add(row["org_path"], members=row["n"], migrant_members=row["migrant"], female_members=row["female"],
            new_employment_members=row["new_emp"], cards=row["valid_cards"])  # fmt: skip
    retained = (
        Membership.objects.filter(status="retained").order_by().values("org_path").annotate(n=Count("id"))
    )
    for row in retained:
        add(row["org_path"], retained_members=row["n"])
    return own
