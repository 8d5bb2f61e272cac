"""Founders who are members of another union (issue 12, finding 1): asked for, never taken.

A formation's roster may name someone who is a current member of another union. Approving the
formation must not move that membership: the other union has not been asked, and may lie outside
the approver's scope. So on approval such a founder gets a transfer request (会员关系接转) from the
new union, which the other union answers through the register's own transfer pages
(`members.actions.transfer_accept` / `transfer_reject`); until then the founder stays where they are.

This is a members action written here because the register is another engineer's room; it builds
the same `Transfer` row `members.actions.transfer_start` builds, with the reason the register keeps
for this case (会籍变化原因 本单位建会), which `transfer_start` does not accept.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from gonghui.core.audit import audit_record
from gonghui.core.models import Identity
from gonghui.members.codes import Reason
from gonghui.members.models import (
    CURRENT_STATUSES,
    Membership,
    Transfer,
    TransferSide,
    TransferStatus,
)
from gonghui.orgs.models import Employer, Org


def current_elsewhere(index: str, org: Org) -> Membership | None:
    """The person's current membership (正常 or 保留) in a union other than `org`, if any."""
    # the person's id from the identity table first, then their membership locked on the person's
    # shard (Citus runs FOR UPDATE on one shard only; a filter through the person would lock on all)
    person_id = Identity.person_of(index)
    if person_id is None:
        return None
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("org", "person")
        .filter(person_id=person_id, status__in=CURRENT_STATUSES)
        .exclude(org=org)
        .first()
    )


@transaction.atomic
def founder_transfer_request(
    *, user: Any, membership: Membership, to_org: Org, employer: Employer | None, note: str
) -> Transfer | None:
    """Ask the founder's current union to let them move to the new union. Returns None, changing
    nothing, when a transfer of that membership is already pending (the other union is already
    asked; the staff see it on the transfer pages)."""
    m = membership
    if Transfer.objects.filter(from_membership=m, status=TransferStatus.PENDING).exists():
        return None
    t = Transfer(
        person=m.person, from_membership=m, from_org=m.org, from_path=m.org_path, to_org=to_org, to_path=to_org.path,
        initiated_by=TransferSide.TO, reason=Reason.FORMATION, new_employer=employer,
        new_employer_name=employer.name[:120] if employer else "", note=note[:200],
        started_by=user if getattr(user, "is_authenticated", False) else None,
    )  # fmt: skip
    try:
        with transaction.atomic():
            t.save()
    except IntegrityError:
        return None
    for path in {t.from_path, t.to_path}:
        audit_record(user=t.started_by, action="transfer.start", obj=t, org_path=path,
                     object_repr=f"{m.person.name} {m.org.name} → {to_org.name}",
                     changes={"from": m.org.code, "to": to_org.code, "side": TransferSide.TO, "reason": Reason.FORMATION})  # fmt: skip
    return t
