"""换届选举 and 届次 through the actions: the meeting, posts, candidates, rounds, approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import AuditEntry
from gonghui.elections import actions, notify, rules
from gonghui.elections.models import (
    DocKind,
    Election,
    ElectionStatus,
    Notification,
    Round,
    TermRequestKind,
    TermRequestStatus,
)  # fmt: skip
from gonghui.members import roll
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def set_term(org: Org, end: dt.date, number: int = 1, years: int = 5) -> Org:
    Org.objects.filter(pk=org.pk).update(
        term_number=number, term_start=end.replace(year=end.year - years), term_end=end
    )
    return Org.objects.get(pk=org.pk)


def setup(
    tree: dict[str, Any], members: Any, n: int = 40, *, seats: dict[str, int] | None = None, **kw: Any
) -> tuple[Election, list[Any]]:
    ms = members("T0003", n)
    org = set_term(tree["orgs"]["T0003"], TODAY + dt.timedelta(days=30))
    e = actions.election_create(user=tree["users"]["east_admin"], org=org, meeting_date=TODAY, **kw)
    if seats:
        actions.election_set_posts(user=tree["users"]["east_admin"], election=e, seats=seats)
    return e, ms


def nominate(tree: dict[str, Any], e: Election, post: str, ms: list[Any], **kw: Any) -> list[Any]:
    return [
        actions.candidate_add(
            user=tree["users"]["east_admin"], election=e, post=post, member_no=m.member_no, **kw
        )
        for m in ms
    ]


def vote(tree: dict[str, Any], e: Election, post: str, votes: list[int], ballots: int | None = None) -> Round:
    rnd = actions.open_round(e.posts.get(kind=post))
    cands = sorted(rnd.candidates.all(), key=lambda c: c.pk)
    return actions.round_record(user=tree["users"]["east_admin"], election=e, post=post,
                                ballots=ballots if ballots is not None else e.present, votes={c.pk: v for c, v in zip(cands, votes, strict=True)})  # fmt: skip


def test_defaults_from_membership_size(tree: dict[str, Any], members: Any) -> None:
    e, _ms = setup(tree, members, 40)
    assert e.members == 40 and e.due == 40 and e.term_number == 2
    assert dict(e.posts.values_list("kind", "seats")) == {"committee": 3, "chair": 1, "audit": 3}
    with pytest.raises(ConflictError):
        actions.election_create(
            user=tree["users"]["east_admin"], org=tree["orgs"]["T0003"], meeting_date=TODAY
        )


@pytest.mark.parametrize(("n", "ok"), [(100, False), (101, True)])
def test_delegates_assembly_only_above_100_unless_approved(
    tree: dict[str, Any], members: Any, n: int, ok: bool
) -> None:
    members("T0003", n)
    org = set_term(tree["orgs"]["T0003"], TODAY + dt.timedelta(days=10))
    if ok:
        e = actions.election_create(
            user=tree["users"]["east_admin"], org=org, meeting_date=TODAY, meeting_type="delegates", due=60
        )
        assert e.meeting_type == "delegates"
        return
    with pytest.raises(ApplicationError) as err:
        actions.election_create(
            user=tree["users"]["east_admin"], org=org, meeting_type="delegates", meeting_date=TODAY, due=60
        )
    assert err.value.code == "general_meeting_required"
    req = actions.term_request_create(user=tree["users"]["east_admin"], org=org,
                                      kind=TermRequestKind.DELEGATES, reason="会员分散在多个厂区")  # fmt: skip
    actions.term_request_decide(user=tree["users"]["county_admin"], request=req, approve=True)
    e = actions.election_create(
        user=tree["users"]["east_admin"], org=org, meeting_date=TODAY, meeting_type="delegates", due=60
    )
    assert list(e.requests.all()) == [req]


def test_early_election_needs_the_upper_unions_approval(tree: dict[str, Any], members: Any) -> None:
    members("T0003", 30)
    org = set_term(tree["orgs"]["T0003"], TODAY + dt.timedelta(days=400))
    with pytest.raises(ApplicationError) as err:
        actions.election_create(user=tree["users"]["east_admin"], org=org, meeting_date=TODAY)
    assert err.value.code == "early_needs_approval"
    with pytest.raises(ApplicationError, match="无需批准"):
        actions.term_request_create(user=tree["users"]["east_admin"], org=org, kind=TermRequestKind.EARLY, reason="x",
                                    proposed_date=org.term_end - dt.timedelta(days=30))  # fmt: skip
    req = actions.term_request_create(
        user=tree["users"]["east_admin"],
        org=org,
        kind=TermRequestKind.EARLY,
        reason="企业改制",
        proposed_date=TODAY,
    )
    # the upper union (东镇) hears of it
    assert Notification.objects.filter(kind="term_request", recipient=tree["users"]["east_reviewer"]).exists()
    assert not Notification.objects.filter(
        kind="term_request", recipient=tree["users"]["west_admin"]
    ).exists()
    with pytest.raises(ApplicationError, match="理由"):
        actions.term_request_decide(user=tree["users"]["county_admin"], request=req, approve=False)
    actions.term_request_decide(user=tree["users"]["county_admin"], request=req, approve=True, reason="同意")
    e = actions.election_create(user=tree["users"]["east_admin"], org=org, meeting_date=TODAY)
    assert e.early is True


def test_postponement_moves_the_term_end(tree: dict[str, Any]) -> None:
    org = set_term(tree["orgs"]["T0003"], TODAY + dt.timedelta(days=20))
    with pytest.raises(ApplicationError, match="不超过 6 个月"):
        actions.term_request_create(user=tree["users"]["east_admin"], org=org, kind=TermRequestKind.POSTPONE, reason="生产旺季",
                                    proposed_date=org.term_end + dt.timedelta(days=200))  # fmt: skip
    new_end = org.term_end + dt.timedelta(days=120)
    req = actions.term_request_create(
        user=tree["users"]["east_admin"],
        org=org,
        kind=TermRequestKind.POSTPONE,
        reason="生产旺季",
        proposed_date=new_end,
    )
    with pytest.raises(ConflictError):
        actions.term_request_create(
            user=tree["users"]["east_admin"],
            org=org,
            kind=TermRequestKind.POSTPONE,
            reason="again",
            proposed_date=new_end,
        )
    req = actions.term_request_decide(user=tree["users"]["east_reviewer"], request=req, approve=True)
    assert req.status == TermRequestStatus.APPROVED and req.previous_end == org.term_end
    assert Org.objects.get(pk=org.pk).term_end == new_end
    assert AuditEntry.objects.filter(action="org.update", object_id=str(org.pk)).exists()


def test_seats_within_band_and_candidate_checks(tree: dict[str, Any], members: Any) -> None:
    e, ms = setup(tree, members, 40)
    with pytest.raises(ApplicationError) as err:
        actions.election_set_posts(
            user=tree["users"]["east_admin"], election=e, seats={"committee": 8, "chair": 1}
        )
    assert err.value.code == "committee_band"
    actions.election_set_posts(
        user=tree["users"]["east_admin"],
        election=e,
        seats={"committee": 5, "chair": 1, "vice_chair": 1, "audit": 3},
    )
    nominate(tree, e, "committee", ms[:5])
    with pytest.raises(ApplicationError) as err:
        actions.election_start_voting(user=tree["users"]["east_admin"], election=e)
    assert "too_few_candidates" in err.value.details["problems"]  # 5 seats need 6 candidates (差额)
    nominate(tree, e, "committee", ms[5:6])
    nominate(tree, e, "chair", ms[:1])  # uncontested is allowed
    nominate(tree, e, "vice_chair", ms[10:11])  # not a committee candidate
    nominate(tree, e, "audit", ms[20:23])
    codes = {p.code for p in actions.problems(e) if p.blocking}
    assert codes == {"lead_not_committee"}
    actions.candidate_remove(
        user=tree["users"]["east_admin"],
        election=e,
        candidate_ids=list(e.posts.get(kind="vice_chair").candidates.values_list("pk", flat=True)),
    )
    nominate(tree, e, "vice_chair", ms[1:2])
    assert not [p for p in actions.problems(e) if p.blocking]
    # a near relative of the employer's principal: flagged, and barred from the committee
    actions.candidate_add(
        user=tree["users"]["east_admin"],
        election=e,
        post="audit",
        member_no=ms[30].member_no,
        principal_relative=True,
    )
    assert [p for p in actions.problems(e) if p.code == "principal_relative" and not p.blocking]
    actions.candidate_add(
        user=tree["users"]["east_admin"],
        election=e,
        post="committee",
        member_no=ms[31].member_no,
        principal_relative=True,
    )
    assert [p for p in actions.problems(e) if p.code == "principal_relative" and p.blocking]
    with pytest.raises(ApplicationError, match="工会法第十条"):
        actions.election_start_voting(user=tree["users"]["east_admin"], election=e)


def test_candidate_must_be_a_member_of_this_union(tree: dict[str, Any], members: Any) -> None:
    e, ms = setup(tree, members, 30)
    other = members("T0006", 1)[0]
    with pytest.raises(ApplicationError, match="不是本会"):
        actions.candidate_add(
            user=tree["users"]["east_admin"], election=e, post="committee", member_no=other.member_no
        )
    from gonghui.core import pii
    from gonghui.members.actions import ID_CONTEXT

    number = pii.decrypt(ms[0].person.id_cipher, context=ID_CONTEXT)
    c = actions.candidate_add(
        user=tree["users"]["east_admin"], election=e, post="committee", id_number=number
    )
    assert c.membership_id == ms[0].pk
    with pytest.raises(ConflictError):
        actions.candidate_add(
            user=tree["users"]["east_admin"], election=e, post="committee", member_no=ms[0].member_no
        )
    ms[1].status = "left"
    # a whole-row save sets person_id, which Citus refuses without person_id in the WHERE
    ms[1].save(update_fields=["status"])
    roll.remove([ms[1]])  # what the act that ends a membership does too
    with pytest.raises(ApplicationError, match="不是本会"):
        actions.candidate_add(
            user=tree["users"]["east_admin"], election=e, post="committee", member_no=ms[1].member_no
        )


def open_vote(tree: dict[str, Any], e: Election, **kw: Any) -> Election:
    """The meeting's figures and the chair's 公示 (ended) before the vote opens."""
    kw.setdefault("publicity_start", TODAY - dt.timedelta(days=7))
    actions.election_update(user=tree["users"]["east_admin"], election=e, **kw)
    return actions.election_start_voting(user=tree["users"]["east_admin"], election=e)


def start_simple(
    tree: dict[str, Any], members: Any, *, due: int = 30, present: int = 25
) -> tuple[Election, list[Any]]:
    e, ms = setup(tree, members, 30, seats={"committee": 3, "chair": 1, "audit": 3})
    nominate(tree, e, "committee", ms[:4])
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "audit", ms[10:13])
    e = open_vote(tree, e, due=due, present=present)
    return e, ms


@pytest.mark.parametrize(("present", "ok"), [(29, False), (30, True), (31, True)])
def test_quorum_two_thirds_of_those_due_inclusive(
    tree: dict[str, Any], members: Any, present: int, ok: bool
) -> None:
    """45 due: 2/3 is 30. "三分之二以上" includes the number (民法典 art. 1259): 30 may vote, 29 may
    not — and "开始投票" itself is refused below quorum."""
    e, ms = setup(tree, members, 45, seats={"committee": 3, "chair": 1, "audit": 3})
    nominate(tree, e, "committee", ms[:4])
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "audit", ms[10:13])
    if ok:
        e = open_vote(tree, e, present=present)
        assert e.status == ElectionStatus.VOTING
        vote(tree, e, "committee", [28, 27, 26, 2])
    else:
        with pytest.raises(ApplicationError) as err:
            open_vote(tree, e, present=present)
        assert err.value.code == "quorum" and "达到" in err.value.message
        assert Election.objects.get(pk=e.pk).status == ElectionStatus.SETUP


@pytest.mark.parametrize(("present", "ok"), [(20, True), (19, False)])
def test_quorum_at_exactly_two_thirds_of_30(
    tree: dict[str, Any], members: Any, present: int, ok: bool
) -> None:
    """应到 30 / 实到 20 passes by default."""
    if ok:
        e, _ms = start_simple(tree, members, due=30, present=present)
        assert e.status == ElectionStatus.VOTING
    else:
        with pytest.raises(ApplicationError, match="未达到"):
            start_simple(tree, members, due=30, present=present)


def test_quorum_strict_when_the_setting_says_so(tree: dict[str, Any], members: Any, settings: Any) -> None:
    settings.GONGHUI_QUORUM_INCLUSIVE = False
    with pytest.raises(ApplicationError, match="未超过"):
        start_simple(tree, members, due=30, present=20)


@pytest.mark.parametrize(("votes", "elected"), [(15, False), (16, True)])
def test_elected_with_over_half_of_those_due_not_present(
    tree: dict[str, Any], members: Any, votes: int, elected: bool
) -> None:
    """30 due, 21 present: 15 is a majority of those present but only half of those due."""
    e, _ms = start_simple(tree, members, due=30, present=21)
    rnd = vote(tree, e, "chair", [votes])
    assert rnd.needed == 16
    chair = e.posts.get(kind="chair").candidates.get()
    assert chair.elected is elected
    if not elected:  # an unfilled seat opens a further round with the same candidate
        assert actions.open_round(e.posts.get(kind="chair")).number == 2


def test_tie_then_second_round_then_results_approved(tree: dict[str, Any], members: Any) -> None:
    e, ms = start_simple(tree, members, due=30, present=28)
    with pytest.raises(ApplicationError, match="每位候选人"):
        actions.round_record(
            user=tree["users"]["east_admin"], election=e, post="committee", ballots=28, votes={}
        )
    with pytest.raises(ApplicationError, match="收回选票"):
        vote(tree, e, "committee", [20, 20, 20, 20], ballots=29)
    r1 = vote(tree, e, "committee", [26, 24, 17, 17])
    assert len(r1.outcome["elected"]) == 2 and len(r1.outcome["tied"]) == 2
    r2 = actions.open_round(e.posts.get(kind="committee"))
    assert (
        r2.number == 2
        and r2.seats == 1
        and set(r2.candidates.values_list("pk", flat=True)) == set(r1.outcome["tied"])
    )
    with pytest.raises(ConflictError):
        actions.election_submit(user=tree["users"]["east_admin"], election=e)  # not tallied yet
    vote(tree, e, "committee", [17, 11])
    vote(tree, e, "chair", [26])
    vote(tree, e, "audit", [25, 24, 23])
    e.refresh_from_db()
    assert e.status == ElectionStatus.TALLIED
    e = actions.election_submit(user=tree["users"]["east_admin"], election=e)
    assert e.status == ElectionStatus.SUBMITTED
    assert e.documents.filter(kind=DocKind.RESULTS).exists()
    # the upper union (东镇) decides: returns first, then approves
    e = actions.election_decide(
        user=tree["users"]["east_reviewer"], election=e, approve=False, reason="请附会议记录"
    )
    assert e.status == ElectionStatus.RETURNED
    e = actions.election_submit(user=tree["users"]["east_admin"], election=e)
    e = actions.election_decide(user=tree["users"]["east_reviewer"], election=e, approve=True)
    assert e.status == ElectionStatus.APPROVED and e.approval_no.startswith("东镇总工会〔")
    org = Org.objects.get(pk=e.org_id)
    assert org.chair_name == ms[0].person.name
    assert (org.term_number, org.term_start, org.term_end) == (2, TODAY, rules.term_end(TODAY, 5))
    assert e.documents.filter(kind=DocKind.RESULTS_APPROVAL, number=e.approval_no).exists()
    logged = list(AuditEntry.objects.filter(org_path__startswith=org.path).values_list("action", flat=True))
    for a in (
        "election.create",
        "election.start_voting",
        "election.round",
        "election.submit",
        "election.return",
        "election.approve",
        "org.update",
    ):
        assert a in logged
    assert (
        Notification.objects.filter(recipient=tree["users"]["east_admin"], kind="election_decided").count()
        == 2
    )


def test_unfilled_seats_and_leaving_them_vacant(tree: dict[str, Any], members: Any) -> None:
    e, ms = setup(tree, members, 40, seats={"committee": 5, "chair": 1, "audit": 3})
    nominate(tree, e, "committee", ms[:6])
    nominate(tree, e, "chair", ms[:1])
    nominate(tree, e, "audit", ms[10:13])
    open_vote(tree, e, present=35)
    # 40 due: 21 votes needed. Only 3 pass: 2 seats remain, a further round with the 差额 margin (3 candidates)
    r1 = vote(tree, e, "committee", [30, 29, 25, 20, 15, 10], ballots=35)
    assert r1.outcome["remaining"] == 2
    r2 = actions.open_round(e.posts.get(kind="committee"))
    assert r2.candidates.count() == 3
    with pytest.raises(ApplicationError, match="不能空缺"):
        actions.post_close(user=tree["users"]["east_admin"], election=e, post="chair")
    # 3 elected reaches the band's minimum (3): the meeting may stop there
    actions.post_close(user=tree["users"]["east_admin"], election=e, post="committee")
    assert actions.open_round(e.posts.get(kind="committee")) is None
    vote(tree, e, "chair", [33], ballots=35)
    vote(tree, e, "audit", [5, 4, 30], ballots=35)
    actions.post_close(user=tree["users"]["east_admin"], election=e, post="audit")
    e.refresh_from_db()
    assert e.status == ElectionStatus.TALLIED


def test_chair_must_be_elected_to_the_committee(tree: dict[str, Any], members: Any) -> None:
    e, ms = start_simple(tree, members, due=30, present=28)
    vote(tree, e, "committee", [5, 27, 26, 25])  # ms[0] is not elected to the committee
    vote(tree, e, "chair", [20])
    vote(tree, e, "audit", [25, 24, 23])
    with pytest.raises(ApplicationError, match="须从委员中产生"):
        actions.election_submit(user=tree["users"]["east_admin"], election=e)
    e = Election.objects.get(pk=e.pk)
    # reopen is only for returned results
    with pytest.raises(ConflictError):
        actions.election_reopen(user=tree["users"]["east_admin"], election=e)


def test_counted_figures_are_frozen(tree: dict[str, Any], members: Any) -> None:
    e, _ms = start_simple(tree, members, due=30, present=28)
    with pytest.raises(ApplicationError, match="不能多于应到"):
        actions.election_update(user=tree["users"]["east_admin"], election=e, present=31)
    vote(tree, e, "chair", [20])
    with pytest.raises(ConflictError):
        actions.election_update(user=tree["users"]["east_admin"], election=e, present=27)
    actions.election_update(user=tree["users"]["east_admin"], election=e, place="职工之家")


def test_terms_notify_once_per_term_and_status(tree: dict[str, Any]) -> None:
    set_term(tree["orgs"]["T0003"], TODAY - dt.timedelta(days=5))
    set_term(tree["orgs"]["T0006"], TODAY + dt.timedelta(days=30))
    set_term(tree["orgs"]["T0008"], TODAY + dt.timedelta(days=300))
    n = notify.terms_notify()
    assert n > 0
    assert notify.terms_notify() == n  # attempted again …
    assert Notification.objects.count() == n  # … but nothing duplicated
    east_admin = tree["users"]["east_admin"]  # the upper union of T0003
    msgs = list(Notification.objects.filter(recipient=east_admin).values_list("kind", flat=True))
    assert msgs == ["term_overdue"]
    assert Notification.objects.filter(recipient=tree["users"]["west_admin"], kind="term_due").exists()
    assert not Notification.objects.filter(org=tree["orgs"]["T0008"]).exists()


def test_a_small_union_elects_an_organiser(tree: dict[str, Any], members: Any) -> None:
    """Under 25 members a union may elect one organiser (组织员) instead of a committee (art. 11)."""
    ms = members("T0003", 20)
    Org.objects.filter(code="T0003").update(org_form="organiser")
    org = set_term(tree["orgs"]["T0003"], TODAY + dt.timedelta(days=30))
    e = actions.election_create(user=tree["users"]["east_admin"], org=org, meeting_date=TODAY)
    assert dict(e.posts.values_list("kind", "seats")) == {"organiser": 1, "audit": 1}
    with pytest.raises(ApplicationError):
        actions.election_set_posts(
            user=tree["users"]["east_admin"], election=e, seats={"organiser": 1, "committee": 3}
        )
    nominate(tree, e, "organiser", ms[:1])
    nominate(tree, e, "audit", ms[1:2])  # one 经审委员 in a small union
    e = open_vote(tree, e, present=18)
    vote(tree, e, "organiser", [17])
    vote(tree, e, "audit", [16])
    actions.election_submit(user=tree["users"]["east_admin"], election=e)
    actions.election_decide(user=tree["users"]["east_reviewer"], election=e, approve=True)
    org.refresh_from_db()
    assert org.chair_name == ms[0].person.name and org.org_form == "organiser" and org.term_number == 2
