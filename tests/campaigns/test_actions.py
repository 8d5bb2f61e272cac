"""Campaign actions and live progress from the register (campaigns/actions.py, selectors.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gonghui.campaigns import actions, selectors
from gonghui.campaigns.models import Allocation, WorkGroup
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import AuditEntry
from tests.campaigns.conftest import END, START

pytestmark = pytest.mark.django_db
MID = dt.date(2026, 3, 31)  # 182 of 365 days: time progress 49.9%


def targets(campaign: Any, parent_code: str) -> dict[str, int]:
    return dict(
        Allocation.objects.filter(campaign=campaign, parent__org__code=parent_code).values_list(
            "org__code", "target"
        )
    )


# --- setting the target ---------------------------------------------------------------------


def test_baseline_from_the_register_and_the_larger_target_wins(
    register_story: Any, make_campaign: Any
) -> None:
    c = make_campaign()
    assert (c.baseline, c.baseline_on) == (7, dt.date(2025, 9, 30))  # the day before the start
    assert c.target_net == 5  # 7 × 50% = 3.5 → 4; net at least 5 → 5
    assert Allocation.objects.get(campaign=c, parent=None).target == 5
    migrant = make_campaign(measure="migrant_members", growth_rate=Decimal("100"), net_minimum=None)
    assert (migrant.baseline, migrant.target_net) == (5, 5)
    entry = AuditEntry.objects.get(action="campaign.create", object_id=str(c.pk))
    assert entry.changes["target_net"] == 5 and entry.username == "county_admin"


def test_seed_000_numbers_with_an_entered_baseline(tree: Any, make_campaign: Any) -> None:
    c = make_campaign(name="农民工集中入会行动", measure="migrant_members", baseline_source="entered", baseline=11_477,
                      growth_rate=Decimal("52"), net_minimum=6_000)  # fmt: skip
    assert (c.baseline, c.target_net) == (11_477, 6_000)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"growth_rate": None, "net_minimum": None}, "target_required"),
        ({"ends_on": START}, "period"),
        ({"baseline_on": dt.date(2025, 10, 2)}, "baseline_on"),
        ({"baseline_source": "entered"}, "required"),
        ({"growth_rate": Decimal("-1")}, "growth_rate"),
        ({"name": "  "}, "required"),
        ({"measure": "nonsense"}, "invalid"),
        ({"behind_margin": Decimal("101")}, "behind_margin"),
    ],
)
def test_bad_terms_are_clear_errors(tree: Any, make_campaign: Any, kw: dict[str, Any], code: str) -> None:
    with pytest.raises(ApplicationError) as e:
        make_campaign(**kw)
    assert e.value.code == code


def test_a_base_union_cannot_lead(tree: Any, make_campaign: Any) -> None:
    with pytest.raises(ApplicationError, match="基层工会不能再分解"):
        make_campaign("T0003")


# --- splitting down the tree ------------------------------------------------------------------


def test_split_by_baseline_equal_and_by_hand(register_story: Any, make_campaign: Any) -> None:
    c = make_campaign(net_minimum=70)
    county, east = register_story["orgs"]["T0001"], register_story["orgs"]["T0002"]
    actions.campaign_allocate(user=None, campaign=c, org=county, method="baseline")
    assert targets(c, "T0001") == {"T0002": 40, "T0005": 20, "T0007": 10}  # baselines 4 : 2 : 1
    actions.campaign_allocate(user=None, campaign=c, org=county, method="equal")
    assert targets(c, "T0001") == {"T0002": 24, "T0005": 23, "T0007": 23}
    with pytest.raises(ApplicationError) as e:
        actions.campaign_allocate(
            user=None, campaign=c, org=county, method="manual", manual={"T0002": 50, "T0005": 10, "T0007": 9}
        )
    assert e.value.code == "sum_mismatch" and "相差 -1" in e.value.message
    with pytest.raises(ApplicationError, match="不是本单位的直接下级"):
        actions.campaign_allocate(user=None, campaign=c, org=county, method="manual", manual={"T0003": 70})
    actions.campaign_allocate(
        user=None, campaign=c, org=county, method="manual", manual={"T0002": 50, "T0005": 10, "T0007": 10}
    )
    assert targets(c, "T0001") == {"T0002": 50, "T0005": 10, "T0007": 10}
    # the township splits its own share further
    actions.campaign_allocate(user=None, campaign=c, org=east, method="baseline")
    assert targets(c, "T0002") == {"T0003": 50, "T0004": 0}
    with pytest.raises(ApplicationError, match="没有下级工会"):
        actions.campaign_allocate(user=None, campaign=c, org=register_story["orgs"]["T0003"], method="equal")
    with pytest.raises(ApplicationError, match="还没有分得任务"):
        actions.campaign_allocate(user=None, campaign=make_campaign(net_minimum=3), org=east, method="equal")
    log = AuditEntry.objects.filter(action="campaign.allocate").order_by("id")
    assert log.count() == 4
    assert log.last().changes["targets"] == {"T0003": [None, 50], "T0004": [None, 0]}


def test_split_by_potential_from_the_survey(tree: Any, make_campaign: Any) -> None:
    """Potential = migrant workers not yet members (employer survey)."""
    from gonghui.orgs.models import Employer

    Employer.objects.update(migrant_members=0)
    c = make_campaign(measure="migrant_members", baseline_source="entered", baseline=100, net_minimum=100)
    actions.campaign_allocate(user=None, campaign=c, org=tree["orgs"]["T0001"], method="potential")
    # migrant workers (employees // 2): east 60+4+15 = 79, west 30+150 = 180, education 45
    assert targets(c, "T0001") == {"T0002": 26, "T0005": 59, "T0007": 15}
    pots = selectors.potentials_of(
        "migrant_members", [tree["orgs"]["T0003"], tree["orgs"]["T0004"]], tree["orgs"]["T0002"]
    )
    assert pots == {tree["orgs"]["T0003"].pk: 60, tree["orgs"]["T0004"].pk: 19}  # by the union covering them


def test_no_weights_is_a_clear_error(tree: Any, make_campaign: Any) -> None:
    c = make_campaign(baseline_source="entered", baseline=10, net_minimum=3)
    with pytest.raises(ApplicationError) as e:
        actions.campaign_allocate(user=None, campaign=c, org=tree["orgs"]["T0001"], method="baseline")
    assert e.value.code == "no_weights"


def test_a_new_target_flows_down_every_split(register_story: Any, make_campaign: Any) -> None:
    c = make_campaign(net_minimum=70, split_method="baseline")
    actions.campaign_allocate(user=None, campaign=c, org=register_story["orgs"]["T0002"], method="equal")
    assert targets(c, "T0002") == {"T0003": 20, "T0004": 20}
    actions.campaign_update(user=None, campaign=c, net_minimum=141)
    assert targets(c, "T0001") == {"T0002": 81, "T0005": 40, "T0007": 20}  # 80.57 / 40.29 / 20.14
    assert targets(c, "T0002") == {"T0003": 41, "T0004": 40}
    assert AuditEntry.objects.filter(action="campaign.update").get().changes["target_net"] == [70, 141]


def test_recount_the_baseline_only_when_its_date_changes(
    register_story: Any, make_campaign: Any, join: Any
) -> None:
    c = make_campaign()
    join("T0003", dt.date(2025, 9, 1))  # entered late, dated before the baseline day
    actions.campaign_update(user=None, campaign=c, name="改名")
    c.refresh_from_db()
    assert c.baseline == 7
    actions.campaign_update(user=None, campaign=c, baseline_on=dt.date(2025, 9, 30) - dt.timedelta(days=1))
    c.refresh_from_db()
    assert c.baseline == 8


# --- progress from the register ----------------------------------------------------------------


def test_progress_is_net_growth_from_the_register(register_story: Any, make_campaign: Any) -> None:
    c = make_campaign(net_minimum=10, split_method="equal")
    actions.campaign_allocate(user=None, campaign=c, org=register_story["orgs"]["T0002"], method="equal")
    b = selectors.board(c, on=MID)
    assert (b.root.target, b.root.done) == (10, 5)  # +3 +2 +1 +1(transfer in) −1(left) −1(transfer out)
    assert b.time_pct == 49.9
    done = {u.org.code: u.done for u in b.children}
    assert done == {"T0002": 4, "T0005": 2, "T0007": -1}
    assert {p: u.done for p, u in b.units.items() if u.org.code in ("T0003", "T0004")} == {
        register_story["orgs"]["T0003"].path: 2, register_story["orgs"]["T0004"].path: 2}  # fmt: skip
    assert (b.root.joins, b.root.complete, b.root.realname_pct) == (
        6,
        5,
        83.3,
    )  # one new member without a phone
    # targets 4 / 3 / 3: east 100%, west 66.7%, education −33%: behind
    assert [(u.org.code, u.rank, u.behind) for u in b.children] == [
        ("T0002", 1, False),
        ("T0005", 2, False),
        ("T0007", 3, True),
    ]
    at_start = selectors.board(c, on=dt.date(2025, 9, 1))
    assert (at_start.root.done, at_start.time_pct, at_start.behind) == (0, 0.0, [])


def test_migrant_real_name_and_unions_measures(register_story: Any, make_campaign: Any) -> None:
    from gonghui.orgs.models import Org

    migrant = selectors.board(make_campaign(measure="migrant_members"), on=END)
    assert migrant.root.done == 3 and {u.org.code: u.done for u in migrant.children} == {
        "T0002": 2,
        "T0005": 1,
        "T0007": 0,
    }
    real = selectors.board(make_campaign(measure="real_name"), on=END)
    assert real.root.done == 5
    from gonghui.orgs.actions import org_update

    admin = register_story["users"]["county_admin"]
    org_update(user=admin, org=Org.objects.get(code="T0004"), founded_on=dt.date(2025, 12, 1))
    for code in ("T0003", "T0006", "T0008"):
        org_update(user=admin, org=Org.objects.get(code=code), founded_on=dt.date(2010, 1, 1))
    unions = make_campaign(measure="unions", growth_rate=None, net_minimum=2)
    assert unions.baseline == 3
    b = selectors.board(unions, on=END)
    assert b.root.done == 1 and b.root.pct == 50.0 and b.time_pct == 100.0 and b.root.behind


def test_the_daily_trend(register_story: Any, make_campaign: Any) -> None:
    c = make_campaign(net_minimum=10)
    t = selectors.trend(c, register_story["orgs"]["T0001"], on=MID)
    assert t["dates"][0] == "2025-10-01" and t["dates"][-1] == "2026-03-31" and len(t["dates"]) == 182
    by_day = dict(zip(t["dates"], t["done"], strict=True))
    assert (by_day["2025-11-09"], by_day["2025-11-10"], by_day["2026-01-15"], by_day["2026-03-31"]) == (
        0,
        3,
        2,
        5,
    )
    assert t["plan"][-1] == round(10 * 182 / 365, 1)


def test_work_groups_own_units_once(register_story: Any, make_campaign: Any) -> None:
    orgs = register_story["orgs"]
    c = make_campaign(net_minimum=10, split_method="equal")
    g1 = actions.workgroup_save(
        user=None, campaign=c, name="第一工作组", leader="王某", units=[orgs["T0002"], orgs["T0007"]]
    )
    actions.workgroup_save(user=None, campaign=c, name="第二工作组", leader="张某", units=[orgs["T0005"]])
    with pytest.raises(ConflictError, match="已由“第一工作组”负责"):
        actions.workgroup_save(user=None, campaign=c, name="第三工作组", leader="刘某", units=[orgs["T0007"]])
    with pytest.raises(ApplicationError, match="不是本次行动的下级单位"):
        actions.workgroup_save(user=None, campaign=c, name="第三工作组", leader="刘某", units=[orgs["T0001"]])
    actions.workgroup_save(
        user=None, campaign=c, group=g1, name="第一工作组", leader="王某某", units=[orgs["T0002"]]
    )
    b = selectors.board(c, on=MID)
    groups = {g.group.name: (g.target, g.done, [u.org.code for u in g.units]) for g in b.groups}
    assert groups == {"第一工作组": (4, 4, ["T0002"]), "第二工作组": (3, 2, ["T0005"])}
    assert WorkGroup.objects.get(pk=g1.pk).leader == "王某某"


def test_supervision_notes(register_story: Any, make_campaign: Any) -> None:
    orgs = register_story["orgs"]
    c = make_campaign()
    n = actions.note_create(user=None, campaign=c, org=orgs["T0003"], on=dt.date(2026, 1, 5), findings="申请书代填",
                            follow_up="本人重填", due_on=dt.date(2026, 1, 20))  # fmt: skip
    with pytest.raises(ApplicationError, match="不能早于检查日期"):
        actions.note_complete(user=None, note=n, done_on=dt.date(2026, 1, 1))
    actions.note_complete(user=None, note=n, done_on=dt.date(2026, 1, 18), result="已重填")
    with pytest.raises(ApplicationError, match="已标记"):
        actions.note_complete(user=None, note=n, done_on=dt.date(2026, 1, 18))
    other = make_campaign("T0005")
    with pytest.raises(ApplicationError, match="不是本次行动的单位"):
        actions.note_create(
            user=None, campaign=other, org=orgs["T0003"], on=dt.date(2026, 1, 5), findings="x"
        )
    with pytest.raises(ApplicationError, match="不能晚于今天"):
        actions.note_create(user=None, campaign=c, org=orgs["T0003"], on=dt.date(2999, 1, 5), findings="x")
    assert list(AuditEntry.objects.filter(action__startswith="campaign.note").values_list("action", flat=True).order_by("id")) == [
        "campaign.note_create", "campaign.note_done"]  # fmt: skip


def test_home_page_behind_list(register_story: Any, make_campaign: Any) -> None:
    c = make_campaign(net_minimum=100, split_method="equal", ends_on=dt.date(2030, 9, 30), behind_margin=0)
    users = register_story["users"]
    # time 182/1826 = 9.97%; county 5/100, west 2/33, education −1/33 behind; east 4/34 = 11.8% ahead
    county = selectors.behind_for(users["county_admin"], on=MID)
    # one level below the county, furthest behind first (issue 18)
    assert [u.org.code for u in county[0]["units"]] == ["T0007", "T0005"] and county[0]["campaign"] == c
    assert selectors.behind_for(users["east_admin"], on=MID) == []  # its own part is ahead of time
    assert [u.org.code for u in selectors.behind_for(users["west_admin"], on=MID)[0]["units"]] == ["T0005"]
    assert selectors.behind_for(users["county_admin"], on=dt.date(2025, 9, 1)) == []  # not running yet


def test_a_subtree_move_carries_its_campaign_rows(register_story: Any, make_campaign: Any) -> None:
    from gonghui.orgs.actions import org_move

    orgs = register_story["orgs"]
    c = make_campaign(net_minimum=10, split_method="equal")
    actions.note_create(user=None, campaign=c, org=orgs["T0004"], on=dt.date(2026, 1, 5), findings="x")
    actions.campaign_allocate(user=None, campaign=c, org=orgs["T0002"], method="equal")
    moved = org_move(user=None, org=orgs["T0004"], new_parent=orgs["T0005"])
    assert Allocation.objects.get(campaign=c, org=moved).org_path == moved.path
    assert c.notes.get().org_path == moved.path
