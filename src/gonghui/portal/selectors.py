"""What a member sees: only rows of their own person and their own verified phone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.members.models import (
    CURRENT_STATUSES,
    Application,
    Card,
    CardStatus,
    Membership,
    MembershipEvent,
    Transfer,
)
from gonghui.portal import conf
from gonghui.portal.auth import Member
from gonghui.portal.models import Consent, MemberAddress, MemberRequest


def add_working_days(start: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `start`. Public holidays and the make-up
    working weekends (调休) are not known to the system: the date is a promise's lower bound."""
    d = start
    left = days
    while left > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            left -= 1
    return d


def applications(member: Member) -> list[Application]:
    """Join applications made with this verified phone (or this person's ID number)."""
    qs = Application.objects.select_related("org", "membership").filter(
        phone_index=member.phone_index, phone_verified=True
    )
    if member.person is not None:
        qs = qs | Application.objects.select_related("org", "membership").filter(
            id_index=member.person.id_index
        )
    apps = list(qs.distinct().order_by("-created_at")[:20])
    days = int(conf.get("GONGHUI_PORTAL_ANSWER_WORKING_DAYS"))
    for a in apps:
        a.deadline = add_working_days(timezone.localtime(a.created_at).date(), days)  # type: ignore[attr-defined]
        a.overdue = a.status == "pending" and timezone.localdate() > a.deadline  # type: ignore[attr-defined]
    return apps


def current_membership(member: Member) -> Membership | None:
    if member.person is None:
        return None
    return (
        Membership.objects.select_related("org")
        .filter(person=member.person, status__in=CURRENT_STATUSES)
        .first()
    )


def memberships(member: Member) -> list[Membership]:
    if member.person is None:
        return []
    return list(
        Membership.objects.select_related("org").filter(person=member.person).order_by("-joined_on", "-id")
    )


def valid_card(member: Member) -> Card | None:
    if member.person is None:
        return None
    return Card.objects.filter(person=member.person, status=CardStatus.VALID).first()


def events(member: Member) -> QuerySet[MembershipEvent]:
    return (
        MembershipEvent.objects.select_related("from_org", "to_org")
        .filter(person=member.person)
        .order_by("-on", "-id")
    )


def transfers(member: Member) -> list[Transfer]:
    if member.person is None:
        return []
    return list(
        Transfer.objects.select_related("from_org", "to_org")
        .filter(person=member.person)
        .order_by("-started_at")[:20]
    )


def requests(member: Member) -> list[MemberRequest]:
    if member.person is None:
        return []
    return list(
        MemberRequest.objects.select_related("org", "transfer")
        .filter(person=member.person)
        .order_by("-created_at")[:50]
    )


def request_step(r: MemberRequest) -> str:
    """Where a request stands, in words, following the transfer it started."""
    if r.transfer is not None:
        return str(r.transfer.get_status_display())
    return str(r.get_status_display())


def reveals(member: Member) -> list[AuditEntry]:
    """Who in a union saw this person's full ID number or phone, and when (the audit log)."""
    if member.person is None:
        return []
    ids = [str(member.person.pk)]
    app_ids = [str(a.pk) for a in applications(member)]
    qs = AuditEntry.objects.filter(action="pii.reveal", object_type="members.person", object_id__in=ids)
    qs = qs | AuditEntry.objects.filter(
        action="pii.reveal", object_type="members.application", object_id__in=app_ids
    )
    return list(qs.order_by("-at")[:200])


def consents(member: Member) -> list[Consent]:
    if member.person is None:
        return []
    return list(Consent.objects.filter(person=member.person).order_by("item", "-given_at"))


def address(member: Member) -> str:
    if member.person is None:
        return ""
    row = MemberAddress.objects.filter(person=member.person).first()
    return row.address if row else ""


def trainings(member: Member) -> list[Any]:
    if member.person is None:
        return []
    from gonghui.care.models import Trainee

    return list(Trainee.objects.select_related("course").filter(person=member.person).order_by("-id")[:50])


def activities(member: Member) -> list[Any]:
    """The member's union's recent activities (worklife), newest first."""
    m = current_membership(member)
    if m is None:
        return []
    from gonghui.worklife.models import Activity

    return list(Activity.objects.filter(org=m.org).order_by("-held_on", "-id")[:20])
