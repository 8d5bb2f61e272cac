"""Pieces the register's actions share: numbering, history events, the one-membership message,
opening a membership. Called inside the actions' transactions; nothing here opens its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.campaigns import daycount
from gonghui.core import access, citus
from gonghui.core.errors import ConflictError
from gonghui.core.models import Identity
from gonghui.members import roll
from gonghui.members.identity import mask_org_name
from gonghui.members.models import (
    Counter,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Person,
)  # fmt: skip
from gonghui.members.selectors import current_membership, has_valid_card
from gonghui.orgs.models import Org
from gonghui.reports import counters


def already_member_error(user: Any, membership: Membership, *, org: Org | None = None) -> ConflictError:
    """The clear message for a second membership: the union by name when the user may see it,
    else masked; details say a transfer (接转) is the way."""
    visible = (
        user is not None
        and getattr(user, "is_authenticated", False)
        and access.in_scope(user, membership.org_path)
    )
    details: dict[str, Any] = {"field": "id_number", "transfer": True, "status": membership.status}
    if org is not None and membership.org_id == org.pk:
        msg = _("该身份证号已是本会（%(org)s）的会员，会员编号 %(no)s，不能重复入会。") % {
            "org": membership.org.name,
            "no": membership.member_no,
        }
        details.update(membership=membership.pk, org=membership.org.code, same_org=True, transfer=False)
    elif visible:
        msg = _("该身份证号已是%(org)s的会员（会员编号 %(no)s），一人只能有一个有效会籍。如已更换工作单位，请办理会员关系接转。") % {
            "org": membership.org.name, "no": membership.member_no,
        }  # fmt: skip
        details.update(membership=membership.pk, org=membership.org.code)
    else:
        msg = _("该身份证号已在其他工会（%(org)s）登记为会员，一人只能有一个有效会籍。如已更换工作单位，请办理会员关系接转。") % {
            "org": mask_org_name(membership.org.name),
        }  # fmt: skip
        details.update(masked_org=mask_org_name(membership.org.name))
    return ConflictError(msg, code="already_member", details=details)


def reserve_numbers(org: Org, kind: str, n: int = 1) -> int:
    """Reserve `n` consecutive numbers of `kind` (会员编号, 登记表编号) for `org` and return the first:
    gap-free, because the counter row stays locked until the caller's transaction commits (a
    rollback gives the numbers back). The one allocator of the register's numbers."""
    for _attempt in range(3):
        row = Counter.objects.select_for_update().filter(org=org, kind=kind).first()
        if row is None:
            try:
                with transaction.atomic():
                    Counter.objects.create(org=org, kind=kind, value=0)
            except IntegrityError:
                pass  # another transaction created it first; lock theirs
            continue
        first = row.value + 1
        row.value += n
        row.save(update_fields=["value"])
        return first
    raise ConflictError(_("编号分配冲突，请重试。"), code="counter_conflict")  # pragma: no cover


def next_number(org: Org, kind: str) -> int:
    """The next number of `kind` for `org` (see reserve_numbers)."""
    return reserve_numbers(org, kind, 1)


def format_member_no(org: Org, n: int) -> str:
    return f"{org.code}{n:06d}"


def format_form_no(org: Org, n: int) -> str:
    return f"{org.code}-{n:06d}"


def event_create(*, membership: Membership, type: str, reason: str, on: dt.date, user: Any,
           from_org: Org | None = None, to_org: Org | None = None, note: str = "") -> MembershipEvent:  # fmt: skip
    event = MembershipEvent.objects.create(
        person_id=membership.person_id, membership=membership, org_path=membership.org_path, type=type, reason=reason, on=on,
        from_org=from_org, to_org=to_org, user=user if getattr(user, "is_authenticated", False) else None, note=note[:200],
    )  # fmt: skip
    daycount.add_events([event])  # the campaigns' per-day event counter (issue 19)
    return event


def audit_user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def count_out(m: Membership, person: Person, *, has_card: bool) -> None:
    """Statistics counters (reports/counters.py): a current membership stops counting."""
    if m.status == MembershipStatus.ACTIVE:
        counters.on_member_left(m.org_path, person, has_card=has_card)
    elif m.status == MembershipStatus.RETAINED:
        counters.on_retained_left(m.org_path)


def person_get_or_create(*, org: Org, data: dict[str, Any]) -> tuple[Person, bool]:
    """The person with `data["id_index"]`, locked, or a new one from `data` (race-safe: the identity
    table's primary key, the blind index, decides who was first)."""
    # through the identity table (core.Identity): on Citus one shard, then the person's own shard
    pid = Identity.person_of(data["id_index"])
    if pid is not None:
        return Person.objects.select_for_update().get(pk=pid), False
    try:
        with transaction.atomic():
            # on Citus an id on the union's shard (core.citus.person_ids_near); elsewhere the next one
            near = citus.person_ids_near([org.pk])
            person = Person.objects.create(
                id=near[0] if near else None, province_code=org.province_code, **data
            )
            Identity.objects.create(id_index=person.id_index, person_id=person.pk)
            return person, True
    except IntegrityError:
        # another transaction wrote this ID number's identity row a moment ago: theirs is the person
        pid = Identity.person_of(data["id_index"])
        if pid is None:
            raise  # not the identity key: some other constraint refused the person
        return Person.objects.select_for_update().get(pk=pid), False


def membership_open(
    *, user: Any, person: Person, org: Org, joined_on: dt.date, channel: str, form_no: str, event_type: str,
    reason: str, from_org: Org | None = None, note: str = "",
) -> Membership:  # fmt: skip
    member_no = format_member_no(org, next_number(org, Counter.MEMBER_NO))
    try:
        with transaction.atomic():
            m = Membership.objects.create(
                person=person, name=person.name, org=org, org_path=org.path, province_code=org.province_code,
                member_no=member_no, form_no=form_no, joined_on=joined_on, status=MembershipStatus.ACTIVE,
                channel=channel,
            )  # fmt: skip
    except IntegrityError:
        # The partial unique index: someone else made this person a member a moment ago.
        existing = current_membership(person.id_index)
        if existing is not None:
            raise already_member_error(user, existing, org=org) from None
        raise
    roll.add([m])
    event_create(
        membership=m,
        type=event_type,
        reason=reason,
        on=joined_on,
        user=user,
        from_org=from_org,
        to_org=org,
        note=note,
    )
    counters.on_member_joined(m.org_path, person, has_card=has_valid_card(person.pk))
    return m


def names_follow(person_id: int, name: str) -> None:
    """A person's name is changing: the copy on each of their memberships follows (Membership.name,
    read by the name search; issue 19). One statement on the person's rows (one shard on Citus)."""
    Membership.objects.filter(person_id=person_id).exclude(name=name).update(name=name)
