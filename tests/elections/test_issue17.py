"""Issue 17's rules through the actions, and issue 12's findings in this area (now refused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core import access
from gonghui.core.errors import ApplicationError
from gonghui.elections import actions, formation, selectors
from gonghui.elections.models import ElectionStatus, TermRequest
from gonghui.members.models import Membership, MembershipStatus, Transfer, TransferStatus
from gonghui.orgs.models import Org
from tests.elections.conftest import add_members, new_id
from tests.elections.test_elections import TODAY, nominate, open_vote, setup, vote
from tests.elections.test_formation import fill, start

pytestmark = pytest.mark.django_db


def approved_union(tree: dict[str, Any], founded: dt.date) -> Org:
    f = start(tree)
    fill(tree, f, 30)
    formation.formation_submit(user=tree["users"]["west_admin"], formation=f)
    f = formation.formation_approve(user=tree["users"]["county_admin"], formation=f, founded_on=founded)
    return Org.objects.get(pk=f.org_id)


def test_formation_then_founding_election_is_the_first_term(tree: dict[str, Any]) -> None:
    org = approved_union(tree, TODAY)
    assert (org.term_number, org.term_end, org.chair_name) == (None, None, "")
    admin = tree["users"]["west_admin"]
    e = actions.election_create(user=admin, org=org, meeting_date=TODAY)
    assert (e.term_number, e.founding, e.early) == (1, True, False)
    assert not TermRequest.objects.filter(org=org).exists()  # no early-election approval needed
    ms = list(Membership.objects.filter(org=org).order_by("pk"))
    actions.election_set_posts(user=admin, election=e, seats={"committee": 3, "chair": 1, "audit": 3})
    for post, group in (("committee", ms[:4]), ("chair", ms[:1]), ("audit", ms[10:13])):
        for m in group:
            actions.candidate_add(user=admin, election=e, post=post, member_no=m.member_no)
    actions.election_update(user=admin, election=e, present=28, publicity_start=TODAY - dt.timedelta(days=7))
    e = actions.election_start_voting(user=admin, election=e)
    for post, votes in (("committee", [27, 26, 25, 2]), ("chair", [27]), ("audit", [20, 20, 20])):
        rnd = actions.open_round(e.posts.get(kind=post))
        cands = sorted(rnd.candidates.all(), key=lambda c: c.pk)
        actions.round_record(user=admin, election=e, post=post, ballots=28, votes={c.pk: v for c, v in zip(cands, votes, strict=True)})  # fmt: skip
    actions.election_submit(user=admin, election=e)
    actions.election_decide(user=tree["users"]["county_admin"], election=e, approve=True)
    org.refresh_from_db()
    assert org.term_number == 1 and org.term_start == TODAY and org.chair_name == ms[0].person.name


@pytest.mark.parametrize(("days", "listed"), [(89, False), (90, False), (91, True)])
def test_a_founding_union_without_an_election_is_overdue_after_90_days(
    tree: dict[str, Any], days: int, listed: bool
) -> None:
    org = approved_union(tree, TODAY - dt.timedelta(days=days))
    qs = selectors.term_filter(Org.objects.all(), today=TODAY, overdue=True)
    assert (org.pk in set(qs.values_list("pk", flat=True))) is listed
    row = selectors.term_row(org, today=TODAY, due_days=90)
    assert row["status"] == ("overdue" if listed else "founding")


def _tallied(tree: dict[str, Any], members: Any, **kw: Any) -> tuple[Any, list[Any]]:
    e, ms = setup(tree, members, 30, seats={"committee": 3, "chair": 1, "vice_chair": 1, "audit": 3})
    nominate(tree, e, "committee", ms[:4], **kw)
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "vice_chair", ms[1:2])
    return e, ms


def test_audit_committee_overlap_is_refused(tree: dict[str, Any], members: Any) -> None:
    e, ms = _tallied(tree, members)
    nominate(tree, e, "audit", [ms[1], ms[10], ms[11]])  # the vice-chair candidate also stands for 经审会
    e = open_vote(tree, e, present=28)
    vote(tree, e, "committee", [27, 26, 25, 2])
    vote(tree, e, "chair", [27])
    vote(tree, e, "vice_chair", [26])
    vote(tree, e, "audit", [20, 20, 20])
    with pytest.raises(ApplicationError) as err:
        actions.election_submit(user=tree["users"]["east_admin"], election=e)
    assert (
        err.value.code == "audit_overlap"
        and "当选副主席，不能同时担任经费审查委员会委员" in err.value.message
    )


def test_finance_officer_may_not_sit_on_the_audit_committee(tree: dict[str, Any], members: Any) -> None:
    e, ms = setup(tree, members, 30, seats={"committee": 3, "chair": 1, "audit": 3})
    nominate(tree, e, "committee", ms[:3])
    actions.candidate_add(
        user=tree["users"]["east_admin"],
        election=e,
        post="committee",
        member_no=ms[3].member_no,
        finance_officer=True,
    )
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "audit", [ms[3], ms[10], ms[11]])
    e = open_vote(tree, e, present=28)
    vote(tree, e, "committee", [27, 2, 25, 26])
    vote(tree, e, "chair", [27])
    vote(tree, e, "audit", [20, 20, 20])
    with pytest.raises(ApplicationError, match="分管经费工作的委员"):
        actions.election_submit(user=tree["users"]["east_admin"], election=e)


def test_results_without_the_audit_committee_cannot_be_approved(tree: dict[str, Any], members: Any) -> None:
    e, ms = setup(tree, members, 30, seats={"committee": 3, "chair": 1, "audit": 0})
    nominate(tree, e, "committee", ms[:4])
    nominate(tree, e, "chair", ms[:1])
    assert "audit_missing" in {p.code for p in actions.problems(e)}
    e = open_vote(tree, e, present=28)
    vote(tree, e, "committee", [27, 26, 25, 2])
    vote(tree, e, "chair", [27])
    with pytest.raises(ApplicationError) as err:
        actions.election_submit(user=tree["users"]["east_admin"], election=e)
    assert err.value.code == "audit_missing"


@pytest.mark.parametrize(("female", "committee_required"), [(9, False), (10, True), (11, True)])
def test_women_committee_from_ten_female_members(
    tree: dict[str, Any], female: int, committee_required: bool
) -> None:
    from gonghui.members.models import Person

    org = tree["orgs"]["T0003"]
    ms = add_members(org, female + 3)
    Person.objects.filter(memberships__in=ms[:female]).update(gender="F")
    Person.objects.filter(memberships__in=ms[female:]).update(gender="M")
    assert actions.female_members(org) == female
    missing = set(actions.unions_missing_women_committee(Org.objects.all()).values_list("code", flat=True))
    assert ("T0003" in missing) is committee_required
    admin = tree["users"]["east_admin"]
    kw = {"formed_by": "consultation", "nominated_on": TODAY, "formed_on": TODAY, "chair_name": "女主任"}
    if committee_required:
        with pytest.raises(ApplicationError) as err:
            actions.women_committee_record(user=admin, org=org, form="member", **kw)
        assert err.value.code == "women_committee_required"
        actions.women_committee_record(user=admin, org=org, form="committee", member_names=["甲", "乙"], **kw)
        assert "T0003" not in set(
            actions.unions_missing_women_committee(Org.objects.all()).values_list("code", flat=True)
        )
    else:
        w = actions.women_committee_record(user=admin, org=org, form="member", **kw)
        assert w.form == "member"


def test_women_committee_chair_approved_with_the_results(tree: dict[str, Any], members: Any) -> None:
    e, ms = setup(tree, members, 30, seats={"committee": 3, "chair": 1, "audit": 3})
    w = actions.women_committee_record(user=tree["users"]["east_admin"], org=e.org, form="committee", formed_by="assembly",
                                       nominated_on=TODAY, formed_on=TODAY, chair_name="女委员")  # fmt: skip
    assert w.election_id == e.pk
    nominate(tree, e, "committee", ms[:4])
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "audit", ms[10:13])
    e = open_vote(tree, e, present=28)
    vote(tree, e, "committee", [27, 26, 25, 2])
    vote(tree, e, "chair", [27])
    vote(tree, e, "audit", [20, 20, 20])
    actions.election_submit(user=tree["users"]["east_admin"], election=e)
    actions.election_decide(user=tree["users"]["east_reviewer"], election=e, approve=True)
    w.refresh_from_db()
    assert w.approved is True


def test_a_committee_plenary_elects_the_chair(tree: dict[str, Any], members: Any) -> None:
    """章程 art. 27: the new committee (应到 = 5 elected) elects the chair with its own quorum and majority."""
    e, ms = setup(tree, members, 40, seats={"committee": 5, "chair": 1, "audit": 3}, leads_by="committee")
    nominate(tree, e, "committee", ms[:6])
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "audit", ms[10:13])
    e = open_vote(tree, e, present=35)
    with pytest.raises(ApplicationError, match="请先完成委员会委员的选举"):
        vote(tree, e, "chair", [3], ballots=4)
    vote(tree, e, "committee", [34, 33, 32, 31, 30, 2], ballots=35)
    with pytest.raises(ApplicationError, match="全体会议的实到人数"):
        vote(tree, e, "chair", [3], ballots=4)
    with pytest.raises(ApplicationError):
        actions.election_plenary(user=tree["users"]["east_admin"], election=e, present=6)  # only 5 elected
    actions.election_plenary(user=tree["users"]["east_admin"], election=e, present=3)  # 3 of 5 < 2/3
    with pytest.raises(ApplicationError) as err:
        vote(tree, e, "chair", [3], ballots=3)
    assert err.value.code == "quorum" and "委员会全体会议" in err.value.message
    actions.election_plenary(user=tree["users"]["east_admin"], election=e, present=4)  # 4 of 5 reaches 2/3
    rnd = vote(tree, e, "chair", [3], ballots=4)
    assert rnd.needed == 3  # over half of the 5 due, not of the 40 members
    assert e.posts.get(kind="chair").candidates.get().elected
    vote(tree, e, "audit", [30, 30, 30], ballots=35)
    e = actions.election_submit(user=tree["users"]["east_admin"], election=e)
    assert e.status == ElectionStatus.SUBMITTED


@pytest.mark.parametrize("bar", ["admin_head", "partner", "hr_head", "foreign", "principal_relative"])
def test_barred_enterprise_chair_candidates(tree: dict[str, Any], members: Any, bar: str) -> None:
    e, ms = setup(tree, members, 30, seats={"committee": 3, "chair": 1, "audit": 3})
    nominate(tree, e, "committee", ms[:4])
    actions.candidate_add(
        user=tree["users"]["east_admin"], election=e, post="chair", member_no=ms[0].member_no, chair_bar=bar
    )
    nominate(tree, e, "audit", ms[10:13])
    with pytest.raises(ApplicationError, match="不得作为企业工会主席候选人"):
        open_vote(tree, e, present=28)


# --- issue 12, finding 1: a cross-scope write through the formation roster -----------------------


def test_a_foreign_member_on_a_roster_is_asked_for_never_moved(tree: dict[str, Any]) -> None:
    from gonghui.core import pii
    from gonghui.members.actions import ID_CONTEXT

    victim = add_members(tree["orgs"]["T0003"], 1, names=["石强"])[0]  # 东镇's member
    number = pii.decrypt(victim.person.id_cipher, context=ID_CONTEXT)
    west = tree["users"]["west_admin"]  # 西镇's admin: 东镇 is outside its scope
    f = formation.formation_create(
        user=west, parent=tree["orgs"]["T0005"], name="西镇测试筹备", kind="new_employment", form="organiser"
    )
    entry = formation.roster_add(user=west, formation=f, name="石强", id_number=number)
    assert entry.membership_id is None and entry.source == "applicant"
    formation.formation_submit(user=west, formation=f)
    f = formation.formation_approve(user=west, formation=f)  # 西镇 approves its own formation
    victim.refresh_from_db()
    assert victim.status == MembershipStatus.ACTIVE and victim.org.code == "T0003"  # not moved
    t = Transfer.objects.get(from_membership=victim)
    assert t.status == TransferStatus.PENDING and t.to_org_id == f.org_id  # 东镇 answers it
    assert not access.in_scope(west, victim.org_path)  # so no reveal of the person's ID or phone


def _roster_answer(
    client: Any, token: dict[str, str], fid: int, name: str, number: str
) -> tuple[int, dict[str, Any]]:
    r = client.post(f"/api/v1/formations/{fid}/roster", {"name": name, "id_number": number},
                    content_type="application/json", **token)  # fmt: skip
    body = r.json()
    entry = {k: v for k, v in body.items() if k not in ("id",)} if r.status_code != 201 else None
    return r.status_code, entry or {"members": body["members"], "problems": [p["code"] for p in body["problems"]],
                                    "sources": sorted({e["source"] for e in client.get(f"/api/v1/formations/{fid}/roster",
                                                       **token).json()})}  # fmt: skip


def test_roster_answers_the_same_for_a_members_and_a_strangers_id(
    client: Any, tree: dict[str, Any], api_token: Any
) -> None:
    from gonghui.core import pii
    from gonghui.members.actions import ID_CONTEXT

    victim = add_members(tree["orgs"]["T0003"], 1, names=["石强"])[0]
    member_number = pii.decrypt(victim.person.id_cipher, context=ID_CONTEXT)
    token = api_token("west_admin")
    answers = []
    for name, number in (("石强", member_number), ("张三", member_number), ("石强", new_id())):
        f = formation.formation_create(user=tree["users"]["west_admin"], parent=tree["orgs"]["T0005"],
                                       name=f"筹备{len(answers)}", kind="new_employment", form="organiser")  # fmt: skip
        answers.append(_roster_answer(client, token, f.pk, name, number))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 201 and answers[0][1]["sources"] == ["applicant"]


# --- issue 12: list endpoints and pages run a fixed number of queries ----------------------------


def _elections(tree: dict[str, Any], members: Any, n: int) -> None:
    codes = ["T0003", "T0004", "T0006", "T0008"][:n]
    for code in codes:
        org = tree["orgs"][code]
        ms = add_members(org, 30)
        Org.objects.filter(pk=org.pk).update(
            term_number=1, term_start=TODAY - dt.timedelta(days=1800), term_end=TODAY + dt.timedelta(days=10)
        )
        e = actions.election_create(
            user=tree["users"]["county_admin"], org=Org.objects.get(pk=org.pk), meeting_date=TODAY
        )
        for m in ms[:4]:
            actions.candidate_add(
                user=tree["users"]["county_admin"], election=e, post="committee", member_no=m.member_no
            )


@pytest.mark.parametrize("url", ["/api/v1/elections", "/api/v1/formations", "/api/v1/terms", "/api/v1/term-requests",
                                 "/api/v1/notifications", "/api/v1/women-committees/missing"])  # fmt: skip
def test_api_lists_keep_a_fixed_query_count(
    client: Any, tree: dict[str, Any], members: Any, api_token: Any, url: str
) -> None:
    token = api_token("county_admin")
    client.get(url, **token)  # the token's first use writes its last-used time once
    counts = []
    for n in (1, 3):
        _elections(tree, members, n) if n == 1 else _elections_more(tree)
        for code in ("T0005", "T0002"):
            f = formation.formation_create(
                user=tree["users"]["county_admin"], parent=tree["orgs"][code], name=f"筹备{n}{code}"
            )
            formation.roster_add(
                user=tree["users"]["county_admin"], formation=f, name="甲", id_number=new_id()
            )
        with CaptureQueriesContext(connection) as q:
            r = client.get(url, **token)
        assert r.status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1], counts


def _elections_more(tree: dict[str, Any]) -> None:
    for code in ("T0004", "T0006", "T0008"):
        org = tree["orgs"][code]
        ms = add_members(org, 30)
        Org.objects.filter(pk=org.pk).update(
            term_number=1, term_start=TODAY - dt.timedelta(days=1800), term_end=TODAY + dt.timedelta(days=10)
        )
        e = actions.election_create(
            user=tree["users"]["county_admin"], org=Org.objects.get(pk=org.pk), meeting_date=TODAY
        )
        for m in ms[:4]:
            actions.candidate_add(
                user=tree["users"]["county_admin"], election=e, post="committee", member_no=m.member_no
            )


@pytest.mark.parametrize("url", ["/elections/list/", "/elections/formations/", "/elections/terms/", "/elections/",
                                 "/elections/women-missing/", "/elections/notifications/"])  # fmt: skip
def test_pages_keep_a_fixed_query_count(login: Any, tree: dict[str, Any], members: Any, url: str) -> None:
    c = login("county_admin")
    c.get(url)  # warm: the first page after login stamps the session once (accounts.middleware)
    counts = []
    for n in (1, 3):
        _elections(tree, members, 1) if n == 1 else _elections_more(tree)
        with CaptureQueriesContext(connection) as q:
            r = c.get(url)
        assert r.status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1], counts
