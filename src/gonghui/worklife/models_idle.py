"""Stored figures of a union's working life (issue 14 items 5 and 7), kept so pages read a row, not
the subtree: each union's activity score with its reasons (`UnionLife`), the subtree totals
(`LifeCounter`, maintained by deltas up the ancestor chain like reports.OrgCounter), a monthly
trend of idle unions (`IdleTrend`) and the township's follow-ups of idle unions (`IdleFollowUp`).

Written only by `worklife/counters.py` (on each write of a congress, contract or activity, and by
the nightly job) and `worklife/idle/` (follow-ups).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.orgs.models import Org

# the figures a union row holds for itself and a LifeCounter row sums over the subtree
LIFE_FIELDS = (
    "unions_scored",
    "idle_unions",
    "contracts_in_force",
    "employers_covered",
    "employees_covered",
    "employers_held",
    "activities",
)


def _n() -> models.BigIntegerField:  # type: ignore[type-arg]
    return models.BigIntegerField(default=0)


class UnionLife(models.Model):
    """One row per grassroots union (and per other union that owns records): its own figures as of
    `as_of` and, for grassroots unions, the activity score of the 12 months before it."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="life")
    org_path = OrgPathField(db_index=True, editable=False)
    as_of = models.DateField(_("计算日期"))
    scored = models.BooleanField(default=False)  # a grassroots union: has a score
    score = models.PositiveSmallIntegerField(_("活跃度得分"), default=0)
    idle = models.BooleanField(_("空转"), default=False)
    reasons = models.JSONField(_("原因"), default=list)
    parts = models.JSONField(default=dict)  # component → points
    members = models.PositiveIntegerField(_("会员数"), default=0)
    # own figures (added up the tree in LifeCounter)
    unions_scored = _n()
    idle_unions = _n()
    contracts_in_force = _n()
    employers_covered = _n()
    employees_covered = _n()
    employers_held = _n()
    activities = _n()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工会活跃度")
        verbose_name_plural = _("工会活跃度")
        indexes = [models.Index(fields=["org_path", "idle", "score"], name="wl_life_idle")]

    def __str__(self) -> str:
        return f"{self.org_path}: {self.score}"

    def figures(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in LIFE_FIELDS}


class LifeCounter(models.Model):
    """Subtree totals of UnionLife's figures for one org (itself and everything below)."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="life_counter")
    path = OrgPathField(unique=True, editable=False)
    unions_scored = _n()
    idle_unions = _n()
    contracts_in_force = _n()
    employers_covered = _n()
    employees_covered = _n()
    employers_held = _n()
    activities = _n()

    class Meta:
        verbose_name = _("工会工作计数")
        verbose_name_plural = _("工会工作计数")

    def __str__(self) -> str:
        return self.path

    def figures(self) -> dict[str, int]:
        return {f: getattr(self, f) for f in LIFE_FIELDS}


class IdleTrend(models.Model):
    """Idle and scored unions of a subtree at the end of a month (the current month: as of the
    last nightly run), for the dashboard's trend."""

    path = OrgPathField(editable=False)
    month = models.DateField()  # the first day of the month
    idle = models.PositiveIntegerField(default=0)
    unions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("空转趋势")
        verbose_name_plural = _("空转趋势")
        constraints = [models.UniqueConstraint(fields=["path", "month"], name="wl_idle_trend_unique")]

    def __str__(self) -> str:
        return f"{self.path} {self.month:%Y-%m}: {self.idle}/{self.unions}"


class IdleFollowUp(models.Model):
    """督促整改: an upper union asks an idle union to act by `due_on`; closed with the result."""

    org = models.ForeignKey(Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    note = models.TextField(_("督促事项"))
    due_on = models.DateField(_("整改期限"))
    score_then = models.PositiveSmallIntegerField(_("当时得分"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    result = models.TextField(_("整改情况"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("空转督促")
        verbose_name_plural = _("空转督促")
        ordering = ["closed_on", "due_on", "id"]
        indexes = [models.Index(fields=["org_path", "closed_on"], name="wl_followup_open")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
