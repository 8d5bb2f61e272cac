"""Dues (会费), union funds (工会经费) and a simple ledger per union. Amounts are integers in fen.

Every row that belongs to a union carries a copy of its path (`OrgPathField`), so scope is a prefix
filter. Figures come from `FinanceCounter` (subtree totals per org and year, kept by the actions in
their own transaction, `counters.py`), never from live sums over a subtree on a page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.members.models import Membership
from gonghui.orgs.models import Employer, Org


class WageSource(models.TextChoices):
    ENTERED = "entered", _("录入")
    IMPORTED = "imported", _("工资表导入")


class Exemption(models.TextChoices):
    NONE = "", _("无")
    HARDSHIP = "hardship", _("困难职工")
    UNEMPLOYED = "unemployed", _("失业")


class DuesAccount(models.Model):
    """A member's dues basis: the monthly wage (entered or imported; else the union's default), an
    exemption, the last month paid and whether the last check found six months unpaid."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="dues")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    wage_fen = models.PositiveIntegerField(_("月工资（分）"), null=True, blank=True)
    wage_source = models.CharField(_("来源"), max_length=12, choices=WageSource.choices, blank=True)
    exemption = models.CharField(_("免交"), max_length=12, choices=Exemption.choices, blank=True)
    last_paid = models.DateField(_("最近交至月份"), null=True, blank=True)
    in_arrears = models.BooleanField(_("连续欠交"), default=False, db_index=True)
    arrears_months = models.PositiveSmallIntegerField(_("欠交月数"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"会费账户 {self.membership_id}"


class UnionDues(models.Model):
    """A union's default wage for members without their own (issue 15: "or a union-wide default")."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="+")
    default_wage_fen = models.PositiveIntegerField(_("默认月工资（分）"), default=0)

    def __str__(self) -> str:
        return f"默认工资 {self.org_id}"


class DuesBatch(models.Model):
    """Dues paid in bulk by a union for a month (the payroll deducts them): one row per member
    written with it, one receipt for the batch."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    month = models.DateField(_("月份"))
    paid_on = models.DateField(_("收款日期"))
    members = models.PositiveIntegerField(_("人数"))
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))
    receipt_no = models.CharField(_("收据号"), max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="finance_batch_org_month")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.month:%Y-%m} {self.receipt_no}"


class DuesPayment(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="dues_payments")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    month = models.DateField(_("所属月份"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    paid_on = models.DateField(_("收款日期"))
    receipt_no = models.CharField(_("收据号"), max_length=32, db_index=True)
    batch = models.ForeignKey(
        DuesBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "month"], name="finance_dues_member_month")
        ]
        indexes = [models.Index(fields=["org_path", "month"])]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.month:%Y-%m} {self.amount_fen}"


class ReviewOutcome(models.TextChoices):
    EDUCATED = "educated", _("已教育，待改正")
    CORRECTED = "corrected", _("已改正（补交）")
    ENDED = "ended", _("经教育拒不改正，自动退会")


class DuesReview(models.Model):
    """The 教育 step of 章程（2008年文本）第六条 for a member on the arrears list, and what followed."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="dues_reviews")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    months_unpaid = models.PositiveSmallIntegerField(_("欠交月数"))
    educated_on = models.DateField(_("教育日期"))
    note = models.CharField(_("教育情况"), max_length=200)
    outcome = models.CharField(
        _("结果"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.EDUCATED
    )
    ended_on = models.DateField(_("退会日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"复核 {self.membership_id} {self.educated_on}"


class FundsDeclaration(models.Model):
    """An employer's payroll for a month or quarter and the 2% due on it (工会法 art. 43), or the
    筹备金 of an employer without a union."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="funds_declarations")
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+"
    )  # the union, or the area org (筹备金)
    org_path = OrgPathField(db_index=True, editable=False)
    period_start = models.DateField(_("所属期起"))
    period_kind = models.CharField(_("周期"), max_length=8, default="month")
    payroll_fen = models.PositiveBigIntegerField(_("工资总额（分）"))
    due_fen = models.PositiveBigIntegerField(_("应缴（分）"))
    is_prep = models.BooleanField(_("筹备金"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employer", "period_start"], name="finance_decl_employer_period")
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} {self.period_start} {self.due_fen}"


class FundsPayment(models.Model):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="funds_payments")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    paid_on = models.DateField(_("到账日期"))
    amount_fen = models.PositiveBigIntegerField(_("实缴（分）"))
    collector = models.CharField(_("缴纳方式"), max_length=8)  # employer | tax
    receipt_no = models.CharField(_("收据号"), max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.employer_id} {self.paid_on} {self.amount_fen}"


class FundsShare(models.Model):
    """One level's share of a payment (percent settings, largest remainder: they sum to the payment)."""

    payment = models.ForeignKey(FundsPayment, on_delete=models.CASCADE, related_name="shares")
    level = models.CharField(_("级次"), max_length=12)
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # who receives (or forwards) it
    org_path = OrgPathField(db_index=True, editable=False)
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))

    def __str__(self) -> str:
        return f"{self.level} {self.amount_fen}"


class LedgerEntry(models.Model):
    """One line of a union's simple ledger: income or spending under a head of HEADS (ledger.py)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    on = models.DateField(_("日期"))
    head = models.CharField(_("科目"), max_length=8)
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=12, default="manual")  # manual | dues | funds
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["org", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.head} {self.amount_fen}"


class FinanceCounter(models.Model):
    """Subtree totals of one org: yearly figures under `year`, standing ones (arrears) under year 0."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    year = models.PositiveSmallIntegerField()
    members_paying = models.IntegerField(default=0)
    collected_fen = models.BigIntegerField(default=0)
    in_arrears_6m = models.IntegerField(default=0)
    due_fen = models.BigIntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)
    employers_in_arrears = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="finance_counter_org_year")]

    def __str__(self) -> str:
        return f"{self.org_path} {self.year}"


COUNTER_FIELDS = (
    "members_paying",
    "collected_fen",
    "in_arrears_6m",
    "due_fen",
    "paid_fen",
    "employers_in_arrears",
)
