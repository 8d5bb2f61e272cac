"""Maintained statistics: one row of subtree totals per org (issue 7).

Each row holds the figures of the org *and everything below it*, so a dashboard for any subtree
reads one row. The rows are changed in the same transaction as the acts that change the figures
(reports/counters.py, called from the actions — not from signals), and `gonghui stats --verify`
recounts everything from scratch to prove them exact.
"""

from __future__ import annotations

from django.db import models

from gonghui.core.fields import OrgPathField
from gonghui.orgs.models import Org

KIND_FIELDS = {
    "province_federation": "province_federations",
    "city_federation": "city_federations",
    "county_federation": "county_federations",
    "township_union": "township_unions",
    "industry_union": "industry_unions",
    "system_union": "system_unions",
    "park_union": "park_unions",
    "grassroots": "grassroots",
    "joint_grassroots": "joint_grassroots",
    "new_employment": "new_employment_unions",
}
ORG_FIELDS = ("orgs", *KIND_FIELDS.values())
MEMBER_FIELDS = (
    "members",
    "migrant_members",
    "female_members",
    "new_employment_members",
    "cards",
    "retained_members",
)
EMPLOYER_FIELDS = (
    "employers", "employers_surveyed", "unionised_employers", "employees", "migrant_employees",
    "unionised_employees", "unionised_migrant_employees", "coverage_denominator", "coverage_covered",
)  # fmt: skip
FIELDS = (*ORG_FIELDS, *MEMBER_FIELDS, *EMPLOYER_FIELDS)


def _counter() -> models.BigIntegerField:
    return models.BigIntegerField(default=0)


class OrgCounter(models.Model):
    org = models.OneToOneField(Org, primary_key=True, on_delete=models.CASCADE, related_name="counter")
    path = OrgPathField(unique=True)
    # active orgs in the subtree, by kind
    orgs = _counter()
    province_federations = _counter()
    city_federations = _counter()
    county_federations = _counter()
    township_unions = _counter()
    industry_unions = _counter()
    system_unions = _counter()
    park_unions = _counter()
    grassroots = _counter()
    joint_grassroots = _counter()
    new_employment_unions = _counter()
    # current members (status active) of base unions in the subtree
    members = _counter()
    migrant_members = _counter()
    female_members = _counter()
    new_employment_members = _counter()
    cards = _counter()  # current members holding a valid card
    retained_members = _counter()  # 保留会籍: counted apart from members (see members.selectors)
    # employers, each counted where it belongs: its union if it has one, else its area union
    employers = _counter()
    employers_surveyed = _counter()
    unionised_employers = _counter()
    employees = _counter()
    migrant_employees = _counter()
    unionised_employees = _counter()
    unionised_migrant_employees = _counter()
    # 建会率: employers that should have a union (orgs.selectors.should_have_union) and those that do;
    # the threshold is a setting, so changing it needs `gonghui stats --rebuild`.
    coverage_denominator = _counter()
    coverage_covered = _counter()

    class Meta:
        verbose_name = "统计计数"
        verbose_name_plural = "统计计数"

    def __str__(self) -> str:
        return f"{self.path}: {self.orgs} orgs, {self.members} members"

    def figures(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in FIELDS}


class Snapshot(models.Model):
    """The register's figures for a union with units under it, on a day (reports/snapshots.py)."""

    org = models.ForeignKey(
        Org, on_delete=models.CASCADE, related_name="snapshots"
    )  # the union, wherever it sits now
    on = models.DateField()
    members = models.BigIntegerField(default=0)  # 保留会籍 included
    migrant_members = models.BigIntegerField(default=0)
    groups = models.JSONField(
        null=True, blank=True
    )  # current members per new-employment group (daily snapshots)

    class Meta:
        verbose_name = "历史快照"
        verbose_name_plural = "历史快照"
        constraints = [models.UniqueConstraint(fields=["org", "on"], name="snapshot_org_on")]
        indexes = [models.Index(fields=["on"], name="snapshot_on")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.on}: {self.members}"


class YearEndFigure(models.Model):
    """One org's own figures (not rolled up) at the end of a statistical year, 30 September: the
    snapshot the annual report reads (reports/yearend.py). `path` is where the org sat that day."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="year_end_figures")
    on = models.DateField()
    path = models.CharField(max_length=255)
    base_unions = models.IntegerField(default=0)
    employers = models.IntegerField(default=0)
    employers_due = models.IntegerField(default=0)
    employers_unionised = models.IntegerField(default=0)  # among employers_due
    employees = models.BigIntegerField(default=0)  # of unionised employers
    migrant_workers = models.BigIntegerField(default=0)  # of unionised employers
    members = models.BigIntegerField(default=0)
    female_members = models.BigIntegerField(default=0)
    migrant_members = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "年报快照"
        verbose_name_plural = "年报快照"
        constraints = [models.UniqueConstraint(fields=["org", "on"], name="year_end_org_on")]
        indexes = [models.Index(fields=["on", "path"], name="year_end_on_path")]

    def __str__(self) -> str:
        return f"{self.path} {self.on}"
