"""The rules of formation and election as pure functions: each threshold at and around its edge."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.elections import conf, rules

BANDS = conf.parse_bands(conf.DEFAULTS["GONGHUI_COMMITTEE_BANDS"])
HALF, TWO_THIRDS, FIVE_PCT = Fraction(1, 2), Fraction(2, 3), Fraction(1, 20)


def codes(problems: list[rules.Problem]) -> set[str]:
    return {p.code for p in problems}


# --- formation: 工会法 art. 11 ------------------------------------------------------------


@pytest.mark.parametrize(("members", "forms"), [
    (1, ("committee", "organiser")), (24, ("committee", "organiser")), (25, ("committee",)), (26, ("committee",)),
])  # fmt: skip
def test_allowed_forms_by_size(members: int, forms: tuple[str, ...]) -> None:
    assert rules.allowed_forms(members) == forms


@pytest.mark.parametrize(("members", "ok"), [(24, True), (25, False), (26, False)])
def test_an_organiser_only_below_25(members: int, ok: bool) -> None:
    found = rules.formation_problems(joint=False, single_employer=True, form="organiser", members_by_employer={"甲": members},
                                     total_members=members)  # fmt: skip
    assert ("form_by_size" not in codes(found)) is ok


@pytest.mark.parametrize("members", [24, 25, 26])
def test_a_committee_at_any_size(members: int) -> None:
    assert rules.formation_problems(joint=False, single_employer=True, form="committee", members_by_employer={"甲": members},
                                    total_members=members) == []  # fmt: skip


@pytest.mark.parametrize(("largest", "ok"), [(24, True), (25, False), (26, False)])
def test_joint_union_employers_under_25_each(largest: int, ok: bool) -> None:
    """A joint committee is for employers too small for their own: one with 25 must form its own."""
    per = {"甲": largest, "乙": 10, "丙": 3}
    found = rules.formation_problems(joint=True, single_employer=False, form="committee", members_by_employer=per,
                                     total_members=sum(per.values()))  # fmt: skip
    assert ("employer_own_committee" not in codes(found)) is ok


def test_joint_union_needs_two_employers_and_independent_needs_one() -> None:
    assert "joint_needs_two" in codes(rules.formation_problems(joint=True, single_employer=False, form="committee",
                                                               members_by_employer={"甲": 8}, total_members=8))  # fmt: skip
    assert "one_employer" in codes(rules.formation_problems(joint=False, single_employer=True, form="committee",
                                                            members_by_employer={"甲": 8, "乙": 4}, total_members=12))  # fmt: skip
    assert "roster_empty" in codes(rules.formation_problems(joint=False, single_employer=True, form="committee",
                                                            members_by_employer={"甲": 0}, total_members=0))  # fmt: skip


@pytest.mark.parametrize(("employees", "flagged"), [(199, False), (200, True), (201, True)])
def test_full_time_chair_is_a_flag_not_a_block(employees: int, flagged: bool) -> None:
    found = rules.formation_problems(joint=False, single_employer=True, form="committee", members_by_employer={"甲": 30},
                                     total_members=30, employees_by_employer={"甲": employees})  # fmt: skip
    assert ("full_time_chair" in codes(found)) is flagged
    assert rules.blocking(found) == []


# --- terms -----------------------------------------------------------------------------------


def test_term_end_three_or_five_years() -> None:
    assert rules.term_end(dt.date(2021, 6, 30), 5) == dt.date(2026, 6, 30)
    assert rules.term_end(dt.date(2020, 2, 29), 3) == dt.date(2023, 2, 28)
    with pytest.raises(ValueError):
        rules.term_end(dt.date(2021, 1, 1), 4)


@pytest.mark.parametrize(
    ("days", "status"), [(-1, "overdue"), (0, "due"), (89, "due"), (90, "due"), (91, "active")]
)
def test_term_status_around_the_window(days: int, status: str) -> None:
    today = dt.date(2026, 11, 21)
    assert rules.term_status(today + dt.timedelta(days=days), today, 90) == status
    assert rules.term_status(None, today, 90) == "unknown"


@pytest.mark.parametrize(("days_before_end", "early"), [(89, False), (90, False), (91, True)])
def test_early_election_needs_approval_beyond_the_window(days_before_end: int, early: bool) -> None:
    end = dt.date(2027, 6, 1)
    assert rules.is_early(end - dt.timedelta(days=days_before_end), end, 90) is early
    assert rules.is_early(end + dt.timedelta(days=30), end, 90) is False  # late is not early


def test_postponement_limits() -> None:
    end = dt.date(2026, 12, 31)
    assert rules.postponement_problems(end, dt.date(2027, 6, 30), 6) == []
    assert codes(rules.postponement_problems(end, dt.date(2027, 7, 1), 6)) == {"postpone_too_long"}
    assert codes(rules.postponement_problems(end, end, 6)) == {"postpone_not_later"}
    assert codes(rules.postponement_problems(None, end, 6)) == {"no_term"}


# --- the meeting and the posts ------------------------------------------------------------


@pytest.mark.parametrize(("members", "approved", "ok"), [
    (99, False, False), (100, False, False), (101, False, True), (100, True, True),
])  # fmt: skip
def test_up_to_100_members_hold_a_general_meeting_unless_approved(
    members: int, approved: bool, ok: bool
) -> None:
    found = rules.meeting_problems(
        members=members, meeting_type="delegates", delegates_approved=approved, general_max=100
    )
    assert (found == []) is ok
    assert (
        rules.meeting_problems(
            members=members, meeting_type="general", delegates_approved=False, general_max=100
        )
        == []
    )


@pytest.mark.parametrize(("members", "band"), [
    (24, (3, 5)), (25, (3, 7)), (200, (3, 7)), (201, (7, 15)), (1000, (7, 15)), (1001, (15, 21)),
    (5000, (15, 21)), (5001, (21, 29)), (10000, (21, 29)), (10001, (29, 37)), (50000, (29, 37)), (50001, (37, 45)),
])  # fmt: skip
def test_committee_bands(members: int, band: tuple[int, int]) -> None:
    assert rules.committee_band(members, BANDS) == band


@pytest.mark.parametrize(("committee", "ok"), [(2, False), (3, True), (7, True), (8, False)])
def test_committee_seats_within_band(committee: int, ok: bool) -> None:
    seats = {"committee": committee, "chair": 1, "vice_chair": 1}
    assert (
        "committee_band"
        not in codes(rules.seats_problems(members=60, seats=seats, organiser=False, bands=BANDS))
    ) is ok


def test_posts_shape() -> None:
    assert "chair_one" in codes(
        rules.seats_problems(members=60, seats={"committee": 5, "chair": 2}, organiser=False, bands=BANDS)
    )
    assert "vice_too_many" in codes(rules.seats_problems(members=60, seats={"committee": 3, "chair": 1, "vice_chair": 3},
                                                         organiser=False, bands=BANDS))  # fmt: skip
    assert rules.seats_problems(members=24, seats={"organiser": 1}, organiser=True, bands=BANDS) == []
    assert "organiser_by_size" in codes(
        rules.seats_problems(members=25, seats={"organiser": 1}, organiser=True, bands=BANDS)
    )


def test_bands_setting_is_validated() -> None:
    from django.core.exceptions import ImproperlyConfigured

    assert conf.parse_bands([(24, 3, 5), (None, 5, 9)]) == ((24, 3, 5), (None, 5, 9))
    for bad in ("24:3-5", "24:5-3,:3-5", "200:3-7,24:3-5,:9-11", "x"):
        with pytest.raises(ImproperlyConfigured):
            conf.parse_bands(bad)


# --- 差额 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "need"), [(1, 2), (3, 4), (7, 8), (19, 20), (20, 21), (21, 23), (40, 42), (41, 44)]
)
def test_min_candidates_with_5_percent_margin(seats: int, need: int) -> None:
    assert rules.min_candidates(seats, contested=True, rate=FIVE_PCT) == need


@pytest.mark.parametrize(("candidates", "ok"), [(20, False), (21, True), (22, True)])
def test_difference_margin_at_20_seats(candidates: int, ok: bool) -> None:
    found = rules.candidate_problems(
        seats=20, candidates=candidates, contested=True, rate=FIVE_PCT, post_label="委员"
    )
    assert (found == []) is ok


def test_chair_may_be_uncontested() -> None:
    assert rules.min_candidates(1, contested=False, rate=FIVE_PCT) == 1
    assert (
        rules.candidate_problems(seats=1, candidates=1, contested=False, rate=FIVE_PCT, post_label="主席")
        == []
    )
    assert rules.min_candidates(0, contested=True, rate=FIVE_PCT) == 0


@given(seats=st.integers(1, 200), rate=st.fractions(0, 1).filter(lambda f: f < 1))
def test_margin_is_always_met(seats: int, rate: Fraction) -> None:
    need = rules.min_candidates(seats, contested=True, rate=rate)
    assert need >= seats
    assert (need - seats) >= seats * rate
    if rate > 0:
        assert need > seats
        assert (need - 1 - seats) < seats * rate or need - 1 == seats  # the fewest that meets it


# --- the vote ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "present", "ok"),
    [(30, 19, False), (30, 20, True), (45, 29, False), (45, 30, True), (45, 31, True), (31, 20, False),
     (31, 21, True), (3, 1, False), (3, 2, True), (0, 0, False)],
)  # fmt: skip
def test_quorum_reaches_two_thirds_of_those_due_inclusive(due: int, present: int, ok: bool) -> None:
    """ "三分之二以上": 以上 includes the number (民法典 art. 1259)."""
    assert rules.quorum_met(due=due, present=present, quorum=TWO_THIRDS) is ok


@pytest.mark.parametrize(
    ("due", "present", "ok"), [(30, 20, False), (30, 21, True), (45, 30, False), (45, 31, True)]
)
def test_quorum_strict_setting(due: int, present: int, ok: bool) -> None:
    assert rules.quorum_met(due=due, present=present, quorum=TWO_THIRDS, inclusive=False) is ok


@pytest.mark.parametrize(("due", "needed"), [(100, 51), (101, 51), (30, 16), (31, 16), (1, 1)])
def test_votes_needed_exceed_half_of_those_due(due: int, needed: int) -> None:
    assert rules.votes_needed(due=due, majority=HALF) == needed


def test_half_of_those_due_not_of_those_present() -> None:
    """100 due, 70 present: 40 votes is a majority of those present but not of those due."""
    t = rules.tally(seats=1, votes={"甲": 40, "乙": 30}, due=100, majority=HALF)
    assert t.elected == [] and t.remaining == 1
    t = rules.tally(seats=1, votes={"甲": 51, "乙": 19}, due=100, majority=HALF)
    assert t.elected == ["甲"]
    assert rules.tally(seats=1, votes={"甲": 50}, due=100, majority=HALF).elected == []


def test_tally_fills_seats_by_votes() -> None:
    t = rules.tally(seats=3, votes={"a": 60, "b": 80, "c": 55, "d": 70}, due=100, majority=HALF)
    assert t.elected == ["b", "d", "a"] and t.tied == [] and t.remaining == 0


def test_tie_for_the_last_seat_goes_to_a_further_round() -> None:
    t = rules.tally(seats=3, votes={"a": 90, "b": 80, "c": 60, "d": 60}, due=100, majority=HALF)
    assert t.elected == ["a", "b"] and set(t.tied) == {"c", "d"} and t.remaining == 1
    assert set(
        rules.runoff_candidates(
            result=t, votes={"a": 90, "b": 80, "c": 60, "d": 60}, contested=True, rate=FIVE_PCT
        )
    ) == {"c", "d"}


def test_tie_that_fits_the_seats_is_no_tie() -> None:
    t = rules.tally(seats=3, votes={"a": 90, "b": 60, "c": 60, "d": 40}, due=100, majority=HALF)
    assert t.elected == ["a", "b", "c"] and t.tied == [] and t.remaining == 0


def test_unfilled_seats_go_to_a_further_round_with_the_margin() -> None:
    votes = {"a": 70, "b": 65, "c": 50, "d": 45, "e": 44, "f": 10}
    t = rules.tally(seats=4, votes=votes, due=100, majority=HALF)
    assert t.elected == ["a", "b"] and t.remaining == 2
    # 2 seats with a 5% margin need 3 candidates: the three best of the rest
    assert rules.runoff_candidates(result=t, votes=votes, contested=True, rate=FIVE_PCT) == ["c", "d", "e"]
    # uncontested: as many as the seats
    assert rules.runoff_candidates(result=t, votes=votes, contested=False, rate=FIVE_PCT) == ["c", "d"]


def test_runoff_keeps_everyone_tied_at_the_cut() -> None:
    votes = {"a": 70, "b": 40, "c": 30, "d": 30, "e": 5}
    t = rules.tally(seats=2, votes=votes, due=100, majority=HALF)
    assert rules.runoff_candidates(result=t, votes=votes, contested=True, rate=FIVE_PCT) == ["b", "c", "d"]


def test_second_round_after_a_tie_elects() -> None:
    first = rules.tally(seats=1, votes={"甲": 55, "乙": 55}, due=100, majority=HALF)
    assert first.elected == [] and first.tied == ["甲", "乙"]
    second = rules.tally(seats=first.remaining, votes={"甲": 58, "乙": 42}, due=100, majority=HALF)
    assert second.elected == ["甲"] and second.remaining == 0


def test_ballot_figures_must_add_up() -> None:
    assert rules.ballot_problems(ballots=30, present=30, seats=3, votes={"a": 30, "b": 30, "c": 30}) == []
    assert "ballots_gt_present" in codes(
        rules.ballot_problems(ballots=31, present=30, seats=3, votes={"a": 1})
    )
    assert "votes_gt_ballots" in codes(
        rules.ballot_problems(ballots=30, present=30, seats=3, votes={"a": 31})
    )
    assert "too_many_marks" in codes(
        rules.ballot_problems(ballots=10, present=30, seats=1, votes={"a": 6, "b": 5})
    )


def test_leaving_seats_vacant() -> None:
    assert rules.may_leave_vacant(post="committee", elected=3, seats=5, members=60, bands=BANDS) is True
    assert rules.may_leave_vacant(post="committee", elected=2, seats=5, members=60, bands=BANDS) is False
    assert rules.may_leave_vacant(post="chair", elected=0, seats=1, members=60, bands=BANDS) is False
    assert rules.may_leave_vacant(post="women", elected=0, seats=3, members=60, bands=BANDS) is True


votes_st = st.dictionaries(st.integers(0, 30), st.integers(0, 200), min_size=1, max_size=15)


@given(votes=votes_st, seats=st.integers(1, 10), due=st.integers(1, 200))
def test_tally_invariants(votes: dict[int, int], seats: int, due: int) -> None:
    t = rules.tally(seats=seats, votes=votes, due=due, majority=HALF)
    needed = due // 2 + 1
    assert t.needed == needed
    assert len(t.elected) + t.remaining == seats
    assert len(t.elected) <= seats
    assert all(votes[k] * 2 > due for k in t.elected)  # elected only over half of those due
    assert not set(t.elected) & set(t.tied)
    losers = [k for k in votes if k not in t.elected]
    for k in t.elected:  # nobody unelected had more votes than someone elected
        assert all(votes[j] <= votes[k] for j in losers)
    if t.tied:
        assert len(t.tied) > t.remaining > 0
        assert len({votes[k] for k in t.tied}) == 1
    runoff = rules.runoff_candidates(result=t, votes=votes, contested=True, rate=FIVE_PCT)
    assert not set(runoff) & set(t.elected)
    if t.remaining and not t.tied:
        assert len(runoff) >= min(
            len(losers), rules.min_candidates(t.remaining, contested=True, rate=FIVE_PCT)
        )


@given(due=st.integers(1, 10_000), present=st.integers(0, 10_000))
def test_quorum_matches_exact_arithmetic(due: int, present: int) -> None:
    assert rules.quorum_met(due=due, present=present, quorum=TWO_THIRDS) is (
        Fraction(present) >= Fraction(2 * due, 3)
    )
    assert rules.quorum_met(due=due, present=present, quorum=TWO_THIRDS, inclusive=False) is (
        Fraction(present) > Fraction(2 * due, 3)
    )


# --- founding, 经审会, 女职工委员会, the chair's candidates (issue 17) -------------------------------


@pytest.mark.parametrize(
    ("female", "body"), [(9, "member"), (10, "committee"), (11, "committee"), (0, "member")]
)
def test_women_committee_required_from_ten_female_members(female: int, body: str) -> None:
    assert rules.women_body_required(female) == body


@pytest.mark.parametrize(("days", "overdue"), [(89, False), (90, False), (91, True)])
def test_founding_election_overdue_after_the_setting(days: int, overdue: bool) -> None:
    today = dt.date(2026, 12, 1)
    assert rules.founding_overdue(today - dt.timedelta(days=days), today, 90) is overdue
    assert rules.founding_overdue(None, today, 90) is False


@pytest.mark.parametrize(
    ("members", "elected", "ok"),
    [(24, 0, False), (24, 1, True), (25, 1, False), (25, 2, False), (25, 3, True)],
)
def test_audit_committee_elected_with_the_committee(members: int, elected: int, ok: bool) -> None:
    """Under 25 members one 经审委员 will do; from 25 a committee of at least 3 (settings)."""
    found = rules.audit_problems(members=members, audit_elected=elected, single_below=25, committee_min=3)
    assert (not found) is ok
    assert all(p.code == "audit_missing" and p.blocking for p in found)


def test_audit_overlap_named_in_chinese() -> None:
    found = rules.audit_overlap_problems([("张三", "主席")])
    assert (
        found[0].code == "audit_overlap"
        and "张三当选主席，不能同时担任经费审查委员会委员" in found[0].message
    )


@pytest.mark.parametrize("bar", sorted(rules.CHAIR_BARS))
def test_chair_bars_of_an_enterprise_union(bar: str) -> None:
    p = rules.chair_bar_problem(name="李四", bar=bar)
    assert p is not None and p.blocking and "第六条" in p.message and rules.CHAIR_BARS[bar] in p.message
    assert rules.chair_bar_problem(name="李四", bar="") is None


@pytest.mark.parametrize(
    ("start_days_ago", "codes"),
    [(None, ["publicity_missing"]), (6, ["publicity_running"]), (7, []), (30, [])],
)
def test_candidates_published_seven_days_before_the_vote(
    start_days_ago: int | None, codes: list[str]
) -> None:
    today = dt.date(2026, 12, 1)
    start = None if start_days_ago is None else today - dt.timedelta(days=start_days_ago)
    assert [p.code for p in rules.publicity_problems(start=start, today=today, meeting=today)] == codes


def test_publicity_must_end_by_the_meeting_too() -> None:
    today = dt.date(2026, 12, 1)
    meeting = today - dt.timedelta(days=10)  # recorded afterwards: the 公示 must have ended by then
    assert rules.publicity_problems(start=meeting - dt.timedelta(days=6), today=today, meeting=meeting)
    assert not rules.publicity_problems(start=meeting - dt.timedelta(days=7), today=today, meeting=meeting)


def test_women_seats_are_not_elected_by_the_assembly() -> None:
    found = rules.seats_problems(members=40, seats={"committee": 3, "chair": 1, "women": 2}, organiser=False,
                                 bands=((24, 3, 5), (200, 3, 7), (None, 7, 15)))  # fmt: skip
    assert "women_not_elected" in {p.code for p in found}
