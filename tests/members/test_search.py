"""The member list and search after issue 19: names match from their start (a surname or the full
name) by either plan, totals come from the counters or a capped count, and the union filter lists
the unions one level down."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gonghui.members import paging, scope, selectors
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db


def _names(c: Any, **params: str) -> list[str]:
    html = c.get("/members/", params).content.decode()
    return re.findall(r'<a href="/members/\d+/">([^<]+)</a>', html)


@pytest.fixture
def people(register: Any) -> dict[str, Any]:
    out = {}
    for code, name in [("T0003", "王芳"), ("T0003", "王小明"), ("T0003", "李王"), ("T0003", "汪芳"),
                       ("T0006", "王五"), ("T0006", "王六"), ("T0006", "王七"), ("T0008", "Anna Li")]:  # fmt: skip
        out[name] = register(code, name=name)
    return out


def test_a_name_matches_from_its_start(people, login):
    c = login("county_admin")
    assert sorted(_names(c, q="王")) == sorted(["王芳", "王小明", "王五", "王六", "王七"])
    assert _names(c, q="王芳") == ["王芳"]
    assert _names(c, q="芳") == []  # a given name alone is not a surname: no "contains" scan
    assert _names(c, q="Anna") == ["Anna Li"]
    m = people["汪芳"]
    assert _names(c, q=m.member_no) == ["汪芳"]  # numbers stay exact
    assert _names(c, q=m.form_no) == ["汪芳"]
    assert _names(c, q=m.member_no[:-1]) == []


def test_the_search_reads_the_membership_copy_of_the_name_in_scope(people, tree):
    """One plan: the name copied on the membership (its index), no person row; never out of scope."""
    user = tree["users"]["a_clerk"]  # T0003: 4 members; 5 persons named 王 in the register
    f = selectors.MemberFilters(q="王")
    qs = selectors.member_search(scope.scoped_memberships(user), f)
    assert sorted(m.person.name for m in qs) == ["王小明", "王芳"]
    ids_sql = str(qs.values_list("pk", flat=True).query)  # the page's first query: ids only
    assert "members_person" not in ids_sql and "SUBSTR" in ids_sql.upper()
    admin = tree["users"]["county_admin"]
    assert len(selectors.member_search(scope.scoped_memberships(admin), f)) == 5


def test_a_changed_name_is_found_by_its_new_form_only(register, tree, login):
    """Every membership of the person follows a name change, ended ones too (an edit, a former
    member joining again under a new name): the search finds the new name, not the old one; and
    `gonghui stats --verify` finds a copy that did not follow."""
    import datetime as dt

    from gonghui.members import actions, names
    from tests.members.conftest import new_id

    admin, number = tree["users"]["county_admin"], new_id()
    first = register("T0003", name="王芳", id_number=number)
    actions.membership_leave(user=admin, membership=first, on=dt.date.today())
    again = register("T0006", name="黄芳", id_number=number)  # the same person, a new name
    c = login("county_admin")
    assert _names(c, q="黄芳", status="all") == ["黄芳", "黄芳"] and _names(c, q="王", status="all") == []
    actions.person_update(user=admin, membership=again, name="陈芳", education="60")
    assert _names(c, q="陈", status="all") == ["陈芳", "陈芳"] and _names(c, q="黄", status="all") == []
    assert names.verify() == []
    Membership.objects.filter(pk=first.pk).update(name="王芳")  # a write that forgot the copy
    assert [(d["stored"], d["expected"]) for d in names.verify()] == [("王芳", "陈芳")]
    assert names.rebuild() == 1 and names.verify() == []


def test_the_list_total_comes_from_the_counters_and_matches_the_register(people, login, tree):
    c = login("east_clerk")
    html = c.get("/members/").content.decode()
    n = Membership.objects.filter(org_path__startswith=tree["orgs"]["T0002"].path, status="active").count()
    assert n == 4 and f"共 {n} 条" in html


def test_a_search_shows_its_newest_matches_up_to_the_cap(people):
    qs = selectors.member_search(Membership.objects.all(), selectors.MemberFilters(q="王"))
    page = paging.page_of(qs, 1, 2, cap=3)
    assert page.paginator.capped and page.paginator.count == 3 and page.paginator.num_pages == 2
    newest = [m.pk for m in qs][:3]
    assert [m.pk for m in page.object_list] == newest[:2]
    assert [m.pk for m in paging.page_of(qs, "2", 2, cap=3).object_list] == newest[2:3]
    whole = paging.page_of(qs, 1, 10)
    assert not whole.paginator.capped and whole.paginator.count == 5


def test_the_union_filter_lists_the_unions_one_level_down(people, login):
    html = login("county_admin").get("/members/").content.decode()
    options = re.findall(r'<option value="(T\d+)"', html)
    assert options == ["T0002", "T0005", "T0007"]
    html = login("county_admin").get("/members/", {"org": "T0006"}).content.decode()
    assert re.findall(r'<option value="(T\d+)"', html)[0] == "T0006"  # the one chosen, deeper
    assert sorted(_names(login("county_admin"), org="T0006")) == ["王七", "王五", "王六"]
    assert 'name="org"' not in login("a_clerk").get("/members/").content.decode()  # nothing below
