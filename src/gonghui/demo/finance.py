"""The demo county's money (issue 15): a year of dues and union funds with some arrears.

* Dues: the grassroots unions of 古城街道 (the county seat's street, ~40 unions) collect dues by
  payroll deduction every month of the current year up to last month (one batch per union and month,
  written as `finance.actions_dues.dues_pay_bulk` writes it); each union has a default wage, some
  members their own (entered or from the payroll), some hardship or unemployed exemptions; about one
  member in fifty stopped paying in spring — the arrears check lists them, and a few have had the
  教育 step recorded (none has been ended: that is the union's decision).
* Funds: the employers of those unions, and a few employers without a union (筹备金), declare their
  payroll monthly through `finance.actions_funds`; most pay each month, some are months behind, so
  the arrears list, the 催缴函 and the collection rate have something to show.
* Ledger: 上级补助收入 and spending under the main heads for the street union and a few grassroots
  unions.
* Two 财务 accounts: county_finance (县总工会) and gucheng_finance (古城街道).

Deterministic for a given --seed; the counters are rebuilt at the end (the bulk path does not bump them).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.core.db import bulk_set
from gonghui.finance import actions_dues, actions_funds, conf, counters, ledger, rules
from gonghui.finance.models import (
    DuesAccount,
    DuesBatch,
    DuesPayment,
    DuesReview,
    Exemption,
    LedgerEntry,
    UnionDues,
    WageSource,
)
from gonghui.members import bulk
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import BASE_KINDS, Employer, Org, OrgKind

STREET = "古城街道"


def _accounts(root: Org, street: Org) -> list[dict[str, str]]:
    password = make_password(settings.GONGHUI_DEMO_PASSWORD)
    out = []
    for username, org, full in (
        ("county_finance", root, "县总工会财务"),
        ("gucheng_finance", street, "古城街道工会财务"),
    ):
        if not User.objects.filter(username=username).exists():
            User.objects.create(
                username=username, password=password, org=org, role=Role.FINANCE, full_name=full
            )
        out.append({"username": username, "role": str(Role.FINANCE.label), "org": org.name})
    return out


PAYMENT_COLUMNS = (
    "membership_id", "org_id", "org_path", "month", "amount_fen", "paid_on", "receipt_no", "batch_id", "created_at",
)  # fmt: skip


def _dues(rng: random.Random, unions: list[Org], months: list[dt.date], today: dt.date) -> dict[str, int]:
    r = conf.rules()
    payments = batches = lapsed = 0
    now = timezone.now()
    stop_month = months[min(3, len(months) - 1)]  # the lapsed stop paying after April
    for org in unions:
        default = rng.randrange(260, 580) * 1000 + rng.choice((0, 500, 990))
        UnionDues.objects.create(org=org, default_wage_fen=default)
        ms = list(
            Membership.objects.filter(
                org=org, status__in=(MembershipStatus.ACTIVE, MembershipStatus.RETAINED)
            ).order_by("pk")
        )
        accounts = []
        for m in ms:
            roll = rng.random()
            wage = rng.randrange(180000, 900000, 7) if roll < 0.4 else None
            exemption = (
                Exemption.HARDSHIP
                if 0.4 <= roll < 0.42
                else Exemption.UNEMPLOYED
                if 0.42 <= roll < 0.43
                else ""
            )
            accounts.append(DuesAccount(membership=m, org=org, org_path=org.path, wage_fen=wage, exemption=exemption,
                                        wage_source=(WageSource.IMPORTED if roll < 0.3 else WageSource.ENTERED) if wage else ""))  # fmt: skip
        accs = {a.membership_id: a for a in DuesAccount.objects.bulk_create(accounts, batch_size=2000)}
        quitting = {m.pk for m in ms if rng.random() < 0.02}
        lapsed += len(quitting)
        for month in months:
            items = []
            for m in ms:
                if m.status != MembershipStatus.ACTIVE or m.joined_on > rules.period_end(month, "month"):
                    continue
                if m.pk in quitting and month > stop_month:
                    continue
                amount = actions_dues.monthly_dues(m, accs[m.pk], default, r)
                if amount > 0:
                    items.append((m, amount))
            if not items:
                continue
            paid_on = min(month.replace(day=25), today)
            receipt = actions_dues._receipt("HFP", org, month, 1)
            total = sum(a for _m, a in items)
            batch = DuesBatch.objects.create(org=org, org_path=org.path, month=month, paid_on=paid_on, members=len(items),
                                             amount_fen=total, receipt_no=receipt)  # fmt: skip
            bulk.insert(  # plain rows: bulk_create's model instances were most of the demo's dues time
                DuesPayment, PAYMENT_COLUMNS,
                ((m.pk, org.pk, org.path, month, a, paid_on, receipt, batch.pk, now) for m, a in items),
            )  # fmt: skip
            LedgerEntry.objects.create(org=org, org_path=org.path, on=paid_on, head=ledger.DUES_HEAD, amount_fen=total,
                                       note=f"{month:%Y-%m} 会费 {len(items)} 人，收据 {receipt}", source="dues")  # fmt: skip
            for m, _a in items:
                accs[m.pk].last_paid = month
            payments += len(items)
            batches += 1
        bulk_set(list(accs.values()), ["last_paid"])
    return {"payments": payments, "batches": batches, "stopped_paying": lapsed}


def _funds(
    rng: random.Random, employers: list[Employer], months: list[dt.date], today: dt.date
) -> dict[str, int]:
    declared = paid = behind = 0
    for e in employers:
        avg_wage = rng.randrange(3000, 7000) * 100
        lag = rng.choice((0, 0, 0, 0, 0, 1, 3, 6))  # months not yet paid
        behind += lag > 0
        for i, month in enumerate(months):
            payroll = max(1, e.employees) * avg_wage + rng.randrange(0, 100000)
            d = actions_funds.funds_declare(user=None, employer=e, period=month, payroll_fen=payroll)
            declared += 1
            if i < len(months) - lag:
                actions_funds.funds_pay(user=None, employer=e, paid_on=min(month.replace(day=15) + dt.timedelta(days=30), today),
                                        amount_fen=d.due_fen, collector="")  # fmt: skip
                paid += 1
    return {"declarations": declared, "payments": paid, "employers_behind": behind}


def _ledger(rng: random.Random, orgs: list[Org], year: int, today: dt.date) -> int:
    n = 0
    for org in orgs:
        for month in range(1, today.month):
            on = dt.date(year, month, rng.randrange(5, 25))
            if month in (1, 7):
                actions_funds.ledger_entry_add(user=None, org=org, on=on, head=ledger.SUBSIDY_HEAD,
                                               amount_fen=rng.randrange(50, 300) * 10000, note="上级工会补助")  # fmt: skip
                n += 1
            head = rng.choice(("501", "501", "502", "503", "504", "505"))
            note = {
                "501": "职工文体活动",
                "502": "送温暖慰问",
                "503": "职工法律援助",
                "504": "工会干部培训",
                "505": "职工书屋设备",
            }[head]
            actions_funds.ledger_entry_add(
                user=None, org=org, on=on, head=head, amount_fen=rng.randrange(20, 400) * 1000, note=note
            )
            n += 1
    return n


@transaction.atomic
def load_finance(*, seed: int = 2017) -> dict[str, Any]:
    rng = random.Random(seed + 15)
    today = timezone.localdate()
    year = today.year
    months = [dt.date(year, m, 1) for m in range(1, today.month)] or [dt.date(year - 1, 12, 1)]
    root = Org.objects.get(depth=1)
    street = (
        Org.objects.filter(short_name=STREET).first()
        or Org.objects.filter(kind=OrgKind.TOWNSHIP_UNION).order_by("path").first()
    )
    assert street is not None
    unions = list(
        Org.objects.filter(path__startswith=street.path, kind__in=BASE_KINDS, status="active").order_by(
            "path"
        )[:40]
    )
    result: dict[str, Any] = {"accounts": _accounts(root, street), "unions": len(unions)}
    result["dues"] = _dues(rng, unions, months, today)
    for org in unions:
        actions_dues.dues_arrears_refresh(as_of=today, org=org)
    listed = list(
        DuesAccount.objects.filter(org_path__startswith=street.path, in_arrears=True).select_related(
            "membership"
        )[:8]
    )
    for acc in listed[::2]:
        actions_dues.dues_review_educate(user=None, membership=acc.membership, on=today - dt.timedelta(days=rng.randrange(3, 40)),
                                         note="工会小组长上门谈话，告知连续六个月未交会费的后果，本人表示考虑")  # fmt: skip
    result["dues"]["in_arrears_6m"] = DuesAccount.objects.filter(in_arrears=True).count()
    result["dues"]["educated"] = DuesReview.objects.count()
    with_union = list(Employer.objects.filter(union__in=unions).order_by("pk")[:30])
    no_union = list(Employer.objects.filter(area_org=street, union__isnull=True).order_by("-employees")[:5])
    result["funds"] = _funds(rng, with_union + no_union, months, today)
    result["ledger_entries"] = _ledger(rng, [street, *unions[:5]], year, today)
    counters.rebuild()
    return result
