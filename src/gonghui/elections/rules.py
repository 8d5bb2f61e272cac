"""The rules of forming a union and electing its committee, as pure functions (no database).

Sources: 工会法 (2021) arts. 10, 11, 14, 16; 中国工会章程 arts. 26–27; 工会基层组织选举工作条例
(2016). Thresholds DOMAIN.md marks *unverified* come in as arguments (their settings live in
`conf.py`); the fixed ones of the law are constants here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Generic, TypeVar

from django.utils.translation import gettext as _

K = TypeVar("K", bound=Hashable)  # a candidate's key: its id in the database, any label in tests

COMMITTEE_MIN_MEMBERS = 25  # 工会法 art. 11: 25 members or more → a committee is required
FULL_TIME_CHAIR_EMPLOYEES = 200  # 工会法 art. 14: may (可以); 章程 art. 25 (2008): has one
TERM_YEARS = (3, 5)  # 工会法 art. 16

# forms of organisation (工会法 art. 11)
COMMITTEE = "committee"
ORGANISER = "organiser"

# posts to fill
POST_COMMITTEE = "committee"
POST_CHAIR = "chair"
POST_VICE_CHAIR = "vice_chair"
POST_AUDIT = "audit"
POST_WOMEN = "women"
POST_ORGANISER = "organiser"


@dataclass(frozen=True)
class Problem:
    """A broken rule: a stable code and a message for people. `blocking` False is a flag only."""

    code: str
    message: str
    blocking: bool = True


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]


# --- dates and terms ----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st or 29 February fall back to the month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(start: dt.date, years: int) -> dt.date:
    """A term of `years` starting on `start` ends on the same date `years` later (3 or 5, art. 16)."""
    if years not in TERM_YEARS:
        raise ValueError(_("任期应为 3 年或 5 年（工会法第十六条）。"))
    return add_months(start, 12 * years)


TERM_ACTIVE = "active"
TERM_DUE = "due"
TERM_OVERDUE = "overdue"
TERM_UNKNOWN = "unknown"


def term_status(end: dt.date | None, today: dt.date, due_days: int) -> str:
    """overdue (到期未换届) once the end has passed; due within `due_days`; else active."""
    if end is None:
        return TERM_UNKNOWN
    if end < today:
        return TERM_OVERDUE
    if (end - today).days <= due_days:
        return TERM_DUE
    return TERM_ACTIVE


def is_early(meeting: dt.date, end: dt.date | None, due_days: int) -> bool:
    """An election more than `due_days` before the term ends is early (提前换届, 章程 art. 26)."""
    return end is not None and (end - meeting).days > due_days


def postponement_problems(current_end: dt.date | None, new_end: dt.date, max_months: int) -> list[Problem]:
    if current_end is None:
        return [Problem("no_term", _("该工会没有任期记录，无法延期。"))]
    if new_end <= current_end:
        return [
            Problem(
                "postpone_not_later",
                _("延期后的届满日期必须晚于现任期届满日期 %(d)s。") % {"d": current_end.isoformat()},
            )
        ]
    limit = add_months(current_end, max_months)
    if new_end > limit:
        return [
            Problem(
                "postpone_too_long",
                _("延期一般不超过 %(m)d 个月，即不晚于 %(d)s。") % {"m": max_months, "d": limit.isoformat()},
            )
        ]
    return []


# --- formation (组建) -----------------------------------------------------------------------


def allowed_forms(total_members: int) -> tuple[str, ...]:
    """工会法 art. 11: ≥ 25 members → a committee; fewer → a committee (own or joint) or an organiser."""
    if total_members >= COMMITTEE_MIN_MEMBERS:
        return (COMMITTEE,)
    return (COMMITTEE, ORGANISER)


def formation_problems(
    *, joint: bool, single_employer: bool, form: str, members_by_employer: Mapping[Hashable, int], total_members: int,
    employees_by_employer: Mapping[Hashable, int] | None = None,
) -> list[Problem]:  # fmt: skip
    """Check a formation against 工会法 art. 11 (and flag art. 14).

    `joint`: a joint union (联合基层工会) over several employers; `single_employer`: an
    independent union of one employer. `members_by_employer`: founding members per employer.
    """
    out: list[Problem] = []
    employers = len(members_by_employer)
    if total_members <= 0:
        out.append(Problem("roster_empty", _("创始会员名册为空：成立工会须有会员名册（有名册）。")))
    if form not in allowed_forms(total_members):
        out.append(
            Problem(
                "form_by_size",
                _("会员 %(n)d 人，已达 25 人，应当建立基层工会委员会，不能只选举组织员（工会法第十一条）。")
                % {"n": total_members},
            )
        )
    if single_employer and employers != 1:
        out.append(Problem("one_employer", _("独立基层工会应对应一个用人单位；多个单位请建立联合基层工会。")))
    if joint:
        if employers < 2:
            out.append(
                Problem(
                    "joint_needs_two", _("联合基层工会须由两个以上单位的会员联合建立（工会法第十一条）。")
                )
            )
        for employer, n in members_by_employer.items():
            if n >= COMMITTEE_MIN_MEMBERS:
                out.append(Problem(
                    "employer_own_committee",
                    _("“%(e)s”有会员 %(n)d 人，已达 25 人，应当单独建立基层工会委员会（工会法第十一条）。") % {"e": employer, "n": n},
                ))  # fmt: skip
    for employer, staff in (employees_by_employer or {}).items():
        if staff >= FULL_TIME_CHAIR_EMPLOYEES:
            out.append(Problem(
                "full_time_chair",
                _("“%(e)s”职工 %(n)d 人，200 人以上的可以设专职工会主席（工会法第十四条），章程第二十五条（2008年文本）规定设专职主席。") % {"e": employer, "n": staff},
                blocking=False,
            ))  # fmt: skip
    return out


# --- the meeting and the posts ------------------------------------------------------------


GENERAL = "general"  # 会员大会
DELEGATES = "delegates"  # 会员代表大会


def meeting_problems(
    *, members: int, meeting_type: str, delegates_approved: bool, general_max: int
) -> list[Problem]:
    """章程 art. 26 (pre-2018 text, unverified): up to `general_max` members hold a 会员大会
    unless the upper union approved a delegates' assembly."""
    if meeting_type == DELEGATES and members <= general_max and not delegates_approved:
        return [Problem("general_meeting_required",
                        _("会员 %(n)d 人（不超过 %(m)d 人），应召开会员大会；召开会员代表大会须经上级工会批准。") % {"n": members, "m": general_max})]  # fmt: skip
    return []


def committee_band(members: int, bands: Sequence[tuple[int | None, int, int]]) -> tuple[int, int]:
    """Committee seats (lo, hi) for a union of `members` (DOMAIN.md default bands, unverified)."""
    for top, lo, hi in bands:
        if top is None or members <= top:
            return lo, hi
    raise ValueError("bands must end with an open band")  # pragma: no cover - parse_bands ensures it


def seats_problems(
    *, members: int, seats: Mapping[str, int], organiser: bool, bands: Sequence[tuple[int | None, int, int]]
) -> list[Problem]:
    """Posts to fill: committee seats within the band (or one organiser), one chair, vice-chairs
    fewer than the committee, non-negative seats elsewhere."""
    out: list[Problem] = []
    if any(n < 0 for n in seats.values()):
        out.append(Problem("seats_negative", _("名额不能为负数。")))
    if organiser:
        if members >= COMMITTEE_MIN_MEMBERS:
            out.append(
                Problem(
                    "organiser_by_size",
                    _("会员已达 25 人，应当选举基层工会委员会，不能只选组织员（工会法第十一条）。"),
                )
            )
        if seats.get(POST_ORGANISER, 0) != 1:
            out.append(Problem("organiser_one", _("组织员为 1 名。")))
        others = {k: v for k, v in seats.items() if k not in (POST_ORGANISER, POST_AUDIT) and v}
        if others:
            out.append(Problem("organiser_only", _("选举组织员的工会不再设委员会、主席等职位。")))
        return out
    committee = seats.get(POST_COMMITTEE, 0)
    lo, hi = committee_band(members, bands)
    if not lo <= committee <= hi:
        out.append(Problem("committee_band", _("会员 %(n)d 人的工会，委员会委员名额应为 %(lo)d–%(hi)d 名，现为 %(s)d 名。")
                           % {"n": members, "lo": lo, "hi": hi, "s": committee}))  # fmt: skip
    if seats.get(POST_CHAIR, 0) != 1:
        out.append(Problem("chair_one", _("主席应选 1 名。")))
    vice = seats.get(POST_VICE_CHAIR, 0)
    if vice + 1 > committee:
        out.append(Problem("vice_too_many", _("主席、副主席人数不能多于委员会委员名额。")))
    if seats.get(POST_ORGANISER, 0):
        out.append(Problem("organiser_with_committee", _("设委员会的工会不另选组织员。")))
    if seats.get(POST_WOMEN, 0):
        out.append(
            Problem(
                "women_not_elected",
                _(
                    "女职工委员会委员由工会委员会提名，经协商或女职工大会产生，不由会员大会选举（工会女职工委员会工作条例第十一、十三条）：请在“女职工委员会”中登记。"
                ),
            )
        )
    return out


def min_candidates(seats: int, *, contested: bool, rate: Fraction) -> int:
    """The fewest candidates for `seats`: seats × (1 + 差额率), rounded up and at least one more
    than the seats, when the post is contested; else the seats (等额, chair and vice-chairs)."""
    if seats <= 0:
        return 0
    if not contested or rate == 0:
        return seats
    return max(seats + 1, math.ceil(seats * (1 + rate)))


def candidate_problems(
    *, seats: int, candidates: int, contested: bool, rate: Fraction, post_label: str,
) -> list[Problem]:  # fmt: skip
    need = min_candidates(seats, contested=contested, rate=rate)
    if candidates < need:
        if contested:
            msg = _("%(post)s应选 %(s)d 名，差额率不低于 %(r)s，候选人至少 %(need)d 名，现有 %(c)d 名。")
        else:
            msg = _("%(post)s应选 %(s)d 名，候选人至少 %(need)d 名，现有 %(c)d 名。")
        pct = rate * 100
        return [Problem("too_few_candidates", msg % {"post": post_label, "s": seats, "need": need, "c": candidates,
                                                     "r": f"{float(pct):g}%"})]  # fmt: skip
    return []


# --- the vote ------------------------------------------------------------------------------


def quorum_met(*, due: int, present: int, quorum: Fraction, inclusive: bool = True) -> bool:
    """Turnout must reach `quorum` (2/3) of those due (应到): "三分之二以上" includes the number
    (民法典 art. 1259), so 20 of 30 is enough; `inclusive=False` asks for more than that."""
    if due <= 0:
        return False
    if inclusive:
        return present * quorum.denominator >= due * quorum.numerator
    return present * quorum.denominator > due * quorum.numerator


def votes_needed(*, due: int, majority: Fraction) -> int:
    """The fewest votes for that exceed `majority` (half) of those due: floor(due × m) + 1."""
    return (due * majority.numerator) // majority.denominator + 1


def ballot_problems(*, ballots: int, present: int, seats: int, votes: Mapping[K, int]) -> list[Problem]:
    """A round's figures must add up: ballots ≤ present, each candidate's votes ≤ ballots, and no
    more marks than ballots × seats (a ballot marking more names than seats is invalid)."""
    out: list[Problem] = []
    if ballots < 0 or any(v < 0 for v in votes.values()):
        out.append(Problem("negative", _("票数不能为负数。")))
    if ballots > present:
        out.append(
            Problem(
                "ballots_gt_present",
                _("收回选票 %(b)d 张，多于实到人数 %(p)d 人。") % {"b": ballots, "p": present},
            )
        )
    over = [k for k, v in votes.items() if v > ballots]
    if over:
        out.append(Problem("votes_gt_ballots", _("候选人得票不能多于收回选票数 %(b)d。") % {"b": ballots}))
    if sum(votes.values()) > ballots * max(seats, 0):
        out.append(
            Problem(
                "too_many_marks",
                _("得票总数多于“选票数 × 应选名额”，请核对（每张选票所选人数不得多于应选名额）。"),
            )
        )
    return out


@dataclass
class Tally(Generic[K]):
    """One round of one post. `elected` in order of votes; `tied` share the last seats' votes and
    go to a further round; `remaining` seats are left for a further round (ties included)."""

    needed: int
    elected: list[K] = field(default_factory=list)
    tied: list[K] = field(default_factory=list)
    remaining: int = 0
    passing: list[K] = field(default_factory=list)


def tally(*, seats: int, votes: Mapping[K, int], due: int, majority: Fraction) -> Tally[K]:
    """Count a round: candidates with votes for over `majority` of those due pass; the passing
    fill the seats in order of votes. If candidates tie for the last seats, none of the tied is
    elected in this round: they go to a further round for those seats (选举条例: 得票相等不能确定
    当选人时，应就票数相等的候选人再次投票). Seats nobody passed for remain unfilled."""
    needed = votes_needed(due=due, majority=majority)
    passing = sorted((k for k, v in votes.items() if v >= needed), key=lambda k: -votes[k])
    result: Tally[K] = Tally(needed=needed, passing=list(passing))
    if len(passing) <= seats:
        result.elected = list(passing)
        result.remaining = seats - len(passing)
        return result
    cut = votes[passing[seats - 1]]
    above = [k for k in passing if votes[k] > cut]
    at_cut = [k for k in passing if votes[k] == cut]
    if len(above) + len(at_cut) <= seats:  # the equal votes all fit: no tie to break
        result.elected = above + at_cut
        return result
    result.elected = above
    result.tied = at_cut
    result.remaining = seats - len(above)
    return result


def runoff_candidates(
    *, result: Tally[K], votes: Mapping[K, int], contested: bool, rate: Fraction,
) -> list[K]:  # fmt: skip
    """Who stands in the further round (另行选举) for `result.remaining` seats.

    A tie: the tied candidates. Unfilled seats: the unelected of this round in order of votes,
    as many as the 差额 rule asks for the remaining seats (all at the cut's vote count included),
    or all of them if fewer are left."""
    if result.remaining <= 0:
        return []
    if result.tied:
        return list(result.tied)
    elected = set(result.elected)
    rest = sorted((k for k in votes if k not in elected), key=lambda k: -votes[k])
    need = min_candidates(result.remaining, contested=contested, rate=rate)
    if len(rest) <= need:
        return rest
    cut = votes[rest[need - 1]]
    return [k for k in rest if votes[k] >= cut]


def may_leave_vacant(
    *, post: str, elected: int, seats: int, members: int, bands: Sequence[tuple[int | None, int, int]]
) -> bool:
    """Whether the meeting may stop with seats unfilled (不再另行选举): never the chair or the
    organiser; the committee only once it has at least the band's minimum; other posts always."""
    if elected >= seats:
        return True
    if post in (POST_CHAIR, POST_ORGANISER):
        return False
    if post == POST_COMMITTEE:
        return elected >= committee_band(members, bands)[0]
    return True


# --- founding, 经费审查委员会, 女职工委员会, the chair's candidates ------------------------------------

WOMEN_COMMITTEE_MIN_FEMALE = 10  # 工会女职工委员会工作条例 arts. 11, 13: ≥ 10 female members → a committee
WOMEN_COMMITTEE = "committee"
WOMEN_MEMBER = "member"
PUBLICITY_DAYS = 7  # 企业工会主席产生办法（试行）2008 art. 10: candidates are published for 7 days


def founding_overdue(founded_on: dt.date | None, today: dt.date, days: int) -> bool:
    """A union approved 筹建 must hold its founding election (第1届, 工会法 art. 10); after `days`
    days without one it is overdue."""
    return founded_on is not None and (today - founded_on).days > days


def women_body_required(female_members: int) -> str:
    """A union with ≥ 10 female members has a 女职工委员会; fewer, a 女职工委员 (条例 arts. 11, 13)."""
    return WOMEN_COMMITTEE if female_members >= WOMEN_COMMITTEE_MIN_FEMALE else WOMEN_MEMBER


def audit_min_seats(members: int, *, single_below: int, committee_min: int) -> int:
    """Seats the 经费审查委员会 needs (工会法 art. 45; 章程 art. 26, 2008): one 经审委员 in a small
    union, else a committee of at least `committee_min`."""
    return 1 if members < single_below else committee_min


def audit_problems(
    *, members: int, audit_elected: int, single_below: int, committee_min: int
) -> list[Problem]:
    need = audit_min_seats(members, single_below=single_below, committee_min=committee_min)
    if audit_elected >= need:
        return []
    if need == 1:
        msg = _(
            "未选举经费审查委员：经费审查委员会（或经审委员）应与工会委员会同时选举产生（工会法第四十五条、章程第二十六条（2008年文本）），结果不能报批。"
        )
    else:
        msg = _(
            "经费审查委员会当选 %(e)d 名，少于 %(n)d 名：经费审查委员会应与工会委员会同时选举产生（工会法第四十五条、章程第二十六条（2008年文本）），结果不能报批。"
        )
    return [Problem("audit_missing", msg % {"e": audit_elected, "n": need})]


def audit_overlap_problems(overlap: Sequence[tuple[str, str]]) -> list[Problem]:
    """`overlap`: (name, role) of people elected to the 经审会 who are also chair, vice-chair or the
    committee's finance officer — not allowed."""
    return [
        Problem("audit_overlap", _("%(n)s当选%(r)s，不能同时担任经费审查委员会委员。") % {"n": n, "r": r})
        for n, r in overlap
    ]


CHAIR_BARS = {
    "principal_relative": "单位主要负责人的近亲属",
    "admin_head": "单位行政负责人（含行政副职）",
    "partner": "合伙人或其近亲属",
    "hr_head": "人力资源部门负责人",
    "foreign": "外籍职工",
}


def chair_bar_problem(*, name: str, bar: str) -> Problem | None:
    """企业工会主席产生办法（试行）2008 art. 6: who may not stand for an enterprise union's chair."""
    if not bar:
        return None
    label = CHAIR_BARS.get(bar, bar)
    return Problem(
        "chair_barred",
        _("%(n)s为%(l)s，不得作为企业工会主席候选人（企业工会主席产生办法（试行）第六条）。")
        % {"n": name, "l": label},
    )


def publicity_problems(
    *, start: dt.date | None, today: dt.date, meeting: dt.date, days: int = PUBLICITY_DAYS
) -> list[Problem]:
    """Candidates are published for `days` days before the vote (办法 art. 10): the 公示 must be
    recorded, and it must have ended by the meeting and by today."""
    if start is None:
        return [
            Problem(
                "publicity_missing",
                _("请先登记候选人公示（公示 %(d)d 天，企业工会主席产生办法（试行）第十条）。") % {"d": days},
            )
        ]
    end = start + dt.timedelta(days=days)
    if end > meeting or end > today:
        return [
            Problem(
                "publicity_running",
                _("候选人自 %(s)s 起公示 %(d)d 天（至 %(e)s），公示期满后方可投票。")
                % {"s": start.isoformat(), "d": days, "e": (end - dt.timedelta(days=1)).isoformat()},
            )
        ]
    return []
