"""Dues through the actions: wages, single and bulk payments, the arrears review list with its 教育
step, the guarded 自动退会, and the counters equal to a recount after each step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gonghui.core.errors import ApplicationError
from gonghui.finance import actions_dues as dues
from gonghui.finance import counters, selectors
from gonghui.finance.models import DuesPayment, DuesReview, LedgerEntry, ReviewOutcome
from gonghui.members.codes import Reason
from gonghui.members.models import MembershipEvent, MembershipStatus

pytestmark = pytest.mark.django_db


def test_bulk_month_pays_active_members_by_the_rule_and_skips_the_exempt(
    tree: Any, fin: Any, member: Any
) -> None:
    org, user = tree["orgs"]["T0003"], fin["east_fin"]
    a, b, c, d = (member(name=n) for n in ("甲", "乙", "丙", "丁"))
    dues.union_default_wage_set(user=user, org=org, wage_fen=250000)  # 2,500 yuan → 12.50
    dues.dues_wage_set(user=user, membership=a, wage_fen=300999)  # 3,009.99 → 15.00
    dues.dues_wage_set(user=user, membership=b, wage_fen=400000, exemption="hardship")
    from gonghui.members.actions.memberships import membership_retain

    membership_retain(
        user=tree["users"]["county_admin"], membership=c, on=dt.date(2026, 1, 2), reason=Reason.RETIRED
    )
    batch = dues.dues_pay_bulk(user=user, org=org, month=dt.date(2026, 1, 1), paid_on=dt.date(2026, 1, 25))
    assert (batch.members, batch.amount_fen) == (2, 1500 + 1250)
    assert set(DuesPayment.objects.values_list("membership_id", flat=True)) == {a.pk, d.pk}
    assert LedgerEntry.objects.get(org=org, head="401").amount_fen == 2750
    with pytest.raises(ApplicationError) as e:
        dues.dues_pay_bulk(user=user, org=org, month=dt.date(2026, 1, 9), paid_on=dt.date(2026, 1, 25))
    assert e.value.code == "already_paid"
    with pytest.raises(ApplicationError):
        dues.dues_pay(user=user, membership=a, month=dt.date(2026, 1, 1), paid_on=dt.date(2026, 2, 1))
    dues.dues_pay(user=user, membership=a, month=dt.date(2026, 2, 1), paid_on=dt.date(2026, 2, 20))
    fig = selectors.stats(tree["orgs"]["T0001"], 2026)["dues"]
    assert fig == {"members_paying": 2, "collected_this_year": 4250, "in_arrears_6m": 0}
    assert counters.verify() == []


def test_arrears_list_education_and_the_guarded_lapse(tree: Any, fin: Any, member: Any) -> None:
    user = fin["east_fin"]
    late = member(name="欠费者", joined_on=dt.date(2025, 1, 10))
    payer = member(name="按时者", joined_on=dt.date(2025, 1, 10))
    member(
        "T0004", name="无工资记录", joined_on=dt.date(2020, 1, 1)
    )  # a union keeping no dues here: never listed
    dues.dues_wage_set(user=user, membership=late, wage_fen=300000)
    dues.dues_wage_set(user=user, membership=payer, wage_fen=300000)
    dues.dues_pay(user=user, membership=late, month=dt.date(2025, 9, 1), paid_on=dt.date(2025, 9, 20))
    dues.dues_pay(user=user, membership=payer, month=dt.date(2026, 3, 1), paid_on=dt.date(2026, 3, 20))
    # on 1 March 2026 Oct–Feb are unpaid: five months, not yet on the list
    assert dues.dues_arrears_refresh(as_of=dt.date(2026, 3, 1))["flagged"] == 0
    # a month later Oct–Mar: six
    assert dues.dues_arrears_refresh(as_of=dt.date(2026, 4, 1))["flagged"] == 1
    listed = list(selectors.arrears_list(tree["orgs"]["T0001"].path))
    assert [a.membership_id for a in listed] == [late.pk] and listed[0].arrears_months == 6
    assert list(selectors.arrears_list(tree["orgs"]["T0005"].path)) == []  # another township's list
    assert selectors.stats(tree["orgs"]["T0002"], 2026)["dues"]["in_arrears_6m"] == 1
    # never automatic, and not without the 教育 step
    assert late.__class__.objects.get(pk=late.pk).status == MembershipStatus.ACTIVE
    with pytest.raises(ApplicationError) as e:
        dues.dues_review_end(user=user, membership=late, on=dt.date(2026, 4, 2))
    assert e.value.code == "not_educated"
    with pytest.raises(ApplicationError):
        dues.dues_review_educate(user=user, membership=payer, on=dt.date(2026, 4, 2), note="谈话")
    dues.dues_review_educate(
        user=user, membership=late, on=dt.date(2026, 4, 10), note="4月10日谈话，本人表示不再交纳会费"
    )
    with pytest.raises(ApplicationError) as e:
        dues.dues_review_end(user=user, membership=late, on=dt.date(2026, 4, 9))
    assert e.value.code == "date_order"
    m = dues.dues_review_end(user=user, membership=late, on=dt.date(2026, 5, 10))
    assert m.status == MembershipStatus.LEFT
    event = MembershipEvent.objects.filter(membership=late).latest("pk")
    assert (event.type, event.reason) == ("leave", Reason.LAPSED)
    assert DuesReview.objects.get(membership=late).outcome == ReviewOutcome.ENDED
    assert selectors.stats(tree["orgs"]["T0001"], 2026)["dues"]["in_arrears_6m"] == 0
    assert counters.verify() == []


def test_paying_after_education_takes_the_member_off_the_list(tree: Any, fin: Any, member: Any) -> None:
    user = fin["east_fin"]
    m = member(joined_on=dt.date(2025, 1, 10))
    dues.dues_wage_set(user=user, membership=m, wage_fen=200000)
    dues.dues_arrears_refresh(as_of=dt.date(2025, 9, 1))
    dues.dues_review_educate(user=user, membership=m, on=dt.date(2025, 9, 3), note="谈话")
    for month in range(1, 9):
        dues.dues_pay(user=user, membership=m, month=dt.date(2025, month, 1), paid_on=dt.date(2025, 9, 5))
    assert not m.dues.__class__.objects.get(membership=m).in_arrears
    assert DuesReview.objects.get(membership=m).outcome == ReviewOutcome.CORRECTED
    with pytest.raises(ApplicationError):
        dues.dues_review_end(user=user, membership=m, on=dt.date(2025, 9, 6))
    assert counters.verify() == []
