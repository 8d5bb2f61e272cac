"""Forming unions (组建) and electing their committees (换届选举): the records of each step.

Scope: every row carries the materialized path of the union it belongs to (`org_path`) so the
gatekeeper filters a subtree with one prefix; a formation belongs to its upper union until the
new union exists. The columns are `OrgPathField`s, so a subtree move finds and rewrites them
(core/fields.py).

All writes go through `formation.py` and `actions.py`; no logic in `save()` or signals.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.orgs.models import Employer, Org, OrgKind

CIPHER_MAX = 120
INDEX_LEN = 32


class DocKind(models.TextChoices):
    REQUEST = "request", _("请示")
    ROSTER = "roster", _("名册")
    APPROVAL = "approval", _("批复")
    RESULTS = "results", _("选举结果报告")
    RESULTS_APPROVAL = "results_approval", _("选举结果批复")
    OTHER = "other", _("其他材料")


class Sequence(models.Model):
    """Document numbers (文号) per year, locked with SELECT … FOR UPDATE inside the approving
    transaction: unique and gap-free however many approve at once; a rollback returns the number."""

    key = models.CharField(max_length=24)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="elections_sequence_key_year")]

    def __str__(self) -> str:
        return f"{self.key} {self.year}: {self.value}"


class FormationStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SUBMITTED = "submitted", _("待上级审批")
    RETURNED = "returned", _("退回修改")
    APPROVED = "approved", _("已批复成立")
    REJECTED = "rejected", _("不予批准")


FORMATION_EDITABLE = (FormationStatus.DRAFT, FormationStatus.RETURNED)


class FormationForm(models.TextChoices):
    """工会法 art. 11. A joint committee is a committee of a joint union (kind)."""

    COMMITTEE = "committee", _("基层工会委员会")
    ORGANISER = "organiser", _("组织员")


class Formation(models.Model):
    """组建: a request (请示) to form a union under `parent`, its founding roster (名册), and the
    upper union's decision (批复) — seed 004's 有请示、有名册、有批复."""

    parent = models.ForeignKey(
        Org, verbose_name=_("上级工会"), on_delete=models.PROTECT, related_name="formations"
    )
    org_path = OrgPathField(db_index=True, editable=False)
    kind = models.CharField(_("工会类别"), max_length=24, choices=OrgKind.choices, default=OrgKind.GRASSROOTS)
    form = models.CharField(
        _("组织形式"), max_length=16, choices=FormationForm.choices, default=FormationForm.COMMITTEE
    )
    name = models.CharField(_("拟成立工会全称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    region_code = models.CharField(_("所在政区"), max_length=6)
    joint_scope = models.CharField(_("联合范围"), max_length=24, blank=True)
    employers = models.ManyToManyField(
        Employer, verbose_name=_("建会单位"), blank=True, related_name="formations"
    )
    chair_name = models.CharField(_("主席（组织员）人选"), max_length=40, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=5)
    request_text = models.TextField(_("请示正文"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=FormationStatus.choices,
        default=FormationStatus.DRAFT,
        db_index=True,
    )
    reason = models.CharField(_("审批意见"), max_length=500, blank=True)
    approval_no = models.CharField(_("批复文号"), max_length=60, blank=True)
    founded_on = models.DateField(_("建会时间"), null=True, blank=True)
    org = models.ForeignKey(
        Org, verbose_name=_("成立的工会"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("组建申请")
        verbose_name_plural = _("组建申请")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def editable(self) -> bool:
        return self.status in FORMATION_EDITABLE

    @property
    def form_label(self) -> str:
        if self.form == FormationForm.COMMITTEE and self.kind == OrgKind.JOINT_GRASSROOTS:
            return str(_("联合基层工会委员会"))
        return self.get_form_display()


class RosterSource(models.TextChoices):
    REGISTER = "register", _("会员库")
    APPLICANT = "applicant", _("新申请")


class RosterEntry(models.Model):
    """One founding member. The ID number is stored like the register's: ciphertext, blind index
    (the register's context, so a register member is found by it), masked form; never plain."""

    formation = models.ForeignKey(Formation, on_delete=models.CASCADE, related_name="roster")
    name = models.CharField(_("姓名"), max_length=40)
    id_cipher = models.CharField(max_length=CIPHER_MAX, editable=False)
    id_index = models.CharField(max_length=INDEX_LEN, editable=False)
    id_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("来源"), max_length=12, choices=RosterSource.choices, default=RosterSource.APPLICANT
    )
    membership = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("创始会员")
        verbose_name_plural = _("创始会员名册")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["formation", "id_index"], name="roster_one_entry_per_person")
        ]

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """A filed document: uploaded, or generated as PDF. Files live under MEDIA_ROOT and are served
    only through the gatekept view (views.document), never as static media."""

    kind = models.CharField(_("类别"), max_length=20, choices=DocKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    file = models.FileField(upload_to="docs/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    generated = models.BooleanField(_("系统生成"), default=False)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    org_path = OrgPathField(db_index=True, editable=False)
    formation = models.ForeignKey(
        Formation, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    election = models.ForeignKey(
        "Election", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class TermRequestKind(models.TextChoices):
    POSTPONE = "postpone", _("延期换届")
    EARLY = "early", _("提前换届")
    DELEGATES = "delegates", _("召开会员代表大会")


class TermRequestStatus(models.TextChoices):
    PENDING = "pending", _("待上级审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("不予批准")
    USED = "used", _("已使用")


class TermRequest(models.Model):
    """A request to the upper union about a term (章程 arts. 26–27): postpone the election, hold it
    early, or hold a delegates' assembly though the union has few members."""

    org = models.ForeignKey(
        Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="term_requests"
    )
    org_path = OrgPathField(db_index=True, editable=False)
    kind = models.CharField(_("事项"), max_length=12, choices=TermRequestKind.choices)
    proposed_date = models.DateField(
        _("拟定日期"), null=True, blank=True, help_text=_("延期：新的届满日期；提前：拟换届日期")
    )
    reason = models.CharField(_("理由"), max_length=500)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=TermRequestStatus.choices,
        default=TermRequestStatus.PENDING,
        db_index=True,
    )
    decision_reason = models.CharField(_("审批意见"), max_length=500, blank=True)
    previous_end = models.DateField(_("原届满日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("换届事项请示")
        verbose_name_plural = _("换届事项请示")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.org} {self.get_kind_display()}"


class ElectionStatus(models.TextChoices):
    SETUP = "setup", _("筹备（职位与候选人）")
    VOTING = "voting", _("投票计票")
    TALLIED = "tallied", _("计票完成")
    SUBMITTED = "submitted", _("待上级审批")
    RETURNED = "returned", _("退回")
    APPROVED = "approved", _("已批复")


class MeetingType(models.TextChoices):
    GENERAL = "general", _("会员大会")
    DELEGATES = "delegates", _("会员代表大会")


class LeadsBy(models.TextChoices):
    """章程 art. 27 (2008): the chair and vice-chairs are elected by the assembly directly, or by
    the new committee at its first plenary sitting."""

    ASSEMBLY = "assembly", _("大会直接选举")
    COMMITTEE = "committee", _("新一届委员会第一次全体会议选举")


class Election(models.Model):
    """换届选举 (or the first election) of one union: the meeting, the posts, the candidates, the
    rounds of votes, and the upper union's approval of the results (章程 arts. 26–27)."""

    org = models.ForeignKey(Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="elections")
    org_path = OrgPathField(db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ElectionStatus.choices, default=ElectionStatus.SETUP, db_index=True
    )
    term_number = models.PositiveSmallIntegerField(_("届次"))
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=5)
    meeting_type = models.CharField(
        _("会议形式"), max_length=12, choices=MeetingType.choices, default=MeetingType.GENERAL
    )
    meeting_date = models.DateField(_("选举日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    members = models.PositiveIntegerField(_("会员人数"), default=0, help_text=_("筹备时会员库中的正常会员数"))
    due = models.PositiveIntegerField(_("应到人数"), default=0)
    present = models.PositiveIntegerField(_("实到人数"), default=0)
    early = models.BooleanField(_("提前换届"), default=False)
    overdue = models.BooleanField(_("逾期换届"), default=False)
    founding = models.BooleanField(
        _("建会选举（第一届）"), default=False, help_text=_("筹建中的工会选举产生第一届委员会")
    )
    leads_by = models.CharField(
        _("主席、副主席产生方式"), max_length=12, choices=LeadsBy.choices, default=LeadsBy.ASSEMBLY
    )
    plenary_present = models.PositiveIntegerField(
        _("委员会全体会议实到人数"), null=True, blank=True, help_text=_("应到为新当选的委员会委员人数")
    )
    publicity_start = models.DateField(
        _("候选人公示开始日期"), null=True, blank=True, help_text=_("企业工会主席候选人公示 7 天后方可投票")
    )
    requests = models.ManyToManyField(
        TermRequest, blank=True, related_name="elections", verbose_name=_("依据的批准事项")
    )
    reason = models.CharField(_("审批意见"), max_length=500, blank=True)
    approval_no = models.CharField(_("批复文号"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("换届选举")
        verbose_name_plural = _("换届选举")
        ordering = ["-meeting_date", "-id"]

    def __str__(self) -> str:
        return f"{self.org} 第{self.term_number}届"


class PostKind(models.TextChoices):
    COMMITTEE = "committee", _("委员会委员")
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    AUDIT = "audit", _("经费审查委员会委员")
    WOMEN = "women", _("女职工委员会委员")
    ORGANISER = "organiser", _("组织员")


POST_ORDER = [
    PostKind.COMMITTEE,
    PostKind.CHAIR,
    PostKind.VICE_CHAIR,
    PostKind.AUDIT,
    PostKind.WOMEN,
    PostKind.ORGANISER,
]


class Post(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("职位"), max_length=12, choices=PostKind.choices)
    seats = models.PositiveSmallIntegerField(_("应选名额"))
    closed = models.BooleanField(_("不再另行选举"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "kind"], name="post_one_per_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Candidate(models.Model):
    """A candidate for one post; must be a current member of the union (checked on adding)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="candidates")
    membership = models.ForeignKey("members.Membership", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, blank=True)
    principal_relative = models.BooleanField(
        _("单位主要负责人近亲属"),
        default=False,
        help_text=_("工会法第十条：企业主要负责人的近亲属不得作为本企业基层工会委员会成员的人选"),
    )
    chair_bar = models.CharField(
        _("主席人选限制"),
        max_length=24,
        blank=True,
        help_text=_(
            "企业工会主席产生办法（试行）第六条：行政负责人（含副职）、合伙人及其近亲属、人力资源部门负责人、外籍职工不得作为主席候选人"
        ),
    )
    finance_officer = models.BooleanField(
        _("分管经费工作"), default=False, help_text=_("拟分管经费（财务）工作的委员不得同时担任经费审查委员")
    )
    note = models.CharField(_("备注"), max_length=120, blank=True)
    elected = models.BooleanField(_("当选"), default=False)
    elected_round = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["post", "membership"], name="candidate_once_per_post")]

    def __str__(self) -> str:
        return self.name


class Round(models.Model):
    """One ballot for one post (第 n 轮; n > 1 is a further round, 另行选举)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    seats = models.PositiveSmallIntegerField(_("本轮应选名额"))
    candidates = models.ManyToManyField(Candidate, related_name="rounds")
    ballots = models.PositiveIntegerField(_("收回选票"), null=True, blank=True)
    counted = models.BooleanField(default=False)
    needed = models.PositiveIntegerField(_("当选所需票数"), default=0)
    outcome = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["post", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="round_number_per_post")]

    def __str__(self) -> str:
        return f"{self.post} 第{self.number}轮"


class Vote(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="votes")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="votes")
    votes_for = models.PositiveIntegerField(_("赞成票"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "candidate"], name="vote_once_per_round")]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.votes_for}"


class Notification(models.Model):
    """A note to one account: a term falling due, a request waiting for its decision, a decision made."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    kind = models.CharField(max_length=32)
    key = models.CharField(max_length=120, help_text=_("同一事项只提醒一次"))
    message = models.CharField(_("内容"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # the deadline the note is about (a term's end, a contract's renewal, a follow-up's due date)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    # sent by SMS to an account that opted in (NotificationPreference); the nightly job sends once
    sms_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message


class NotificationPreference(models.Model):
    """An account's choice to receive its reminders also by SMS, with the phone to use (encrypted,
    blind-indexed, shown masked — the same protection as members' phones)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    sms = models.BooleanField(_("短信提醒"), default=False)
    phone_cipher = models.CharField(max_length=120, blank=True, editable=False)
    phone_index = models.CharField(max_length=32, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("提醒方式")
        verbose_name_plural = _("提醒方式")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.phone_masked or '-'}"


from gonghui.elections.models_women import WomenBodyForm, WomenBodyFormedBy, WomenCommittee  # noqa: E402, F401
