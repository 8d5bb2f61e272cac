"""Each kind of deadline: who is reminded, the note's key (one note per account and key) and text.

Recipients: the accounts of the union concerned that do its work (UNION_WORK or ORG_MANAGE for the
working life; ORG_MANAGE for terms — the existing term notes), and the staff of its upper union
(the township that supervises it). Each function returns the notes offered (duplicates are
ignored by the database: `elections.notify.send`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.accounts.models import User
from gonghui.core.access import Perm
from gonghui.elections import notify
from gonghui.orgs.models import BASE_KINDS, Org, OrgStatus

STEP = Org.steplen


def _holders(orgs: Iterable[Org], *perms: Perm) -> dict[int, list[User]]:
    """Active accounts of each org whose role holds any of `perms` (one query)."""
    roles = notify.roles_with(*perms)
    out: dict[int, list[User]] = defaultdict(list)
    for u in User.objects.filter(is_active=True, org__in=list(orgs), role__in=roles):
        if u.org_id is not None:
            out[u.org_id].append(u)
    return out


def _parents(orgs: Iterable[Org]) -> dict[str, Org]:
    paths = {o.path[:-STEP] for o in orgs if o.depth > 1}
    return {p.path: p for p in Org.objects.filter(path__in=paths)}


def _recipients(orgs: list[Org], *perms: Perm) -> dict[int, list[User]]:
    """For each org: its own holders of `perms`, and its parent's."""
    parents = _parents(orgs)
    holders = _holders([*orgs, *parents.values()], *perms)
    out: dict[int, list[User]] = {}
    for o in orgs:
        parent = parents.get(o.path[:-STEP])
        out[o.pk] = [*holders.get(o.pk, []), *(holders.get(parent.pk, []) if parent else [])]
    return out


WORK = (Perm.UNION_WORK, Perm.ORG_MANAGE)


def terms(today: dt.date) -> int:
    return notify.terms_notify(today=today)


def founding(today: dt.date) -> int:
    """筹建 unions past the founding election's period (GONGHUI_FOUNDING_ELECTION_DAYS)."""
    from gonghui.elections import conf
    from gonghui.elections.selectors import founding_q

    days = conf.rules().founding_days
    orgs = list(
        Org.objects.filter(
            founding_q(), status=OrgStatus.ACTIVE, founded_on__lt=today - dt.timedelta(days=days)
        )
    )
    rec = _recipients(orgs, Perm.ORG_MANAGE, Perm.REVIEW)
    n = 0
    for o in orgs:
        assert o.founded_on is not None
        due = o.founded_on + dt.timedelta(days=days)
        msg = _("%(org)s于 %(d)s 批准筹建，已超过 %(n)d 天仍未召开会员大会选举第一届委员会。") % {
            "org": o.name, "d": o.founded_on, "n": days}  # fmt: skip
        n += notify.send(rec[o.pk], org=o, kind="founding_overdue", key=f"founding:{o.pk}:{o.founded_on}", message=msg,
                         url=reverse("elections:term", args=[o.code]), due_on=due)  # fmt: skip
    return n


def contracts(today: dt.date) -> int:
    """Contracts to submit (signed, not yet submitted), to renew (from GONGHUI_CONTRACT_RENEWAL_DAYS
    before the end) and expired without a renewal."""
    from gonghui.worklife import deadlines as wd
    from gonghui.worklife.conf import rules
    from gonghui.worklife.models import CollectiveContract, ContractStatus

    r = rules()
    renewed = CollectiveContract.objects.filter(renews=OuterRef("pk")).exclude(
        status=ContractStatus.TERMINATED
    )
    qs = (
        CollectiveContract.objects.filter(org__status=OrgStatus.ACTIVE)
        .filter(
            Q(status=ContractStatus.SIGNED, signed_on__isnull=False)
            | Q(
                status=ContractStatus.EFFECTIVE,
                end_on__isnull=False,
                end_on__lte=today + dt.timedelta(days=r.renewal_days),
            )
        )
        .exclude(Exists(renewed))
        .select_related("org")
    )
    rows = list(qs)
    rec = _recipients([c.org for c in rows], *WORK)
    n = 0
    for c in rows:
        url = _contract_url(c)
        if c.status == ContractStatus.SIGNED:
            due = wd.submit_due(c, r)
            if due is None or today < due - dt.timedelta(days=3):
                continue
            msg = _("%(org)s的《%(t)s》应于 %(d)s 前报送劳动行政部门审查。") % {
                "org": c.org.name,
                "t": c.title,
                "d": due,
            }
            key, kind = f"contract:{c.pk}:submit:{c.signed_on}", "contract_submit"
        elif c.end_on is not None and c.end_on < today:
            due = c.end_on
            msg = _("%(org)s的《%(t)s》已于 %(d)s 到期，尚未续订。") % {
                "org": c.org.name,
                "t": c.title,
                "d": c.end_on,
            }
            key, kind = f"contract:{c.pk}:expired:{c.end_on}", "contract_expired"
        else:
            due = c.end_on
            msg = _("%(org)s的《%(t)s》将于 %(d)s 到期，请及时协商续订。") % {
                "org": c.org.name,
                "t": c.title,
                "d": c.end_on,
            }
            key, kind = f"contract:{c.pk}:renew:{c.end_on}", "contract_renewal"
        n += notify.send(rec[c.org_id], org=c.org, kind=kind, key=key, message=msg, url=url, due_on=due)
    return n


def _contract_url(c: Any) -> str:
    try:
        return reverse("worklife:contract", args=[c.pk])
    except Exception:  # noqa: BLE001 — the page's name is 14a's; a note without a link still reminds
        return ""


def congress(today: dt.date) -> int:
    """From GONGHUI_CONGRESS_REMIND_MONTH on: grassroots unions with a unionised employer whose
    workers' congress has not met this calendar year (convened by the union or covering one of
    its employers)."""
    from gonghui.orgs.models import Employer
    from gonghui.worklife.models import CongressEmployer, CongressSession
    from gonghui.worklife.reminders import setting

    if today.month < setting("GONGHUI_CONGRESS_REMIND_MONTH"):
        return 0
    year = today.year
    held_by = CongressSession.objects.filter(org=OuterRef("pk"), held_on__year=year)
    covering = CongressEmployer.objects.filter(employer__union=OuterRef("pk"), session__held_on__year=year)
    employers = Employer.objects.filter(union=OuterRef("pk"))
    orgs = list(
        Org.objects.filter(status=OrgStatus.ACTIVE, kind__in=BASE_KINDS)
        .filter(Exists(employers))
        .exclude(Exists(held_by))
        .exclude(Exists(covering))
    )
    rec = _recipients(orgs, *WORK)
    due = dt.date(year, 12, 31)
    n = 0
    for o in orgs:
        msg = _("%(org)s %(y)d 年尚未召开职工代表大会（每年至少召开一次）。") % {"org": o.name, "y": year}
        n += notify.send(rec[o.pk], org=o, kind="congress_missing", key=f"congress:{o.pk}:{year}", message=msg,
                         url=reverse("orgs:detail", args=[o.code]), due_on=due)  # fmt: skip
    return n


def applications(today: dt.date) -> int:
    """Applications pending review for longer than GONGHUI_APPLICATION_REVIEW_DAYS: the reviewers of
    the union (and of its upper union), one note per union and day the oldest became late."""
    from gonghui.members.models import Application, ApplicationStatus
    from gonghui.worklife.reminders import setting

    days = setting("GONGHUI_APPLICATION_REVIEW_DAYS")
    cutoff = timezone_start(today - dt.timedelta(days=days))
    late: dict[int, list[Any]] = defaultdict(list)
    for a in (
        Application.objects.filter(status=ApplicationStatus.PENDING, created_at__lt=cutoff)
        .select_related("org")
        .order_by("created_at")
    ):
        late[a.org_id].append(a)
    orgs = [apps[0].org for apps in late.values()]
    rec = _recipients(orgs, Perm.REVIEW)
    n = 0
    for o in orgs:
        apps = late[o.pk]
        msg = _("%(org)s有 %(n)d 份入会申请等待审核超过 %(d)d 天。") % {
            "org": o.name,
            "n": len(apps),
            "d": days,
        }
        first = apps[0]
        n += notify.send(rec[o.pk], org=o, kind="applications_waiting", key=f"applications:{o.pk}:{first.pk}", message=msg,
                         url=reverse("members:applications"), due_on=first.created_at.date() + dt.timedelta(days=days))  # fmt: skip
    return n


def timezone_start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def campaigns(today: dt.date) -> int:
    """Running campaigns: each allocated unit behind time progress, its managers and the
    campaign's staff — once a month per unit."""
    from gonghui.campaigns import selectors as cs
    from gonghui.campaigns.models import Campaign

    n = 0
    for c in Campaign.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related("org"):
        b = cs.board(c, on=today, with_groups=False)
        behind = [u for u in b.behind if u.org.pk != c.org_id]
        if not behind:
            continue
        holders = _holders([c.org, *(u.org for u in behind)], Perm.ORG_MANAGE, Perm.CAMPAIGN_MANAGE)
        for u in behind:
            msg = _("“%(c)s”：%(org)s进度落后于时间进度（完成 %(done)d / 目标 %(t)s），行动 %(d)s 结束。") % {
                "c": c.name, "org": u.org.name, "done": u.done, "t": u.target if u.target is not None else "—", "d": c.ends_on}  # fmt: skip
            n += notify.send([*holders.get(u.org.pk, []), *holders.get(c.org_id, [])], org=u.org, kind="campaign_behind",
                             key=f"campaign:{c.pk}:{u.org.pk}:{today:%Y-%m}", message=msg,
                             url=reverse("campaigns:detail", args=[c.pk]), due_on=c.ends_on)  # fmt: skip
    return n


def followups(today: dt.date) -> int:
    """Idle-union follow-ups past their date and still open: the union's staff and the one who asked."""
    from gonghui.worklife.models_idle import IdleFollowUp

    rows = list(
        IdleFollowUp.objects.filter(closed_on__isnull=True, due_on__lt=today).select_related(
            "org", "created_by"
        )
    )
    rec = _holders([f.org for f in rows], *WORK)
    n = 0
    for f in rows:
        msg = _("%(org)s的空转督促事项已过整改期限（%(d)s），尚未办结。") % {"org": f.org.name, "d": f.due_on}
        n += notify.send([*rec.get(f.org_id, []), f.created_by], org=f.org, kind="idle_followup_overdue",
                         key=f"idle_followup:{f.pk}:{f.due_on}", message=msg,
                         url=reverse("worklife:idle_followups"), due_on=f.due_on)  # fmt: skip
    return n
