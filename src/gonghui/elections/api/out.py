"""Rows for the API: one query set per list, no query per row."""

# No `from __future__ import annotations` here: django-ninja resolves parameter types at import.

from typing import Any

from django.db.models import Count, QuerySet

from gonghui.core import access
from gonghui.core.access import Perm
from gonghui.elections import actions, conf, formation, rules
from gonghui.elections.models import (
    Election,
    ElectionStatus,
    Formation,
    FormationStatus,
    TermRequest,
)  # fmt: skip

# --- helpers -------------------------------------------------------------------------------


def _problems(found: list[rules.Problem]) -> list[dict[str, Any]]:
    return [{"code": p.code, "message": p.message, "blocking": p.blocking} for p in found]


FORMATION_PREFETCH = ("employers", "documents")
ELECTION_PREFETCH = (
    "posts__candidates__membership", "posts__rounds__votes", "posts__rounds__candidates", "documents",
    "women_committees",
)  # fmt: skip


def formation_rows(qs: QuerySet[Formation]) -> QuerySet[Formation]:
    """A list's query set: related rows prefetched, the roster counted — a fixed query count."""
    return (
        qs.select_related("parent", "org")
        .prefetch_related(*FORMATION_PREFETCH)
        .annotate(roster_n=Count("roster"))
    )


def election_rows(qs: QuerySet[Election]) -> QuerySet[Election]:
    return qs.select_related("org").prefetch_related(*ELECTION_PREFETCH)


def formation_out(f: Formation, *, fresh: bool = True, detail: bool = True) -> dict[str, Any]:
    """One formation. `fresh`: read again after an action (the actions write through their own
    locked copy). The rule check (`problems`) is given in the detail only, not in lists."""
    if fresh:
        f = formation_rows(Formation.objects.filter(pk=f.pk)).get()
    return {
        "id": f.pk, "parent": f.parent.code, "name": f.name, "short_name": f.short_name, "kind": f.kind, "form": f.form,
        "region_code": f.region_code, "joint_scope": f.joint_scope, "employers": [e.pk for e in f.employers.all()],
        "chair_name": f.chair_name, "term_years": f.term_years, "status": f.status, "reason": f.reason, "approval_no": f.approval_no,
        "founded_on": f.founded_on, "org": f.org.code if f.org else None, "members": f.roster_n,  # type: ignore[attr-defined]
        "problems": _problems(formation.problems(f)) if detail and f.status != FormationStatus.APPROVED else [],
        "documents": list(f.documents.all()),
    }  # fmt: skip


def election_out(e: Election, *, fresh: bool = True, detail: bool = True) -> dict[str, Any]:
    """One election, from prefetched rows (`election_rows`). The rule check (`problems`) is given
    in the detail only, not in lists."""
    if fresh:
        e = election_rows(Election.objects.filter(pk=e.pk)).get()
    r = conf.rules()
    posts = []
    for p in e.posts.all():
        rounds = [{
            "number": rd.number, "seats": rd.seats, "counted": rd.counted, "ballots": rd.ballots, "needed": rd.needed,
            "candidates": [c.pk for c in rd.candidates.all()], "votes": {v.candidate_id: v.votes_for for v in rd.votes.all()},
            "elected": rd.outcome.get("elected", []), "tied": rd.outcome.get("tied", []),
        } for rd in p.rounds.all()]  # fmt: skip
        cands = [{"id": c.pk, "name": c.name, "member_no": c.membership.member_no, "principal_relative": c.principal_relative,
                  "chair_bar": c.chair_bar, "finance_officer": c.finance_officer,
                  "elected": c.elected, "elected_round": c.elected_round} for c in p.candidates.all()]  # fmt: skip
        posts.append(
            {"kind": p.kind, "seats": p.seats, "closed": p.closed, "candidates": cands, "rounds": rounds}
        )
    return {
        "id": e.pk, "org": e.org.code, "status": e.status, "term_number": e.term_number, "term_years": e.term_years,
        "founding": e.founding, "leads_by": e.leads_by, "plenary_present": e.plenary_present, "publicity_start": e.publicity_start,
        "meeting_type": e.meeting_type, "meeting_date": e.meeting_date, "place": e.place, "members": e.members, "due": e.due,
        "present": e.present, "quorum_met": rules.quorum_met(due=e.due, present=e.present, quorum=r.quorum, inclusive=r.quorum_inclusive),
        "votes_needed": rules.votes_needed(due=e.due, majority=r.majority), "early": e.early, "overdue": e.overdue,
        "reason": e.reason, "approval_no": e.approval_no, "posts": posts,
        "women_committees": [{"id": w.pk, "form": w.form, "formed_by": w.formed_by, "chair_name": w.chair_name,
                              "approved": w.approved} for w in e.women_committees.all()],
        "problems": _problems(actions.problems(e)) if detail and e.status == ElectionStatus.SETUP else [],
        "documents": list(e.documents.all()),
    }  # fmt: skip


def term_request_out(q: TermRequest) -> dict[str, Any]:
    return {"id": q.pk, "org": q.org.code, "kind": q.kind, "proposed_date": q.proposed_date, "reason": q.reason, "status": q.status,
            "decision_reason": q.decision_reason, "previous_end": q.previous_end, "created_at": q.created_at, "decided_at": q.decided_at}  # fmt: skip


class _Lazy:
    """A sequence for the paginator: a slice loads and serialises one page only."""

    def __init__(self, qs: Any, out: Any):
        self.qs, self.out = qs, out

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, s: slice) -> list[dict[str, Any]]:
        return [self.out(o) for o in self.qs[s]]


def _employers(user: Any, ids: list[int]) -> list[Any]:
    return [access.get_employer(user, pk, Perm.ORG_MANAGE) for pk in ids]
