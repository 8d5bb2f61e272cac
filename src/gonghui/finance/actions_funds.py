"""Writes for union funds (工会经费, 工会法 arts. 43–44) and the ledger: an employer's payroll and the
2% due per month or quarter, what was paid and its shares up the tree, manual ledger lines. Atomic,
audited, counters kept in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.finance import conf, counters, ledger, rules
from gonghui.finance.actions_dues import check_date
from gonghui.finance.models import FundsDeclaration, FundsPayment, FundsShare, LedgerEntry
from gonghui.orgs.models import Employer, Org, OrgKind, OrgStatus

MAX_FEN = 10**15
LEVEL_KINDS = {
    "township": (OrgKind.TOWNSHIP_UNION, OrgKind.INDUSTRY_UNION, OrgKind.SYSTEM_UNION, OrgKind.PARK_UNION),
    "county": (OrgKind.COUNTY_FEDERATION,),
    "city": (OrgKind.CITY_FEDERATION,),
    "province": (OrgKind.PROVINCE_FEDERATION,),
    "national": (),
}


def _who(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def funds_home(employer: Employer, r: conf.Rules | None = None) -> tuple[Org, bool]:
    """Where an employer's funds are kept: its union; without one, the area union holds the 筹备金
    where the setting says it is collected (else: nothing is due)."""
    r = r or conf.rules()
    if employer.union_id and employer.union and employer.union.status == OrgStatus.ACTIVE:
        return employer.union, False
    if not r.prep_collect:
        raise ApplicationError(_("该单位未建会，本地不收缴工会筹备金。"), code="no_union")
    return employer.area_org, True


def balance(employer: Employer) -> int:
    due = FundsDeclaration.objects.filter(employer=employer).aggregate(s=Sum("due_fen"))["s"] or 0
    paid = FundsPayment.objects.filter(employer=employer).aggregate(s=Sum("amount_fen"))["s"] or 0
    return int(due - paid)


def _arrears_change(path: str, before: int, after: int) -> None:
    if (before > 0) != (after > 0):
        counters.bump(path, 0, {"employers_in_arrears": 1 if after > 0 else -1})


def _amount(value: int, field: str) -> int:
    if not 0 < int(value) <= MAX_FEN:
        raise ApplicationError(_("金额不正确。"), code="amount", details={"field": field})
    return int(value)


@transaction.atomic
def funds_declare(*, user: Any, employer: Employer, period: dt.date, payroll_fen: int) -> FundsDeclaration:
    """An employer's payroll (全部职工工资总额) for a month or quarter (setting) and the 2% due on it."""
    r = conf.rules()
    check_date(period, "period")
    employer = (
        Employer.objects.select_for_update(of=("self",))
        .select_related("union", "area_org")
        .get(pk=employer.pk)
    )
    home, prep = funds_home(employer, r)
    start = rules.period_start(period, r.funds_period)
    payroll = _amount(payroll_fen, "payroll")
    before = balance(employer)
    old_home = FundsDeclaration.objects.filter(employer=employer).values_list("org_path", flat=True).first()
    if old_home and old_home != home.path:
        raise ApplicationError(
            _("该单位的经费归属已变化（建会或撤会），请先结清原有欠缴。"), code="home_changed"
        )
    try:
        with transaction.atomic():
            d = FundsDeclaration.objects.create(
                employer=employer, org=home, org_path=home.path, period_start=start, period_kind=r.funds_period,
                payroll_fen=payroll, due_fen=rules.funds_due(payroll, r), is_prep=prep, created_by=_who(user),
            )  # fmt: skip
    except IntegrityError:
        raise ConflictError(_("该单位本期工资总额已申报。"), code="already_declared") from None
    counters.bump(home.path, start.year, {"due_fen": d.due_fen})
    _arrears_change(home.path, before, before + d.due_fen)
    audit_record(user=_who(user), action="funds.declare", obj=employer, org_path=home.path,
                 changes={"period": str(start), "payroll_fen": payroll, "due_fen": d.due_fen, "prep": prep})  # fmt: skip
    return d


def recipients(home: Org, r: conf.Rules) -> list[tuple[str, int, Org, bool]]:
    """(level, percent, org, own) per share level: `own` False when the org only forwards the share
    (the level is above the tree, or missing in it, and the next level up receives it)."""
    chain = list(home.get_ancestors().order_by("-depth"))  # nearest first
    root = chain[-1] if chain else home
    found: dict[str, Org] = {"grassroots": home}
    for level, kinds in LEVEL_KINDS.items():
        for o in chain:
            if o.kind in kinds:
                found[level] = o
                break
    out = []
    for i, (level, pct) in enumerate(r.shares):
        org = found.get(level)
        if org is not None:
            out.append((level, pct, org, True))
            continue
        above = next((found[lv] for lv, _p in r.shares[i + 1 :] if lv in found), None)
        out.append((level, pct, above or root, False))
    return out


@transaction.atomic
def funds_pay(
    *, user: Any, employer: Employer, paid_on: dt.date, amount_fen: int, collector: str = ""
) -> FundsPayment:
    """What an employer paid (or the tax office collected), split into shares per level (percent
    settings, largest remainder, summing exactly to the payment); each receiving union's share is
    posted to its ledger as 拨缴经费收入."""
    r = conf.rules()
    check_date(paid_on, "paid_on")
    employer = (
        Employer.objects.select_for_update(of=("self",))
        .select_related("union", "area_org")
        .get(pk=employer.pk)
    )
    home_path = FundsDeclaration.objects.filter(employer=employer).values_list("org_path", flat=True).first()
    if home_path is None:
        raise ApplicationError(_("请先申报该单位的工资总额。"), code="no_declaration")
    home = Org.objects.get(path=home_path)
    amount = _amount(amount_fen, "amount")
    before = balance(employer)
    if amount > before:
        raise ApplicationError(_("实缴金额超过欠缴金额（%(b)s 元）。") % {"b": rules.yuan(before)}, code="overpaid",
                               details={"field": "amount"})  # fmt: skip
    collector = collector or r.collector
    if collector not in ("employer", "tax"):
        raise ApplicationError(_("缴纳方式不正确。"), code="collector", details={"field": "collector"})
    n = FundsPayment.objects.filter(paid_on__year=paid_on.year).count() + 1
    p = FundsPayment.objects.create(employer=employer, org=home, org_path=home.path, paid_on=paid_on, amount_fen=amount,
                                    collector=collector, receipt_no=f"JF{paid_on.year}-{n:06d}-{employer.pk}"[:32],
                                    created_by=_who(user))  # fmt: skip
    levels = recipients(home, r)
    parts = rules.split_largest_remainder(amount, [pct for _l, pct, _o, _own in levels])
    shares = []
    for (level, _pct, org, own), part in zip(levels, parts, strict=True):
        if not part:
            continue
        shares.append(FundsShare(payment=p, level=level, org=org, org_path=org.path, amount_fen=part))
        if own:
            LedgerEntry.objects.create(org=org, org_path=org.path, on=paid_on, head=ledger.FUNDS_HEAD, amount_fen=part,
                                       note=_("%(e)s 工会经费（%(l)s）收据 %(r)s") % {"e": employer.name, "l": conf.LEVEL_LABELS[level], "r": p.receipt_no},
                                       source="funds", created_by=_who(user))  # fmt: skip
    FundsShare.objects.bulk_create(shares)
    counters.bump(home.path, paid_on.year, {"paid_fen": amount})
    _arrears_change(home.path, before, before - amount)
    audit_record(user=_who(user), action="funds.pay", obj=employer, org_path=home.path,
                 changes={"amount_fen": amount, "paid_on": str(paid_on), "collector": collector, "receipt_no": p.receipt_no,
                          "shares": {s.level: s.amount_fen for s in shares}})  # fmt: skip
    return p


@transaction.atomic
def ledger_entry_add(
    *, user: Any, org: Org, on: dt.date, head: str, amount_fen: int, note: str = ""
) -> LedgerEntry:
    """A manual ledger line: 上级补助收入 and other income, spending under the 工会会计制度's heads.
    Dues and funds income are posted by their own actions."""
    check_date(on, "on")
    if head not in ledger.HEADS:
        raise ApplicationError(_("科目不正确。"), code="head", details={"field": "head"})
    if head in (ledger.DUES_HEAD, ledger.FUNDS_HEAD):
        raise ApplicationError(
            _("会费收入和拨缴经费收入由收缴登记自动记账。"), code="head_auto", details={"field": "head"}
        )
    e = LedgerEntry.objects.create(org=org, org_path=org.path, on=on, head=head, amount_fen=_amount(amount_fen, "amount"),
                                   note=(note or "").strip()[:200], created_by=_who(user))  # fmt: skip
    audit_record(user=_who(user), action="ledger.add", obj=org, org_path=org.path,
                 changes={"head": head, "amount_fen": e.amount_fen, "on": str(on)})  # fmt: skip
    return e
