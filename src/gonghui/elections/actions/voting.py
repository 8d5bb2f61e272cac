"""The vote: opening it, recording each round, closing a post with seats unfilled."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf, rules
from gonghui.elections.actions.checks import problems
from gonghui.elections.actions.common import (
    _in,
    _lock,
    _raise,
    _u,
)
from gonghui.elections.actions.plenary import (
    _plenary_candidates,
    by_committee,
    needs_publicity,
    require_quorum,
    sitting,
)
from gonghui.elections.models import (
    Candidate,
    Election,
    ElectionStatus,
    Post,
    Round,
    Vote,
)  # fmt: skip


@transaction.atomic
def election_start_voting(*, user: Any, election: Election) -> Election:
    """Fix the candidate lists and open the first round of every post. Refused below quorum (实到
    must reach 2/3 of 应到, a setting) and, for an enterprise union's chair, before the candidates'
    7-day 公示 has ended (企业工会主席产生办法（试行）第十条)."""
    e = _lock(election)
    _in(e, ElectionStatus.SETUP)
    if not e.posts.exists():
        raise ApplicationError(_("请先设置应选职位。"), code="no_posts")
    _raise(problems(e))
    require_quorum(due=e.due, present=e.present)
    if needs_publicity(e):
        _raise(
            rules.publicity_problems(
                start=e.publicity_start, today=timezone.localdate(), meeting=e.meeting_date
            )
        )
    for p in e.posts.all():
        rnd = Round.objects.create(post=p, number=1, seats=p.seats)
        rnd.candidates.set(p.candidates.all())
    e.status = ElectionStatus.VOTING
    e.save(update_fields=["status", "updated_at"])
    audit_record(user=user, action="election.start_voting", obj=e, org_path=e.org_path,
                 changes={"candidates": {p.kind: p.candidates.count() for p in e.posts.all()}})  # fmt: skip
    return e


# --- the vote -------------------------------------------------------------------------------


def open_round(post: Post) -> Round | None:
    return post.rounds.filter(counted=False).order_by("number").first()


def post_filled(post: Post) -> int:
    return post.candidates.filter(elected=True).count()


def post_done(post: Post) -> bool:
    return post.closed or post_filled(post) >= post.seats


def _maybe_tallied(e: Election) -> None:
    if all(post_done(p) for p in e.posts.all()):
        e.status = ElectionStatus.TALLIED
        e.save(update_fields=["status", "updated_at"])


@transaction.atomic
def round_record(*, user: Any, election: Election, post: str, ballots: int, votes: dict[int, int]) -> Round:
    """Record one round's votes for a post and count it by the rules; a tie or unfilled seats
    open a further round (另行选举) with the candidates the rules name."""
    e = _lock(election)
    _in(e, ElectionStatus.VOTING)
    r = conf.rules()
    p = e.posts.filter(kind=post).first()
    if p is None:
        raise ApplicationError(_("本次选举没有设置该职位。"), code="post", details={"field": "post"})
    due, present = sitting(e, p)
    require_quorum(due=due, present=present, plenary=due != e.due or present != e.present)
    rnd = open_round(p)
    if rnd is None or p.closed:
        raise ConflictError(_("%(p)s没有待计票的轮次。") % {"p": p.get_kind_display()}, code="no_open_round")
    cands = {c.pk: c for c in rnd.candidates.all()}
    votes = {int(k): int(v) for k, v in votes.items()}
    if set(votes) != set(cands):
        raise ApplicationError(
            _("请为本轮每位候选人填写得票数。"), code="votes_missing", details={"field": "votes"}
        )
    if by_committee(e, p):
        _plenary_candidates(e, list(cands.values()))
    _raise(rules.ballot_problems(ballots=ballots, present=present, seats=rnd.seats, votes=votes))
    result = rules.tally(seats=rnd.seats, votes=votes, due=due, majority=r.majority)
    Vote.objects.bulk_create([Vote(round=rnd, candidate_id=k, votes_for=v) for k, v in votes.items()])
    Candidate.objects.filter(pk__in=result.elected).update(elected=True, elected_round=rnd.number)
    rnd.ballots = ballots
    rnd.counted = True
    rnd.needed = result.needed
    rnd.outcome = {"elected": result.elected, "tied": result.tied, "remaining": result.remaining}
    rnd.recorded_by = _u(user)
    rnd.recorded_at = timezone.now()
    rnd.save()
    nxt = None
    if result.remaining > 0:
        runoff = rules.runoff_candidates(
            result=result, votes=votes, contested=p.kind in r.contested_posts, rate=r.contest_rate
        )
        if runoff:
            nxt = Round.objects.create(post=p, number=rnd.number + 1, seats=result.remaining)
            nxt.candidates.set(runoff)
            rnd.outcome["next"] = list(runoff)
            rnd.save(update_fields=["outcome"])
    audit_record(user=user, action="election.round", obj=e, org_path=e.org_path,
                 changes={"post": post, "round": rnd.number, "ballots": ballots, "votes": {cands[k].name: v for k, v in votes.items()},
                          "elected": [cands[k].name for k in result.elected], "tied": [cands[k].name for k in result.tied],
                          "remaining": result.remaining})  # fmt: skip
    _maybe_tallied(e)
    return rnd


@transaction.atomic
def post_close(*, user: Any, election: Election, post: str) -> Post:
    """Stop with seats unfilled (不再另行选举): the committee only once it has its band's minimum;
    never the chair or the organiser."""
    e = _lock(election)
    _in(e, ElectionStatus.VOTING)
    p = e.posts.filter(kind=post).first()
    if p is None:
        raise ApplicationError(_("本次选举没有设置该职位。"), code="post")
    filled = post_filled(p)
    if not rules.may_leave_vacant(
        post=p.kind, elected=filled, seats=p.seats, members=e.members, bands=conf.rules().bands
    ):
        raise ApplicationError(
            _("%(p)s已当选 %(n)d 名，不能空缺，须另行选举。") % {"p": p.get_kind_display(), "n": filled},
            code="must_fill",
        )
    p.rounds.filter(counted=False).delete()
    p.closed = True
    p.save(update_fields=["closed"])
    audit_record(
        user=user,
        action="election.post_close",
        obj=e,
        org_path=e.org_path,
        changes={"post": post, "elected": filled, "seats": p.seats},
    )
    _maybe_tallied(e)
    return p
