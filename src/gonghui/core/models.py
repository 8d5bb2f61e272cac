from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gonghui.core.fields import OrgPathField


class AuditEntry(models.Model):
    """Who did what to which object, when, from where, and what changed (等保 audit trail).

    `org_path` is the path of the org the object belongs to, so the log is scoped like the rest.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象名称"), max_length=200, blank=True)
    org_path = OrgPathField(blank=True, db_index=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"


class Identity(models.Model):
    """One row per person on the register, keyed by the ID number's blind index: who a number
    belongs to (`members.Person`), and the one guarantee of one person per ID number on every
    backend — on a Citus cluster because the person table is distributed by person and a unique
    index there cannot span shards (core/citus.py), on one database because the blind index is keyed
    only here: `Person.id_index` is a copy with no index (members/0013; on SQLite this table is
    WITHOUT ROWID, core/0004, so the key is one B-tree, not a table and an index). Written with the
    person, in the same transaction; every lookup by ID number starts here (`holders`; one shard)."""

    id_index = models.CharField(max_length=32, primary_key=True)
    person_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.id_index[:8]}… → {self.person_id}"

    @classmethod
    def holders(cls, *indexes: str) -> models.QuerySet[Identity, dict[str, Any]]:
        """The ids of the persons with these ID blind indexes, as a subquery:
        `filter(person_id__in=Identity.holders(index))` (no person row is read to find them)."""
        return cls.objects.filter(id_index__in=indexes).values("person_id")

    @classmethod
    def person_of(cls, index: str) -> int | None:
        """The id of the person with this ID blind index, if one is on the register (one shard)."""
        return cls.objects.filter(id_index=index).values_list("person_id", flat=True).first()

    @classmethod
    def backfill(cls) -> None:
        """Identity rows for persons written by bulk paths (the demo loaders): one INSERT … SELECT."""
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute(
                # `WHERE true`: SQLite parses ON CONFLICT after a bare SELECT as a join clause
                "INSERT INTO core_identity (id_index, person_id) SELECT id_index, id FROM members_person "
                "WHERE true ON CONFLICT (id_index) DO NOTHING"
            )
