"""The roll's table (members/roll.py): a model of the members app, in its own module."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import Org


class RollEntry(models.Model):
    """A union's roll (会员名单): one row per current membership (正常 or 保留会籍) of a base union,
    kept in the same transaction as the membership (members/roll.py). It exists for the cluster:
    on Citus the register is distributed by person, so "the members of union X" would ask every
    shard; the roll is distributed by union (`org_id`, co-located with the persons), so a union's
    list and a card batch read their members from one shard (docs/decisions.md "National scale on
    Citus"). On SQLite and PostgreSQL it is the same table and the same code."""

    # No foreign keys at all: the membership lives on its person's shard, and a key to the orgs (a
    # reference table) would make Citus take this table over the moment an existing cluster
    # migrates, before `gonghui migrate` can turn its identity column into a sequence (Citus
    # refuses identity columns). Orgs are never deleted.
    org = models.ForeignKey(
        Org, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    membership_id = models.BigIntegerField()
    person_id = models.BigIntegerField()
    member_no = models.CharField(max_length=32)
    joined_on = models.DateField()

    class Meta:
        verbose_name = _("会员名单")
        verbose_name_plural = _("会员名单")
        constraints = [
            models.UniqueConstraint(fields=["org", "membership_id"], name="roll_org_membership_unique"),
        ]
        indexes = [
            models.Index(fields=["org", "joined_on", "membership_id"], name="roll_newest"),
            models.Index(fields=["org", "member_no"], name="roll_member_no"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.member_no}"
