"""An employer closes (工会法 art. 13): its union is dissolved with it, and its members keep their
会籍 at the upper union — the township federation above it, or a joint union under that federation
(DOMAIN.md "An employer closes") — in one action, without transferring anyone by hand.

`employer_close` is the action; the page (`employer_close_page`) and the API handler
(`orgs/api.py`, POST /api/v1/employers/{id}/close) parse, gate and call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gonghui.campaigns import daycount
from gonghui.core import access, citus
from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, add_form_error
from gonghui.members import roll
from gonghui.members.actions.common import audit_user, format_member_no, reserve_numbers
from gonghui.members.codes import EventType, Reason
from gonghui.members.identity import check_date
from gonghui.members.models import (
    CURRENT_STATUSES,
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    Card,
    CardStatus,
    Counter,
    Membership,
    MembershipEvent,
    MembershipStatus,
    Transfer,
    TransferStatus,
)  # fmt: skip
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import JOINT_KINDS, Employer, OperatingStatus, Org, OrgStatus
from gonghui.reports import counters

CLOSED_STATUSES = (OperatingStatus.CLOSED, OperatingStatus.DEREGISTERED)


@dataclass
class Closure:
    employer: Employer
    union: Org
    to_org: Org
    retained: int  # memberships now retained at `to_org`


def closure_targets(union: Org) -> list[Org]:
    """Where the members of `union` may keep their 会籍: the upper union, or an active joint /
    new-employment union under it."""
    parent = Org.objects.get_parent(union)
    if parent is None:
        return []
    joint = Org.objects.filter(
        path__startswith=parent.path, kind__in=JOINT_KINDS, status=OrgStatus.ACTIVE
    ).exclude(pk=union.pk)
    return [parent, *joint.order_by("path")]


def _check_closable(employer: Employer) -> Org:
    union = employer.union
    if union is None:
        raise ApplicationError(
            _("“%(e)s”未建会，没有需要撤销的工会。") % {"e": employer.name}, code="no_union"
        )
    if not union.is_active:
        raise ApplicationError(_("“%(name)s”已撤销或合并。") % {"name": union.name}, code="inactive")
    if union.kind in JOINT_KINDS:
        raise ApplicationError(
            _("“%(name)s”是覆盖多家单位的联合工会，不随一家单位终止而撤销；请为该单位的会员办理接转或保留会籍。") % {"name": union.name},
            code="joint_union",
        )  # fmt: skip
    others = (
        Employer.objects.filter(union=union)
        .exclude(pk=employer.pk)
        .exclude(operating_status__in=CLOSED_STATUSES)
    )
    if others.exists():
        raise ApplicationError(
            _("“%(name)s”还覆盖其他正常经营的单位，不能随本单位终止而撤销。") % {"name": union.name},
            code="union_covers_others",
        )
    return union


@transaction.atomic
def employer_close(
    *, user: Any, employer: Employer, on: dt.date | None = None, reason: str = "", to_org: Org | None = None,
    operating_status: str = OperatingStatus.DEREGISTERED,
) -> Closure:  # fmt: skip
    """The employer has ended (工会法 art. 13: 企业、事业单位、社会组织终止的，其工会组织相应撤销;
    members' 会籍 may be kept). In one transaction: every current member of its union keeps their
    会籍 as 保留会籍 at `to_org` (default the upper union) with the target's next 会员编号 and a
    history event (保留, reason 用人单位终止); pending transfers out follow them, transfers into the
    union are cancelled and open applications closed with the reason; the employer is marked
    closed and the union dissolved. The statistics counters move in the same transaction."""
    employer = Employer.objects.select_for_update(of=("self",)).select_related("union").get(pk=employer.pk)
    union = _check_closable(employer)
    targets = closure_targets(union)
    if not targets:
        raise ApplicationError(_("顶层总工会不能撤销。"), code="end_root")
    target = targets[0] if to_org is None else next((t for t in targets if t.pk == to_org.pk), None)
    if target is None:
        raise ApplicationError(
            _("会籍只能保留在上级工会或其下的联合工会、新就业形态工会。"),
            code="to_org",
            details={"field": "to_org"},
        )
    if operating_status not in CLOSED_STATUSES:
        raise ApplicationError(_("经营状况应为歇业或注销。"), code="operating_status")
    on = check_date(on or timezone.localdate(), "on")
    reason = (reason or "").strip()[:200] or _("用人单位终止")
    current = Membership.objects.select_related("person").filter(org=union, status__in=CURRENT_STATUSES)
    # each membership locked by (id, person_id): one shard each on Citus (docs/decisions.md)
    olds = citus.lock_each(
        current, current.order_by("member_no").values_list("pk", "person_id"), of=("self",)
    )
    if olds:
        _retain_at(union, target, olds, on=on, note=reason, user=user)
    Transfer.objects.filter(to_org=union, status=TransferStatus.PENDING).update(
        status=TransferStatus.CANCELLED, decided_at=timezone.now(), decision_note=_("转入工会已撤销")
    )
    Application.objects.filter(org=union, status__in=OPEN_APPLICATION_STATUSES).update(
        status=ApplicationStatus.REJECTED, reason=_("工会已撤销（用人单位终止）"), updated_at=timezone.now()
    )
    counters.on_employer_removed(employer)
    employer.operating_status = operating_status
    employer.save(update_fields=["operating_status", "updated_at"])
    counters.on_employer_added(employer)
    org_actions.org_dissolve(user=user, org=union, on=on, reason=reason)
    for path in {union.path, target.path}:
        audit_record(user=audit_user(user), action="employer.close", obj=employer, org_path=path, object_repr=employer.name,
                     changes={"union": union.code, "to_org": target.code, "retained": len(olds), "on": str(on), "reason": reason})  # fmt: skip
    employer.refresh_from_db()
    union.refresh_from_db()
    return Closure(employer=employer, union=union, to_org=target, retained=len(olds))


def _retain_at(union: Org, target: Org, olds: list[Membership], *, on: dt.date, note: str, user: Any) -> None:
    """Move every current membership of `union` to `target` as 保留会籍, with new numbers."""
    start = reserve_numbers(target, Counter.MEMBER_NO, len(olds))
    roll.remove(olds)  # off the closed union's roll, onto the target's below
    carded = set(
        Card.objects.filter(person_id__in=[m.person_id for m in olds], status=CardStatus.VALID).values_list(
            "person_id", flat=True
        )
    )
    who = audit_user(user)
    events: list[MembershipEvent] = []
    moved_out: dict[str, int] = {}
    moved_in = {"retained_members": len(olds)}
    for i, m in enumerate(olds):
        was_active = m.status == MembershipStatus.ACTIVE
        deltas = (
            counters.member_deltas(m.person, has_card=m.person_id in carded)
            if was_active
            else {"retained_members": 1}
        )
        for k, v in deltas.items():
            moved_out[k] = moved_out.get(k, 0) - v
        # history: an active member is retained (保留) where they were; one already retained moves
        # with the union's records. Either way the event names both unions and the reason.
        events.append(MembershipEvent(person_id=m.person_id, membership=m, org_path=union.path,
                                      type=EventType.RETAIN if was_active else EventType.TRANSFER_OUT,
                                      reason=Reason.EMPLOYER_CLOSED, on=on, from_org=union, to_org=target, user=who, note=note))  # fmt: skip
        if not was_active:
            events.append(MembershipEvent(person_id=m.person_id, membership=m, org_path=target.path, type=EventType.TRANSFER_IN,
                                          reason=Reason.EMPLOYER_CLOSED, on=on, from_org=union, to_org=target, user=who, note=note))  # fmt: skip
        m.org, m.org_path, m.province_code = target, target.path, target.province_code
        m.member_no = format_member_no(target, start + i)
        m.status = MembershipStatus.RETAINED
        m.updated_at = timezone.now()
    Membership.objects.bulk_update(
        olds, ["org", "org_path", "province_code", "member_no", "status", "updated_at"]
    )
    roll.add(olds)
    MembershipEvent.objects.bulk_create(events)
    daycount.add_events(events)  # the campaigns' per-day event counter (issue 19)
    Transfer.objects.filter(from_membership__in=olds, status=TransferStatus.PENDING).update(
        from_org=target, from_path=target.path
    )
    counters.bump_many({union.path: moved_out})
    counters.bump_many({target.path: moved_in})


# --- page ---------------------------------------------------------------------------------


class EmployerCloseForm(forms.Form):
    employer = forms.ChoiceField(label=gettext_lazy("终止的用人单位"))
    to_org = forms.ChoiceField(
        label=gettext_lazy("会籍保留在"), help_text=gettext_lazy("上级工会，或其下的联合工会、新就业形态工会")
    )
    on = forms.DateField(label=gettext_lazy("终止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    operating_status = forms.ChoiceField(
        label=gettext_lazy("经营状况"),
        choices=[(s.value, s.label) for s in (OperatingStatus.DEREGISTERED, OperatingStatus.CLOSED)],
    )
    reason = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, employers: list[Employer], targets: list[Org], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["employer"]).choices = [(str(e.pk), e.name) for e in employers]
        cast(forms.ChoiceField, self.fields["to_org"]).choices = [
            (o.code, f"{o.name}（{o.code}）") for o in targets
        ]


@require_http_methods(["GET", "POST"])
@access.page(Perm.ORG_RESTRUCTURE)
def employer_close_page(request: HttpRequest, code: str) -> HttpResponse:
    """用人单位终止: dissolve this union and keep its members' 会籍 at the upper union."""
    union = access.get_org(request.user, code, Perm.ORG_RESTRUCTURE)
    employers = list(union.employers.order_by("name"))
    targets = [t for t in closure_targets(union) if access.in_scope(request.user, t.path)]
    form = EmployerCloseForm(
        request.POST or None, employers=employers, targets=targets, initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        employer = access.get_employer(request.user, int(form.cleaned_data["employer"]), Perm.ORG_RESTRUCTURE)
        to_org = access.get_org(request.user, form.cleaned_data["to_org"])
        try:
            done = employer_close(user=request.user, employer=employer, on=form.cleaned_data["on"], to_org=to_org,
                                  reason=form.cleaned_data["reason"], operating_status=form.cleaned_data["operating_status"])  # fmt: skip
        except ApplicationError as e:
            add_form_error(form, e)
        else:
            messages.success(
                request,
                _("已撤销“%(u)s”，%(n)d 名会员的会籍保留在“%(t)s”。")
                % {"u": union.name, "n": done.retained, "t": done.to_org.name},
            )
            return redirect("orgs:detail", done.to_org.code)
    return render(request, "core/form.html", {
        "form": form, "title": _("用人单位终止：%(name)s") % {"name": union.name}, "danger": True, "submit": _("撤销工会并保留会籍"),
        "intro": _("依据《工会法》第十三条，用人单位终止的，其工会相应撤销，会员会籍可以保留。提交后本工会撤销，全部会员（含已保留会籍的）转为在所选工会保留会籍，各自记入会籍变化记录，无需逐个办理接转。"),
        "cancel_url": reverse("orgs:detail", args=[union.code]),
        "crumbs": [{"url": reverse("orgs:tree"), "label": _("组织架构")}, {"url": reverse("orgs:detail", args=[union.code]), "label": union.name}],
    })  # fmt: skip
