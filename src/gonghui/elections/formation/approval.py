"""组建: the upper union's decision (批复, 工会法 art. 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf, documents, founders, notify, pdfs, rules
from gonghui.elections.formation.common import (
    _check_employers,
    _lock,
    _raise_problems,
    _u,
    counts,
    problems,
)
from gonghui.elections.models import (
    DocKind,
    Formation,
    FormationForm,
    FormationStatus,
    RosterEntry,
)  # fmt: skip
from gonghui.members import actions as member_actions
from gonghui.orgs import actions as org_actions
from gonghui.orgs.models import Org, OrgForm, OrgKind


def _decidable(f: Formation) -> None:
    if f.status != FormationStatus.SUBMITTED:
        raise ConflictError(
            _("组建申请当前状态为“%(s)s”，不能审批。") % {"s": f.get_status_display()}, code="not_submitted"
        )


def issuer_name(org: Org) -> str:
    """Who issues an approval: the upper union itself."""
    return org.name


@transaction.atomic
def formation_approve(
    *, user: Any, formation: Formation, founded_on: dt.date | None = None, term_years: int | None = None, reason: str = "",
) -> Formation:  # fmt: skip
    """批复 (工会法 art. 12): number the approval (gap-free per year), create the union under the upper
    union as 筹建 — no term, no term start, no chair: its committee and chair are elected (工会法
    art. 10) by its founding assembly (章程第十六条（2008年文本）), whose election is its 第1届 —
    cover its employers, register the founding roster as its members (numbered 1..n) and file
    请示、名册、批复 with the new union (seed 004). A founder who is a current member of another union
    is not moved: that union gets a transfer request to answer (issue 12, finding 1). All or
    nothing: a founder who cannot be registered fails the approval, named."""
    f = _lock(formation)
    _decidable(f)
    _raise_problems(problems(f))
    employers = list(f.employers.select_related("union"))
    _check_employers(f.parent, employers)
    today = timezone.localdate()
    founded_on = founded_on or today
    if founded_on > today:
        raise ApplicationError(
            _("建会时间不能晚于今天。"), code="future_date", details={"field": "founded_on"}
        )
    years = term_years or f.term_years
    if years not in rules.TERM_YEARS:
        raise ApplicationError(
            _("任期应为 3 年或 5 年（工会法第十六条）。"), code="term_years", details={"field": "term_years"}
        )
    number = documents.next_approval_no(today.year, issuer=f.parent)
    org = org_actions.org_create(
        user=user, parent=f.parent, kind=f.kind, name=f.name, region_code=f.region_code, short_name=f.short_name,
        joint_scope=f.joint_scope if f.kind in (OrgKind.JOINT_GRASSROOTS, OrgKind.NEW_EMPLOYMENT) else "",
        org_form=OrgForm.ORGANISER if f.form == FormationForm.ORGANISER else OrgForm.COMMITTEE,
        founded_on=founded_on, approval_no=number,
    )  # fmt: skip
    for e in employers:
        org_actions.employer_update(user=user, employer=e, union=org)
    registered, requested = _register_founders(user=user, f=f, org=org, number=number, founded_on=founded_on)
    c = counts(f)
    days = conf.rules().founding_days
    body = [
        _("你们《关于成立%(n)s的请示》及创始会员名册收悉。经研究，同意成立%(n)s，组织形式为%(form)s，"
          "创始会员 %(c)d 人。") % {"n": f.name, "form": f.form_label, "c": c["total"]},
        _("请于 %(d)d 日内召开会员大会，按照《中华人民共和国工会法》《中国工会章程》的规定，依法选举产生第一届工会委员会"
          "（或组织员）和经费审查委员会，任期 %(y)d 年，选举结果报我会审批；健全工作制度，做好会员登记和会员证发放工作，"
          "切实维护职工合法权益。") % {"d": days, "y": years},
    ]  # fmt: skip
    # the approver's comment stays on the formation, not in the 批复's body (issue 18)
    data = pdfs.approval_pdf(issuer=issuer_name(f.parent), number=number, title=_("关于同意成立%(n)s的批复") % {"n": f.name},
                             to=_("%(n)s筹备组") % {"n": f.name}, body=body, on=today)  # fmt: skip
    documents.store(kind=DocKind.APPROVAL, title=_("关于同意成立%(n)s的批复") % {"n": f.name}, data=data, number=number,
                    filename=f"批复-{f.pk}.pdf", org_path=f.org_path, formation=f, user=user)  # fmt: skip
    # the documents go with the union (有请示、有名册、有批复)
    f.documents.update(org=org, org_path=org.path)
    f.status = FormationStatus.APPROVED
    f.approval_no = number
    f.founded_on = founded_on
    f.term_years = years
    f.org = org
    f.reason = reason.strip()[:500]
    f.decided_by = _u(user)
    f.decided_at = timezone.now()
    f.save()
    audit_record(user=user, action="formation.approve", obj=f, org_path=f.org_path,
                 changes={"org": org.code, "approval_no": number, "employers": [e.pk for e in employers], "members": c["total"],
                          "registered": registered, "transfer_requests": requested})  # fmt: skip
    _tell_requester(f, _("组建申请已批复：%(n)s（%(no)s）") % {"n": f.name, "no": number})
    return f


def _register_founders(
    *, user: Any, f: Formation, org: Org, number: str, founded_on: dt.date
) -> tuple[int, int]:
    """实名制: the founding roster becomes the new union's register — in roster order, so numbered
    1..n — through the register's own action. A current member of another union is asked for
    through a transfer request instead (founders.py). All or nothing: a row that cannot be
    registered fails the whole approval, named by its row. Returns (registered, requested)."""
    note = _("建会批复 %(no)s") % {"no": number}
    entries = list(f.roster.select_related("employer").order_by("pk"))
    registered = requested = 0
    for row, e in enumerate(entries, start=1):
        elsewhere = founders.current_elsewhere(e.id_index, org)
        if elsewhere is not None:
            founders.founder_transfer_request(
                user=user, membership=elsewhere, to_org=org, employer=e.employer, note=note
            )
            e.membership = None
            requested += 1
            continue
        try:
            e.membership = member_actions.founder_register(
                user=user,
                org=org,
                name=e.name,
                id_cipher=e.id_cipher,
                employer=e.employer,
                joined_on=founded_on,
                note=note,
            )
        except ApplicationError as err:
            raise type(err)(
                _("创始会员名册第 %(row)d 行（%(n)s，%(id)s）不能登记入会：%(m)s")
                % {"row": row, "n": e.name, "id": e.id_masked, "m": err.message},
                code=err.code,
                details={"entry": e.pk, "row": row, "cause": err.details},
            ) from None
        registered += 1
    RosterEntry.objects.bulk_update(entries, ["membership"])
    return registered, requested


def _tell_requester(f: Formation, message: str) -> None:
    if f.created_by_id:
        notify.send([f.created_by], org=f.parent, kind="formation_decided", key=f"formation:{f.pk}:{f.status}:{int(f.decided_at.timestamp()) if f.decided_at else 0}",
                    message=message, url=reverse("elections:formation", args=[f.pk]))  # fmt: skip


def _close(*, user: Any, formation: Formation, status: str, reason: str, action: str) -> Formation:
    f = _lock(formation)
    _decidable(f)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写理由。"), code="reason_required", details={"field": "reason"})
    f.status = status
    f.reason = reason[:500]
    f.decided_by = _u(user)
    f.decided_at = timezone.now()
    f.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    audit_record(user=user, action=action, obj=f, org_path=f.org_path, changes={"reason": f.reason})
    return f


@transaction.atomic
def formation_reject(*, user: Any, formation: Formation, reason: str) -> Formation:
    f = _close(
        user=user,
        formation=formation,
        status=FormationStatus.REJECTED,
        reason=reason,
        action="formation.reject",
    )
    _tell_requester(f, _("组建申请不予批准：%(n)s。理由：%(r)s") % {"n": f.name, "r": f.reason})
    return f


@transaction.atomic
def formation_return(*, user: Any, formation: Formation, reason: str) -> Formation:
    f = _close(
        user=user,
        formation=formation,
        status=FormationStatus.RETURNED,
        reason=reason,
        action="formation.return",
    )
    _tell_requester(f, _("组建申请退回修改：%(n)s。意见：%(r)s") % {"n": f.name, "r": f.reason})
    return f
