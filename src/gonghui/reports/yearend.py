"""The annual report's figures: every org's own figures at 30 September of a statistical year.

The ACFTU's annual report (统计年报) is a point-in-time report "截至9月底" (DOMAIN.md). Each org's
own figures (not rolled up) on that day are computed from the dated records and kept in
YearEndFigure by the nightly job (`ensure`); the report reads them, and counts live from the same
records for a year whose snapshot is not kept yet. The indicators (DOMAIN.md "Indicators"), each
numerator counted over the same set as its denominator:

* 建会率 = employers_unionised / employers_due: of the employers that should have a union
  (surveyed by that day, operating, at least GONGHUI_COVERAGE_MIN_EMPLOYEES employees by their
  latest survey on or before the day), those that had one;
* 入会率 = members / employees, employees counted in the employers that had a union that day;
* 农民工入会率 = migrant members / migrant workers of those same employers.

On the day: an employer's facts are its latest survey on or before it (none → counted as an
employer, neither due nor with employees); it had a union if its union was founded by then (no
founding date recorded → always) and not dissolved; it is counted where it belonged (its union,
else its area union, as the maintained counters do); members are the register's memberships
running that day (保留会籍 included: the register keeps no date for the switch); a union counts
as a base union from its founding date to its end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from gonghui.orgs.models import BASE_KINDS, Employer, EmployerSurvey, Org, OrgStatus
from gonghui.reports.periods import statistical_year_eve

STEP = Org.steplen
FIGURES = (
    "base_unions", "employers", "employers_due", "employers_unionised", "employees", "migrant_workers",
    "members", "female_members", "migrant_members",
)  # fmt: skip


@dataclass
class Unit:
    """An org as it stood on the day: where it sat, and its own figures."""

    org_id: int
    code: str
    name: str
    path: str
    figures: Tally[str] = field(default_factory=Tally)


def as_of(year: int) -> dt.date:
    """The day statistical year `year` ends (its annual report's date): 30 September."""
    return dt.date(year, 9, 30)


def last_completed_year(today: dt.date) -> int:
    """The statistical year that ended most recently before `today`."""
    return statistical_year_eve(today).year


def _existed(q_prefix: str, on: dt.date) -> Q:
    """Orgs in being on `on`: founded by then (or no date recorded) and not ended by then."""
    founded = Q(**{f"{q_prefix}founded_on__isnull": True}) | Q(**{f"{q_prefix}founded_on__lte": on})
    ended = Q(**{f"{q_prefix}ended_on__gt": on}) | (
        Q(**{f"{q_prefix}ended_on__isnull": True}) & Q(**{f"{q_prefix}status": OrgStatus.ACTIVE})
    )
    return founded & ended


def compute(on: dt.date, prefix: str = "") -> dict[str, Unit]:
    """Every org under `prefix` (all orgs when empty) with its own figures on `on`, by path."""
    from gonghui.members.models import Membership

    units: dict[str, Unit] = {}
    orgs = Org.objects.filter(path__startswith=prefix).filter(Q(status=OrgStatus.ACTIVE) | Q(ended_on__gt=on))
    for oid, code, name, short, path in orgs.values_list("id", "code", "name", "short_name", "path"):
        units[path] = Unit(oid, code, short or name, path)
    for path in orgs.filter(_existed("", on), kind__in=BASE_KINDS).values_list("path", flat=True).iterator():
        units[path].figures["base_unions"] += 1

    def home(path: str) -> Unit | None:
        """The unit an employer or membership counts at: its org, else the nearest one in being."""
        while path and path not in units:
            path = path[:-STEP]
        return units.get(path)

    _employers(on, prefix, home)
    members = (
        Membership.objects.filter(org_path__startswith=prefix, joined_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .order_by()
        .values("org_path")
        .annotate(
            n=Count("id"),
            female=Count("id", filter=Q(person__gender="F")),
            migrant=Count("id", filter=Q(person__is_migrant=True)),
        )
    )
    for r in members.iterator():
        u = home(r["org_path"])
        if u is not None:
            u.figures.update(members=r["n"], female_members=r["female"], migrant_members=r["migrant"])
    return units


def _employers(on: dt.date, prefix: str, home: Any) -> None:
    minimum = settings.GONGHUI_COVERAGE_MIN_EMPLOYEES
    emps = (
        Employer.objects.filter(Q(area_path__startswith=prefix) | Q(union__path__startswith=prefix))
        .order_by()
        .values("id", "area_path", "union_id", "union__path", "surveyed_on", "operating_status", "employees",
                "migrant_workers", "created_at")
    )  # fmt: skip
    rows = list(emps.iterator(chunk_size=5000))
    unions = list({r["union_id"] for r in rows if r["union_id"] is not None})
    in_being: set[int] = set()
    for i in range(0, len(unions), 5000):  # wherever the union sits, inside the subtree or not
        in_being.update(
            Org.objects.filter(_existed("", on), id__in=unions[i : i + 5000]).values_list("id", flat=True)
        )
    # employers whose latest survey is after the day: their latest survey on or before it
    later = [r["id"] for r in rows if r["surveyed_on"] is None or r["surveyed_on"] > on]
    earlier: dict[int, Any] = {}
    for i in range(0, len(later), 5000):
        for s in (
            EmployerSurvey.objects.filter(employer_id__in=later[i : i + 5000], surveyed_on__lte=on)
            .order_by("employer_id", "surveyed_on", "id")
            .values("employer_id", "surveyed_on", "operating_status", "employees", "migrant_workers")
        ):
            earlier[s["employer_id"]] = s  # the last one per employer wins
    for r in rows:
        facts = r if r["surveyed_on"] is not None and r["surveyed_on"] <= on else earlier.get(r["id"])
        if facts is None and timezone.localdate(r["created_at"]) > on:
            continue  # not on the register yet
        unionised = r["union_id"] is not None and r["union_id"] in in_being
        unit = home(r["union__path"] if unionised else r["area_path"])
        if unit is None:
            continue
        due = (
            facts is not None
            and facts["employees"] >= minimum
            and facts["operating_status"] not in ("closed", "deregistered")
        )
        unit.figures.update(employers=1, employers_due=int(due), employers_unionised=int(due and unionised))
        if unionised and facts is not None:
            unit.figures.update(employees=facts["employees"], migrant_workers=facts["migrant_workers"])


def ensure(on: dt.date) -> int:
    """Keep the figures of `on` (a 30 September) unless they are kept already; rows written."""
    from gonghui.reports.models import YearEndFigure

    if YearEndFigure.objects.filter(on=on).exists():
        return 0
    units = compute(on)
    objs = [
        YearEndFigure(org_id=u.org_id, on=on, path=u.path, **{f: u.figures.get(f, 0) for f in FIGURES})
        for u in units.values()
    ]
    with transaction.atomic():
        YearEndFigure.objects.filter(on=on).delete()
        YearEndFigure.objects.bulk_create(objs, batch_size=5000)
    return len(objs)


def units_at(org: Org, on: dt.date) -> tuple[str, dict[str, Unit], bool]:
    """The org's path that day and every unit under it with own figures: from the kept snapshot
    when there is one for `on`, else counted live. The flag says which."""
    from gonghui.reports.models import YearEndFigure

    kept = YearEndFigure.objects.filter(on=on)
    if kept.exists():
        mine = kept.filter(org=org).first()
        if mine is None:  # the org did not exist that day
            return org.path, {}, True
        units: dict[str, Unit] = {}
        for r in kept.filter(path__startswith=mine.path).select_related("org"):
            o = r.org
            units[r.path] = Unit(
                o.id, o.code, o.short_name or o.name, r.path, Tally({f: getattr(r, f) for f in FIGURES})
            )
        return mine.path, units, True
    return org.path, compute(on, org.path), False
