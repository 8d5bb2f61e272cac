"""Writes of collective contracts (集体合同, 专项集体合同): created while negotiating or once signed,
negotiation rounds, signing, submission to the labour administration, its answer, the review
period passing (deemed effective), termination, renewal, attachments. Keyword-only, atomic, audited.

Rules (集体合同规定; the periods are settings, conf.py): a signed contract has a term of at most
GONGHUI_CONTRACT_MAX_YEARS years; it is submitted within GONGHUI_CONTRACT_SUBMIT_DAYS days of
signing (a late submission is accepted and stays visible as late in the audit and the state); with
no objection within GONGHUI_CONTRACT_REVIEW_DAYS days it takes effect (`settle_reviews`); an
objection sends it back (rejected) to be amended and submitted again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.orgs.models import Employer, Org
from gonghui.worklife import deadlines, files, hooks
from gonghui.worklife.conf import rules
from gonghui.worklife.models import (
    CollectiveContract,
    ContractAttachment,
    ContractCategory,
    ContractEmployer,
    ContractScope,
    ContractStatus,
    NegotiationRound,
    ReviewAnswer,
)
from gonghui.worklife.rules import (
    active_org,
    choice,
    count,
    day,
    employers_under,
    long_text,
    must_day,
    scope_of,
    text,
    user_or_none,
)


def _audit(user: Any, action: str, c: CollectiveContract, **changes: Any) -> None:
    audit_record(user=user_or_none(user), action=f"worklife.contract.{action}", obj=c, org_path=c.org_path,
                 changes={k: (str(v) if isinstance(v, dt.date) else v) for k, v in changes.items()})  # fmt: skip
    hooks.changed("contract", c.org, c)


def _term(signed_on: dt.date, start_on: dt.date | None, end_on: dt.date | None) -> tuple[dt.date, dt.date]:
    start = day(start_on or signed_on, "start_on", _("期限起"), past=False)
    end = day(end_on, "end_on", _("期限止"), past=False)
    assert start is not None and end is not None
    if end <= start:
        raise ApplicationError(_("期限止应晚于期限起。"), code="term", details={"field": "end_on"})
    years = rules().max_years
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + years, day=28)
    if end > limit:
        raise ApplicationError(
            _("集体合同期限一般为 1 至 %(y)d 年，期限止不能晚于 %(d)s。") % {"y": years, "d": limit},
            code="term",
            details={"field": "end_on"},
        )
    return start, end


def _locked(contract: CollectiveContract, *allowed: str) -> CollectiveContract:
    c = CollectiveContract.objects.select_for_update().select_related("org").get(pk=contract.pk)
    if c.status not in allowed:
        raise ApplicationError(
            _("合同当前状态为“%(s)s”，不能进行此操作。") % {"s": c.get_status_display()},
            code="contract_state",
        )
    return c


@transaction.atomic
def contract_create(
    *, user: Any, org: Org, title: str, employers: Sequence[Employer], scope: str = ContractScope.SINGLE,
    category: str = ContractCategory.GENERAL, employees_covered: Any = None, employer_side: str = "",
    signed_on: dt.date | None = None, start_on: dt.date | None = None, end_on: dt.date | None = None,
    note: str = "", renews: CollectiveContract | None = None,
) -> CollectiveContract:  # fmt: skip
    """A contract of `org` for `employers`: negotiating, or signed when `signed_on` is given (then
    with its term). Employees covered default to the employers' employees."""
    org = active_org(org)
    scope = choice(scope, ContractScope, "scope", _("签订形式"))
    covered = employers_under(org, employers)
    if not covered:
        raise ApplicationError(_("请选择合同覆盖的单位。"), code="required", details={"field": "employers"})
    if scope == ContractScope.SINGLE and len(covered) > 1:
        raise ApplicationError(
            _("单独签订的合同只覆盖一个单位；多个单位请选择区域性或行业性。"),
            code="scope",
            details={"field": "scope"},
        )
    employees = (
        sum(e.employees for e in covered)
        if employees_covered in (None, "")
        else count(employees_covered, "employees_covered", _("覆盖职工数"))
    )
    c = CollectiveContract(
        title=text(title, 200, "title", required=_("合同名称")), scope=scope,
        category=choice(category, ContractCategory, "category", _("合同类别")), employees_covered=employees,
        employer_side=text(employer_side, 120), note=long_text(note, 2000), renews=renews,
        created_by=user_or_none(user), **scope_of(org),
    )  # fmt: skip
    if signed_on is not None:
        c.signed_on = day(signed_on, "signed_on", _("签订日期"))
        assert c.signed_on is not None
        c.start_on, c.end_on = _term(c.signed_on, start_on, end_on)
        c.status = ContractStatus.SIGNED
    c.save()
    ContractEmployer.objects.bulk_create([ContractEmployer(contract=c, employer=e) for e in covered])
    _audit(user, "create", c, status=c.status, employers=[e.pk for e in covered], signed_on=c.signed_on,
           end_on=c.end_on, renews=renews.pk if renews else None)  # fmt: skip
    return c


@transaction.atomic
def round_add(
    *, user: Any, contract: CollectiveContract, held_on: dt.date | None, topics: str = "", outcome: str = ""
) -> NegotiationRound:
    c = _locked(contract, ContractStatus.NEGOTIATING, ContractStatus.REJECTED)
    n = (c.rounds.aggregate(m=Max("round_no"))["m"] or 0) + 1
    r = NegotiationRound.objects.create(contract=c, round_no=n, held_on=must_day(held_on, "held_on", _("协商日期")),
                                        topics=text(topics, 200), outcome=text(outcome, 200))  # fmt: skip
    _audit(user, "round", c, round_no=n, held_on=r.held_on)
    return r


@transaction.atomic
def contract_sign(
    *, user: Any, contract: CollectiveContract, signed_on: dt.date | None, end_on: dt.date | None,
    start_on: dt.date | None = None,
) -> CollectiveContract:  # fmt: skip
    """签订 (or re-sign after an objection): the signing day and the term."""
    c = _locked(contract, ContractStatus.NEGOTIATING, ContractStatus.REJECTED)
    c.signed_on = day(signed_on, "signed_on", _("签订日期"))
    assert c.signed_on is not None
    if c.rounds.filter(held_on__gt=c.signed_on).exists():
        raise ApplicationError(_("签订日期不能早于协商日期。"), code="date", details={"field": "signed_on"})
    c.start_on, c.end_on = _term(c.signed_on, start_on, end_on)
    c.status, c.submitted_on, c.review_answer, c.answered_on = (
        ContractStatus.SIGNED,
        None,
        ReviewAnswer.NONE,
        None,
    )
    c.save()
    _audit(user, "sign", c, signed_on=c.signed_on, start_on=c.start_on, end_on=c.end_on)
    return c


@transaction.atomic
def contract_submit(
    *, user: Any, contract: CollectiveContract, submitted_on: dt.date | None, labour_bureau: str = ""
) -> CollectiveContract:
    """报送: the day the text went to the labour administration. Late (after the submission
    period) is recorded as late, not refused — the contract still needs its review."""
    c = _locked(contract, ContractStatus.SIGNED)
    c.submitted_on = day(submitted_on, "submitted_on", _("报送日期"))
    assert c.signed_on is not None and c.submitted_on is not None
    if c.submitted_on < c.signed_on:
        raise ApplicationError(
            _("报送日期不能早于签订日期。"), code="date", details={"field": "submitted_on"}
        )
    c.labour_bureau = text(labour_bureau, 120)
    c.status = ContractStatus.SUBMITTED
    c.save()
    due = deadlines.submit_due(c)
    _audit(user, "submit", c, submitted_on=c.submitted_on, late=bool(due and c.submitted_on > due))
    return c


@transaction.atomic
def contract_answer(
    *, user: Any, contract: CollectiveContract, answer: str, answered_on: dt.date | None, note: str = ""
) -> CollectiveContract:
    """The labour administration's answer: approved (effective that day) or an objection (back to
    the parties). An answer after the review period comes too late: the contract is already in
    effect by law (settled as deemed)."""
    c = _locked(contract, ContractStatus.SUBMITTED)
    if answer not in (ReviewAnswer.APPROVED, ReviewAnswer.OBJECTION):
        raise ApplicationError(_("审查意见无效。"), code="choice", details={"field": "answer"})
    on = day(answered_on, "answered_on", _("审查答复日期"))
    assert on is not None and c.submitted_on is not None
    if on < c.submitted_on:
        raise ApplicationError(_("答复日期不能早于报送日期。"), code="date", details={"field": "answered_on"})
    due = deadlines.review_due(c)
    if due and on > due:
        raise ApplicationError(
            _("审查期限已于 %(d)s 届满，合同已视为生效，不能再登记审查意见。") % {"d": due},
            code="review_period_over",
            details={"field": "answered_on"},
        )
    c.review_answer, c.answered_on, c.review_note = answer, on, text(note, 300)
    if answer == ReviewAnswer.APPROVED:
        c.status, c.effective_on = ContractStatus.EFFECTIVE, on
    else:
        c.status = ContractStatus.REJECTED
    c.save()
    _audit(user, "answer", c, answer=answer, answered_on=on)
    return c


@transaction.atomic
def settle_reviews(today: dt.date | None = None, *, user: Any = None) -> int:
    """Submitted contracts whose review period passed with no answer take effect (art. 47): the
    day after the period. Idempotent; returns how many were settled."""
    today = today or timezone.localdate()
    r = rules()
    last = today - dt.timedelta(days=r.review_days + 1)
    n = 0
    for c in (
        CollectiveContract.objects.select_for_update()
        .select_related("org")
        .filter(status=ContractStatus.SUBMITTED, submitted_on__lte=last)
    ):
        c.status, c.review_answer = ContractStatus.EFFECTIVE, ReviewAnswer.DEEMED
        c.effective_on = deadlines.deemed_effective_on(c, r)
        c.save(update_fields=["status", "review_answer", "effective_on", "updated_at"])
        _audit(user, "deemed_effective", c, effective_on=c.effective_on)
        n += 1
    return n


@transaction.atomic
def contract_terminate(
    *, user: Any, contract: CollectiveContract, terminated_on: dt.date | None, reason: str
) -> CollectiveContract:
    c = _locked(contract, *[s for s in ContractStatus.values if s != ContractStatus.TERMINATED])
    c.terminated_on = day(terminated_on, "terminated_on", _("终止日期"))
    reason = text(reason, 200, "reason", required=_("终止原因"))
    c.status = ContractStatus.TERMINATED
    c.note = (c.note + "\n" if c.note else "") + _("终止：%(r)s") % {"r": reason}
    c.save()
    _audit(user, "terminate", c, terminated_on=c.terminated_on, reason=reason)
    return c


@transaction.atomic
def contract_renew(
    *, user: Any, contract: CollectiveContract, signed_on: dt.date | None = None, end_on: dt.date | None = None,
    start_on: dt.date | None = None, title: str = "",
) -> CollectiveContract:  # fmt: skip
    """续订: a new contract of the same union, scope, category and employers, linked to the old one
    (negotiating, or signed when `signed_on` is given). The old one runs to its end."""
    old = CollectiveContract.objects.select_related("org").get(pk=contract.pk)
    if old.status != ContractStatus.EFFECTIVE:
        raise ApplicationError(_("只有已生效的合同可以续订。"), code="contract_state")
    if old.renewals.exclude(status=ContractStatus.TERMINATED).exists():
        raise ApplicationError(_("该合同已有续订合同。"), code="renewal_exists")
    if start_on is None and signed_on is not None and old.end_on:
        start_on = max(signed_on, old.end_on + dt.timedelta(days=1))
    return contract_create(
        user=user, org=old.org, title=title or old.title, employers=list(old.employers.select_related("union")),
        scope=old.scope, category=old.category, employer_side=old.employer_side, signed_on=signed_on,
        start_on=start_on, end_on=end_on, renews=old,
    )  # fmt: skip


@transaction.atomic
def attachment_add(
    *, user: Any, contract: CollectiveContract, upload: Any, note: str = ""
) -> ContractAttachment:
    c = CollectiveContract.objects.select_related("org").get(pk=contract.pk)
    a = ContractAttachment(contract=c, note=text(note, 200), uploaded_by=user_or_none(user))
    files.store(a, upload, folder="worklife/contracts")
    a.save()
    audit_record(user=user_or_none(user), action="worklife.contract.attachment", obj=c, org_path=c.org_path,
                 changes={"attachment": a.pk, "name": a.original_name, "size": a.size})  # fmt: skip
    return a
