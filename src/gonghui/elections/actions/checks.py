"""What the rules say about an election as it stands (blocking problems and flags)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.elections import conf, rules
from gonghui.elections.actions.bodies import women_flags
from gonghui.elections.actions.common import (
    COMMITTEE_POSTS,
    approved_request,
)
from gonghui.elections.actions.plenary import ENTERPRISE_KINDS, needs_publicity
from gonghui.elections.models import (
    Election,
    MeetingType,
    PostKind,
    TermRequestKind,
)  # fmt: skip


def problems(e: Election) -> list[rules.Problem]:
    """Everything the rules say about the election as it stands (blocking and flags)."""
    r = conf.rules()
    out: list[rules.Problem] = []
    out += rules.meeting_problems(members=e.members, meeting_type=e.meeting_type,
                                  delegates_approved=approved_request(e.org, TermRequestKind.DELEGATES) is not None,
                                  general_max=r.general_meeting_max)  # fmt: skip
    posts = list(e.posts.prefetch_related("candidates"))
    seats = {p.kind: p.seats for p in posts}
    out += rules.seats_problems(
        members=e.members, seats=seats, organiser=seats.get(PostKind.ORGANISER, 0) > 0, bands=r.bands
    )
    committee = next((p for p in posts if p.kind == PostKind.COMMITTEE), None)
    committee_members = {c.membership_id for c in committee.candidates.all()} if committee else set()
    for p in posts:
        cands = list(p.candidates.all())
        out += rules.candidate_problems(seats=p.seats, candidates=len(cands), contested=p.kind in r.contested_posts,
                                        rate=r.contest_rate, post_label=p.get_kind_display())  # fmt: skip
        for c in cands:
            if c.chair_bar and p.kind in (PostKind.CHAIR, PostKind.VICE_CHAIR):
                bar = rules.chair_bar_problem(name=c.name, bar=c.chair_bar)
                if bar is not None:
                    enterprise = p.kind == PostKind.CHAIR and e.org.kind in ENTERPRISE_KINDS
                    out.append(bar if enterprise else rules.Problem(bar.code, bar.message, blocking=False))
            if c.principal_relative:
                blocking = p.kind in COMMITTEE_POSTS
                out.append(rules.Problem(
                    "principal_relative",
                    _("%(n)s为单位主要负责人的近亲属，不得作为%(p)s人选（工会法第十条）。") % {"n": c.name, "p": p.get_kind_display()}
                    if blocking else _("%(n)s为单位主要负责人的近亲属，请注意回避。") % {"n": c.name},
                    blocking=blocking,
                ))  # fmt: skip
            if (
                p.kind in (PostKind.CHAIR, PostKind.VICE_CHAIR)
                and committee
                and c.membership_id not in committee_members
            ):
                out.append(
                    rules.Problem(
                        "lead_not_committee",
                        _("%(n)s须同时是委员会委员候选人，才能作为%(p)s候选人。")
                        % {"n": c.name, "p": p.get_kind_display()},
                    )
                )
    if e.due <= 0:
        out.append(rules.Problem("due_missing", _("请填写应到人数。")))
    if e.meeting_type == MeetingType.GENERAL and e.members and e.due > e.members:
        out.append(
            rules.Problem(
                "due_gt_members",
                _("会员大会应到人数（%(d)d）多于会员人数（%(m)d），请核对。") % {"d": e.due, "m": e.members},
                blocking=False,
            )
        )
    if e.founding:
        out.append(
            rules.Problem("founding", _("建会选举：选举产生第一届委员会，无需提前换届批准。"), blocking=False)
        )
    if needs_publicity(e):
        out += [
            rules.Problem(p.code, p.message, blocking=False)
            for p in rules.publicity_problems(
                start=e.publicity_start, today=timezone.localdate(), meeting=e.meeting_date
            )
        ]
    if PostKind.COMMITTEE in seats and PostKind.AUDIT not in seats:
        out.append(rules.Problem("audit_missing", _("请设置经费审查委员会委员名额：经费审查委员会与工会委员会同时选举产生（工会法第四十五条、章程第二十六条（2008年文本））。"),
                                 blocking=False))  # fmt: skip
    out += women_flags(e.org)
    if e.early:
        out.append(rules.Problem("early", _("提前换届（已经上级工会批准）。"), blocking=False))
    if e.overdue:
        out.append(
            rules.Problem(
                "overdue", _("任期已于 %(d)s 届满，属逾期换届。") % {"d": e.org.term_end}, blocking=False
            )
        )
    return out
