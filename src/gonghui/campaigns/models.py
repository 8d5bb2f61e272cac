"""Campaigns (集中行动 / 目标任务): a target set by a federation, split down the tree, followed live
from the register, supervised by work groups (seed 000, seed 004).

Nothing here holds progress: "done" is always counted from the register (campaigns/selectors.py).
What is kept is what people decide: the target, how it was split (Allocation), who follows which
units (WorkGroup) and what they found (SupervisionNote).

Every row that belongs to a union carries its materialized path (`org_path`), an `OrgPathField`
that a subtree move finds and rewrites (core/fields.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.orgs.models import Org


class Measure(models.TextChoices):
    """What a campaign counts (DOMAIN.md "Campaign"). See selectors.py for the exact rules."""

    MEMBERS = "members", _("新增会员（净增）")
    MIGRANT_MEMBERS = "migrant_members", _("新增农民工会员（净增）")
    UNIONS = "unions", _("新建基层工会")
    REAL_NAME = "real_name", _("实名登记完整的新会员")


class BaselineSource(models.TextChoices):
    REGISTER = "register", _("按会员库计算（截至基数日期）")
    ENTERED = "entered", _("手工填写（会员库无历史数据时）")


class SplitMethod(models.TextChoices):
    BASELINE = "baseline", _("按基数比例")
    POTENTIAL = "potential", _("按发展潜力（未入会农民工/职工）")
    EQUAL = "equal", _("平均分配")
    MANUAL = "manual", _("逐个填写")


class Campaign(models.Model):
    name = models.CharField(_("行动名称"), max_length=120)
    org = models.ForeignKey(
        Org, verbose_name=_("牵头工会"), on_delete=models.PROTECT, related_name="campaigns"
    )
    org_path = OrgPathField(db_index=True, editable=False)
    measure = models.CharField(_("考核指标"), max_length=20, choices=Measure.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    baseline_source = models.CharField(
        _("基数来源"), max_length=12, choices=BaselineSource.choices, default=BaselineSource.REGISTER
    )
    baseline_on = models.DateField(
        _("基数日期"), help_text=_("基数按该日结束时的会员库计算，通常为开始日期前一天")
    )
    baseline = models.PositiveIntegerField(_("基数"))
    growth_rate = models.DecimalField(_("增长率（%）"), max_digits=7, decimal_places=2, null=True, blank=True)
    net_minimum = models.PositiveIntegerField(_("净增不少于"), null=True, blank=True)
    target_net = models.PositiveIntegerField(_("目标任务（净增）"), help_text=_("增长率与净增下限取其大者"))
    behind_margin = models.DecimalField(
        _("落后判定（百分点）"), max_digits=5, decimal_places=2, default=5,
        help_text=_("完成率低于序时进度超过该百分点即标为落后"),
    )  # fmt: skip
    description = models.TextField(_("工作要求"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("集中行动")
        verbose_name_plural = _("集中行动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_count_of_members(self) -> bool:
        return self.measure != Measure.UNIONS


class Allocation(models.Model):
    """One unit's share of a campaign's target (分解任务). The campaign's own org has the root row
    (target = the campaign's target); a split replaces a unit's children rows, whose targets always
    sum exactly to the unit's target (largest remainder). `split_*` describe how this unit's own
    share was split among its children (empty: not split)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="allocations")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    target = models.PositiveIntegerField(_("目标任务"))
    baseline = models.PositiveIntegerField(_("基数"), default=0)
    weight = models.PositiveIntegerField(
        _("分配依据数"), default=0, help_text=_("按比例分配时所用的基数或潜力数")
    )
    split_method = models.CharField(_("分解方式"), max_length=12, choices=SplitMethod.choices, blank=True)
    split_at = models.DateTimeField(null=True, blank=True)
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("任务分解")
        verbose_name_plural = _("任务分解")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="allocation_campaign_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id}: {self.target}"


class WorkGroup(models.Model):
    """工作组 (seed 004): staff split into groups, each led by a leader, each owning units."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("工作组名称"), max_length=60)
    leader = models.CharField(_("组长"), max_length=60)
    members = models.CharField(_("组员"), max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        ordering = ["sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="workgroup_campaign_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class WorkGroupUnit(models.Model):
    """A unit owned by a work group; a unit belongs to at most one group of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="units")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="workgroupunit_campaign_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.org_id}"


class NoteKind(models.TextChoices):
    VISIT = "visit", _("实地督查")
    CHECK = "check", _("资料检查")
    CALL = "call", _("电话督促")
    MEETING = "meeting", _("约谈推进")


class SupervisionNote(models.Model):
    """督促检查: what a visit or check found at a unit, what must follow, and whether it has."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="notes")
    org = models.ForeignKey(Org, verbose_name=_("检查单位"), on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    group = models.ForeignKey(
        WorkGroup,
        verbose_name=_("工作组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
    )
    on = models.DateField(_("检查日期"))
    kind = models.CharField(_("方式"), max_length=12, choices=NoteKind.choices, default=NoteKind.VISIT)
    findings = models.TextField(_("发现的问题"))
    follow_up = models.TextField(_("整改要求"), blank=True)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    done = models.BooleanField(_("已整改"), default=False)
    done_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    result = models.TextField(_("整改情况"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.org_id}"


class EventDay(models.Model):
    """Membership events of one day summed over an org's subtree (itself and everything below),
    kept by `campaigns/daycount.py` in the transaction of every event write, like reports.OrgCounter:
    a campaign page sums a few rows per unit instead of counting the subtree's events (issue 19).

    The columns (see daycount.vector): `net` the signed sum (+1 入会/转入/恢复, −1 转出/保留/退会/除名),
    `joins` the 入会 events, `complete` those of a complete real-name record, `c_net` the signed
    sum over complete records; `m_*` the same for persons marked 农民工. Base unions (新建基层工会):
    `founded` counts those founded that day (an unknown founding date on 1900-01-01), `ended` those
    dissolved or merged that day."""

    path = OrgPathField(editable=False)
    day = models.DateField()
    net = models.IntegerField(default=0)
    joins = models.IntegerField(default=0)
    complete = models.IntegerField(default=0)
    c_net = models.IntegerField(default=0)
    m_net = models.IntegerField(default=0)
    m_joins = models.IntegerField(default=0)
    m_complete = models.IntegerField(default=0)
    founded = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["path", "day"], name="eventday_path_day_unique")]

    def __str__(self) -> str:
        return f"{self.path} {self.day}"
