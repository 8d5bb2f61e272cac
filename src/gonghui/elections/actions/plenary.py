"""Who votes: the assembly, or — for the chair and vice-chairs — the new committee at its first
plenary sitting (章程第二十七条（2008年文本）), whose 应到 is the elected committee, with its own
quorum and majority; and the candidates' 公示 before an enterprise union's vote."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.elections import conf, rules
from gonghui.elections.actions.common import _in, _lock
from gonghui.elections.models import Candidate, Election, ElectionStatus, LeadsBy, Post, PostKind
from gonghui.orgs.models import OrgKind

LEAD_POSTS = (PostKind.CHAIR, PostKind.VICE_CHAIR)
# an enterprise union: the union of one employer (企业工会主席产生办法（试行）2008)
ENTERPRISE_KINDS = (OrgKind.GRASSROOTS,)


def require_quorum(*, due: int, present: int, plenary: bool = False) -> None:
    r = conf.rules()
    if rules.quorum_met(due=due, present=present, quorum=r.quorum, inclusive=r.quorum_inclusive):
        return
    reach = _("达到") if r.quorum_inclusive else _("超过")
    who = _("委员会全体会议") if plenary else _("大会")
    raise ApplicationError(
        _("%(w)s实到 %(p)d 人，未%(r)s应到 %(d)d 人的 %(q)s，不能投票。") % {"w": who, "p": present, "r": reach, "d": due, "q": r.quorum},
        code="quorum", details={"field": "plenary_present" if plenary else "present"},
    )  # fmt: skip


def needs_publicity(e: Election) -> bool:
    """The chair of an enterprise union is elected only after the candidates' 公示."""
    return e.org.kind in ENTERPRISE_KINDS and e.posts.filter(kind=PostKind.CHAIR).exists()


def by_committee(e: Election, p: Post) -> bool:
    return e.leads_by == LeadsBy.COMMITTEE and p.kind in LEAD_POSTS


def committee_elected(e: Election) -> int:
    return Candidate.objects.filter(post__election=e, post__kind=PostKind.COMMITTEE, elected=True).count()


def sitting(e: Election, p: Post) -> tuple[int, int]:
    """(应到, 实到) of the body that votes for post `p`: the assembly, or the committee's plenary."""
    if not by_committee(e, p):
        return e.due, e.present
    committee = e.posts.filter(kind=PostKind.COMMITTEE).first()
    from gonghui.elections.actions.voting import post_done

    if committee is None or not post_done(committee):
        raise ConflictError(
            _("主席、副主席由新一届委员会第一次全体会议选举：请先完成委员会委员的选举。"),
            code="committee_first",
        )
    if e.plenary_present is None:
        raise ApplicationError(
            _("请先登记委员会全体会议的实到人数。"),
            code="plenary_present",
            details={"field": "plenary_present"},
        )
    return committee_elected(e), e.plenary_present


def _plenary_candidates(e: Election, cands: list[Candidate]) -> None:
    members = set(
        Candidate.objects.filter(post__election=e, post__kind=PostKind.COMMITTEE, elected=True).values_list(
            "membership_id", flat=True
        )
    )
    out = [c.name for c in cands if c.membership_id not in members]
    if out:
        raise ApplicationError(
            _("%(n)s未当选委员会委员，不能由委员会全体会议选举为主席、副主席。") % {"n": "、".join(out)},
            code="lead_not_committee",
        )


@transaction.atomic
def election_plenary(*, user: Any, election: Election, present: int) -> Election:
    """Record who attends the new committee's first plenary sitting (应到 = the elected committee)."""
    e = _lock(election)
    _in(e, ElectionStatus.VOTING)
    if e.leads_by != LeadsBy.COMMITTEE:
        raise ConflictError(_("本次选举的主席、副主席由大会直接选举。"), code="not_plenary")
    due = committee_elected(e)
    if present < 0 or present > due:
        raise ApplicationError(
            _("委员会全体会议实到人数应在 0 至 %(d)d（新当选委员人数）之间。") % {"d": due},
            code="plenary_present", details={"field": "plenary_present"},
        )  # fmt: skip
    e.plenary_present = present
    e.save(update_fields=["plenary_present", "updated_at"])
    audit_record(
        user=user,
        action="election.plenary",
        obj=e,
        org_path=e.org_path,
        changes={"due": due, "present": present},
    )
    return e
