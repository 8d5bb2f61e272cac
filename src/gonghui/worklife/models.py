"""A union's working life after it is formed (issue 14, seed 001): workers' congresses (职工代表大会)
with their proposals and 厂务公开, collective contracts (集体合同), union groups (工会小组) and
activities (工会活动).

Scope: every top-level row carries the union it belongs to and that union's materialized path
(`org_path`, an `OrgPathField` a subtree move rewrites), copied when the row is made; child rows
(agenda items, proposals, rounds, attachments, participants) are reached through their parent's path.

Employers: a congress or a contract covers one employer (单位职代会, 单独签订) or several (区域性/
行业性); the covered employers are rows of a through table (`CongressEmployer`, `ContractEmployer`)
so counters and "held this year" need no parsing.

All writes go through `worklife/actions*.py`; no logic in `save()` or signals.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Employer, Org


class ScopedRow(models.Model):
    """The union a row belongs to, its path (subtree filters) and province (Citus distribution)."""

    org = models.ForeignKey(Org, verbose_name=_("所属工会"), on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    province_code = models.CharField(max_length=2, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StoredFile(models.Model):
    """A file kept under MEDIA_ROOT with a random name, served only through a gatekept view."""

    stored = models.FileField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("大小（字节）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


# --------------------------------------------------------------------------- workers' congress


class CongressKind(models.TextChoices):
    EMPLOYER = "employer", _("单位职代会")
    AREA = "area", _("区域职代会")
    INDUSTRY = "industry", _("行业职代会")


class CongressSession(ScopedRow):
    """One meeting of a workers' congress: 第 term_no 届 第 session_no 次, held on `held_on`.

    `org` is the union that convenes it (the employer's grassroots union, or the joint union for a
    区域/行业职代会); the employers it covers are `CongressEmployer` rows."""

    kind = models.CharField(
        _("类型"), max_length=12, choices=CongressKind.choices, default=CongressKind.EMPLOYER
    )
    term_no = models.PositiveSmallIntegerField(_("届"))
    session_no = models.PositiveSmallIntegerField(_("次"))
    held_on = models.DateField(_("召开日期"), db_index=True)
    employees = models.PositiveIntegerField(_("职工总数"), default=0)
    delegates = models.PositiveIntegerField(_("代表人数"))
    frontline_delegates = models.PositiveIntegerField(_("一线职工代表"), default=0)
    women_delegates = models.PositiveIntegerField(_("女职工代表"), default=0)
    attended = models.PositiveIntegerField(_("实到代表"), default=0)
    note = models.TextField(_("备注"), blank=True)
    employers = models.ManyToManyField(
        Employer, through="CongressEmployer", related_name="congress_sessions", verbose_name=_("覆盖单位")
    )

    class Meta:
        verbose_name = _("职代会会议")
        verbose_name_plural = _("职代会会议")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org_path", "held_on"], name="wl_congress_path_date")]

    def __str__(self) -> str:
        return f"第{self.term_no}届第{self.session_no}次职代会（{self.held_on}）"


class CongressEmployer(models.Model):
    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="covered")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "employer"], name="wl_congress_employer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.employer_id}"


class AgendaItem(models.Model):
    """议题: what the session heard, discussed or voted on, in order."""

    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="agenda")
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("议题"), max_length=200)
    result = models.CharField(_("结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    HANDLING = "handling", _("办理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class Proposal(models.Model):
    """提案: raised by a delegate (or several) at a session, handed to a department, answered, closed."""

    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="proposals")
    number = models.PositiveSmallIntegerField(_("提案号"))
    author = models.CharField(_("提案人"), max_length=80)
    subject = models.CharField(_("案由"), max_length=200)
    content = models.TextField(_("提案内容"), blank=True)
    handling = models.CharField(_("承办部门/办理方式"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.REGISTERED
    )
    answer = models.TextField(_("答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="wl_proposal_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def closed(self) -> bool:
        return self.status == ProposalStatus.CLOSED


class DisclosureForm(models.TextChoices):
    CONGRESS = "congress", _("职代会")
    BOARD = "board", _("厂务公开栏")
    MEETING = "meeting", _("职工大会/座谈会")
    ONLINE = "online", _("内部网络/微信群")
    OTHER = "other", _("其他")


class Disclosure(ScopedRow):
    """厂务公开: one item the employer disclosed to its workers (wages, safety, welfare, 重大事项)."""

    employer = models.ForeignKey(
        Employer, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        CongressSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="disclosures"
    )
    disclosed_on = models.DateField(_("公开日期"), db_index=True)
    subject = models.CharField(_("公开事项"), max_length=200)
    form = models.CharField(
        _("公开形式"), max_length=12, choices=DisclosureForm.choices, default=DisclosureForm.BOARD
    )
    content = models.TextField(_("内容摘要"), blank=True)

    class Meta:
        verbose_name = _("厂务公开")
        verbose_name_plural = _("厂务公开")
        ordering = ["-disclosed_on", "-id"]

    def __str__(self) -> str:
        return self.subject


# --------------------------------------------------------------------------- collective contracts


class ContractScope(models.TextChoices):
    SINGLE = "single", _("单独签订")
    AREA = "area", _("区域性")
    INDUSTRY = "industry", _("行业性")


class ContractCategory(models.TextChoices):
    GENERAL = "general", _("综合性集体合同")
    WAGE = "wage", _("工资专项集体合同")
    WOMEN = "women", _("女职工权益保护专项集体合同")
    SAFETY = "safety", _("劳动安全卫生专项集体合同")


class ContractStatus(models.TextChoices):
    """Where the contract is in its life. `EFFECTIVE` is set when the labour administration
    approves or its review period passes without an objection (集体合同规定 art. 47); whether an
    effective contract is *in force* on a day also depends on `start_on`/`end_on`."""

    NEGOTIATING = "negotiating", _("协商中")
    SIGNED = "signed", _("已签订待报送")
    SUBMITTED = "submitted", _("已报送待审查")
    EFFECTIVE = "effective", _("已生效")
    REJECTED = "rejected", _("审查有异议")
    TERMINATED = "terminated", _("已终止")


class ReviewAnswer(models.TextChoices):
    NONE = "", _("未答复")
    APPROVED = "approved", _("审查通过")
    OBJECTION = "objection", _("提出异议")
    DEEMED = "deemed", _("期满未提异议，视为生效")


class CollectiveContract(ScopedRow):
    """集体合同 (or 专项集体合同) signed by `org` — the employer's union or, for 区域性/行业性, the
    township/industry/joint union — for the employers listed in `ContractEmployer`."""

    title = models.CharField(_("合同名称"), max_length=200)
    scope = models.CharField(
        _("签订形式"), max_length=12, choices=ContractScope.choices, default=ContractScope.SINGLE
    )
    category = models.CharField(
        _("合同类别"), max_length=12, choices=ContractCategory.choices, default=ContractCategory.GENERAL
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ContractStatus.choices,
        default=ContractStatus.NEGOTIATING,
        db_index=True,
    )
    employer_side = models.CharField(_("用人单位方代表"), max_length=120, blank=True)
    employees_covered = models.PositiveIntegerField(_("覆盖职工数"), default=0)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    start_on = models.DateField(_("期限起"), null=True, blank=True)
    end_on = models.DateField(_("期限止"), null=True, blank=True, db_index=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    labour_bureau = models.CharField(_("报送的劳动行政部门"), max_length=120, blank=True)
    review_answer = models.CharField(
        _("审查意见"), max_length=12, choices=ReviewAnswer.choices, default=ReviewAnswer.NONE, blank=True
    )
    answered_on = models.DateField(_("审查答复日期"), null=True, blank=True)
    review_note = models.CharField(_("审查意见说明"), max_length=300, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    renews = models.ForeignKey(
        "self",
        verbose_name=_("续订自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
    )
    note = models.TextField(_("备注"), blank=True)
    employers = models.ManyToManyField(
        Employer, through="ContractEmployer", related_name="collective_contracts", verbose_name=_("覆盖单位")
    )

    class Meta:
        verbose_name = _("集体合同")
        verbose_name_plural = _("集体合同")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["org_path", "status", "end_on"], name="wl_contract_path_status")]

    def __str__(self) -> str:
        return self.title

    def in_force_on(self, day: dt.date) -> bool:
        return (
            self.status == ContractStatus.EFFECTIVE
            and self.start_on is not None
            and self.end_on is not None
            and self.start_on <= day <= self.end_on
        )


class ContractEmployer(models.Model):
    contract = models.ForeignKey(CollectiveContract, on_delete=models.CASCADE, related_name="covered")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "employer"], name="wl_contract_employer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id}:{self.employer_id}"


class NegotiationRound(models.Model):
    """一轮协商 (集体协商): when, what was discussed, the outcome."""

    contract = models.ForeignKey(CollectiveContract, on_delete=models.CASCADE, related_name="rounds")
    round_no = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("协商日期"))
    topics = models.CharField(_("协商议题"), max_length=200, blank=True)
    outcome = models.CharField(_("协商结果"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("协商轮次")
        verbose_name_plural = _("协商轮次")
        ordering = ["round_no", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "round_no"], name="wl_round_unique")]

    def __str__(self) -> str:
        return f"第{self.round_no}轮"


class ContractAttachment(StoredFile):
    """合同文本、审查意见书等附件。"""

    contract = models.ForeignKey(CollectiveContract, on_delete=models.CASCADE, related_name="attachments")

    class Meta(StoredFile.Meta):
        verbose_name = _("合同附件")
        verbose_name_plural = _("合同附件")


# --------------------------------------------------------------------------- union groups


class UnionGroup(ScopedRow):
    """工会小组 inside a grassroots union (the charter uses them for leaving and expulsion)."""

    name = models.CharField(_("小组名称"), max_length=60)
    leader = models.ForeignKey(
        Membership, verbose_name=_("组长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("工会小组")
        verbose_name_plural = _("工会小组")
        ordering = ["org", "name"]
        constraints = [models.UniqueConstraint(fields=["org", "name"], name="wl_group_name_unique")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A membership assigned to a group: at most one group per membership."""

    group = models.ForeignKey(UnionGroup, on_delete=models.CASCADE, related_name="assignments")
    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="union_group")
    assigned_on = models.DateField(_("编入日期"), default=dt.date.today)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")

    def __str__(self) -> str:
        return f"{self.group_id}:{self.membership_id}"


# --------------------------------------------------------------------------- activities


class ActivityType(models.Model):
    """Code table of activity types (工会活动类型), seeded by a data migration; a federation admin
    may relabel, reorder, add or retire items. Codes in `FIXED_TYPES` are used by the rules."""

    code = models.CharField(_("代码"), max_length=24, unique=True)
    label = models.CharField(_("名称"), max_length=60)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("活动类型")
        verbose_name_plural = _("活动类型")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.label


class HomeStatus(models.TextChoices):
    """职工之家 status recorded by a 职工之家 activity."""

    NONE = "", _("—")
    BUILDING = "building", _("创建中")
    COUNTY = "county", _("县级模范职工之家")
    CITY = "city", _("市级模范职工之家")
    PROVINCE = "province", _("省级模范职工之家")
    NATIONAL = "national", _("全国模范职工之家")


class ActivitySource(models.TextChoices):
    MANUAL = "manual", _("逐条录入")
    IMPORT = "import", _("批量导入")
    API = "api", _("接口")


class Activity(ScopedRow):
    """One dated activity of one union. `kind` is a code of `ActivityType` (kept as the code, so a
    relabelled or retired type still labels old rows). `participants` is the head count; named
    participants, when recorded, are `ActivityParticipant` rows (and the count is at least theirs)."""

    kind = models.CharField(_("活动类型"), max_length=24, db_index=True)
    held_on = models.DateField(_("活动日期"), db_index=True)
    title = models.CharField(_("活动名称"), max_length=200)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    result = models.CharField(_("成绩/结果"), max_length=300, blank=True)
    home_status = models.CharField(
        _("职工之家状态"), max_length=12, choices=HomeStatus.choices, blank=True, default=""
    )
    description = models.TextField(_("内容"), blank=True)
    source = models.CharField(
        _("来源"), max_length=8, choices=ActivitySource.choices, default=ActivitySource.MANUAL
    )

    class Meta:
        verbose_name = _("工会活动")
        verbose_name_plural = _("工会活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org_path", "held_on"], name="wl_activity_path_date")]

    def __str__(self) -> str:
        return self.title


class ActivityParticipant(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="named")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="wl_activity_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.person_id}"


class ActivityDocument(StoredFile):
    """A document or photo of an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="documents")
    is_photo = models.BooleanField(_("照片"), default=False)

    class Meta(StoredFile.Meta):
        verbose_name = _("活动材料")
        verbose_name_plural = _("活动材料")


from gonghui.worklife.models_idle import IdleFollowUp, IdleTrend, LifeCounter, UnionLife  # noqa: E402, F401
