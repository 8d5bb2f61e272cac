"""Notes to the responsible accounts: the union's own managers and its upper union's staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import User
from gonghui.core.access import ROLE_PERMS, Perm
from gonghui.elections import conf, rules
from gonghui.elections.models import Notification
from gonghui.orgs.models import Org, OrgStatus


def roles_with(*perms: Perm) -> list[str]:
    return [role for role, granted in ROLE_PERMS.items() if any(p in granted for p in perms)]


def accounts(org: Org | None, *perms: Perm) -> QuerySet[User]:
    """Active accounts of `org` whose role holds any of `perms`."""
    if org is None:
        return User.objects.none()
    return User.objects.filter(org=org, is_active=True, role__in=roles_with(*perms))


def parent_of(org: Org) -> Org | None:
    if org.depth <= 1:
        return None
    return Org.objects.filter(path=org.path[: -Org.steplen]).first()


def send(
    users: Iterable[Any],
    *,
    org: Org,
    kind: str,
    key: str,
    message: str,
    url: str = "",
    due_on: dt.date | None = None,
) -> int:
    """One note per account and key: sending the same reminder twice is a no-op. `due_on`: the
    deadline the note is about."""
    rows = [
        Notification(
            recipient=u,
            org=org,
            org_path=org.path,
            kind=kind,
            key=key[:120],
            message=message[:300],
            url=url[:200],
            due_on=due_on,
        )
        for u in {u.pk: u for u in users if u is not None}.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def terms_notify(*, under: Org | None = None, today: dt.date | None = None) -> int:
    """Remind each union whose term is due or overdue, and its upper union's staff, once per
    term end and status."""
    today = today or timezone.localdate()
    r = conf.rules()
    horizon = today + dt.timedelta(days=r.due_days)
    qs = Org.objects.filter(status=OrgStatus.ACTIVE, term_end__isnull=False, term_end__lte=horizon)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    orgs = list(qs.order_by("path"))
    parent_paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
    parents = {p.path: p for p in Org.objects.filter(path__in=parent_paths)}
    managers: dict[int, list[User]] = {}
    for u in User.objects.filter(
        is_active=True, org__in=[*orgs, *parents.values()], role__in=roles_with(Perm.ORG_MANAGE, Perm.REVIEW)
    ):
        if u.org_id is not None:
            managers.setdefault(u.org_id, []).append(u)
    sent = 0
    for org in orgs:
        status = rules.term_status(org.term_end, today, r.due_days)
        parent = parents.get(org.path[: -Org.steplen])
        own = [u for u in managers.get(org.pk, []) if Perm.ORG_MANAGE in ROLE_PERMS.get(u.role, frozenset())]
        upper = managers.get(parent.pk, []) if parent else []
        if status == rules.TERM_OVERDUE:
            msg = _("%(org)s第%(n)s届任期已于 %(d)s 届满，尚未换届（到期未换届）。") % {
                "org": org.name,
                "n": org.term_number or "?",
                "d": org.term_end,
            }
        else:
            msg = _("%(org)s第%(n)s届任期将于 %(d)s 届满，请做好换届准备。") % {
                "org": org.name,
                "n": org.term_number or "?",
                "d": org.term_end,
            }
        sent += send([*own, *upper], org=org, kind=f"term_{status}", key=f"term:{org.pk}:{org.term_end}:{status}", message=msg,
                     url=reverse("elections:term", args=[org.code]), due_on=org.term_end)  # fmt: skip
    return sent


@transaction.atomic
def notification_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark the account's own unread notes as read — those listed, or all (a POST; GET never
    writes, issue 12). Notes of other accounts are untouched whatever ids are sent."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=[i for i in ids if 0 < i < 2**63])
    return qs.update(read_at=timezone.now())
