"""Writes for dues (会费): wages, payments one by one or in bulk, the arrears check, the 教育 step
and the reviewed 自动退会. Each act is atomic, audited and keeps FinanceCounter exact."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.finance import conf, counters, ledger, rules
from gonghui.finance.models import (
    DuesAccount,
    DuesBatch,
    DuesPayment,
    DuesReview,
    Exemption,
    LedgerEntry,
    ReviewOutcome,
    UnionDues,
    WageSource,
)
from gonghui.members.codes import Reason
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import BASE_KINDS, Org

MAX_WAGE_FEN = 10_000_000_00  # ten million yuan a month: anything above is a typing error


def _who(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def check_base(org: Org) -> None:
    if org.kind not in BASE_KINDS:
        raise ApplicationError(_("会费由基层工会收缴，请选择一个基层工会。"), code="not_grassroots")


def check_wage(wage_fen: int) -> int:
    if not 0 <= int(wage_fen) <= MAX_WAGE_FEN:
        raise ApplicationError(_("月工资金额不正确。"), code="wage", details={"field": "wage"})
    return int(wage_fen)


def account_for(m: Membership) -> DuesAccount:
    acc, _created = DuesAccount.objects.get_or_create(
        membership=m, defaults={"org_id": m.org_id, "org_path": m.org_path}
    )
    return acc


def exemption_of(m: Membership, acc: DuesAccount | None) -> str:
    if m.status == MembershipStatus.RETAINED:
        return rules.EXEMPT_RETAINED
    return acc.exemption if acc else ""


def monthly_dues(m: Membership, acc: DuesAccount | None, default_wage: int, r: conf.Rules) -> int:
    wage = acc.wage_fen if acc and acc.wage_fen is not None else default_wage
    return rules.dues_amount(wage, r, exemption=exemption_of(m, acc))


def default_wage(org: Org) -> int:
    row = UnionDues.objects.filter(org=org).first()
    return row.default_wage_fen if row else 0


@transaction.atomic
def dues_wage_set(
    *, user: Any, membership: Membership, wage_fen: int | None, exemption: str = ""
) -> DuesAccount:
    """A member's monthly wage for dues (None: use the union's default) and exemption."""
    if exemption not in Exemption.values:
        raise ApplicationError(_("免交类型不正确。"), code="exemption", details={"field": "exemption"})
    if not membership.is_current:
        raise ApplicationError(_("会籍已终止。"), code="membership_state")
    acc = account_for(membership)
    before = {"wage_fen": acc.wage_fen, "exemption": acc.exemption}
    acc.wage_fen = None if wage_fen is None else check_wage(wage_fen)
    acc.wage_source = WageSource.ENTERED if wage_fen is not None else ""
    acc.exemption = exemption
    acc.save(update_fields=["wage_fen", "wage_source", "exemption", "updated_at"])
    if acc.in_arrears and rules.is_exempt(exemption_of(membership, acc)):
        _set_arrears(acc, False, 0)
    audit_record(user=_who(user), action="dues.wage_set", obj=membership, org_path=membership.org_path,
                 object_repr=f"{membership.person.name} {membership.member_no}",
                 changes={"wage_fen": [before["wage_fen"], acc.wage_fen], "exemption": [before["exemption"], exemption]})  # fmt: skip
    return acc


@transaction.atomic
def union_default_wage_set(*, user: Any, org: Org, wage_fen: int) -> UnionDues:
    check_base(org)
    row, _c = UnionDues.objects.get_or_create(org=org)
    before = row.default_wage_fen
    row.default_wage_fen = check_wage(wage_fen)
    row.save()
    audit_record(user=_who(user), action="dues.default_wage_set", obj=org, org_path=org.path,
                 changes={"default_wage_fen": [before, row.default_wage_fen]})  # fmt: skip
    return row


def _set_arrears(acc: DuesAccount, flag: bool, months: int) -> None:
    if acc.in_arrears != flag:
        counters.bump(acc.org_path, 0, {"in_arrears_6m": 1 if flag else -1})
    acc.in_arrears, acc.arrears_months = flag, months
    acc.save(update_fields=["in_arrears", "arrears_months", "updated_at"])


def _record(org: Org, items: list[tuple[Membership, int]], *, month: dt.date, paid_on: dt.date, user: Any,
            receipt_no: str, batch: DuesBatch | None = None) -> list[DuesPayment]:  # fmt: skip
    """Write payments for `month`, move each account's last month paid, keep the counters and post
    the total to the union's ledger (会费收入)."""
    ids = [m.pk for m, _a in items]
    paying_already = set(
        DuesPayment.objects.filter(org=org, membership_id__in=ids, month__year=month.year).values_list(
            "membership_id", flat=True
        )
    )
    try:
        with transaction.atomic():
            rows = DuesPayment.objects.bulk_create([
                DuesPayment(membership=m, org=org, org_path=org.path, month=month, amount_fen=a, paid_on=paid_on,
                            receipt_no=receipt_no, batch=batch, created_by=_who(user))
                for m, a in items
            ])  # fmt: skip
    except IntegrityError:
        raise ConflictError(_("该会员本月会费已登记。"), code="already_paid") from None
    accounts = {a.membership_id: a for a in DuesAccount.objects.filter(membership_id__in=ids)}
    missing = [
        DuesAccount(membership=m, org=org, org_path=org.path) for m, _a in items if m.pk not in accounts
    ]
    for acc in DuesAccount.objects.bulk_create(missing):
        accounts[acc.membership_id] = acc
    r = conf.rules()
    for m, _a in items:
        acc = accounts[m.pk]
        if acc.last_paid is None or acc.last_paid < month:
            acc.last_paid = month
            acc.save(update_fields=["last_paid", "updated_at"])
        if acc.in_arrears:
            left = rules.unpaid_months(last_paid=acc.last_paid, joined_on=m.joined_on, as_of=paid_on)
            if left < r.arrears_months:
                _set_arrears(acc, False, left)
                DuesReview.objects.filter(membership=m, outcome=ReviewOutcome.EDUCATED).update(
                    outcome=ReviewOutcome.CORRECTED
                )
    total = sum(a for _m, a in items)
    counters.bump(
        org.path, month.year, {"members_paying": len(set(ids) - paying_already), "collected_fen": total}
    )
    if total:
        LedgerEntry.objects.create(org=org, org_path=org.path, on=paid_on, head=ledger.DUES_HEAD, amount_fen=total,
                                   note=_("%(m)s 会费 %(n)d 人，收据 %(r)s") % {"m": f"{month:%Y-%m}", "n": len(items), "r": receipt_no},
                                   source="dues", created_by=_who(user))  # fmt: skip
    return rows


def _receipt(prefix: str, org: Org, month: dt.date, n: int) -> str:
    return f"{prefix}{org.code}-{month:%Y%m}-{n:05d}"[:32]


def check_date(d: dt.date, field: str) -> dt.date:
    if not rules.date_ok(d):
        raise ApplicationError(_("日期须在 2000 年至 2100 年之间。"), code="date", details={"field": field})
    return d


def _check_month(month: dt.date, paid_on: dt.date) -> dt.date:
    check_date(paid_on, "paid_on")
    month = rules.month_start(check_date(month, "month"))
    if month > rules.month_start(paid_on) + dt.timedelta(days=366):
        raise ApplicationError(_("预交会费不能超过一年。"), code="month", details={"field": "month"})
    if month.year < 2000:
        raise ApplicationError(_("月份不正确。"), code="month", details={"field": "month"})
    return month


@transaction.atomic
def dues_pay(
    *, user: Any, membership: Membership, month: dt.date, paid_on: dt.date, amount_fen: int | None = None
) -> DuesPayment:
    """One member's dues for one month (default: the amount of the rule); a receipt number per payment."""
    m = (
        Membership.objects.select_for_update()
        .select_related("org", "person")
        .get(pk=membership.pk, person_id=membership.person_id)  # person_id: one shard on Citus
    )
    if m.status != MembershipStatus.ACTIVE:
        raise ApplicationError(_("只有正常会籍的会员交纳会费（保留会籍期间免交）。"), code="membership_state")
    month = _check_month(month, paid_on)
    acc = DuesAccount.objects.filter(membership=m).first()
    amount = (
        monthly_dues(m, acc, default_wage(m.org), conf.rules()) if amount_fen is None else int(amount_fen)
    )
    if amount <= 0 or amount > MAX_WAGE_FEN:
        raise ApplicationError(
            _("应交金额为 0（免交或未登记工资），无需登记。"), code="nothing_due", details={"field": "amount"}
        )
    n = DuesPayment.objects.filter(org=m.org, month=month).count() + 1
    receipt = _receipt("HF", m.org, month, n)
    (row,) = _record(m.org, [(m, amount)], month=month, paid_on=paid_on, user=user, receipt_no=receipt)
    audit_record(user=_who(user), action="dues.pay", obj=m, org_path=m.org_path, object_repr=f"{m.person.name} {m.member_no}",
                 changes={"month": f"{month:%Y-%m}", "amount_fen": amount, "receipt_no": receipt})  # fmt: skip
    return row


@transaction.atomic
def dues_pay_bulk(*, user: Any, org: Org, month: dt.date, paid_on: dt.date) -> DuesBatch:
    """A union's dues for a month in one go (代扣): every active member not exempt and not yet paid
    for the month, at the amount of the rule; one receipt for the batch."""
    check_base(org)
    month = _check_month(month, paid_on)
    if DuesBatch.objects.filter(org=org, month=month).exists():
        raise ConflictError(_("该工会本月已批量登记会费。"), code="already_paid")
    r = conf.rules()
    paid = set(DuesPayment.objects.filter(org=org, month=month).values_list("membership_id", flat=True))
    members = Membership.objects.filter(
        org=org, status=MembershipStatus.ACTIVE, joined_on__lte=rules.period_end(month, "month")
    )
    accounts = {a.membership_id: a for a in DuesAccount.objects.filter(org=org)}
    wage = default_wage(org)
    items = [
        (m, a)
        for m in members.order_by("pk")
        if m.pk not in paid and (a := monthly_dues(m, accounts.get(m.pk), wage, r)) > 0
    ]
    if not items:
        raise ApplicationError(_("没有需要登记的会员（均已交纳、免交或未登记工资）。"), code="nothing_due")
    receipt = _receipt("HFP", org, month, 1)
    batch = DuesBatch.objects.create(org=org, org_path=org.path, month=month, paid_on=paid_on, members=len(items),
                                     amount_fen=sum(a for _m, a in items), receipt_no=receipt, created_by=_who(user))  # fmt: skip
    _record(org, items, month=month, paid_on=paid_on, user=user, receipt_no=receipt, batch=batch)
    audit_record(user=_who(user), action="dues.pay_bulk", obj=batch, org_path=org.path, object_repr=f"{org.name} {month:%Y-%m}",
                 changes={"members": batch.members, "amount_fen": batch.amount_fen, "receipt_no": receipt})  # fmt: skip
    return batch


@transaction.atomic
def dues_arrears_refresh(*, user: Any = None, as_of: dt.date, org: Org | None = None) -> dict[str, int]:
    """The arrears check (章程（2008年文本）第六条 "连续六个月不交纳会费"): flag every active member of
    the subtree who owes dues (a wage or the union's default gives an amount; not exempt) and has at
    least the set number of months unpaid; clear the others. Members of unions that keep no dues
    here (no wage, no default) owe nothing computable and are never listed. Run monthly
    (`gonghui finance arrears`) and on demand; it lists, it never ends a membership."""
    r = conf.rules()
    check_date(as_of, "as_of")
    ms = Membership.objects.filter(status=MembershipStatus.ACTIVE)
    if org is not None:
        ms = ms.filter(org_path__startswith=org.path)
    defaults = dict(UnionDues.objects.values_list("org_id", "default_wage_fen"))
    accounts = {a.membership_id: a for a in DuesAccount.objects.filter(membership__in=ms)}
    deltas: dict[str, int] = defaultdict(int)
    flagged = cleared = 0
    new: list[DuesAccount] = []
    for m in ms.only("pk", "org_id", "org_path", "joined_on", "status").iterator(chunk_size=5000):
        acc = accounts.get(m.pk)
        months = min(
            rules.unpaid_months(last_paid=acc.last_paid if acc else None, joined_on=m.joined_on, as_of=as_of),
            32767,
        )
        flag = months >= r.arrears_months and monthly_dues(m, acc, defaults.get(m.org_id, 0), r) > 0
        if acc is None:
            if flag:
                new.append(
                    DuesAccount(
                        membership_id=m.pk,
                        org_id=m.org_id,
                        org_path=m.org_path,
                        in_arrears=True,
                        arrears_months=months,
                    )
                )
                deltas[m.org_path] += 1
                flagged += 1
            continue
        if flag != acc.in_arrears or months != acc.arrears_months:
            if flag != acc.in_arrears:
                deltas[acc.org_path] += 1 if flag else -1
                flagged, cleared = flagged + flag, cleared + (not flag)
            acc.in_arrears, acc.arrears_months = flag, months
            acc.save(update_fields=["in_arrears", "arrears_months", "updated_at"])
    DuesAccount.objects.bulk_create(new, batch_size=1000)
    # accounts of memberships that ended or were retained no longer count
    for acc in DuesAccount.objects.filter(in_arrears=True).exclude(
        membership__status=MembershipStatus.ACTIVE
    ):
        if org is None or acc.org_path.startswith(org.path):
            deltas[acc.org_path] -= 1
            acc.in_arrears = False
            acc.save(update_fields=["in_arrears", "updated_at"])
            cleared += 1
    for path, d in deltas.items():
        counters.bump(path, 0, {"in_arrears_6m": d})
    audit_record(user=_who(user), action="dues.arrears_check", object_type="finance.duesaccount",
                 org_path=org.path if org else "", changes={"as_of": str(as_of), "flagged": flagged, "cleared": cleared})  # fmt: skip
    return {"flagged": flagged, "cleared": cleared}


@transaction.atomic
def dues_review_educate(*, user: Any, membership: Membership, on: dt.date, note: str) -> DuesReview:
    """Record the 教育 step for a member on the arrears list ("经教育拒不改正" needs it first)."""
    check_date(on, "on")
    acc = DuesAccount.objects.select_for_update().filter(membership=membership).first()
    if acc is None or not acc.in_arrears or membership.status != MembershipStatus.ACTIVE:
        raise ApplicationError(_("该会员不在连续欠交会费复核名单上。"), code="not_in_arrears")
    note = (note or "").strip()
    if not note:
        raise ApplicationError(
            _("请写明教育情况（谈话时间、方式、本人态度）。"), code="note", details={"field": "note"}
        )
    if DuesReview.objects.filter(membership=membership, outcome=ReviewOutcome.EDUCATED).exists():
        raise ConflictError(_("已记录教育，等待改正或作出决定。"), code="already_educated")
    review = DuesReview.objects.create(membership=membership, org_id=membership.org_id, org_path=membership.org_path,
                                       months_unpaid=acc.arrears_months, educated_on=on, note=note[:200], created_by=_who(user))  # fmt: skip
    audit_record(user=_who(user), action="dues.educate", obj=membership, org_path=membership.org_path,
                 object_repr=f"{membership.person.name} {membership.member_no}",
                 changes={"educated_on": str(on), "months_unpaid": acc.arrears_months})  # fmt: skip
    return review


@transaction.atomic
def dues_review_end(*, user: Any, membership: Membership, on: dt.date, note: str = "") -> Membership:
    """自动退会 after the 教育 step: only for a member still on the arrears list whose education was
    recorded on or before `on`; ends the membership through the members' own leave action with the
    reason 连续六个月不交纳会费、不参加工会组织生活 (章程（2008年文本）第六条). Never run by the system."""
    from gonghui.members.actions.memberships import membership_leave

    review = (
        DuesReview.objects.select_for_update()
        .filter(membership=membership, outcome=ReviewOutcome.EDUCATED)
        .first()
    )
    if review is None:
        raise ApplicationError(
            _("须先记录教育情况，经教育拒不改正的方可按自动退会处理。"), code="not_educated"
        )
    acc = DuesAccount.objects.select_for_update().get(membership=membership)
    if not acc.in_arrears:
        raise ApplicationError(
            _("该会员已不在欠交名单上（已补交或免交），不能按自动退会处理。"), code="not_in_arrears"
        )
    if on < review.educated_on:
        raise ApplicationError(_("退会日期不能早于教育日期。"), code="date_order", details={"field": "on"})
    _set_arrears(acc, False, acc.arrears_months)
    m = membership_leave(user=user, membership=membership, on=on, reason=Reason.LAPSED,
                         note=(note or review.note)[:200])  # fmt: skip
    review.outcome, review.ended_on = ReviewOutcome.ENDED, on
    review.save(update_fields=["outcome", "ended_on"])
    audit_record(user=_who(user), action="dues.lapse", obj=m, org_path=m.org_path, object_repr=f"{m.person.name} {m.member_no}",
                 changes={"educated_on": str(review.educated_on), "ended_on": str(on)})  # fmt: skip
    return m
