"""The register's part in the org tree's restructuring (orgs/actions.py END_GUARDS, MERGE_HOOKS)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core import citus
from gonghui.core.errors import ApplicationError
from gonghui.members import roll
from gonghui.members.actions.common import (
    format_member_no,
    reserve_numbers,
)
from gonghui.members.codes import EventType, Reason
from gonghui.members.models import (
    CURRENT_STATUSES,
    OPEN_APPLICATION_STATUSES,
    Application,
    Card,
    CardStatus,
    Channel,
    Counter,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Transfer,
    TransferStatus,
)  # fmt: skip
from gonghui.orgs.models import Org
from gonghui.reports import counters


def org_end_guard(org: Org) -> None:
    """orgs.actions.END_GUARDS: a union with current members cannot be dissolved."""
    n = Membership.objects.filter(org=org, status__in=CURRENT_STATUSES).count()
    if n:
        raise ApplicationError(
            _("“%(name)s”还有 %(n)d 名会员（含保留会籍），请先为他们办理接转。") % {"name": org.name, "n": n},
            code="has_members",
        )


def org_merge_hook(source: Org, target: Org) -> None:
    """orgs.actions.MERGE_HOOKS: members follow their union into the target (转出/转入, reason
    工会合并) with the target's next numbers; open applications and pending transfers follow too.
    Runs inside org_merge's transaction."""
    today = timezone.localdate()
    current = Membership.objects.select_related("person").filter(org=source, status__in=CURRENT_STATUSES)
    # each member and person locked by (id, person_id): one shard each on Citus (docs/decisions.md)
    olds = citus.lock_each(current, current.order_by("member_no").values_list("pk", "person_id"))
    if olds and target.is_base:
        start = reserve_numbers(target, Counter.MEMBER_NO, len(olds)) - 1
        Membership.objects.filter(pk__in=[m.pk for m in olds]).update(
            status=MembershipStatus.TRANSFERRED, ended_on=today, updated_at=timezone.now()
        )
        roll.remove(olds)
        news = [
            Membership(person_id=m.person_id, name=m.person.name, org=target, org_path=target.path,
                       province_code=target.province_code, member_no=format_member_no(target, start + i + 1),
                       form_no=m.form_no, joined_on=today,
                       status=m.status, channel=Channel.TRANSFER)
            for i, m in enumerate(olds)
        ]  # fmt: skip
        Membership.objects.bulk_create(news)
        news = list(
            Membership.objects.filter(org=target, member_no__in=[n.member_no for n in news]).order_by(
                "member_no"
            )
        )
        roll.add(news)
        by_person = {n.person_id: n for n in news}
        events = []
        for m in olds:
            n = by_person[m.person_id]
            events.append(MembershipEvent(person_id=m.person_id, membership=m, org_path=m.org_path, type=EventType.TRANSFER_OUT,
                                          reason=Reason.UNION_MERGED, on=today, from_org=source, to_org=target))  # fmt: skip
            events.append(MembershipEvent(person_id=m.person_id, membership=n, org_path=n.org_path, type=EventType.TRANSFER_IN,
                                          reason=Reason.UNION_MERGED, on=today, from_org=source, to_org=target))  # fmt: skip
        MembershipEvent.objects.bulk_create(events)
        daycount.add_events(events)
        carded = set(
            Card.objects.filter(
                person_id__in=[m.person_id for m in olds], status=CardStatus.VALID
            ).values_list("person_id", flat=True)
        )
        moved: dict[str, dict[str, int]] = {source.path: {}, target.path: {}}
        for m in olds:
            deltas = (
                counters.member_deltas(m.person, has_card=m.person_id in carded)
                if m.status == MembershipStatus.ACTIVE
                else {"retained_members": 1}
            )
            for k, v in deltas.items():
                moved[source.path][k] = moved[source.path].get(k, 0) - v
                moved[target.path][k] = moved[target.path].get(k, 0) + v
        counters.bump_many(moved)
        for t in Transfer.objects.filter(from_membership__in=olds, status=TransferStatus.PENDING):
            n = by_person[t.person_id]
            Transfer.objects.filter(pk=t.pk).update(from_membership=n, from_org=target, from_path=target.path)
    Application.objects.filter(org=source, status__in=OPEN_APPLICATION_STATUSES).update(
        org=target, org_path=target.path
    )
    Transfer.objects.filter(to_org=source, status=TransferStatus.PENDING).update(
        to_org=target, to_path=target.path
    )
