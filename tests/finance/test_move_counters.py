"""A subtree move keeps the other apps' subtree counters exact in the same transaction: the
working-life figures (worklife.LifeCounter) and the dues and funds figures (finance.FinanceCounter)
leave the old parent's chain and join the new one's, so `gonghui stats --verify` stays empty without
waiting for the nightly pass or --rebuild."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gonghui.finance import actions_dues as dues
from gonghui.finance import counters as finance_counters
from gonghui.finance.models import FinanceCounter
from gonghui.orgs import actions
from gonghui.orgs.models import Org, OrgKind
from gonghui.worklife import counters as life_counters
from gonghui.worklife.actions_activities import activity_record
from gonghui.worklife.models_idle import LifeCounter

pytestmark = pytest.mark.django_db


def test_moving_a_union_moves_its_worklife_and_finance_totals(tree: Any, fin: Any, member: Any) -> None:
    o = tree["orgs"]
    jia = o["T0003"]
    m = member("T0003", name="甲")
    dues.dues_wage_set(user=fin["east_fin"], membership=m, wage_fen=300000)
    dues.dues_pay(user=fin["east_fin"], membership=m, month=dt.date(2026, 1, 1), paid_on=dt.date(2026, 1, 20))
    today = dt.date.today()
    activity_record(user=None, org=jia, kind="culture", held_on=today, title="读书会")
    activity_record(user=None, org=jia, kind="culture", held_on=today, title="球赛")
    east = o["T0002"].path
    assert LifeCounter.objects.get(path=east).activities == 2
    assert FinanceCounter.objects.get(org_path=east, year=2026).collected_fen == 1500

    life_counters.refresh_all(today)  # every base union scored, as the nightly pass leaves them
    assert life_counters.verify() == [] and finance_counters.verify() == []
    park = actions.org_create(
        user=None, parent=o["T0001"], kind=OrgKind.PARK_UNION, name="园区工会", region_code="530326"
    )
    actions.org_move(user=None, org=jia, new_parent=park)
    park = Org.objects.get(pk=park.pk)

    assert LifeCounter.objects.get(path=east).activities == 0
    assert LifeCounter.objects.get(path=park.path).activities == 2
    assert LifeCounter.objects.get(path=o["T0001"].path).activities == 2  # the county keeps them
    assert FinanceCounter.objects.get(org_path=east, year=2026).collected_fen == 0
    assert FinanceCounter.objects.get(org_path=park.path, year=2026).collected_fen == 1500
    assert FinanceCounter.objects.get(org_path=o["T0001"].path, year=2026).collected_fen == 1500
    assert life_counters.verify() == []
    assert finance_counters.verify() == []
