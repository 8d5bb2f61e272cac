"""The member register (会员实名制): persons, memberships, their history, join applications, cards,
transfers (DOMAIN.md "Person and membership", seed 004 入会"三关").

Personal numbers are never stored in plain text: the ID number and the phone each have a
ciphertext (`core.pii.encrypt`, AES-GCM), a blind index (`core.pii.blind_index`, HMAC-SHA256) for
exact lookups and uniqueness, and a masked form kept for lists so a list never decrypts.

Scope: every row that belongs to a union carries that union's materialized path (`org_path`), so a
subtree filter is one indexed prefix range; the columns are `OrgPathField`s, so a subtree move
finds and rewrites them (core/fields.py). All writes go through `members/actions/`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.members import codes
from gonghui.members.roll_model import RollEntry  # noqa: F401 - the roll's table, in its own module
from gonghui.orgs.models import Employer, Org

CIPHER_MAX = 120  # core.pii: values up to 59 bytes fit in 120 characters
INDEX_LEN = 32


class CodeItem(models.Model):
    """One item of a code table (see codes.py for why the lists live here)."""

    table = models.CharField(_("代码表"), max_length=24, db_index=True)
    code = models.CharField(_("代码"), max_length=24)
    label = models.CharField(_("名称"), max_length=80)
    parent = models.CharField(
        _("上级代码"), max_length=24, blank=True, help_text=_("会籍变化原因所属的变化类型")
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("代码项")
        verbose_name_plural = _("代码表")
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="codeitem_table_code_unique")]
        ordering = ["table", "sort", "code"]

    def __str__(self) -> str:
        return f"{self.table}:{self.code} {self.label}"


class Gender(models.TextChoices):
    """GB/T 2261.1; derived from the ID number's sequence digit (odd = male)."""

    MALE = "M", _("男")
    FEMALE = "F", _("女")


def _code_label(table: str, field: str) -> property:
    return property(lambda self: codes.label(table, getattr(self, field)))


class Person(models.Model):
    """A worker, once in the whole system: the ID number (its blind index, kept unique by
    `core.Identity`) is the key."""

    # no index on the name (searched through Membership.name) nor the other columns (docs/decisions.md)
    name = models.CharField(_("姓名"), max_length=40)
    id_cipher = models.CharField(max_length=CIPHER_MAX, editable=False)
    # no index: the blind index is keyed once, in core.Identity (one person per ID number; lookups)
    id_index = models.CharField(max_length=INDEX_LEN, editable=False)
    id_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    birthplace_code = models.CharField(
        _("籍贯地址码"), max_length=6, help_text=_("身份证号前 6 位，任何年代的行政区划代码")
    )
    province_code = models.CharField(_("省级代码"), max_length=2)
    ethnicity = models.CharField(_("民族"), max_length=24, blank=True)
    phone_cipher = models.CharField(max_length=CIPHER_MAX, blank=True, editable=False)
    phone_index = models.CharField(max_length=INDEX_LEN, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    education = models.CharField(_("学历"), max_length=24, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=24, blank=True)
    hukou_type = models.CharField(_("户籍类型"), max_length=24, blank=True)
    is_migrant = models.BooleanField(
        _("农民工"), default=False, help_text=_("默认按农业户口判断，可人工更正")
    )
    employment_status = models.CharField(_("就业状况"), max_length=24, blank=True)
    new_employment_group = models.CharField(_("新就业形态群体"), max_length=24, blank=True)
    job = models.CharField(_("工种/岗位"), max_length=60, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=24, blank=True)
    is_model_worker = models.BooleanField(_("劳模"), default=False)
    employer = models.ForeignKey(Employer, verbose_name=_("工作单位"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="persons")  # fmt: skip
    employer_name = models.CharField(_("工作单位名称"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name

    # labels of the coded fields, for templates
    ethnicity_label = _code_label(codes.Table.ETHNICITY, "ethnicity")
    education_label = _code_label(codes.Table.EDUCATION, "education")
    political_label = _code_label(codes.Table.POLITICAL, "political_status")
    hukou_label = _code_label(codes.Table.HUKOU, "hukou_type")
    employment_label = _code_label(codes.Table.EMPLOYMENT, "employment_status")
    group_label = _code_label(codes.Table.NEW_EMPLOYMENT, "new_employment_group")
    skill_label = _code_label(codes.Table.SKILL, "skill_level")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    RETAINED = "retained", _("保留会籍")
    TRANSFERRED = "transferred", _("已转出")
    LEFT = "left", _("已退会")
    EXPELLED = "expelled", _("已除名")


# A person holds at most one current membership in the whole system (DOMAIN.md).
CURRENT_STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.RETAINED)


class Channel(models.TextChoices):
    PAPER = "paper", _("纸质申请")
    QR = "qr", _("扫码入会")
    ROSTER = "roster", _("名册导入")
    TRANSFER = "transfer", _("接转转入")
    FORMATION = "formation", _("建会名册")  # a founding member of an approved formation (组建, seed 004)
    LEGACY = "legacy", _("历史数据")


class Membership(models.Model):
    """A person's membership of one base union (基层工会). Ended memberships stay as history."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    # no index of its own: the unique (org, member_no) index leads with org_id and serves its lookups
    org = models.ForeignKey(
        Org, verbose_name=_("基层工会"), on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    org_path = OrgPathField(editable=False)
    # the person's name, copied (kept equal in every write; `gonghui stats --verify` checks): a
    # subtree's name search reads one index of memberships, no person row (issue 19)
    name = models.CharField(_("姓名"), max_length=40, default="", editable=False)
    province_code = models.CharField(max_length=2)
    member_no = models.CharField(_("会员编号"), max_length=32)
    form_no = models.CharField(
        _("登记表编号"), max_length=32, blank=True, db_index=True, help_text=_("纸质登记表编号即电子档案编号")
    )
    joined_on = models.DateField(_("入会日期"))
    status = models.CharField(
        _("会籍状态"), max_length=12, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    ended_on = models.DateField(_("会籍终止日期"), null=True, blank=True)
    channel = models.CharField(_("入会渠道"), max_length=12, choices=Channel.choices, default=Channel.PAPER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会籍")
        verbose_name_plural = _("会籍")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["active", "retained"]),
                name="one_current_membership_per_person",
            ),
            models.UniqueConstraint(fields=["org", "member_no"], name="membership_org_member_no_unique"),
        ]
        # A subtree's list reads the first, a name search only the second (issue 19). On SQLite a
        # third, `membership_recent` (joined_on, id), serves a large subtree's list newest first
        # (members.selectors.walk_newest_first); migration 0014 makes it there and nowhere else,
        # and tests/members/test_queries.py checks it survives later migrations.
        indexes = [
            models.Index(fields=["org_path", "status", "joined_on", "person_id"], name="membership_subtree"),
            models.Index(
                Substr("name", 1, 1), "org_path", "status", "joined_on", "name", name="membership_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.member_no}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.name and self.person_id:  # a plain .create() without it
            self.name = self.person.name
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


class MembershipEvent(models.Model):
    """One change in a membership's history (会籍变化), recorded on the side it concerns: a transfer
    writes 转出 on the sending union's membership and 转入 on the receiving one."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="events")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="events")
    org_path = OrgPathField(db_index=True, editable=False)
    type = models.CharField(_("变化类型"), max_length=24)
    reason = models.CharField(_("变化原因"), max_length=24, blank=True)
    on = models.DateField(_("日期"))
    # No index on the three below (migration 0012): no query filters events by them (they are
    # shown with the event), orgs and accounts are never deleted, and every roster row paid for them.
    from_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("转出工会"),
        db_index=False,
    )  # fmt: skip
    to_org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("转入工会"),
        db_index=False,
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        db_index=False,
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会籍变化")
        verbose_name_plural = _("会籍变化")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.type}"

    @property
    def type_label(self) -> str:
        return codes.label(codes.Table.CHANGE_TYPE, self.type)

    @property
    def reason_label(self) -> str:
        return codes.label(codes.Table.CHANGE_REASON, self.reason)


class Expulsion(models.Model):
    """开除会籍 (中国工会章程第7条（2008年文本）): decided by the base union's committee and filed
    with the upper union; both recorded with the 除名 event."""

    event = models.OneToOneField(MembershipEvent, on_delete=models.PROTECT, related_name="expulsion")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="expulsions")
    decision_no = models.CharField(_("委员会决定文号"), max_length=60)
    decided_on = models.DateField(_("委员会决定日期"))
    filed_on = models.DateField(_("报上级工会备案日期"), null=True, blank=True)
    filed_with = models.ForeignKey(Org, verbose_name=_("备案的上级工会"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("开除会籍决定")
        verbose_name_plural = _("开除会籍决定")

    def __str__(self) -> str:
        return self.decision_no


class Counter(models.Model):
    """Per-union number sequences (会员编号, 登记表编号), locked with SELECT … FOR UPDATE so numbers
    are unique and gap-free however many clerks approve at once; a rolled-back approval rolls its
    increment back too."""

    MEMBER_NO = "member_no"
    FORM_NO = "form_no"

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "kind"], name="counter_org_kind_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")
    RETURNED = "returned", _("退回修改")


OPEN_APPLICATION_STATUSES = (ApplicationStatus.PENDING, ApplicationStatus.RETURNED)


class Application(models.Model):
    """入会申请 (申请关): made by the worker personally — a signed paper form entered by a clerk, or
    their own phone. `form_no` is the registration form's number and becomes the electronic record's
    number (档案关, seed 004)."""

    channel = models.CharField(_("申请渠道"), max_length=12, choices=Channel.choices)
    org = models.ForeignKey(
        Org, verbose_name=_("申请加入的工会"), on_delete=models.PROTECT, related_name="applications"
    )
    org_path = OrgPathField(db_index=True, editable=False)
    province_code = models.CharField(max_length=2)
    form_no = models.CharField(_("登记表编号"), max_length=32, unique=True)
    public_token = models.CharField(max_length=32, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=40)
    id_cipher = models.CharField(max_length=CIPHER_MAX, editable=False)
    id_index = models.CharField(max_length=INDEX_LEN, db_index=True, editable=False)
    id_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    birthplace_code = models.CharField(_("籍贯地址码"), max_length=6)
    phone_cipher = models.CharField(max_length=CIPHER_MAX, blank=True, editable=False)
    phone_index = models.CharField(max_length=INDEX_LEN, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    phone_verified = models.BooleanField(_("手机号已验证"), default=False)
    ethnicity = models.CharField(_("民族"), max_length=24, blank=True)
    education = models.CharField(_("学历"), max_length=24, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=24, blank=True)
    hukou_type = models.CharField(_("户籍类型"), max_length=24, blank=True)
    is_migrant = models.BooleanField(_("农民工"), default=False)
    employment_status = models.CharField(_("就业状况"), max_length=24, blank=True)
    new_employment_group = models.CharField(_("新就业形态群体"), max_length=24, blank=True)
    job = models.CharField(_("工种/岗位"), max_length=60, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=24, blank=True)
    is_model_worker = models.BooleanField(_("劳模"), default=False)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("工作单位"))  # fmt: skip
    employer_name = models.CharField(_("工作单位名称"), max_length=120, blank=True)
    workplace = models.CharField(_("居住或工作地点"), max_length=120, blank=True)
    consent_at = models.DateTimeField(_("本人同意时间"))
    consent_version = models.CharField(_("告知同意书版本"), max_length=24)
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "id_index"],
                condition=Q(status__in=["pending", "returned"]),
                name="one_open_application_per_org",
            )
        ]
        indexes = [models.Index(fields=["org_path", "status"], name="application_path_status")]

    def __str__(self) -> str:
        return f"{self.form_no} {self.name}"

    @property
    def group_label(self) -> str:
        return codes.label(codes.Table.NEW_EMPLOYMENT, self.new_employment_group)


class CardStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已作废")


class CardBatch(models.Model):
    """One issuing run (发证关): the cards of one union printed together."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="card_batches")
    org_path = OrgPathField(db_index=True, editable=False)
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    size = models.PositiveIntegerField(_("张数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("发证批次")
        verbose_name_plural = _("发证批次")

    def __str__(self) -> str:
        return f"{self.issued_on} ×{self.size}"


class Card(models.Model):
    """会员证 / 会员服务卡. `check_token` is random and goes into the card's QR code; the public check
    page shows only a masked name and whether the card is valid."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cards")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="cards")
    batch = models.ForeignKey(CardBatch, on_delete=models.PROTECT, related_name="cards")
    card_no = models.CharField(_("证号"), max_length=40, unique=True)
    issued_on = models.DateField(_("发证日期"))
    status = models.CharField(_("状态"), max_length=12, choices=CardStatus.choices, default=CardStatus.VALID)
    revoked_on = models.DateField(null=True, blank=True)
    check_token = models.CharField(max_length=32, unique=True, editable=False)

    class Meta:
        verbose_name = _("会员证")
        verbose_name_plural = _("会员证")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="valid"), name="one_valid_card_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.card_no


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACCEPTED = "accepted", _("已完成")
    REJECTED = "rejected", _("已拒绝")
    CANCELLED = "cancelled", _("已撤回")


class TransferSide(models.TextChoices):
    FROM = "from", _("转出方")
    TO = "to", _("转入方")


class Transfer(models.Model):
    """会员关系接转: membership follows the job. Started by either side; the other side answers.
    Both sides see it (scope: either path) and both memberships keep their own history."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    from_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers_out")
    from_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("转出工会"))
    from_path = OrgPathField(db_index=True, editable=False)
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("转入工会"))
    to_path = OrgPathField(db_index=True, editable=False)
    to_membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers_in"
    )
    initiated_by = models.CharField(_("发起方"), max_length=4, choices=TransferSide.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    reason = models.CharField(_("原因"), max_length=24, default=codes.Reason.JOB_CHANGE)
    new_employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("新工作单位"))  # fmt: skip
    new_employer_name = models.CharField(_("新工作单位名称"), max_length=120, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("会员关系接转")
        verbose_name_plural = _("会员关系接转")
        constraints = [
            models.UniqueConstraint(
                fields=["from_membership"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"接转 #{self.pk}"

    @property
    def answering_side(self) -> str:
        return TransferSide.TO if self.initiated_by == TransferSide.FROM else TransferSide.FROM


class PhoneVerification(models.Model):
    """An SMS code sent to a phone for 扫码入会. Only a keyed hash of phone+code is kept."""

    phone_index = models.CharField(max_length=INDEX_LEN, db_index=True)
    code_digest = models.CharField(max_length=INDEX_LEN)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"验证码 #{self.pk}"
