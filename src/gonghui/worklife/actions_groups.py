"""Writes of union groups (工会小组): created in a base union, members assigned (one group per
membership), a leader chosen among them. Keyword-only, atomic, audited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.models import Membership
from gonghui.orgs.models import BASE_KINDS, Org
from gonghui.worklife import hooks
from gonghui.worklife.models import GroupMember, UnionGroup
from gonghui.worklife.rules import active_org, scope_of, text, user_or_none


@transaction.atomic
def group_create(*, user: Any, org: Org, name: str) -> UnionGroup:
    org = active_org(org)
    if org.kind not in BASE_KINDS:
        raise ApplicationError(
            _("工会小组设在基层工会内；“%(o)s”不是基层工会。") % {"o": org.name},
            code="org_kind",
            details={"field": "org"},
        )
    name = text(name, 60, "name", required=_("小组名称"))
    if UnionGroup.objects.filter(org=org, name=name).exists():
        raise ConflictError(_("已有同名的工会小组。"), code="group_exists", details={"field": "name"})
    g = UnionGroup.objects.create(name=name, created_by=user_or_none(user), **scope_of(org))
    audit_record(user=user_or_none(user), action="worklife.group.create", obj=g, org_path=g.org_path)
    hooks.changed("group", org, g)
    return g


def _memberships(group: UnionGroup, memberships: Sequence[Membership]) -> list[Membership]:
    out = []
    for m in Membership.objects.select_related("person").filter(pk__in=[m.pk for m in memberships]):
        if m.org_id != group.org_id or not m.is_current:
            raise ApplicationError(
                _("“%(n)s”不是本工会的在册会员。") % {"n": m.person.name},
                code="not_member",
                details={"field": "members"},
            )
        out.append(m)
    return out


@transaction.atomic
def group_assign(*, user: Any, group: UnionGroup, memberships: Sequence[Membership]) -> int:
    """Put members into the group; a member already in another group of the union moves here."""
    g = UnionGroup.objects.select_for_update().get(pk=group.pk)
    ms = _memberships(g, memberships)
    moved = list(
        GroupMember.objects.filter(membership__in=ms).exclude(group=g).values_list("membership_id", flat=True)
    )
    GroupMember.objects.filter(membership_id__in=moved).delete()
    UnionGroup.objects.filter(leader_id__in=moved).update(leader=None)
    have = set(GroupMember.objects.filter(group=g).values_list("membership_id", flat=True))
    new = [GroupMember(group=g, membership=m) for m in ms if m.pk not in have]
    GroupMember.objects.bulk_create(new)
    audit_record(user=user_or_none(user), action="worklife.group.assign", obj=g, org_path=g.org_path,
                 changes={"added": [gm.membership_id for gm in new], "moved_from_other_group": moved})  # fmt: skip
    hooks.changed("group", g.org, g)
    return len(new)


@transaction.atomic
def group_remove(*, user: Any, group: UnionGroup, membership: Membership) -> None:
    g = UnionGroup.objects.select_for_update().get(pk=group.pk)
    n, _d = GroupMember.objects.filter(group=g, membership_id=membership.pk).delete()
    if not n:
        raise ApplicationError(_("该会员不在本小组。"), code="not_in_group", details={"field": "member"})
    if g.leader_id == membership.pk:
        g.leader = None
        g.save(update_fields=["leader", "updated_at"])
    audit_record(user=user_or_none(user), action="worklife.group.remove", obj=g, org_path=g.org_path,
                 changes={"removed": membership.pk})  # fmt: skip


@transaction.atomic
def group_set_leader(*, user: Any, group: UnionGroup, membership: Membership | None) -> UnionGroup:
    """The leader (组长) is one of the group's members; None clears it."""
    g = UnionGroup.objects.select_for_update().get(pk=group.pk)
    if (
        membership is not None
        and not GroupMember.objects.filter(group=g, membership_id=membership.pk).exists()
    ):
        raise ApplicationError(
            _("组长须是本小组的成员。"), code="leader_not_member", details={"field": "leader"}
        )
    before = g.leader_id
    g.leader_id = membership.pk if membership is not None else None
    g.save(update_fields=["leader", "updated_at"])
    audit_record(user=user_or_none(user), action="worklife.group.leader", obj=g, org_path=g.org_path,
                 changes={"leader": [before, g.leader_id]})  # fmt: skip
    return g
