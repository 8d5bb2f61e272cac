from __future__ import annotations

import io
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from gonghui.core.models import AuditEntry
from gonghui.orgs.models import Employer, EmployerSurvey, Org, OrgStatus

pytestmark = pytest.mark.django_db


def test_tree_children_partial_and_search(login: Any) -> None:
    client = login("east_viewer")
    page = client.get("/orgs/").content.decode()
    assert "东镇甲公司工会" in page and "西镇" not in page
    part = client.get("/orgs/T0002/children/", HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith("<ul") and "东镇联合工会" in part and "<html" not in part
    found = client.get("/orgs/search/?q=联合").content.decode()
    assert "东镇联合工会" in found
    assert "西镇丁公司工会" not in client.get("/orgs/search/?q=丁公司").content.decode()
    assert "T0003" in client.get("/orgs/search/?q=T0003").content.decode()


def test_create_child_edit_move_dissolve_merge_through_pages(login: Any, tree: dict[str, Any]) -> None:
    client = login("county_admin")
    resp = client.post("/orgs/T0002/new/", {"kind": "grassroots", "name": "东镇新建工会", "org_form": "committee",
                                             "region_code": "530326", "full_time_staff": 0})  # fmt: skip
    assert resp.status_code == 302, resp.content.decode()[:2000]
    new = Org.objects.get(name="东镇新建工会")
    # a bad credit code comes back as a field error in Chinese, nothing saved
    resp = client.post(f"/orgs/{new.code}/edit/", {"name": "东镇新建工会", "org_form": "committee", "region_code": "530326",
                                                  "credit_code": "81530326MA0000000Z", "full_time_staff": 0})  # fmt: skip
    assert resp.status_code == 200 and "统一社会信用代码" in resp.content.decode()
    assert Org.objects.get(pk=new.pk).credit_code == ""
    resp = client.post(f"/orgs/{new.code}/move/", {"parent": "T0005"})
    assert resp.status_code == 302 and Org.objects.get_parent(Org.objects.get(pk=new.pk)).code == "T0005"
    resp = client.post(
        f"/orgs/{new.code}/merge/", {"target": "T0006", "ended_on": "2026-11-01", "confirm": "on"}
    )
    assert resp.status_code == 302 and Org.objects.get(pk=new.pk).status == OrgStatus.MERGED
    resp = client.post("/orgs/T0004/dissolve/", {"ended_on": "2026-11-01", "reason": "撤销", "confirm": "on"})
    assert resp.status_code == 302 and Org.objects.get(code="T0004").status == OrgStatus.DISSOLVED
    resp = client.post("/orgs/T0002/dissolve/", {"ended_on": "2026-11-01", "reason": "x", "confirm": "on"})
    assert resp.status_code == 200 and "下级工会" in resp.content.decode()  # still has T0003
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"org.create", "org.move", "org.merge", "org.dissolve"} <= actions


def test_union_admin_cannot_restructure_or_leave_scope(login: Any) -> None:
    client = login("east_admin")
    assert client.get("/orgs/T0003/move/").status_code == 403
    assert (
        client.post(
            "/orgs/T0003/dissolve/", {"ended_on": "2026-11-01", "reason": "x", "confirm": "on"}
        ).status_code
        == 403
    )
    assert client.get("/orgs/T0006/edit/").status_code == 404


def test_employer_create_survey_and_history(login: Any) -> None:
    client = login("east_clerk")
    resp = client.post("/employers/new/", {"name": "东镇新厂", "credit_code": "", "economic_type": "private", "industry": "C",
                                           "region_code": "530326", "area_org": "T0002", "union": ""})  # fmt: skip
    assert resp.status_code == 302
    e = Employer.objects.get(name="东镇新厂")
    assert e.union is None and e.area_org.code == "T0002"
    for day, n in (("2025-06-01", 40), ("2026-06-01", 55)):
        resp = client.post(f"/employers/{e.pk}/survey/", {"surveyed_on": day, "operating_status": "normal", "employees": n,
                                                          "members": 0, "migrant_workers": 30, "migrant_members": 0})  # fmt: skip
        assert resp.status_code == 302
    bad = client.post(f"/employers/{e.pk}/survey/", {"surveyed_on": "2026-07-01", "operating_status": "normal", "employees": 10,
                                                     "members": 20, "migrant_workers": 5, "migrant_members": 0})  # fmt: skip
    assert bad.status_code == 200 and "会员数" in bad.content.decode()
    assert EmployerSurvey.objects.filter(employer=e).count() == 2
    page = client.get(f"/employers/{e.pk}/").content.decode()
    assert "2025-06-01" in page and "2026-06-01" in page
    # the clerk can't put an employer under a union outside the township
    resp = client.post("/employers/new/", {"name": "越权厂", "economic_type": "private", "industry": "C", "region_code": "530326",
                                           "area_org": "T0005", "union": ""})  # fmt: skip
    assert resp.status_code == 200 and not Employer.objects.filter(name="越权厂").exists()


def test_gap_export_is_xlsx_scoped_and_formula_safe(login: Any, tree: dict[str, Any]) -> None:
    Employer.objects.filter(name="戊公司").update(name='=HYPERLINK("http://x")戊公司', address="+86 地址")
    client = login("county_admin")
    resp = client.get("/orgs/T0001/gaps.xlsx")
    assert resp.status_code == 200
    data = b"".join(resp.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["单位名称", "统一社会信用代码", "属地工会"]
    assert len(rows) == 2
    assert rows[1][0].startswith("'=") and rows[1][5].startswith("'+")
    assert AuditEntry.objects.filter(action="export.gaps").count() == 1
    # a township user exports only its own gaps (none in 东镇)
    east = login("east_clerk").get("/orgs/T0002/gaps.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(east.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert len(rows) == 1
    assert login("east_viewer").get("/orgs/T0002/gaps.xlsx").status_code == 403


def test_list_pages_have_a_fixed_query_count(
    login: Any, tree: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from gonghui.orgs import actions

    client = login("county_admin")
    client.get("/employers/")
    for i in range(60):
        actions.employer_create(user=None, area_org=Org.objects.get(code="T0002"), name=f"批量单位{i}", region_code="530326",
                                union=Org.objects.get(code="T0003") if i % 2 else None)  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/employers/").status_code == 200
        counts.append(len(ctx))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/employers/?page=2").status_code == 200
    assert len(ctx) == counts[0] <= 12
