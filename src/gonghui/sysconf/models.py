"""System settings (系统设置) stored in the database; the environment variable stays the default.

A row exists only for a setting the county federation admin changed; deleting it (恢复默认)
brings back the environment's or the built-in value. Every change is audited (sysconf/actions.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Setting(models.Model):
    key = models.CharField(_("设置项"), max_length=60, unique=True)
    value = models.TextField(_("值"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("系统设置")
        verbose_name_plural = _("系统设置")

    def __str__(self) -> str:
        return self.key


class IssuerPattern(models.Model):
    """The 批复文号 pattern of one issuing union (a township's own prefix, not the county's)."""

    org = models.OneToOneField(
        "orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name=_("发文工会")
    )
    pattern = models.CharField(_("批复文号格式"), max_length=60)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("批复文号格式")
        verbose_name_plural = _("批复文号格式")

    def __str__(self) -> str:
        return self.pattern
