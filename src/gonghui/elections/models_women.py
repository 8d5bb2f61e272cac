"""女职工委员会: a body of its own, beside the committee (工会女职工委员会工作条例 arts. 11, 13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField
from gonghui.orgs.models import Org


class WomenBodyForm(models.TextChoices):
    COMMITTEE = "committee", _("女职工委员会")
    MEMBER = "member", _("女职工委员")


class WomenBodyFormedBy(models.TextChoices):
    CONSULTATION = "consultation", _("协商产生")
    ASSEMBLY = "assembly", _("女职工大会（代表大会）选举")


class WomenCommittee(models.Model):
    """女职工委员会 (or, under 10 female members, one 女职工委员): its own body, not elected by the
    general assembly. Its members are nominated by the union committee and formed by consultation
    or by a women workers' assembly; its chair is approved with the committee's results
    (工会女职工委员会工作条例 arts. 11, 13)."""

    org = models.ForeignKey(
        Org, verbose_name=_("工会"), on_delete=models.PROTECT, related_name="women_committees"
    )
    org_path = OrgPathField(db_index=True, editable=False)
    form = models.CharField(_("形式"), max_length=12, choices=WomenBodyForm.choices)
    formed_by = models.CharField(_("产生方式"), max_length=16, choices=WomenBodyFormedBy.choices)
    nominated_on = models.DateField(_("工会委员会提名日期"))
    formed_on = models.DateField(_("产生日期"))
    female_members = models.PositiveIntegerField(_("女会员人数"), default=0)
    chair_name = models.CharField(_("主任（女职工委员）"), max_length=40)
    member_names = models.JSONField(_("委员"), default=list, blank=True)
    election = models.ForeignKey(
        "elections.Election",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="women_committees",
        verbose_name=_("随其报批的选举结果"),
    )
    approved = models.BooleanField(_("主任已随选举结果批准"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("女职工委员会")
        verbose_name_plural = _("女职工委员会")
        ordering = ["-formed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.org} {self.get_form_display()}"
