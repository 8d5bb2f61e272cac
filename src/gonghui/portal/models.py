"""The member's own side (会员之家): sign-in tokens, requests the member sends to a union, consents,
the address the member keeps up to date.

A member is not a staff `User`: a member's browser session and API token are rows here
(`MemberToken`, only a SHA-256 digest of the secret is stored), bound to the blind index of the
phone the member proved by SMS. Staff pages read `request.user` and the staff API reads
`accounts.ApiToken`; neither knows these rows, so a member credential reaches nothing of theirs.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.members.models import INDEX_LEN, Membership, Person, Transfer
from gonghui.orgs.models import Org


class TokenKind(models.TextChoices):
    SESSION = "session", _("网页登录")
    API = "api", _("接口令牌")


class MemberToken(models.Model):
    kind = models.CharField(max_length=8, choices=TokenKind.choices)
    digest = models.CharField(max_length=64, unique=True)
    phone_index = models.CharField(max_length=INDEX_LEN, db_index=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class RequestKind(models.TextChoices):
    TRANSFER = "transfer", _("会员关系接转")
    RETAIN = "retain", _("保留会籍")
    LEAVE = "leave", _("退会")
    CORRECTION = "correction", _("更正个人信息")
    HARDSHIP = "hardship", _("困难帮扶")
    JINQIU = "jinqiu", _("金秋助学")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已受理")
    DONE = "done", _("已办结")
    DECLINED = "declined", _("未受理")
    WITHDRAWN = "withdrawn", _("已撤回")


DATA_LABELS = {
    "from_org": _("转出工会代码"),
    "reason": _("原因"),
    "household_size": _("家庭人口"),
    "household_income": _("家庭年收入（元）"),
    "children_in_school": _("在学子女数"),
    "situation": _("家庭情况"),
}

OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class MemberRequest(models.Model):
    """Something the member asks a union for. It waits in that union's queue (`org_path`, so the
    gatekeeper scopes it) and a clerk answers it with the register's own actions: a transfer is
    started by the receiving union (`transfer_start`) and answered by the sending one; 保留会籍 and
    退会 go through `membership_change_status`; hardship and 金秋助学 open a hardship file."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("事项"), max_length=12, choices=RequestKind.choices)
    org = models.ForeignKey(Org, verbose_name=_("办理工会"), on_delete=models.PROTECT, related_name="+")
    org_path = OrgPathField(db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    data = models.JSONField(_("内容"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    answer = models.CharField(_("答复"), max_length=300, blank=True)
    transfer = models.ForeignKey(Transfer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("会员申请事项")
        verbose_name_plural = _("会员申请事项")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(status__in=["pending", "accepted"]) & ~Q(kind="correction"),
                name="portal_one_open_request_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def data_display(self) -> list[tuple[str, object]]:
        """The request's details as (label, value), for the union's queue."""
        return [
            (str(DATA_LABELS[k]), v) for k, v in self.data.items() if k in DATA_LABELS and v not in ("", None)
        ]


class RequestPhoto(models.Model):
    """A photo or PDF the member attached (hardship, 金秋助学); copied into the hardship file's
    documents when the union opens the file."""

    request = models.ForeignKey(MemberRequest, on_delete=models.CASCADE, related_name="photos")
    stored = models.FileField(upload_to="portal/")
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.original_name


class Consent(models.Model):
    """One consent the member gave (or withdrew), with the version of the text they saw."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=24)
    version = models.CharField(max_length=24)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "-given_at"]

    def __str__(self) -> str:
        return f"{self.item} {self.version}"


class MemberAddress(models.Model):
    """The address the member keeps up to date (the register holds none of its own)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(_("联系地址"), max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.address
