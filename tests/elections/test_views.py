"""The pages: each step as a form → one action → redirect, errors on the form, scope enforced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.elections import actions, formation
from gonghui.elections.models import Election, ElectionStatus, Formation, FormationStatus, Notification
from gonghui.orgs.models import Employer, Org
from tests.elections.conftest import new_id

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_formation_pages_from_request_to_approval(login: Any, tree: dict[str, Any]) -> None:
    c = login("west_admin")
    emp = tree["employers"]["戊公司"]
    r = c.get("/elections/formations/new/")
    assert r.status_code == 200 and "工会法第十一条" in r.content.decode()
    r = c.post("/elections/formations/new/", {"parent": "T0005", "name": "", "kind": "grassroots", "form": "committee",
                                               "region_code": "530326", "employers": [emp.pk], "term_years": 5})  # fmt: skip
    assert r.status_code == 200 and "必填" in r.content.decode() or "请填写" in r.content.decode()
    r = c.post("/elections/formations/new/", {"parent": "T0005", "name": "戊公司工会委员会", "kind": "grassroots", "form": "organiser",
                                               "region_code": "530326", "employers": [emp.pk], "term_years": 5, "chair_name": "王五"})  # fmt: skip
    f = Formation.objects.get(name="戊公司工会委员会")
    assert r.status_code == 302 and r["Location"] == f"/elections/formations/{f.pk}/"
    lines = "\n".join(f"职工{i} {new_id()}" for i in range(25))
    r = c.post(f"/elections/formations/{f.pk}/roster/", {"lines": lines})
    assert r.status_code == 302 and f.roster.count() == 25
    r = c.post(f"/elections/formations/{f.pk}/roster/", {"name": "坏号码", "id_number": "5303261980010100"})
    assert r.status_code == 200 and "公民身份号码" in r.content.decode() and f.roster.count() == 25
    page = c.get(f"/elections/formations/{f.pk}/").content.decode()
    assert "不能只选举组织员" in page  # 25 members: a committee is required
    assert new_id()[:4] in page and "**********" in page  # masked only
    r = c.post(f"/elections/formations/{f.pk}/submit/", follow=True)
    assert "不能只选举组织员" in r.content.decode()
    assert Formation.objects.get(pk=f.pk).status == FormationStatus.DRAFT
    r = c.post(f"/elections/formations/{f.pk}/edit/", {"name": "戊公司工会委员会", "kind": "grassroots", "form": "committee",
                                                        "region_code": "530326", "employers": [emp.pk], "term_years": 5})  # fmt: skip
    assert r.status_code == 302
    r = c.post(
        f"/elections/formations/{f.pk}/upload/",
        {"file": SimpleUploadedFile("请示.pdf", b"%PDF-1.4 signed request")},
    )
    assert r.status_code == 302
    r = c.post(f"/elections/formations/{f.pk}/submit/")
    assert Formation.objects.get(pk=f.pk).status == FormationStatus.SUBMITTED
    # the township admin holds REVIEW too, but the county approves here
    c = login("county_admin")
    assert "审批" in c.get(f"/elections/formations/{f.pk}/").content.decode()
    r = c.post(f"/elections/formations/{f.pk}/decide/", {"decision": "reject", "reason": "", "term_years": 5})
    assert r.status_code == 200 and "理由" in r.content.decode()
    r = c.post(
        f"/elections/formations/{f.pk}/decide/",
        {"decision": "approve", "reason": "", "term_years": 3, "founded_on": "2026-10-01"},
    )
    assert r.status_code == 302
    f = Formation.objects.get(pk=f.pk)
    org = Org.objects.get(pk=f.org_id)
    assert Employer.objects.get(pk=emp.pk).union_id == org.pk
    assert (org.term_number, org.term_end, org.founded_on) == (None, None, dt.date(2026, 10, 1))  # 筹建
    docs = {d.kind: d for d in org.documents.all()}
    assert set(docs) == {"request", "roster", "approval"}
    r = c.get(f"/elections/documents/{docs['request'].pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 signed request"
    assert r["X-Content-Type-Options"] == "nosniff"
    # the new union's own accounts see its documents; another township's do not
    login("east_admin")
    assert c.get(f"/elections/documents/{docs['approval'].pk}/").status_code == 404
    assert c.get(f"/elections/formations/{f.pk}/").status_code == 404


def test_only_the_upper_union_decides_an_election(login: Any, tree: dict[str, Any], members: Any) -> None:
    from gonghui.accounts.models import Role, User

    ms = members("T0003", 30)
    Org.objects.filter(code="T0003").update(term_number=1, term_end=TODAY + dt.timedelta(days=20))
    u = User(username="a_admin", org=tree["orgs"]["T0003"], role=Role.UNION_ADMIN)
    u.set_password("x-pass-1234")
    u.save()
    c = login("east_admin")
    r = c.post(
        "/elections/terms/T0003/election/",
        {"meeting_type": "delegates", "meeting_date": TODAY.isoformat(), "due": 30, "term_years": 5},
    )
    assert r.status_code == 200 and "会员大会" in r.content.decode()  # 30 members: a general meeting
    r = c.post(
        "/elections/terms/T0003/election/",
        {"meeting_type": "general", "meeting_date": TODAY.isoformat(), "due": 30, "term_years": 5},
    )
    e = Election.objects.get(org__code="T0003")
    assert r.status_code == 302
    assert (
        c.post(
            f"/elections/{e.pk}/posts/",
            {"committee": 3, "chair": 1, "vice_chair": 0, "audit": 3, "women": 0, "organiser": 0},
        ).status_code
        == 302
    )
    for m in ms[:4]:
        assert (
            c.post(
                f"/elections/{e.pk}/candidates/add/", {"post": "committee", "member_no": m.member_no}
            ).status_code
            == 302
        )
    r = c.post(f"/elections/{e.pk}/candidates/add/", {"post": "chair", "member_no": "NOPE"})
    assert r.status_code == 200 and "不是本会" in r.content.decode()
    c.post(f"/elections/{e.pk}/candidates/add/", {"post": "chair", "member_no": ms[0].member_no})
    for m in ms[10:13]:
        c.post(f"/elections/{e.pk}/candidates/add/", {"post": "audit", "member_no": m.member_no})
    c.post(f"/elections/{e.pk}/start/")
    assert Election.objects.get(pk=e.pk).status == ElectionStatus.SETUP  # 实到 not yet known: below quorum
    c.post(
        f"/elections/{e.pk}/edit/",
        {
            "meeting_type": "general",
            "meeting_date": TODAY.isoformat(),
            "due": 30,
            "present": 26,
            "term_years": 5,
            "publicity_start": (TODAY - dt.timedelta(days=7)).isoformat(),
        },
    )
    c.post(f"/elections/{e.pk}/start/")
    assert Election.objects.get(pk=e.pk).status == ElectionStatus.VOTING
    cands = sorted(actions.open_round(e.posts.get(kind="committee")).candidates.all(), key=lambda x: x.pk)
    r = c.post(
        f"/elections/{e.pk}/votes/",
        {
            "post": "committee",
            "ballots": 26,
            **{f"c{x.pk}": v for x, v in zip(cands, [25, 24, 20, 3], strict=True)},
        },
    )
    assert r.status_code == 302
    chair = actions.open_round(e.posts.get(kind="chair")).candidates.get()
    c.post(f"/elections/{e.pk}/votes/", {"post": "chair", "ballots": 26, f"c{chair.pk}": 25})
    audit = sorted(actions.open_round(e.posts.get(kind="audit")).candidates.all(), key=lambda x: x.pk)
    c.post(f"/elections/{e.pk}/votes/", {"post": "audit", "ballots": 26, **{f"c{x.pk}": 20 for x in audit}})
    c.post(f"/elections/{e.pk}/submit/")
    assert Election.objects.get(pk=e.pk).status == ElectionStatus.SUBMITTED
    # the union's own admin may not approve its own results: 403
    c.force_login(u)
    assert c.get(f"/elections/{e.pk}/").status_code == 200
    assert c.get(f"/elections/{e.pk}/decide/").status_code == 403
    assert c.post(f"/elections/{e.pk}/decide/", {"decision": "approve"}).status_code == 403
    c = login("east_reviewer")
    r = c.post(f"/elections/{e.pk}/decide/", {"decision": "approve", "reason": ""})
    assert r.status_code == 302 and Election.objects.get(pk=e.pk).status == ElectionStatus.APPROVED
    page = c.get(f"/elections/{e.pk}/").content.decode()
    assert "选举结果报告" in page and "批复" in page
    assert Org.objects.get(code="T0003").chair_name == ms[0].person.name


def test_terms_page_lists_overdue_and_due_in_scope(login: Any, tree: dict[str, Any]) -> None:
    Org.objects.filter(code="T0003").update(
        term_number=2, term_start=TODAY - dt.timedelta(days=1900), term_end=TODAY - dt.timedelta(days=5)
    )
    Org.objects.filter(code="T0004").update(
        term_number=1, term_start=TODAY - dt.timedelta(days=1000), term_end=TODAY + dt.timedelta(days=40)
    )
    Org.objects.filter(code="T0006").update(
        term_number=1, term_start=TODAY - dt.timedelta(days=1000), term_end=TODAY - dt.timedelta(days=5)
    )
    c = login("east_viewer")
    page = c.get("/elections/terms/").content.decode()
    assert "东镇甲公司工会" in page and "东镇联合工会" in page and "西镇丁公司工会" not in page
    assert "到期未换届" in page and "如贵会有不同规定，可由总工会管理员在系统设置中调整" in page
    assert "GONGHUI_" not in page and "待核实" not in page  # no setting names or jargon on screen
    page = c.get("/elections/terms/?show=overdue").content.decode()
    assert "东镇联合工会" not in page
    page = c.get("/elections/terms/?show=due&within=30").content.decode()
    assert "东镇联合工会" not in page and "东镇甲公司工会" not in page
    assert c.post("/elections/terms/notify/").status_code == 403  # a viewer
    c = login("east_admin")
    r = c.post("/elections/terms/notify/", follow=True)
    assert "提醒" in r.content.decode()
    assert (
        Notification.objects.filter(org__code="T0003").exists()
        and not Notification.objects.filter(org__code="T0006").exists()
    )
    page = c.get("/elections/notifications/").content.decode()
    assert "到期未换届" in page and "新" in page
    unread = Notification.objects.filter(recipient=tree["users"]["east_admin"], read_at__isnull=True)
    assert unread.count() == 2  # GET never writes (issue 12)
    assert c.get("/elections/notifications/read/").status_code == 405
    other = Notification.objects.create(recipient=tree["users"]["west_admin"], org=tree["orgs"]["T0006"],
                                        org_path=tree["orgs"]["T0006"].path, kind="x", key="x", message="西镇的提醒")  # fmt: skip
    r = c.post(
        "/elections/notifications/read/",
        {"n": [str(pk) for pk in unread.values_list("pk", flat=True)] + [str(other.pk)]},
    )
    assert r.status_code == 302
    assert not Notification.objects.filter(
        recipient=tree["users"]["east_admin"], read_at__isnull=True
    ).exists()
    other.refresh_from_db()
    assert other.read_at is None  # another account's note is untouched whatever ids are sent
    page = c.get("/elections/").content.decode()
    assert "到期未换届" in page


def test_term_request_pages(login: Any, tree: dict[str, Any]) -> None:
    Org.objects.filter(code="T0003").update(
        term_number=2, term_start=TODAY - dt.timedelta(days=1800), term_end=TODAY + dt.timedelta(days=10)
    )
    c = login("east_admin")
    r = c.post(
        "/elections/terms/T0003/request/",
        {"kind": "postpone", "proposed_date": (TODAY + dt.timedelta(days=400)).isoformat(), "reason": "旺季"},
    )
    assert r.status_code == 200 and "不超过 6 个月" in r.content.decode()
    new_end = TODAY + dt.timedelta(days=100)
    r = c.post(
        "/elections/terms/T0003/request/",
        {"kind": "postpone", "proposed_date": new_end.isoformat(), "reason": "旺季"},
    )
    assert r.status_code == 302
    req = Org.objects.get(code="T0003").term_requests.get()
    c = login("county_admin")
    assert c.post(f"/elections/term-requests/{req.pk}/decide/", {"decision": "approve"}).status_code == 302
    assert Org.objects.get(code="T0003").term_end == new_end


def test_documents_are_not_served_as_media(client: Any, login: Any, tree: dict[str, Any]) -> None:
    f = formation.formation_create(user=tree["users"]["west_admin"], parent=tree["orgs"]["T0005"], name="戊公司工会",
                                   employers=[tree["employers"]["戊公司"]])  # fmt: skip
    doc = formation.formation_upload_request(
        user=tree["users"]["west_admin"], formation=f, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
    )
    assert client.get(f"/media/{doc.file.name}").status_code in (302, 404)
    assert client.get(f"/elections/documents/{doc.pk}/").status_code == 302  # to the login page


def test_request_preview_is_generated_from_the_form(login: Any, tree: dict[str, Any]) -> None:
    f = formation.formation_create(user=tree["users"]["west_admin"], parent=tree["orgs"]["T0005"], name="戊公司工会",
                                   employers=[tree["employers"]["戊公司"]], request_text="第一段。\n第二段。")  # fmt: skip
    c = login("county_viewer")
    r = c.get(f"/elections/formations/{f.pk}/request.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF") and r["Content-Type"] == "application/pdf"
    assert login("east_admin").get(f"/elections/formations/{f.pk}/request.pdf").status_code == 404
    assert f.documents.count() == 0  # a preview files nothing
