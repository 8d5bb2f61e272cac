"""Workers' congress sessions, proposals and 厂务公开; union groups and the member page; activities."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gonghui.core.errors import ApplicationError
from gonghui.worklife import actions_activities, actions_groups, selectors
from gonghui.worklife import actions_congress as congress
from gonghui.worklife.models import ProposalStatus
from tests.care.conftest import new_id

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def member(tree: dict[str, Any]) -> Any:
    """member("T0003", name=...) → a current Membership, through members.actions."""
    from gonghui.members import actions

    def _member(org_code: str, *, name: str) -> Any:
        return actions.member_register(user=tree["users"]["county_admin"], org=tree["orgs"][org_code], joined_on=D(2015, 5, 1),
                                       name=name, id_number=new_id(), hukou_type="nonagri", is_migrant=False)  # fmt: skip

    return _member


def test_session_proposal_and_the_employers_that_held_one(tree: dict[str, Any]) -> None:
    clerk, emps = tree["users"]["east_clerk"], tree["employers"]
    s = congress.session_record(user=clerk, org=tree["orgs"]["T0003"], employers=[emps["甲公司"]], term_no=3, session_no=2,
                                held_on=D(2026, 3, 1), employees=120, delegates=30, frontline_delegates=10,
                                women_delegates=9, attended=28, agenda=["审议集体合同草案", "", "厂务公开报告"])  # fmt: skip
    assert [a.title for a in s.agenda.all()] == ["审议集体合同草案", "厂务公开报告"]
    assert any("一线职工代表 10 名" in x for x in selectors.session_shares(s))  # below one half
    assert selectors.congress_held(emps["甲公司"], 2026) and not selectors.congress_held(emps["甲公司"], 2025)
    missing = selectors.employers_without_congress(tree["users"]["east_admin"], 2026)
    assert set(missing.values_list("name", flat=True)) == {"乙店", "丙店"}
    with pytest.raises(ApplicationError) as e:
        congress.session_record(user=clerk, org=tree["orgs"]["T0003"], term_no=3, session_no=2, held_on=D(2026, 3, 2),
                                delegates=30)  # fmt: skip
    assert e.value.code == "session_exists"
    with pytest.raises(ApplicationError) as e:
        congress.session_record(user=clerk, org=tree["orgs"]["T0003"], term_no=3, session_no=3, held_on=D(2026, 3, 2),
                                delegates=30, women_delegates=31)  # fmt: skip
    assert e.value.details == {"field": "women_delegates"}
    p = congress.proposal_add(user=clerk, session=s, author="王五等 3 名代表", subject="改善职工食堂")
    p2 = congress.proposal_add(user=clerk, session=s, author="赵六", subject="增设母婴室", handling="行政部")
    assert (p.number, p.status, p2.number, p2.status) == (
        1,
        ProposalStatus.REGISTERED,
        2,
        ProposalStatus.HANDLING,
    )
    with pytest.raises(ApplicationError) as e:
        congress.proposal_handle(user=clerk, proposal=p, close=True)
    assert e.value.code == "answer_required"
    p = congress.proposal_handle(user=clerk, proposal=p, handling="后勤部", answer="已更换供餐单位", answered_on=D(2026, 4, 1),
                                 close=True, closed_on=D(2026, 4, 2))  # fmt: skip
    assert p.closed and p.handling == "后勤部"
    d = congress.disclosure_add(user=clerk, org=tree["orgs"]["T0003"], subject="2025 年度工资总额", disclosed_on=D(2026, 3, 1),
                                form="congress", employer=emps["甲公司"], session=s)  # fmt: skip
    assert list(s.disclosures.all()) == [d]


def test_union_group_members_leader_and_member_page(tree: dict[str, Any], member: Any, client: Any) -> None:
    clerk = tree["users"]["a_clerk"]
    with pytest.raises(ApplicationError) as e:
        actions_groups.group_create(
            user=clerk, org=tree["orgs"]["T0002"], name="一组"
        )  # a township is no base union
    assert e.value.code == "org_kind"
    g1 = actions_groups.group_create(user=clerk, org=tree["orgs"]["T0003"], name="装配车间组")
    g2 = actions_groups.group_create(user=clerk, org=tree["orgs"]["T0003"], name="仓储组")
    a, b = member("T0003", name="周一"), member("T0003", name="吴二")
    other = member("T0004", name="郑三")
    assert actions_groups.group_assign(user=clerk, group=g1, memberships=[a, b]) == 2
    with pytest.raises(ApplicationError):
        actions_groups.group_assign(user=clerk, group=g1, memberships=[other])
    with pytest.raises(ApplicationError):
        actions_groups.group_set_leader(user=clerk, group=g2, membership=a)  # not in 仓储组
    actions_groups.group_set_leader(user=clerk, group=g1, membership=a)
    actions_groups.group_assign(
        user=clerk, group=g2, memberships=[a]
    )  # moves, and leaves 装配车间组 leaderless
    g1.refresh_from_db()
    assert g1.leader_id is None and a.union_group.group == g2
    client.force_login(tree["users"]["east_admin"])
    page = client.get(f"/members/{a.pk}/").content.decode()
    assert "仓储组" in page


def test_activity_with_named_members(tree: dict[str, Any], member: Any) -> None:
    clerk = tree["users"]["east_clerk"]
    a = member("T0003", name="周一")
    act = actions_activities.activity_record(user=clerk, org=tree["orgs"]["T0003"], kind="competition", held_on=D(2026, 5, 1),
                                             title="焊工技能比武", participants=1, result="一等奖 2 名", persons=[a.person],
                                             )  # fmt: skip
    assert act.participants == 1 and list(act.named.values_list("person__name", flat=True)) == ["周一"]
    with pytest.raises(ApplicationError) as e:
        actions_activities.activity_record(user=clerk, org=tree["orgs"]["T0003"], kind="culture", held_on=D(2026, 5, 1),
                                           title="x", home_status="county")  # fmt: skip
    assert e.value.code == "home_status"
    with pytest.raises(ApplicationError):
        actions_activities.activity_record(
            user=clerk, org=tree["orgs"]["T0003"], kind="nonsense", held_on=D(2026, 5, 1), title="x"
        )
