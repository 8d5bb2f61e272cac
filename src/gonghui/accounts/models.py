"""Accounts: every staff account belongs to one org and sees only that org's subtree."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", _("总工会管理员")
    UNION_ADMIN = "union_admin", _("工会管理员")
    CLERK = "clerk", _("经办人")
    REVIEWER = "reviewer", _("审核人")
    VIEWER = "viewer", _("查阅人")
    FINANCE = "finance", _("财务")


class User(AbstractUser):
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所属工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    full_name = models.CharField(_("姓名"), max_length=40, blank=True)
    # Set by a password reset: every page sends the account to the change page until it has its own.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # the account's own phone, set by the user (encrypted like every phone; shown masked)
    phone_cipher = models.CharField(max_length=200, blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60, blank=True)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"))

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class RateCounter(models.Model):
    """One fixed-window rate-limit counter (core/ratelimit.py), shared by every server process.

    `key` names the scope, the client and the window; the row is dead after `expires_at`.
    """

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("访问频率计数")
        verbose_name_plural = _("访问频率计数")

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
