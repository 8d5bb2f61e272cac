"""Term requests to the upper union (章程（2008年文本）第二十六条): postpone, hold early, hold a delegates' assembly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import Perm
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf, notify, rules
from gonghui.elections.actions.common import (
    _raise,
    _u,
    member_count,
)
from gonghui.elections.models import (
    TermRequest,
    TermRequestKind,
    TermRequestStatus,
)  # fmt: skip
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import Org


@transaction.atomic
def term_request_create(
    *, user: Any, org: Org, kind: str, reason: str, proposed_date: dt.date | None = None
) -> TermRequest:
    """Ask the upper union to approve a postponement, an early election, or a delegates' assembly."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    r = conf.rules()
    reason = (reason or "").strip()
    if kind not in TermRequestKind.values:
        raise ApplicationError(_("事项无效。"), code="kind", details={"field": "kind"})
    if not reason:
        raise ApplicationError(_("请填写理由。"), code="reason_required", details={"field": "reason"})
    if not org.is_active:
        raise ApplicationError(_("“%(n)s”已撤销或合并。") % {"n": org.name}, code="inactive")
    if org.depth <= 1:
        raise ApplicationError(
            _("顶层总工会的换届事项由其上级工会办理，不在本系统内审批。"), code="no_upper_union"
        )
    if kind in (TermRequestKind.POSTPONE, TermRequestKind.EARLY) and proposed_date is None:
        raise ApplicationError(_("请填写日期。"), code="required", details={"field": "proposed_date"})
    if kind == TermRequestKind.POSTPONE:
        _raise(rules.postponement_problems(org.term_end, proposed_date, r.max_postpone_months))  # type: ignore[arg-type]
    elif kind == TermRequestKind.EARLY:
        if not rules.is_early(proposed_date, org.term_end, r.due_days):  # type: ignore[arg-type]
            raise ApplicationError(_("拟换届日期距任期届满不超过 %(d)d 天，按期换届，无需批准。") % {"d": r.due_days}, code="not_early",
                                   details={"field": "proposed_date"})  # fmt: skip
    elif kind == TermRequestKind.DELEGATES:
        n = member_count(org)
        if n > r.general_meeting_max:
            raise ApplicationError(_("会员 %(n)d 人，超过 %(m)d 人，可直接召开会员代表大会，无需批准。") % {"n": n, "m": r.general_meeting_max},
                                   code="delegates_not_needed")  # fmt: skip
    if org.term_requests.filter(kind=kind, status=TermRequestStatus.PENDING).exists():
        raise ConflictError(_("已有同类请示在审批中。"), code="duplicate_request")
    req = TermRequest.objects.create(org=org, org_path=org.path, kind=kind, reason=reason[:500], proposed_date=proposed_date,
                                     previous_end=org.term_end, created_by=_u(user))  # fmt: skip
    audit_record(user=user, action="term_request.create", obj=req, org_path=org.path,
                 changes={"kind": kind, "proposed_date": str(proposed_date) if proposed_date else None})  # fmt: skip
    parent = notify.parent_of(org)
    notify.send(notify.accounts(parent, Perm.REVIEW), org=org, kind="term_request", key=f"term_request:{req.pk}",
                message=_("%(org)s请示%(k)s，待审批。") % {"org": org.name, "k": req.get_kind_display()},
                url=reverse("elections:term", args=[org.code]))  # fmt: skip
    return req


@transaction.atomic
def term_request_decide(*, user: Any, request: TermRequest, approve: bool, reason: str = "") -> TermRequest:
    """The upper union decides. An approved postponement moves the term's end (org_update)."""
    req = TermRequest.objects.select_for_update(of=("self",)).select_related("org").get(pk=request.pk)
    if req.status != TermRequestStatus.PENDING:
        raise ConflictError(_("该请示已处理。"), code="decided")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ApplicationError(_("不予批准请填写理由。"), code="reason_required", details={"field": "reason"})
    if approve and req.kind == TermRequestKind.POSTPONE:
        if req.proposed_date is None:  # pragma: no cover - required on creation
            raise ApplicationError(_("请填写日期。"), code="required")
        _raise(
            rules.postponement_problems(req.org.term_end, req.proposed_date, conf.rules().max_postpone_months)
        )
        req.previous_end = req.org.term_end
        org_actions.org_update(user=user, org=req.org, term_end=req.proposed_date)
    req.status = TermRequestStatus.APPROVED if approve else TermRequestStatus.REJECTED
    req.decision_reason = reason[:500]
    req.decided_by = _u(user)
    req.decided_at = timezone.now()
    req.save()
    audit_record(user=user, action="term_request.approve" if approve else "term_request.reject", obj=req, org_path=req.org_path,
                 changes={"kind": req.kind, "reason": req.decision_reason})  # fmt: skip
    if req.created_by_id:
        notify.send([req.created_by], org=req.org, kind="term_request_decided", key=f"term_request:{req.pk}:{req.status}",
                    message=_("%(org)s%(k)s请示：%(s)s。") % {"org": req.org.name, "k": req.get_kind_display(), "s": req.get_status_display()},
                    url=reverse("elections:term", args=[req.org.code]))  # fmt: skip
    return req
