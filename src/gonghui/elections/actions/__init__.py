"""Terms (届次) and elections (换届选举). Every write is atomic and audited.

Rules (rules.py; sources 工会法 arts. 10, 11, 16; 章程（2008年文本）第二十六、二十七条; 选举工作条例 2016):
early or late elections and a delegates' assembly of a small union need the upper union's approval
(a union still 筹建 holds its founding election as 第1届 without one); committee seats lie within
the band for the membership; committee candidates exceed seats by the 差额 margin; the vote counts
only if turnout reaches 2/3 of those due; a candidate is elected with votes for exceeding half of
those due; ties and unfilled seats go to a further round; the 经费审查委员会 is elected with the
committee; the upper union approves the results, and then the union's chair and term are updated
through `orgs.actions.org_update`.

Modules: `terms` (requests to the upper union), `setup` (meeting, posts, candidates, 公示),
`checks` (what the rules say), `voting`, `plenary` (the new committee's first sitting),
`results` (report, approval, reopening), `bodies` (女职工委员会).
"""

from __future__ import annotations

from gonghui.elections.actions.bodies import (
    female_members,
    unions_missing_women_committee,
    women_committee_record,
)
from gonghui.elections.actions.checks import problems
from gonghui.elections.actions.common import (
    COMMITTEE_POSTS,
    OPEN_STATUSES,
    approved_request,
    member_count,
    members_of,
)
from gonghui.elections.actions.plenary import election_plenary
from gonghui.elections.actions.results import (
    elected,
    election_decide,
    election_reopen,
    election_submit,
    results_problems,
)
from gonghui.elections.actions.setup import (
    MEETING_FIELDS,
    candidate_add,
    candidate_remove,
    default_seats,
    election_create,
    election_set_posts,
    election_update,
)
from gonghui.elections.actions.terms import term_request_create, term_request_decide
from gonghui.elections.actions.voting import (
    election_start_voting,
    open_round,
    post_close,
    post_done,
    post_filled,
    round_record,
)

__all__ = [
    "election_plenary",
    "female_members",
    "results_problems",
    "unions_missing_women_committee",
    "women_committee_record",
    "COMMITTEE_POSTS",
    "MEETING_FIELDS",
    "OPEN_STATUSES",
    "approved_request",
    "candidate_add",
    "candidate_remove",
    "default_seats",
    "elected",
    "election_create",
    "election_decide",
    "election_reopen",
    "election_set_posts",
    "election_start_voting",
    "election_submit",
    "election_update",
    "member_count",
    "members_of",
    "open_round",
    "post_close",
    "post_done",
    "post_filled",
    "problems",
    "round_record",
    "term_request_create",
    "term_request_decide",
]
