"""Union funds: 2% due, shares up the tree summing exactly, 筹备金, arrears with age, the ledger,
and the two PDFs (rendered with pdftoppm when FINANCE_PNG_DIR is set, to look at them)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gonghui.core.errors import ApplicationError
from gonghui.finance import actions_funds as funds
from gonghui.finance import counters, pdfs, selectors
from gonghui.finance.models import FundsShare, LedgerEntry

pytestmark = pytest.mark.django_db


def test_payment_shares_sum_exactly_and_post_to_each_ledger(tree: Any, fin: Any) -> None:
    user, orgs, jia = fin["county_fin"], tree["orgs"], tree["employers"]["甲公司"]
    d = funds.funds_declare(user=user, employer=jia, period=dt.date(2026, 1, 17), payroll_fen=5_000_033)
    assert (d.period_start, d.due_fen) == (dt.date(2026, 1, 1), 100_001)  # 1,000.0066 yuan → 1,000.01
    p = funds.funds_pay(user=user, employer=jia, paid_on=dt.date(2026, 2, 10), amount_fen=100_001)
    shares = {
        s.level: (s.org.code, s.amount_fen)
        for s in FundsShare.objects.filter(payment=p).select_related("org")
    }
    # 60/25/5/5/5 of 100,001 fen: 60,000.6 → 60,001; the four others floor; total exact
    assert shares == {"grassroots": ("T0003", 60_001), "county": ("T0001", 25_000), "city": ("T0001", 5_000),
                      "province": ("T0001", 5_000), "national": ("T0001", 5_000)}  # fmt: skip
    assert sum(a for _o, a in shares.values()) == p.amount_fen
    # income only where the union is the level itself; the levels above the tree are forwarded
    assert dict(LedgerEntry.objects.filter(head="402").values_list("org__code", "amount_fen")) == {
        "T0003": 60_001,
        "T0001": 25_000,
    }
    fig = selectors.stats(orgs["T0001"], 2026)["funds"]
    assert fig == {
        "due_this_year": 100_001,
        "paid_this_year": 100_001,
        "collection_rate": 1.0,
        "employers_in_arrears": 0,
    }
    with pytest.raises(ApplicationError) as e:
        funds.funds_pay(user=user, employer=jia, paid_on=dt.date(2026, 2, 11), amount_fen=1)
    assert e.value.code == "overpaid"
    assert counters.verify() == []


def test_arrears_by_employer_with_age_and_the_prep_fund(tree: Any, fin: Any, settings: Any) -> None:
    user, emps = fin["west_fin"], tree["employers"]
    wu, ding = emps["戊公司"], emps["丁公司"]  # 戊公司 has no union: 筹备金 held by 西镇
    for month in (1, 2, 3):
        funds.funds_declare(user=user, employer=wu, period=dt.date(2026, month, 1), payroll_fen=1_000_000)
        funds.funds_declare(user=user, employer=ding, period=dt.date(2026, month, 1), payroll_fen=500_000)
    funds.funds_pay(user=user, employer=wu, paid_on=dt.date(2026, 2, 5), amount_fen=20_000)  # January only
    funds.funds_pay(user=user, employer=ding, paid_on=dt.date(2026, 4, 5), amount_fen=30_000)  # all
    rows = selectors.employer_funds(tree["orgs"]["T0005"].path, as_of=dt.date(2026, 5, 1), only_arrears=True)
    assert [(r.employer.name, r.balance_fen, r.oldest_unpaid, r.age_days, r.is_prep) for r in rows] == [
        ("戊公司", 40_000, dt.date(2026, 2, 1), 62, True)]  # due since 28 Feb  # fmt: skip
    share = FundsShare.objects.get(level="grassroots", payment__employer=wu)
    assert share.org.code == "T0005"  # the area union holds the 筹备金's grassroots share
    fig = selectors.stats(tree["orgs"]["T0001"], 2026)["funds"]
    assert fig["employers_in_arrears"] == 1 and fig["collection_rate"] == round(50_000 / 90_000, 4)
    assert selectors.stats(tree["orgs"]["T0002"], 2026)["funds"]["due_this_year"] == 0  # other township
    settings.GONGHUI_FUNDS_PREP_COLLECT = False
    with pytest.raises(ApplicationError) as e:
        funds.funds_declare(user=user, employer=wu, period=dt.date(2026, 4, 1), payroll_fen=1)
    assert e.value.code == "no_union"
    assert counters.verify() == []
    # the rebuild writes the same figures
    before = selectors.stats(tree["orgs"]["T0001"], 2026)
    counters.rebuild()
    assert selectors.stats(tree["orgs"]["T0001"], 2026) == before and counters.verify() == []


def test_ledger_rejects_auto_heads_and_the_pdfs_render(tree: Any, fin: Any, tmp_path: Path) -> None:
    user, east, wu = fin["county_fin"], tree["orgs"]["T0002"], tree["employers"]["戊公司"]
    funds.ledger_entry_add(
        user=user, org=east, on=dt.date(2026, 3, 1), head="403", amount_fen=500_000, note="县总补助"
    )
    funds.ledger_entry_add(
        user=user, org=east, on=dt.date(2026, 5, 1), head="501", amount_fen=123_456, note="职工运动会"
    )
    with pytest.raises(ApplicationError):
        funds.ledger_entry_add(user=user, org=east, on=dt.date(2026, 5, 1), head="401", amount_fen=1)
    st = selectors.statement(east, 2026)
    assert (st["income_total"], st["spending_total"], st["balance"]) == (500_000, 123_456, 376_544)
    funds.funds_declare(user=user, employer=wu, period=dt.date(2026, 1, 1), payroll_fen=12_345_600)
    row = selectors.one_employer(wu, as_of=dt.date(2026, 4, 1))
    assert row is not None
    letter = pdfs.reminder_letter(
        row, issuer=tree["orgs"]["T0001"], on=dt.date(2026, 4, 1), letter_no="测试经催字〔2026〕1号"
    )
    statement = pdfs.yearly_statement(st, printed_on=dt.date(2026, 12, 31))
    assert letter.startswith(b"%PDF") and statement.startswith(b"%PDF")
    out = os.environ.get("FINANCE_PNG_DIR")
    if out:  # for looking at them: FINANCE_PNG_DIR=/tmp/x pytest …
        for name, body in (("letter", letter), ("statement", statement)):
            (tmp_path / f"{name}.pdf").write_bytes(body)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", str(tmp_path / f"{name}.pdf"), f"{out}/{name}"], check=True
            )
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=letter, capture_output=True, check=True
    ).stdout.decode()
    assert "戊公司" in text and "2,469.12" in text and "第四十四条" in text
