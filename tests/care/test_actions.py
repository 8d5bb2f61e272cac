"""The rules of care/actions.py and care/selectors.py: files, eligibility, sums, cost per trainee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from gonghui.care import actions, selectors
from gonghui.care.models import (
    Assistance,
    EntryStatus,
    FileStatus,
    HardshipFile,
    ModelWorkerTitle,
    ProgrammeEntry,
    Trainee,
    TraineeStatus,
)  # fmt: skip
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- hardship files -----------------------------------------------------------------------


def test_file_open_derives_per_capita_and_scope(tree: dict[str, Any], member: Any) -> None:
    m = member("T0003", name="王五")
    f = actions.file_open(user=tree["users"]["east_admin"], membership=m, category="relative", household_size=3,
                          household_income="2000", causes=["low_income", "illness"], opened_on=dt.date(2026, 1, 10))  # fmt: skip
    assert f.income_per_capita == Decimal("666.67")
    assert f.org_id == m.org_id and f.org_path == m.org_path
    assert f.file_no == f"KN2026{f.pk:07d}"
    assert sorted(f.causes.values_list("cause", flat=True)) == ["illness", "low_income"]
    assert AuditEntry.objects.filter(action="care.file.open", object_id=str(f.pk)).exists()


def test_one_open_file_per_person(tree: dict[str, Any], member: Any) -> None:
    m = member("T0003")
    kw = dict(category="deep", household_size=2, household_income="600", causes=["illness"])
    actions.file_open(user=tree["users"]["east_admin"], membership=m, **kw)
    with pytest.raises(ConflictError):
        actions.file_open(user=tree["users"]["east_admin"], membership=m, **kw)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        (
            {"causes": ["schooling"], "children_in_school": 0},
            "children_in_school",
        ),  # 子女上学 needs a child in school
        (
            {"children_in_school": 3, "household_size": 3},
            "children_in_school",
        ),  # the worker counts in the household
        ({"causes": []}, "causes"),
        ({"causes": ["bogus"]}, "causes"),
        ({"household_income": "-1"}, "household_income"),
        ({"household_size": 0}, "household_size"),
        ({"category": "rich"}, "category"),
    ],
)
def test_file_rules(tree: dict[str, Any], member: Any, kw: dict[str, Any], field: str) -> None:
    data = {
        "category": "deep",
        "household_size": 3,
        "household_income": "900",
        "causes": ["illness"],
        "children_in_school": 0,
        **kw,
    }
    with pytest.raises(ApplicationError) as e:
        actions.file_open(user=tree["users"]["east_admin"], membership=member("T0003"), **data)
    assert e.value.details["field"] == field


def test_review_once_a_year_and_relief_ends_file(tree: dict[str, Any], hardship: Any) -> None:
    f = hardship("T0003", opened_on=dt.date(2024, 5, 1))
    admin = tree["users"]["east_admin"]
    base = dict(category="relative", household_size=4, household_income="4000")
    actions.file_review(
        user=admin, file=f, year=2025, reviewed_on=dt.date(2025, 4, 1), outcome="keep", **base
    )
    f.refresh_from_db()
    assert f.category == "relative" and f.income_per_capita == Decimal("1000.00") and f.is_open
    with pytest.raises(ConflictError):
        actions.file_review(
            user=admin, file=f, year=2025, reviewed_on=dt.date(2025, 6, 1), outcome="keep", **base
        )
    with pytest.raises(ApplicationError):  # ending a file needs the reason
        actions.file_review(
            user=admin, file=f, year=2026, reviewed_on=dt.date(2026, 4, 1), outcome="relieved", **base
        )
    actions.file_review(
        user=admin,
        file=f,
        year=2026,
        reviewed_on=dt.date(2026, 4, 1),
        outcome="relieved",
        note="再就业",
        **base,
    )
    f.refresh_from_db()
    assert f.status == FileStatus.RELIEVED and f.ended_on == dt.date(2026, 4, 1)
    with pytest.raises(ApplicationError):  # an ended file is history
        actions.file_update(user=admin, file=f, causes=["illness"], **base)


def test_due_for_review(tree: dict[str, Any], hardship: Any) -> None:
    old = hardship("T0003", name="旧档", opened_on=dt.date(2024, 1, 5))
    hardship("T0003", name="新档", opened_on=dt.date(2026, 1, 5))
    qs = HardshipFile.objects.all()
    assert list(selectors.due_for_review(qs, 2026)) == [old]
    actions.file_review(user=tree["users"]["east_admin"], file=old, year=2026, reviewed_on=dt.date(2026, 2, 1), outcome="keep",
                        category="deep", household_size=4, household_income="1600")  # fmt: skip
    assert not selectors.due_for_review(qs, 2026).exists()


# --- eligibility and rounds ---------------------------------------------------------------


def _programme(
    tree: dict[str, Any], kind: str = "schooling", org: str = "T0002", amount: str = "1500"
) -> Any:
    return actions.programme_create(user=tree["users"]["east_admin"], org=tree["orgs"][org], name="2026年金秋助学", type=kind,
                                    year=2026, amount_per_person=amount, source="own")  # fmt: skip


def test_schooling_round_takes_open_files_with_a_child_in_school_in_its_subtree(
    tree: dict[str, Any], hardship: Any
) -> None:
    with_child = hardship("T0003", name="有学生", children=2)
    hardship("T0003", name="无学生", children=0)
    joint = hardship("T0004", name="联合有学生", children=1)
    hardship("T0006", name="西镇有学生", children=1)  # other township: not in the round's subtree
    ended = hardship("T0003", name="已脱困", children=1, opened_on=dt.date(2024, 1, 1))
    actions.file_review(user=tree["users"]["county_admin"], file=ended, year=2026, reviewed_on=dt.date(2026, 1, 2), outcome="relieved",
                        note="脱困", category="deep", household_size=4, household_income="9000")  # fmt: skip
    p = _programme(tree)
    assert set(selectors.eligible_files(p)) == {with_child, joint}


def test_medical_and_warmth_rules(tree: dict[str, Any], hardship: Any) -> None:
    ill = hardship("T0003", name="患病", causes=["illness"])
    hardship("T0003", name="失业", causes=["unemployment"])
    disabled = hardship("T0003", name="残疾", causes=["disability", "illness"])
    assert set(selectors.eligible_files(_programme(tree, "medical"))) == {ill, disabled}
    assert selectors.eligible_files(_programme(tree, "warmth")).count() == 3
    assert (
        selectors.eligible_files(_programme(tree, "medical")).count() == 2
    )  # no duplicate rows from two causes


def test_round_list_pay_and_summary(tree: dict[str, Any], hardship: Any) -> None:
    admin = tree["users"]["east_admin"]
    files = [hardship("T0003", name=f"学{i}", children=1) for i in range(3)]
    no_child = hardship("T0003", name="无学生")
    p = _programme(tree)
    with pytest.raises(ApplicationError):  # a file that does not meet the rule cannot be listed
        actions.programme_list_add(user=admin, programme=p, files=[no_child])
    assert actions.programme_list_add(user=admin, programme=p, files=files[:2]) == 2
    assert actions.programme_list_add(user=admin, programme=p) == 1  # the rest of the eligible
    assert not selectors.eligible_files(p).exists()
    entries = list(ProgrammeEntry.objects.filter(programme=p).order_by("id"))
    assert (
        actions.programme_pay(user=admin, programme=p, entries=entries[:2], paid_on=dt.date(2026, 9, 1)) == 2
    )
    with pytest.raises(ApplicationError):  # paid once only
        actions.programme_pay(user=admin, programme=p, entries=entries[:1], paid_on=dt.date(2026, 9, 2))
    s = selectors.programme_summary(p)
    assert (s["paid"], s["listed"], s["paid_amount"], s["listed_amount"]) == (
        2,
        1,
        Decimal("3000"),
        Decimal("1500"),
    )
    aid = Assistance.objects.filter(programme=p)
    assert (
        aid.count() == 2
        and {a.type for a in aid} == {"schooling"}
        and {a.amount for a in aid} == {Decimal("1500")}
    )
    actions.programme_close(user=admin, programme=p)
    assert ProgrammeEntry.objects.filter(programme=p, status=EntryStatus.WITHDRAWN).count() == 1
    with pytest.raises(ApplicationError):
        actions.programme_pay(user=admin, programme=p, entries=entries[2:], paid_on=dt.date(2026, 9, 3))


def test_aid_amounts_and_year_figures(tree: dict[str, Any], hardship: Any, member: Any) -> None:
    admin = tree["users"]["county_admin"]
    f = hardship("T0003")
    actions.aid_record(
        user=admin, file=f, type="medical", amount="2000.50", given_on=dt.date(2025, 5, 1), source="acftu"
    )
    actions.aid_record(
        user=admin, file=f, type="living", amount="499.50", given_on=dt.date(2025, 6, 1), source="own"
    )
    actions.aid_record(
        user=admin,
        membership=member("T0006"),
        type="warmth",
        amount="300",
        given_on=dt.date(2025, 1, 20),
        source="upper",
    )
    actions.aid_record(
        user=admin, file=f, type="living", amount="100", given_on=dt.date(2024, 6, 1), source="own"
    )
    with pytest.raises(ApplicationError):
        actions.aid_record(
            user=admin, file=f, type="living", amount="0", given_on=dt.date(2025, 6, 1), source="own"
        )
    root, east = tree["orgs"]["T0001"], tree["orgs"]["T0002"]
    assert selectors.year_figures(root, 2025)["assistance"] == {"people": 2, "amount_yuan": 2800}
    assert selectors.year_figures(east, 2025)["assistance"] == {"people": 1, "amount_yuan": 2500}
    r = selectors.report(root, 2025)
    by_type = {a["key"]: a["amount"] for a in r["aid"]["by_type"]}
    assert by_type["medical"] == Decimal("2000.50") and by_type["living"] == Decimal("499.50")
    by_source = {a["key"]: a["amount"] for a in r["aid"]["by_source"]}
    assert by_source["upper"] == Decimal("300")


# --- training -----------------------------------------------------------------------------


def _course(
    tree: dict[str, Any],
    *,
    org: str = "T0002",
    cost: str = "900",
    migrants: bool = True,
    start: dt.date = dt.date(2016, 4, 1),
) -> Any:
    return actions.course_create(user=tree["users"]["east_clerk"], org=tree["orgs"][org], title="电工培训", trade="电工", starts_on=start,
                                 ends_on=start + dt.timedelta(days=5), place="县城", provider="职校", cost=cost, for_migrants=migrants)  # fmt: skip


def test_cost_per_trainee_counts_those_who_did_not_drop(tree: dict[str, Any], member: Any) -> None:
    c = _course(tree)
    ms = [member("T0003", name=f"工{i}") for i in range(3)]
    assert actions.trainees_add(user=tree["users"]["east_clerk"], course=c, memberships=ms) == 3
    assert selectors.course_figures(c)["cost_per_trainee"] == Decimal("300.00")
    t = Trainee.objects.filter(course=c).first()
    actions.trainees_drop(user=tree["users"]["east_clerk"], course=c, trainees=[t])
    assert selectors.course_figures(c)["cost_per_trainee"] == Decimal("450.00")
    assert actions.cost_per_trainee(Decimal("270000"), 7000) == Decimal("38.57")
    assert actions.cost_per_trainee(Decimal("100"), 0) is None


def test_trainee_rules(tree: dict[str, Any], member: Any) -> None:
    clerk = tree["users"]["east_clerk"]
    c = _course(tree)
    with pytest.raises(ApplicationError, match="农民工"):  # 农民工专项 takes migrant workers only
        actions.trainees_add(user=clerk, course=c, memberships=[member("T0003", migrant=False)])
    with pytest.raises(ApplicationError):  # from the organiser's subtree only
        actions.trainees_add(user=clerk, course=c, memberships=[member("T0006")])
    m = member("T0004")
    actions.trainees_add(user=clerk, course=c, memberships=[m])
    with pytest.raises(ConflictError):
        actions.trainees_add(user=clerk, course=c, memberships=[m])
    t = Trainee.objects.get(course=c)
    assert t.org_path == m.org_path and t.is_migrant
    with pytest.raises(ApplicationError):  # completion not before the start
        actions.trainees_complete(user=clerk, course=c, items=[(t, "X")], completed_on=dt.date(2016, 3, 1))
    actions.trainees_complete(user=clerk, course=c, items=[(t, "HZ-001")], completed_on=dt.date(2016, 4, 6))
    t.refresh_from_db()
    assert (t.status, t.certificate_no) == (TraineeStatus.COMPLETED, "HZ-001")


def test_training_year_figures_and_by_year(tree: dict[str, Any], member: Any) -> None:
    clerk = tree["users"]["east_clerk"]
    a, b = _course(tree, cost="600"), _course(tree, cost="400.50")
    _course(tree, cost="999", start=dt.date(2017, 1, 2))
    actions.trainees_add(
        user=clerk, course=a, memberships=[member("T0003", name="甲"), member("T0003", name="乙")]
    )
    actions.trainees_add(user=clerk, course=b, memberships=[member("T0004", name="丙")])
    fig = selectors.year_figures(tree["orgs"]["T0001"], 2016)["training"]
    assert fig == {"courses": 2, "trainees": 3, "cost_yuan": 1000.5}
    rows = {r["year"]: r for r in selectors.training_by_year(tree["orgs"]["T0001"].path)}
    assert rows[2016]["cost_per_trainee"] == Decimal("333.50") and rows[2017]["trainees"] == 0
    assert selectors.year_figures(tree["orgs"]["T0005"], 2016)["training"] == {
        "courses": 0,
        "trainees": 0,
        "cost_yuan": 0,
    }


# --- model workers and the tree -----------------------------------------------------------


def test_model_worker_registry_is_its_own(tree: dict[str, Any], member: Any) -> None:
    m = member("T0003", is_model_worker=True)
    other = member("T0003", name="另一人", is_model_worker=True)
    prefix = tree["orgs"]["T0001"].path
    assert selectors.flagged_unregistered(prefix).count() == 2
    t = actions.title_register(
        user=tree["users"]["east_clerk"], membership=m, level="provincial", year=2015, title="云南省劳动模范"
    )
    actions.title_register(
        user=tree["users"]["east_clerk"], membership=m, level="county", year=2010, title="会泽县劳动模范"
    )
    assert list(selectors.flagged_unregistered(prefix)) == [other]
    levels = {r["level"]: r["people"] for r in selectors.model_workers_by_level(prefix)}
    assert levels["省部级"] == 1 and levels["县(区)级"] == 0  # counted once, at the highest level
    rec = actions.model_care_record(
        user=tree["users"]["east_clerk"], title=t, kind="visit", on=dt.date(2026, 2, 1), amount=""
    )
    assert rec.amount == 0
    with pytest.raises(ConflictError):
        actions.title_register(
            user=tree["users"]["east_clerk"],
            membership=m,
            level="provincial",
            year=2015,
            title="云南省劳动模范",
        )


def test_rows_follow_a_moved_subtree_and_a_merge(tree: dict[str, Any], hardship: Any, member: Any) -> None:
    from gonghui.orgs import actions as org_actions
    from gonghui.orgs.models import Org

    f = hardship("T0003")
    org_actions.org_move(
        user=tree["users"]["county_admin"],
        org=tree["orgs"]["T0003"],
        new_parent=Org.objects.get(code="T0005"),
    )
    f.refresh_from_db()
    assert f.org_path == Org.objects.get(code="T0003").path and f.org_path.startswith(
        Org.objects.get(code="T0005").path
    )
    t = actions.title_register(
        user=tree["users"]["county_admin"],
        membership=member("T0008"),
        level="county",
        year=2019,
        title="劳模",
    )
    hook_target = Org.objects.get(code="T0006")
    actions.org_merge_hook(Org.objects.get(code="T0008"), hook_target)
    t.refresh_from_db()
    assert ModelWorkerTitle.objects.get(pk=t.pk).org_path == hook_target.path
