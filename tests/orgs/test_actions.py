from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.models import AuditEntry
from gonghui.orgs import actions, selectors
from gonghui.orgs.models import Employer, EmployerSurvey, Org, OrgKind, OrgStatus

pytestmark = pytest.mark.django_db


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def test_create_assigns_region_code_sequence_and_audits(tree: dict[str, Any]) -> None:
    user = tree["users"]["east_admin"]
    new = actions.org_create(
        user=user, parent=org("T0002"), kind=OrgKind.GRASSROOTS, name="东镇新公司工会", region_code="530326"
    )
    assert new.code == "5303260001"
    again = actions.org_create(
        user=user, parent=org("T0002"), kind=OrgKind.GRASSROOTS, name="东镇另一公司工会", region_code="530326"
    )
    assert again.code == "5303260002"
    assert Org.objects.get_parent(new).code == "T0002"
    assert new.province_code == "53"
    entry = AuditEntry.objects.get(action="org.create", object_id=str(new.pk))
    assert entry.username == "east_admin" and entry.org_path == new.path


@pytest.mark.parametrize(
    ("parent", "kind"),
    [
        ("T0003", OrgKind.GRASSROOTS),
        ("T0002", OrgKind.TOWNSHIP_UNION),
        ("T0007", OrgKind.SYSTEM_UNION),
        ("T0002", OrgKind.COUNTY_FEDERATION),
    ],
)
def test_tree_shape_is_enforced(tree: dict[str, Any], parent: str, kind: str) -> None:
    with pytest.raises(ApplicationError) as e:
        actions.org_create(
            user=None, parent=org(parent), kind=kind, name="不该存在的工会", region_code="530326"
        )
    assert e.value.code == "kind_not_allowed"
    assert not Org.objects.filter(name="不该存在的工会").exists()


def test_create_rejects_bad_region_and_credit_code_and_duplicate_name(tree: dict[str, Any]) -> None:
    parent = org("T0002")
    with pytest.raises(ApplicationError) as e:
        actions.org_create(user=None, parent=parent, kind=OrgKind.GRASSROOTS, name="甲", region_code="990326")
    assert e.value.code == "region_code"
    with pytest.raises(ApplicationError) as e:
        actions.org_create(
            user=None,
            parent=parent,
            kind=OrgKind.GRASSROOTS,
            name="乙",
            region_code="530326",
            credit_code="81530326MC000000XX",
        )
    assert e.value.code == "credit_code"
    with pytest.raises(ConflictError):
        actions.org_create(
            user=None, parent=parent, kind=OrgKind.GRASSROOTS, name="东镇甲公司工会", region_code="530326"
        )


def test_update_records_changed_fields(tree: dict[str, Any]) -> None:
    o = actions.org_update(
        user=tree["users"]["east_admin"], org=org("T0003"), chair_name="王五", term_number=2
    )
    assert o.chair_name == "王五"
    entry = AuditEntry.objects.filter(action="org.update").latest("id")
    assert entry.changes == {"chair_name": ["", "王五"], "term_number": [None, 2]}
    with pytest.raises(ApplicationError):
        actions.org_update(user=None, org=o, term_start=dt.date(2025, 1, 1), term_end=dt.date(2024, 1, 1))


def test_move_subtree_rewrites_paths_below(tree: dict[str, Any]) -> None:
    employer = tree["employers"]["丙店"]  # area 东镇
    east, west = org("T0002"), org("T0005")
    joint = org("T0004")
    # a base union moves from 东镇 to 西镇
    moved = actions.org_move(user=tree["users"]["county_admin"], org=joint, new_parent=west)
    assert Org.objects.get_parent(moved).code == "T0005"
    assert moved.path.startswith(west.path)
    # a township with its children moves under the system union? not allowed by shape
    with pytest.raises(ApplicationError):
        actions.org_move(user=None, org=org("T0002"), new_parent=org("T0007"))
    with pytest.raises(ApplicationError) as e:
        actions.org_move(user=None, org=org("T0001"), new_parent=east)
    assert e.value.code == "move_root"
    # employers keep their area: the area path column follows the area org when it moves
    Employer.objects.filter(pk=employer.pk).update(area_org=joint, area_path=org("T0004").path)
    parent_of_east = org("T0001")
    assert parent_of_east


def test_move_township_rewrites_employer_area_paths(tree: dict[str, Any]) -> None:
    # give the county a second level to move into: a park union under the county, then move 东镇's base union there
    park = actions.org_create(
        user=None, parent=org("T0001"), kind=OrgKind.PARK_UNION, name="园区工会", region_code="530326"
    )
    jia = org("T0003")
    Employer.objects.filter(name="甲公司").update(area_org=jia, area_path=jia.path)
    actions.org_move(user=None, org=jia, new_parent=park)
    jia = org("T0003")
    assert Employer.objects.get(name="甲公司").area_path == jia.path
    assert jia.path.startswith(org(park.code).path)
    # the moved union no longer counts under 东镇
    assert selectors.subtree_orgs(org("T0002")).filter(code="T0003").count() == 0


def test_move_into_own_subtree_is_refused(tree: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError) as e:
        actions.org_move(user=None, org=org("T0002"), new_parent=org("T0002"))
    assert e.value.code in {"move_into_self", "kind_not_allowed"}


def test_dissolve_needs_children_gone_and_releases_employers(tree: dict[str, Any]) -> None:
    with pytest.raises(ApplicationError) as e:
        actions.org_dissolve(user=None, org=org("T0002"))
    assert e.value.code == "has_children"
    d = actions.org_dissolve(user=tree["users"]["county_admin"], org=org("T0004"), reason="企业关停")
    assert d.status == OrgStatus.DISSOLVED
    assert Employer.objects.get(name="乙店").union is None
    assert AuditEntry.objects.filter(action="org.dissolve", object_id=str(d.pk)).exists()
    with pytest.raises(ApplicationError):
        actions.org_dissolve(user=None, org=org("T0004"))
    with pytest.raises(ApplicationError):
        actions.org_create(
            user=None, parent=org("T0004"), kind=OrgKind.GRASSROOTS, name="x", region_code="530326"
        )


def test_merge_moves_employers_and_marks_source(tree: dict[str, Any]) -> None:
    src = actions.org_merge(user=tree["users"]["county_admin"], source=org("T0004"), target=org("T0003"))
    assert src.status == OrgStatus.MERGED and src.merged_into.code == "T0003"
    assert set(Employer.objects.filter(union__code="T0003").values_list("name", flat=True)) == {
        "甲公司",
        "乙店",
        "丙店",
    }
    with pytest.raises(ApplicationError):
        actions.org_merge(user=None, source=org("T0002"), target=org("T0008"))  # township into a base union


def test_merge_townships_moves_children(tree: dict[str, Any]) -> None:
    actions.org_merge(user=None, source=org("T0002"), target=org("T0005"))
    assert Org.objects.get_parent(org("T0003")).code == "T0005"
    assert Org.objects.get_parent(org("T0004")).code == "T0005"
    assert selectors.subtree_stats(org("T0005"))["grassroots_unions"] == 3


def test_survey_keeps_history_and_latest_on_employer(tree: dict[str, Any]) -> None:
    e = tree["employers"]["戊公司"]
    actions.employer_survey_record(user=None, employer=e, surveyed_on=dt.date(2025, 3, 1), operating_status="normal",
                                   employees=280, members=0, migrant_workers=200, migrant_members=0)  # fmt: skip
    actions.employer_survey_record(user=None, employer=e, surveyed_on=dt.date(2026, 3, 1), operating_status="normal",
                                   employees=310, members=12, migrant_workers=220, migrant_members=10)  # fmt: skip
    # an older survey entered late does not overwrite the latest figures
    actions.employer_survey_record(user=None, employer=e, surveyed_on=dt.date(2024, 3, 1), operating_status="normal",
                                   employees=250, members=0, migrant_workers=150, migrant_members=0)  # fmt: skip
    e.refresh_from_db()
    assert (e.employees, e.members, e.migrant_workers, e.migrant_members) == (310, 12, 220, 10)
    assert e.surveyed_on == dt.date(2026, 3, 1)
    assert EmployerSurvey.objects.filter(employer=e).count() == 3


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"employees": 10, "members": 11, "migrant_workers": 0, "migrant_members": 0}, "members"),
        ({"employees": 10, "members": 5, "migrant_workers": 11, "migrant_members": 0}, "migrant_workers"),
        ({"employees": 10, "members": 5, "migrant_workers": 8, "migrant_members": 6}, "migrant_members"),
        ({"employees": -1, "members": 0, "migrant_workers": 0, "migrant_members": 0}, "employees"),
    ],
)
def test_survey_facts_must_be_consistent(tree: dict[str, Any], facts: dict[str, int], field: str) -> None:
    with pytest.raises(ApplicationError) as e:
        actions.employer_survey_record(
            user=None,
            employer=tree["employers"]["戊公司"],
            surveyed_on=dt.date(2026, 1, 1),
            operating_status="normal",
            **facts,
        )
    assert e.value.details["field"] == field


def test_employer_credit_code_checked_and_unique(tree: dict[str, Any]) -> None:
    area = org("T0002")
    with pytest.raises(ApplicationError) as e:
        actions.employer_create(
            user=None,
            area_org=area,
            name="坏代码公司",
            region_code="530326",
            credit_code="91530326MA00000010",
        )
    assert e.value.code == "credit_code"
    taken = tree["employers"]["甲公司"].credit_code
    with pytest.raises(ConflictError):
        actions.employer_create(
            user=None, area_org=area, name="重复公司", region_code="530326", credit_code=taken
        )
    with pytest.raises(ApplicationError):  # a township can't cover an employer directly
        actions.employer_create(user=None, area_org=area, name="新公司", region_code="530326", union=area)
    from gonghui.core.ids import make_credit_code

    code = make_credit_code("A1530326MA0000001")
    ok = actions.employer_create(
        user=None, area_org=area, name="新公司", region_code="530326", credit_code=" " + code.lower() + " "
    )
    assert ok.credit_code == code


def test_coverage_rate_uses_the_denominator_setting(tree: dict[str, Any], settings: Any) -> None:
    # employees ≥ 25, surveyed: 甲公司 120 (covered), 丙店 30 (covered), 丁公司 60 (covered), 戊公司 300 (not), 第一中学 90 (covered)
    stats = selectors.subtree_stats(org("T0001"))
    assert (stats["coverage_covered"], stats["coverage_denominator"]) == (4, 5)
    assert stats["unionisation_rate"] == 0.8
    settings.GONGHUI_COVERAGE_MIN_EMPLOYEES = 1  # 乙店 (8) now counts too
    from gonghui.reports import counters

    counters.rebuild()  # the threshold is baked into the counters
    stats = selectors.subtree_stats(org("T0001"))
    assert (stats["coverage_covered"], stats["coverage_denominator"]) == (5, 6)
    west = selectors.subtree_stats(org("T0005"))
    assert west["employers"] == 2 and west["unionised_employers"] == 1


def test_gap_list_largest_first_and_filtered(tree: dict[str, Any]) -> None:
    area = org("T0002")
    for i, n in enumerate((5, 500, 50)):
        actions.employer_create(user=None, area_org=area, name=f"未建会{i}", region_code="530326")
        Employer.objects.filter(name=f"未建会{i}").update(employees=n)
    names = [e.name for e in selectors.gap_list(org("T0001"))]
    assert names[:3] == ["未建会1", "戊公司", "未建会2"]
    assert [e.name for e in selectors.gap_list(org("T0002"), min_employees=40)] == ["未建会1", "未建会2"]
    assert [e.name for e in selectors.gap_list(org("T0002"), q="未建会0")] == ["未建会0"]
