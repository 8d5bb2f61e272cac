"""The demo county's formation and election work, on top of the tree and the register.

- a few unions of 古城街道 (the demo township accounts' scope) with terms overdue (到期未换届) and
  falling due within weeks, one with a postponement request waiting for the township;
- one formation in review: an uncovered employer's request and founding roster, submitted;
- one completed election, approved by the upper union, with its results report and 批复 filed;
- reminders for the responsible accounts.

Dates are relative to the day the demo is loaded, so "due soon" means soon whenever it runs.
Runs through the real actions (audited, documents generated) but touches a handful of rows only.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core import ids
from gonghui.demo import names
from gonghui.elections import actions, formation, notify, rules
from gonghui.elections.models import TermRequestKind
from gonghui.members.models import Membership, MembershipStatus
from gonghui.orgs.models import Employer, Org, OrgKind, OrgStatus

TOWNSHIP = "古城街道"


def _user(username: str) -> User:
    return User.objects.get(username=username)


@transaction.atomic
def load_elections(*, seed: int = 2017, today: dt.date | None = None) -> dict[str, Any]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    township = Org.objects.get(short_name=TOWNSHIP, kind=OrgKind.TOWNSHIP_UNION)
    admin, reviewer = _user("gucheng_admin"), _user("gucheng_reviewer")
    sizes = dict(
        Membership.objects.filter(org_path__startswith=township.path, status=MembershipStatus.ACTIVE)
        .values_list("org_id").annotate(n=Count("id")).values_list("org_id", "n")
    )  # fmt: skip
    base = list(
        Org.objects.filter(
            path__startswith=township.path, kind=OrgKind.GRASSROOTS, status=OrgStatus.ACTIVE
        ).order_by("path")
    )

    # one completed election: a union of 30–100 members holds a 会员大会 a fortnight ago
    held = next(o for o in base if 30 <= sizes.get(o.pk, 0) <= 100)
    meeting = today - dt.timedelta(days=14)
    Org.objects.filter(pk=held.pk).update(
        term_start=meeting - dt.timedelta(days=5 * 365), term_end=today - dt.timedelta(days=10)
    )
    held.refresh_from_db()
    e = actions.election_create(user=admin, org=held, meeting_date=meeting, place="职工之家", term_years=5)
    actions.election_set_posts(
        user=admin, election=e, seats={"committee": 5, "chair": 1, "vice_chair": 1, "audit": 3, "women": 0}
    )
    ms = list(
        Membership.objects.filter(org=held, status=MembershipStatus.ACTIVE)
        .select_related("person")
        .order_by("pk")[:12]
    )
    for m in ms[:6]:
        actions.candidate_add(user=admin, election=e, post="committee", member_no=m.member_no)
    actions.candidate_add(user=admin, election=e, post="chair", member_no=ms[0].member_no)
    actions.candidate_add(user=admin, election=e, post="vice_chair", member_no=ms[1].member_no)
    for m in ms[8:11]:
        actions.candidate_add(user=admin, election=e, post="audit", member_no=m.member_no)
    # present is known before the vote opens (quorum, issue 17); the chair's candidates were
    # published for 7 days before the meeting (企业工会主席产生办法（试行）第十条)
    present = e.due - rng.randint(1, max(1, e.due // 10))
    actions.election_update(
        user=admin, election=e, present=present, publicity_start=meeting - dt.timedelta(days=10)
    )
    actions.election_start_voting(user=admin, election=e)
    top = present - 1
    actions.round_record(user=admin, election=e, post="committee", ballots=present,
                         votes=_votes(e, "committee", [top, top - 1, top - 3, top - 5, e.due // 2 + 2, e.due // 3]))  # fmt: skip
    actions.round_record(
        user=admin, election=e, post="chair", ballots=present, votes=_votes(e, "chair", [top])
    )
    actions.round_record(
        user=admin, election=e, post="vice_chair", ballots=present, votes=_votes(e, "vice_chair", [top - 2])
    )
    actions.round_record(
        user=admin,
        election=e,
        post="audit",
        ballots=present,
        votes=_votes(e, "audit", [top - 1, top - 4, top - 6]),
    )
    actions.election_submit(user=admin, election=e)
    actions.election_decide(user=reviewer, election=e, approve=True, reason="")

    # terms overdue and falling due in the township
    others = [o for o in base if o.pk != held.pk]
    overdue = others[:4]
    due = others[4:8]
    for i, o in enumerate(overdue):
        end = today - dt.timedelta(days=30 + 45 * i)
        Org.objects.filter(pk=o.pk).update(
            term_number=o.term_number or 1, term_start=rules.add_months(end, -60), term_end=end
        )
    for i, o in enumerate(due):
        end = today + dt.timedelta(days=15 + 20 * i)
        Org.objects.filter(pk=o.pk).update(
            term_number=o.term_number or 1, term_start=rules.add_months(end, -36), term_end=end
        )
    postponed = Org.objects.get(pk=due[0].pk)
    actions.term_request_create(user=admin, org=postponed, kind=TermRequestKind.POSTPONE, reason="企业搬迁新厂区，会员集中在明年一季度到岗",
                                proposed_date=rules.add_months(postponed.term_end, 3))  # fmt: skip

    # one formation in review: an uncovered employer of the township
    employer = (
        Employer.objects.filter(area_path__startswith=township.path, union__isnull=True, employees__gte=30, employees__lte=80)
        .order_by("pk").first()
    )  # fmt: skip
    f = None
    if employer is not None:
        f = formation.formation_create(
            user=admin, parent=township, employers=[employer], name=f"{employer.name}工会委员会", kind=OrgKind.GRASSROOTS,
            form="committee", chair_name=_name(rng), term_years=5,
        )  # fmt: skip
        n = min(employer.employees, max(26, employer.employees * 2 // 3))
        lines = []
        for i in range(n):
            born = dt.date(1975 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28))
            lines.append(
                f"{_name(rng)} {ids.make_id_number('530322', born, 100 + 2 * i + rng.randint(0, 1))}"
            )
        formation.roster_add_lines(user=admin, formation=f, text="\n".join(lines))
        formation.formation_submit(user=admin, formation=f)
    sent = notify.terms_notify(today=today)
    return {"election": e.pk, "formation": f.pk if f else None, "overdue": [o.code for o in overdue], "due": [o.code for o in due],
            "notifications": sent}  # fmt: skip


def _votes(e: Any, post: str, votes: list[int]) -> dict[int, int]:
    rnd = actions.open_round(e.posts.get(kind=post))
    assert rnd is not None
    cands = sorted(rnd.candidates.all(), key=lambda c: c.pk)
    return {c.pk: max(0, v) for c, v in zip(cands, votes, strict=True)}


def _name(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2))))
